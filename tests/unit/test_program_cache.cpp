// The compiled-schema cache: a program read back from its bytes answers as
// the one compiled (every keyword family, both drafts, the engine's real
// schemas); damaged bytes and damaged entries are misses, never crashes;
// keys tell texts, URIs and options apart; pruning removes only the
// cache's own files. (The JSON-Schema-Test-Suite runner round-trips every
// suite schema too: tests/json_schema_test_suite.cpp.)

#include "json_test_support.hpp"

#include <fixturegen/core/build_id.hpp>
#include <fixturegen/core/fast_hash.hpp>
#include <fixturegen/io/file.hpp>
#include <fixturegen/json/document.hpp>
#include <fixturegen/schema/program_cache.hpp>
#include <fixturegen/schema/validator.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

using namespace fixturegen;
using schema::ProgramCache;
using schema::Validator;
using schema::ValidatorOptions;
using schema::Violation;
namespace fs = std::filesystem;

namespace {

std::shared_ptr<const json::Document> parse(std::string_view text) { return test::parse_document(text); }

Validator compile(std::string_view text, const ValidatorOptions& options = {}) {
  schema::SchemaStore store;
  auto compiled = Validator::compile(parse(text), "file:///schema.json", store, options);
  INFO(std::string(text));
  REQUIRE(compiled.has_value());
  return std::move(*compiled);
}

std::string describe(const Expected<std::vector<Violation>>& result) {
  if (!result) return "error: " + result.error().message;
  std::string out;
  for (const Violation& v : *result) {
    out += v.instance_pointer + " | " + v.schema_pointer + " | " + v.message + " | " +
           std::string(schema::kind_name(v.kind)) + "\n";
  }
  return out.empty() ? "valid" : out;
}

// Every instance gets the same answer from `original` and `again`.
void require_same_answers(const Validator& original, const Validator& again,
                          const std::vector<std::string>& instances) {
  for (const std::string& text : instances) {
    const auto instance = parse(text);
    INFO("instance " << text);
    const auto fast = original.is_valid(instance->root());
    const auto fast_again = again.is_valid(instance->root());
    REQUIRE(fast.has_value() == fast_again.has_value());
    if (fast) CHECK(*fast == *fast_again);
    CHECK(describe(original.validate(instance->root())) == describe(again.validate(instance->root())));
  }
}

Validator round_trip(const Validator& validator, const ValidatorOptions& options = {}) {
  const std::optional<std::string> bytes = validator.to_bytes();
  REQUIRE(bytes.has_value());
  std::optional<Validator> again = Validator::from_bytes(*bytes, options);
  REQUIRE(again.has_value());
  return std::move(*again);
}

// One schema that uses every draft-07 keyword family the program has.
constexpr std::string_view kDraft7Schema = R"({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "definitions": {
    "node": {"type": "object", "properties": {"next": {"$ref": "#/definitions/node"}, "v": {"type": "integer"}},
             "additionalProperties": false},
    "positive": {"exclusiveMinimum": 0}
  },
  "type": "object",
  "required": ["kind", "count"],
  "properties": {
    "kind": {"enum": ["run", "plan", "state"]},
    "count": {"type": "integer", "minimum": 0, "maximum": 1000, "multipleOf": 5},
    "ratio": {"type": "number", "exclusiveMaximum": 1.5, "allOf": [{"$ref": "#/definitions/positive"}]},
    "name": {"type": "string", "minLength": 2, "maxLength": 8, "pattern": "^[a-z_]+$", "format": "date-time"},
    "fixed": {"const": {"a": [1, 2.5, null, true]}},
    "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 3, "uniqueItems": true},
    "pair": {"type": "array", "items": [{"type": "integer"}, {"type": "string"}], "additionalItems": false},
    "some": {"type": "array", "contains": {"const": 7}},
    "meta": {"type": "object", "minProperties": 1, "maxProperties": 2, "propertyNames": {"pattern": "^m_"},
             "patternProperties": {"^m_n": {"type": "number"}}},
    "chain": {"$ref": "#/definitions/node"},
    "choice": {"oneOf": [{"type": "string"}, {"type": "integer", "minimum": 10}]},
    "either": {"anyOf": [{"type": "null"}, {"type": "boolean"}]},
    "never": {"not": {"type": "string"}},
    "cond": {"if": {"properties": {"t": {"const": "a"}}}, "then": {"required": ["a"]}, "else": {"required": ["b"]}},
    "deps": {"dependencies": {"x": ["y"], "z": {"required": ["w"]}}},
    "nothing": false
  },
  "additionalProperties": {"type": ["string", "number", "object", "array", "boolean", "null"]}
})";

const std::vector<std::string> kDraft7Instances = {
    R"({"kind": "run", "count": 10})",
    R"({"kind": "nope", "count": -3})",
    R"({"count": 7})",
    R"({"kind": "run", "count": 10, "ratio": 2, "name": "A1", "fixed": {"a": [1, 2.5, null, false]}})",
    R"({"kind": "run", "count": 10, "ratio": 0.5, "name": "ok_name", "fixed": {"a": [1.0, 2.5, null, true]}})",
    R"({"kind": "run", "count": 10, "tags": [], "pair": [1, "a", 3], "some": [1, 2]})",
    R"({"kind": "run", "count": 10, "tags": ["a", "a", "b", "c"], "pair": ["x"], "some": [7]})",
    R"({"kind": "run", "count": 10, "meta": {"m_n": "x", "other": 1, "m_z": 2}})",
    R"({"kind": "run", "count": 10, "chain": {"v": 1, "next": {"v": "two", "next": {"extra": 1}}}})",
    R"({"kind": "run", "count": 10, "choice": 3, "either": 1, "never": "s"})",
    R"({"kind": "run", "count": 10, "cond": {"t": "a"}, "deps": {"x": 1, "z": 2}, "nothing": 1})",
    R"({"kind": "run", "count": 10, "cond": {"t": "b", "b": 1}, "deps": {"x": 1, "y": 2}})",
    R"([1, 2, 3])",
};

// Whether this test binary can have a cache at all (a GNU build id): the
// cache tests say so and stop when not.
bool cache_possible() {
  if (build_id()) return true;
  WARN("this test binary has no GNU build id: the cache is off");
  return false;
}

// Stores `original` as the only entry of an empty `cache`; its path.
fs::path store_only_entry(const ProgramCache& cache, const std::string& text, const Validator& original) {
  cache.store(text, "file:///s.json", {}, original);
  fs::path entry;
  for (const auto& file : fs::directory_iterator(cache.entries_directory())) entry = file.path();
  REQUIRE_FALSE(entry.empty());
  return entry;
}

}  // namespace

TEST_CASE("ProgramCache: a draft-07 program read back from its bytes answers exactly as compiled", "[program_cache]") {
  const Validator original = compile(kDraft7Schema);
  const Validator again = round_trip(original);
  require_same_answers(original, again, kDraft7Instances);
  // And the bytes are stable: encoding the decoded program gives them again.
  CHECK(again.to_bytes() == original.to_bytes());
}

TEST_CASE("ProgramCache: 2020-12 programs (dynamic refs, unevaluated*, prefixItems) read back unchanged", "[program_cache]") {
  ValidatorOptions options;
  options.draft = schema::Draft::Draft2020_12;
  const Validator original = compile(R"({
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://example.com/tree",
    "$dynamicAnchor": "node",
    "type": "object",
    "properties": {"data": true, "children": {"type": "array", "items": {"$dynamicRef": "#node"}},
                   "tuple": {"prefixItems": [{"type": "integer"}], "items": false},
                   "counted": {"contains": {"type": "string"}, "minContains": 2, "maxContains": 3}},
    "dependentRequired": {"a": ["b"]},
    "dependentSchemas": {"c": {"required": ["d"]}},
    "unevaluatedProperties": false,
    "$defs": {"x": {"$anchor": "x", "unevaluatedItems": false}}
  })", options);
  const Validator again = round_trip(original, options);
  require_same_answers(original, again,
                       {R"({"data": 1})", R"({"children": [{"data": 1, "extra": 2}]})",
                        R"({"tuple": [1, 2], "counted": ["a", 1]})", R"({"counted": ["a", "b", "c", "d"]})",
                        R"({"a": 1, "c": 2, "zzz": 3})", R"({"a": 1, "b": 2, "c": 3, "d": 4})"});
}

TEST_CASE("ProgramCache: the engine's real schemas read back and judge the 40 reference captures alike", "[program_cache]") {
  const auto reference = test::rocky_reference();
  if (!reference) return;
  int programs = 0;
  for (const auto& entry : fs::directory_iterator(*reference / "schemas")) {
    const std::string text = test::read_text(entry.path());
    const Validator original = compile(text);
    const Validator again = round_trip(original);
    ++programs;
    std::vector<std::string> captures;
    for (const auto& capture : fs::recursive_directory_iterator(*reference / "fixtures_generated")) {
      if (capture.is_regular_file() && capture.path().extension() == ".json") {
        captures.push_back(test::read_text(capture.path()));
      }
    }
    require_same_answers(original, again, captures);
  }
  CHECK(programs >= 90);
}

TEST_CASE("ProgramCache: a program that reaches another document is not cacheable", "[program_cache]") {
  schema::SchemaStore store;
  store.add("file:///other.json", parse(R"({"type": "integer"})"));
  auto compiled = Validator::compile(parse(R"({"properties": {"a": {"$ref": "other.json"}}})"),
                                     "file:///main.json", store);
  REQUIRE(compiled.has_value());
  CHECK_FALSE(compiled->to_bytes().has_value());
}

TEST_CASE("ProgramCache: a schema whose draft comes from a custom metaschema is not cacheable", "[program_cache]") {
  // The metaschema's own `$schema` decides the draft (here: $ref siblings
  // ignored or not); its text is not in the cache key, so a cached program
  // would keep the old draft after the metaschema is edited.
  const auto schema = parse(R"({"$schema": "file:///meta.json", "$ref": "#/definitions/any", "type": "string",
                                "definitions": {"any": {}}})");
  const auto instance = parse("1");
  for (const char* draft : {"http://json-schema.org/draft-07/schema#", "https://json-schema.org/draft/2020-12/schema"}) {
    INFO(draft);
    schema::SchemaStore store;
    store.add("file:///meta.json", parse(std::string(R"({"$schema": ")") + draft + R"("})"));
    auto compiled = Validator::compile(schema, "file:///main.json", store);
    REQUIRE(compiled.has_value());
    CHECK(*compiled->is_valid(instance->root()) == (std::string_view(draft).find("draft-07") != std::string_view::npos));
    CHECK_FALSE(compiled->to_bytes().has_value());
  }
  // A known draft named directly reads no other document: cacheable.
  schema::SchemaStore store;
  auto known = Validator::compile(parse(R"({"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "string"})"),
                                  "file:///main.json", store);
  REQUIRE(known.has_value());
  CHECK(known->to_bytes().has_value());
}

TEST_CASE("ProgramCache: truncated or altered bytes read back as nothing or as a program that runs safely", "[program_cache]") {
  const Validator original = compile(kDraft7Schema);
  const std::string bytes = *original.to_bytes();
  // Every prefix is refused (the reader checks it consumed exactly all).
  for (std::size_t length = 0; length < bytes.size(); length += (length < 256 ? 1 : 7)) {
    INFO("prefix of " << length << " bytes");
    CHECK_FALSE(Validator::from_bytes(std::string_view(bytes).substr(0, length), {}).has_value());
  }
  CHECK_FALSE(Validator::from_bytes(bytes + "x", {}).has_value());
  // Single-byte changes: refused, or a program whose indices all point
  // where they may, so running it reads nothing out of bounds (ASan and
  // UBSan watch this in the sanitizer build).
  std::mt19937 random(20261129);
  const auto instance = parse(kDraft7Instances[3]);
  int refused = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string damaged = bytes;
    const std::size_t at = random() % damaged.size();
    damaged[at] = static_cast<char>(damaged[at] ^ static_cast<char>(1 + random() % 255));
    std::optional<Validator> read = Validator::from_bytes(damaged, {});
    if (!read) {
      ++refused;
      continue;
    }
    (void)read->is_valid(instance->root());
    (void)read->validate(instance->root());
  }
  CHECK(refused > 0);
}

TEST_CASE("Document::from_tape: a parsed tape reads back equal; malformed tapes are refused", "[program_cache]") {
  const auto document = parse(R"({"a": [1, -2, 3.5, "x\u00e9", null, true, false, {}, []], "b": {"c": 123456789012345678901234567890}})");
  const auto again = json::Document::from_tape(document->tape_nodes(), document->string_pool());
  REQUIRE(again.has_value());
  CHECK(json::json_equal(document->root(), again->root()));
  CHECK(again->node_count() == document->node_count());

  const std::string nodes(document->tape_nodes());
  const std::string strings(document->string_pool());
  auto refused = [&](std::string bad_nodes, std::string bad_strings) {
    return !json::Document::from_tape(bad_nodes, bad_strings).has_value();
  };
  CHECK(refused("", strings));                                   // no root
  CHECK(refused(nodes.substr(0, nodes.size() - 1), strings));    // not whole nodes
  CHECK(refused(nodes.substr(0, nodes.size() - 16), strings));   // the last node missing
  CHECK(refused(nodes, strings.substr(0, strings.size() / 2)));  // strings cut short
  CHECK(refused(nodes + nodes.substr(0, 16), strings));          // a second root
  // Each single byte of the node tape changed: refused, or still a tape
  // whose every read stays in bounds (emit walks all of it).
  int refused_count = 0;
  for (std::size_t at = 0; at < nodes.size(); ++at) {
    std::string damaged = nodes;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x41);
    const auto read = json::Document::from_tape(damaged, strings);
    if (!read) {
      ++refused_count;
      continue;
    }
    json::DocumentBuilder sink;
    CHECK(json::emit(read->root(), sink));
  }
  CHECK(refused_count > static_cast<int>(nodes.size() / 4));
}

TEST_CASE("ProgramCache: store then load hits; other text, URI or options miss", "[program_cache]") {
  if (!cache_possible()) return;
  test::ScratchDir dir;
  const ProgramCache cache(dir.path());
  REQUIRE(cache.enabled());
  const std::string text(kDraft7Schema);
  const Validator original = compile(text);
  CHECK_FALSE(cache.load(text, "file:///s.json", {}).has_value());
  cache.store(text, "file:///s.json", {}, original);
  std::optional<Validator> hit = cache.load(text, "file:///s.json", {});
  REQUIRE(hit.has_value());
  require_same_answers(original, *hit, kDraft7Instances);

  CHECK_FALSE(cache.load(text + " ", "file:///s.json", {}).has_value());
  CHECK_FALSE(cache.load(text, "file:///t.json", {}).has_value());
  ValidatorOptions formats;
  formats.check_formats = true;
  CHECK_FALSE(cache.load(text, "file:///s.json", formats).has_value());
  ValidatorOptions limit;
  limit.pattern_match_limit = 5;
  CHECK_FALSE(cache.load(text, "file:///s.json", limit).has_value());

  // Exactly one entry, named as the cache names them, no temp files left.
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir.path())) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  REQUIRE(files.size() == 1);
  CHECK(files[0].parent_path() == cache.entries_directory());
  CHECK(files[0].extension() == ".fgprog");
}

TEST_CASE("ProgramCache: a damaged, truncated or foreign entry is a miss, and the next store mends it", "[program_cache]") {
  if (!cache_possible()) return;
  test::ScratchDir dir;
  const ProgramCache cache(dir.path());
  const std::string text(kDraft7Schema);
  const Validator original = compile(text);
  const fs::path entry = store_only_entry(cache, text, original);
  const std::string good = test::read_text(entry);

  SECTION("a flipped byte in the payload") {
    std::string bad = good;
    bad[bad.size() / 2] = static_cast<char>(bad[bad.size() / 2] ^ 1);
    test::write_text(entry, bad);
  }
  SECTION("truncated") { test::write_text(entry, good.substr(0, good.size() - 10)); }
  SECTION("empty") { test::write_text(entry, ""); }
  SECTION("another entry's bytes under this name") {
    const Validator other = compile(R"({"type": "string"})");
    cache.store(R"({"type": "string"})", "file:///s.json", {}, other);
    fs::path other_entry;
    for (const auto& file : fs::directory_iterator(cache.entries_directory())) {
      if (file.path() != entry) other_entry = file.path();
    }
    test::write_text(entry, test::read_text(other_entry));
  }
  SECTION("a directory in its place") {
    fs::remove(entry);
    fs::create_directory(entry);
  }
  SECTION("a symlink to a good copy") {
    test::write_text(dir.path() / "copy", good);
    fs::remove(entry);
    fs::create_symlink(dir.path() / "copy", entry);
  }
  SECTION("written by another user") {
    if (::geteuid() != 0) {
      WARN("not root: cannot give the entry to another user");
      return;
    }
    REQUIRE(::chown(entry.c_str(), 65534, 65534) == 0);
  }
  CHECK_FALSE(cache.load(text, "file:///s.json", {}).has_value());
  if (fs::is_regular_file(fs::symlink_status(entry))) {
    cache.store(text, "file:///s.json", {}, original);
    CHECK(test::read_text(entry) == good);
    CHECK(cache.load(text, "file:///s.json", {}).has_value());
  }
}

TEST_CASE("ProgramCache: a FIFO in an entry's place is a miss, not a wait for a writer", "[program_cache]") {
  if (!cache_possible()) return;
  test::ScratchDir dir;
  const ProgramCache cache(dir.path());
  const std::string text(kDraft7Schema);
  const Validator original = compile(text);
  const fs::path entry = store_only_entry(cache, text, original);
  fs::remove(entry);
  REQUIRE(::mkfifo(entry.c_str(), 0644) == 0);
  auto loaded = std::async(std::launch::async, [&] { return cache.load(text, "file:///s.json", {}).has_value(); });
  if (loaded.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
    // Release the blocked open (a writer arrives and leaves) before failing.
    const int writer = ::open(entry.c_str(), O_WRONLY | O_NONBLOCK);
    if (writer >= 0) ::close(writer);
    FAIL("load() blocked opening a FIFO");
  }
  CHECK_FALSE(loaded.get());
  cache.store(text, "file:///s.json", {}, original);  // replaced by a real entry
  CHECK(fs::is_regular_file(fs::symlink_status(entry)));
  CHECK(cache.load(text, "file:///s.json", {}).has_value());
}

TEST_CASE("ProgramCache: a huge sparse file in an entry's place is refused by its header, not paged in", "[program_cache]") {
  if (!cache_possible()) return;
  test::ScratchDir dir;
  const ProgramCache cache(dir.path());
  const std::string text(kDraft7Schema);
  const Validator original = compile(text);
  const fs::path entry = store_only_entry(cache, text, original);
  // The good entry, extended with a 256 MiB hole: its header no longer
  // matches the file's size. Mapping it whole (MAP_POPULATE) would fault in
  // every page of the hole; this thread's page faults tell.
  constexpr std::uintmax_t kHuge = std::uintmax_t{256} << 20;
  fs::resize_file(entry, kHuge);
  rusage before {};
  REQUIRE(::getrusage(RUSAGE_THREAD, &before) == 0);
  CHECK_FALSE(cache.load(text, "file:///s.json", {}).has_value());
  rusage after {};
  REQUIRE(::getrusage(RUSAGE_THREAD, &after) == 0);
  CHECK(after.ru_minflt + after.ru_majflt - before.ru_minflt - before.ru_majflt < 100);
  fs::resize_file(entry, 0);
  fs::resize_file(entry, kHuge);  // all hole, no header at all
  CHECK_FALSE(cache.load(text, "file:///s.json", {}).has_value());
  cache.store(text, "file:///s.json", {}, original);
  CHECK(fs::file_size(entry) < kHuge);
  CHECK(cache.load(text, "file:///s.json", {}).has_value());
}

TEST_CASE("ProgramCache: a loaded program keeps answering when its entry is rewritten or cut in place", "[program_cache]") {
  if (!cache_possible()) return;
  // The cache itself only renames entries into place, but `cp` over the
  // cache directory (a CI cache restore), a cleaner or an editor writes
  // them in place while a run holds the program. A program that read its
  // tape from a mapping of the file died of SIGBUS once the file was cut.
  test::ScratchDir dir;
  const ProgramCache cache(dir.path());
  const std::string text(kDraft7Schema);
  const Validator original = compile(text);
  const fs::path entry = store_only_entry(cache, text, original);
  const std::string good = test::read_text(entry);
  std::optional<Validator> loaded = cache.load(text, "file:///s.json", {});
  REQUIRE(loaded.has_value());
  SECTION("cut to nothing") { fs::resize_file(entry, 0); }
  SECTION("overwritten in place by other bytes") {
    std::ofstream out(entry, std::ios::binary | std::ios::in | std::ios::out);
    out << std::string(good.size(), 'x');
  }
  require_same_answers(original, *loaded, kDraft7Instances);
}

TEST_CASE("ProgramCache: hand-made entries with a right digest are refused or run safely, tapes read in place", "[program_cache]") {
  if (!cache_possible()) return;
  // What a digest cannot catch: bytes changed by someone who recomputed it.
  // Through load(), so the documents read their tapes where the entry's
  // bytes lie (Document::view_tape), not the copying path from_bytes()
  // alone takes; ASan and UBSan watch the runs in the sanitizer build.
  test::ScratchDir dir;
  const ProgramCache cache(dir.path());
  const std::string text(kDraft7Schema);
  cache.store(text, "file:///s.json", {}, compile(text));
  fs::path entry;
  for (const auto& file : fs::directory_iterator(cache.entries_directory())) entry = file.path();
  const std::string good = test::read_text(entry);
  constexpr std::size_t kHeader = 8 + 16 + 8 + 8;  // magic, key, payload digest, payload size
  REQUIRE(good.size() > kHeader);
  const std::string payload = good.substr(kHeader);
  std::vector<std::shared_ptr<const json::Document>> instances;
  for (const std::string& instance : kDraft7Instances) instances.push_back(parse(instance));
  std::mt19937 random(1129);
  int refused = 0;
  int loaded = 0;
  for (int i = 0; i < 1500; ++i) {
    std::string damaged = payload;
    for (int flips = 1 + static_cast<int>(random() % 3); flips > 0; --flips) {
      const std::size_t at = random() % damaged.size();
      damaged[at] = static_cast<char>(damaged[at] ^ static_cast<char>(1 + random() % 255));
    }
    const std::uint64_t digest = fast_hash64(damaged);
    std::string bytes = good.substr(0, kHeader - 16);
    bytes.append(reinterpret_cast<const char*>(&digest), 8);
    bytes.append(good, kHeader - 8, 8);
    bytes += damaged;
    test::write_text(entry, bytes);
    const std::optional<Validator> read = cache.load(text, "file:///s.json", {});
    if (!read) {
      ++refused;
      continue;
    }
    ++loaded;
    for (const auto& instance : instances) {
      (void)read->is_valid(instance->root());
      (void)read->validate(instance->root());
    }
  }
  CHECK(refused > 0);
  CHECK(loaded > 0);
}

TEST_CASE("ProgramCache: writes only into directories of its own, not through a planted symlink", "[program_cache]") {
  if (!cache_possible()) return;
  test::ScratchDir dir;
  const ProgramCache cache(dir.path() / "cache");
  const fs::path elsewhere = dir.path() / "elsewhere";
  fs::create_directories(elsewhere / *build_id());
  const std::string text(kDraft7Schema);
  const Validator original = compile(text);
  SECTION("the build's directory is a symlink") {
    fs::create_directories(cache.entries_directory().parent_path());
    fs::create_directory_symlink(elsewhere, cache.entries_directory());
  }
  SECTION("programs/ is a symlink") {
    fs::create_directories(dir.path() / "cache");
    fs::create_directory_symlink(elsewhere, cache.entries_directory().parent_path());
  }
  SECTION("programs/ belongs to another user") {
    if (::geteuid() != 0) {
      WARN("not root: cannot give the directory to another user");
      return;
    }
    fs::create_directories(cache.entries_directory());
    REQUIRE(::chown(cache.entries_directory().parent_path().c_str(), 65534, 65534) == 0);
    cache.store(text, "file:///s.json", {}, original);
    CHECK(fs::is_empty(cache.entries_directory()));
    return;
  }
  cache.store(text, "file:///s.json", {}, original);
  CHECK(fs::is_empty(elsewhere / *build_id()));
  CHECK(std::distance(fs::directory_iterator(elsewhere), fs::directory_iterator()) == 1);  // the one made above
  CHECK_FALSE(cache.load(text, "file:///s.json", {}).has_value());
}

TEST_CASE("ProgramCache: an unusable directory costs only the compile", "[program_cache]") {
  test::ScratchDir dir;
  test::write_text(dir.path() / "file", "not a directory");
  const ProgramCache cache(dir.path() / "file" / "cache");
  const Validator original = compile(kDraft7Schema);
  cache.store(std::string(kDraft7Schema), "file:///s.json", {}, original);  // no throw, no error
  CHECK_FALSE(cache.load(std::string(kDraft7Schema), "file:///s.json", {}).has_value());
  CHECK_FALSE(ProgramCache().enabled());
  CHECK_FALSE(ProgramCache().load("{}", "file:///s.json", {}).has_value());
}

TEST_CASE("ProgramCache: a new build keeps three other builds' entries and removes only its own kind of files", "[program_cache]") {
  if (!cache_possible()) return;
  test::ScratchDir dir;
  const fs::path programs = dir.path() / "programs";
  const std::string entry_name = std::string(32, 'a') + ".fgprog";
  // Five older builds, oldest first; the oldest also holds a file the cache
  // did not write, and a directory with a non-build-id name.
  test::write_text(dir.path() / "target.txt", "not the cache's");
  std::vector<fs::path> builds;
  for (int i = 0; i < 5; ++i) {
    const fs::path build = programs / (std::string(40, static_cast<char>('0' + i)));
    fs::create_directories(build);
    test::write_text(build / entry_name, "old");
    test::write_text(build / (entry_name + ".tmp-1-2"), "old temp");
    if (i == 0) test::write_text(build / "notes.txt", "mine");
    // A symlink named like an entry: the cache never makes one.
    if (i == 1) fs::create_symlink(dir.path() / "target.txt", build / (std::string(32, 'b') + ".fgprog"));
    // Last: writing a file into a directory would make it the newest.
    fs::last_write_time(build, fs::file_time_type::clock::now() - std::chrono::hours(10 - i));
    builds.push_back(build);
  }
  fs::create_directories(programs / "not-a-build");
  test::write_text(programs / "not-a-build" / entry_name, "keep");

  const ProgramCache cache(dir.path());
  cache.store(std::string(kDraft7Schema), "file:///s.json", {}, compile(kDraft7Schema));

  CHECK(fs::exists(builds[0] / "notes.txt"));        // not ours: kept, so its directory stays
  CHECK_FALSE(fs::exists(builds[0] / entry_name));   // ours: removed
  CHECK_FALSE(fs::exists(builds[1] / entry_name));   // the second oldest: its entries removed,
  CHECK(fs::is_symlink(builds[1] / (std::string(32, 'b') + ".fgprog")));  // not the symlink
  CHECK(test::read_text(dir.path() / "target.txt") == "not the cache's");
  for (int i = 2; i < 5; ++i) CHECK(fs::exists(builds[static_cast<std::size_t>(i)] / entry_name));
  CHECK(fs::exists(programs / "not-a-build" / entry_name));
}

TEST_CASE("ProgramCache: from_environment reads FIXTUREGEN_CACHE_DIR, XDG_CACHE_HOME and HOME", "[program_cache]") {
  if (!cache_possible()) return;
  struct Restore {
    std::vector<std::pair<std::string, std::optional<std::string>>> saved;
    void set(const char* name, const char* value) {
      const char* before = std::getenv(name);
      saved.emplace_back(name, before ? std::optional<std::string>(before) : std::nullopt);
      if (value) ::setenv(name, value, 1);
      else ::unsetenv(name);
    }
    ~Restore() {
      for (auto it = saved.rbegin(); it != saved.rend(); ++it) {
        if (it->second) ::setenv(it->first.c_str(), it->second->c_str(), 1);
        else ::unsetenv(it->first.c_str());
      }
    }
  } env;
  env.set("FIXTUREGEN_CACHE_DIR", "off");
  CHECK_FALSE(ProgramCache::from_environment().enabled());
  env.set("FIXTUREGEN_CACHE_DIR", "");
  CHECK_FALSE(ProgramCache::from_environment().enabled());
  env.set("FIXTUREGEN_CACHE_DIR", "/tmp/fg-cache");
  CHECK(ProgramCache::from_environment().entries_directory() == fs::path("/tmp/fg-cache/programs") / *build_id());
  env.set("FIXTUREGEN_CACHE_DIR", nullptr);
  env.set("XDG_CACHE_HOME", "/xdg");
  CHECK(ProgramCache::from_environment().entries_directory() == fs::path("/xdg/fixturegen/programs") / *build_id());
  env.set("XDG_CACHE_HOME", nullptr);
  env.set("HOME", "/home/dev");
  CHECK(ProgramCache::from_environment().entries_directory() ==
        fs::path("/home/dev/.cache/fixturegen/programs") / *build_id());
  env.set("HOME", nullptr);
  CHECK_FALSE(ProgramCache::from_environment().enabled());
}

TEST_CASE("Document: copies and moves keep reading the right storage (short string pools, tapes read in place)", "[program_cache]") {
  // A pool of a few bytes lives inside the std::string itself: a move that
  // kept the old view would read the moved-from object.
  json::Document small;
  REQUIRE_FALSE(json::Document::parse(R"({"k": "v"})", small).has_value());
  json::Document moved = std::move(small);
  CHECK(moved.root().find("k")->as_string() == "v");
  json::Document copied = moved;
  moved = json::Document();
  CHECK(copied.root().find("k")->as_string() == "v");
  json::Document assigned;
  assigned = copied;
  copied = std::move(assigned);
  CHECK(copied.root().find("k")->as_string() == "v");

  // In place: the copy shares the owner of the bytes and outlives the original.
  const auto source = parse(R"({"name": "a longer string than the small-string buffer", "n": [1, 2]})");
  auto bytes = std::make_shared<std::string>();
  const std::string_view nodes_view = source->tape_nodes();
  // std::string's buffer comes from operator new: aligned for the tape.
  bytes->append(nodes_view);
  bytes->append(source->string_pool());
  const std::string_view all(*bytes);
  std::optional<json::Document> in_place =
      json::Document::view_tape(all.substr(0, nodes_view.size()), all.substr(nodes_view.size()), bytes);
  REQUIRE(in_place.has_value());
  CHECK(in_place->tape_nodes().data() == bytes->data());  // not copied
  json::Document kept = *in_place;
  in_place.reset();
  bytes.reset();  // the document holds the last reference
  CHECK(json::json_equal(kept.root(), source->root()));
  // Misaligned tapes are refused (from_tape copies those instead).
  auto misaligned = std::make_shared<std::string>(" " + std::string(nodes_view));
  CHECK_FALSE(json::Document::view_tape(std::string_view(*misaligned).substr(1), source->string_pool(), misaligned));
  CHECK_FALSE(json::Document::view_tape(nodes_view, source->string_pool(), nullptr));
}

TEST_CASE("ProgramCache: a settled schema file is found by its identity; any write or a fresh file is not", "[program_cache]") {
  if (!cache_possible()) return;
  test::ScratchDir dir;
  const ProgramCache cache(dir.path() / "cache");
  const fs::path file = dir.path() / "run.schema.json";
  const std::string text(kDraft7Schema);
  test::write_text(file, text);
  const Validator original = compile(text);

  CHECK_FALSE(ProgramCache::identify(dir.path()).has_value());  // a directory
  CHECK_FALSE(ProgramCache::identify(dir.path() / "missing.json").has_value());
  std::optional<ProgramCache::FileIdentity> fresh = ProgramCache::identify(file);
  REQUIRE(fresh.has_value());
  CHECK(fresh->size == text.size());

  // Just written: not remembered (a write in the same timestamp tick could
  // follow unseen); the text's key is the way in.
  cache.remember_file(*fresh, "file:///s.json", {}, original);
  CHECK_FALSE(cache.load_by_file(*fresh, "file:///s.json", {}).has_value());

  // The same file as if it had been settled for a minute (its times moved
  // back by hand: the identity is what the cache sees).
  ProgramCache::FileIdentity settled = *fresh;
  settled.modified_ns -= 60'000'000'000;
  settled.changed_ns -= 60'000'000'000;
  cache.remember_file(settled, "file:///s.json", {}, original);
  std::optional<Validator> hit = cache.load_by_file(settled, "file:///s.json", {});
  REQUIRE(hit.has_value());
  require_same_answers(original, *hit, kDraft7Instances);

  // Any part of the identity, the URI or the options differing: a miss.
  for (int field = 0; field < 5; ++field) {
    ProgramCache::FileIdentity other = settled;
    std::uint64_t* fields[] = {&other.device, &other.inode, &other.size,
                               reinterpret_cast<std::uint64_t*>(&other.modified_ns),
                               reinterpret_cast<std::uint64_t*>(&other.changed_ns)};
    ++*fields[field];
    INFO("field " << field);
    CHECK_FALSE(cache.load_by_file(other, "file:///s.json", {}).has_value());
  }
  CHECK_FALSE(cache.load_by_file(settled, "file:///t.json", {}).has_value());
  ValidatorOptions formats;
  formats.check_formats = true;
  CHECK_FALSE(cache.load_by_file(settled, "file:///s.json", formats).has_value());
  // A file replaced by another (an editor's save, a git checkout) has a new
  // inode: a new identity. (A write in place changes the change time, but
  // within one kernel timestamp tick it may not: hence the settling rule.)
  test::write_text(dir.path() / "new.json", text);
  fs::rename(dir.path() / "new.json", file);
  const std::optional<ProgramCache::FileIdentity> replaced = ProgramCache::identify(file);
  REQUIRE(replaced.has_value());
  CHECK(replaced->inode != fresh->inode);
  // The text's key and the file's key never name the same entry.
  CHECK_FALSE(cache.load(text, "file:///s.json", {}).has_value());
}
