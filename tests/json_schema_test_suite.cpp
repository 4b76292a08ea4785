// Runs the official JSON-Schema-Test-Suite against fixturegen's validator.
//
//   FIXTUREGEN_JSON_SCHEMA_TEST_SUITE=/path/to/JSON-Schema-Test-Suite json_schema_test_suite [--verbose]
//
// Required tests of draft7 (tests/draft7/*.json) gate: fewer passes than
// kDraft7Floor fail the run. draft2020-12 and draft7's optional format tests
// (run with format checking on) are reported only. Remote references
// (http://localhost:1234/...) are served from the suite's remotes/ folder.
// Exit codes: 0 pass, 1 failure or misconfiguration, 77 skipped (no suite).

#include <fixturegen/io/file.hpp>
#include <fixturegen/json/document.hpp>
#include <fixturegen/schema/validator.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fs = std::filesystem;
using namespace fixturegen;

namespace {

// Every required draft-07 test passes; keep it that way.
constexpr int kDraft7Floor = 927;

struct Counts {
  int passed = 0;
  int failed = 0;
};

// Every compiled schema also goes through the compiled-schema cache's bytes
// (Validator::to_bytes / from_bytes) and must answer every test exactly as
// the original: same verdict, same violations (pointers, messages, kinds).
// Any difference fails the run, whichever suite it is in.
struct RoundTrip {
  int schemas = 0;
  int not_cacheable = 0;  // reaches a second document: never cached
  int mismatches = 0;
};
RoundTrip g_round_trip;

bool same_violations(const std::vector<schema::Violation>& a, const std::vector<schema::Violation>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].instance_pointer != b[i].instance_pointer || a[i].schema_pointer != b[i].schema_pointer ||
        a[i].message != b[i].message || a[i].kind != b[i].kind) {
      return false;
    }
  }
  return true;
}

// Whether `again` answers `data` exactly as `original`.
bool same_answers(const schema::Validator& original, const schema::Validator& again, json::Value data) {
  const auto fast = original.is_valid(data);
  const auto fast_again = again.is_valid(data);
  if (fast.has_value() != fast_again.has_value()) return false;
  if (fast && *fast != *fast_again) return false;
  if (!fast && fast.error().message != fast_again.error().message) return false;
  const auto full = original.validate(data);
  const auto full_again = again.validate(data);
  if (full.has_value() != full_again.has_value()) return false;
  if (!full) return full.error().message == full_again.error().message;
  return same_violations(*full, *full_again);
}

std::shared_ptr<const json::Document> parse_file(const fs::path& path) {
  auto text = io::read_file(path);
  if (!text) return nullptr;
  auto document = std::make_shared<json::Document>();
  if (json::Document::parse(*text, *document)) return nullptr;
  return document;
}

// A value of one document as a document of its own (what compile() takes).
std::shared_ptr<const json::Document> extract(json::Value value) {
  json::DocumentBuilder builder;
  json::emit(value, builder);
  return std::make_shared<json::Document>(builder.take());
}

schema::SchemaStore make_store(const fs::path& remotes) {
  schema::SchemaStore store;
  auto cache = std::make_shared<std::map<std::string, std::shared_ptr<const json::Document>, std::less<>>>();
  auto lock = std::make_shared<std::mutex>();
  store.set_loader([remotes, cache, lock](std::string_view uri) -> std::shared_ptr<const json::Document> {
    constexpr std::string_view prefix = "http://localhost:1234/";
    if (!uri.starts_with(prefix)) return nullptr;
    const std::lock_guard<std::mutex> guard(*lock);
    if (const auto found = cache->find(uri); found != cache->end()) return found->second;
    const fs::path path = remotes / fs::path(std::string(uri.substr(prefix.size())));
    auto document = fs::is_regular_file(path) ? parse_file(path) : nullptr;
    cache->emplace(std::string(uri), document);
    return document;
  });
  return store;
}

Counts run_file(const fs::path& file, const std::string& label, const schema::SchemaStore& store,
                const schema::ValidatorOptions& options, bool verbose) {
  Counts counts;
  const auto document = parse_file(file);
  if (!document) {
    std::printf("%s: cannot read or parse\n", label.c_str());
    counts.failed = 1;
    return counts;
  }
  for (const json::Value group : document->root().elements()) {
    const auto description = group.find("description");
    const auto schema_value = group.find("schema");
    const auto tests = group.find("tests");
    if (!schema_value || !tests) continue;
    const std::string group_name = description ? std::string(description->as_string()) : "?";
    auto validator = schema::Validator::compile(extract(*schema_value), "", store, options);
    std::optional<schema::Validator> read_back;
    if (validator) {
      if (const std::optional<std::string> bytes = validator->to_bytes()) {
        ++g_round_trip.schemas;
        read_back = schema::Validator::from_bytes(*bytes, options);
        if (!read_back) {
          ++g_round_trip.mismatches;
          std::printf("  CACHE %s | %s: the cached bytes do not read back\n", label.c_str(), group_name.c_str());
        }
      } else {
        ++g_round_trip.not_cacheable;
      }
    }
    for (const json::Value test : tests->elements()) {
      const auto test_description = test.find("description");
      const auto data = test.find("data");
      const auto valid = test.find("valid");
      if (!data || !valid) continue;
      const bool expected = valid->as_bool();
      bool ok = false;
      std::string detail;
      if (read_back && !same_answers(*validator, *read_back, *data)) {
        ++g_round_trip.mismatches;
        std::printf("  CACHE %s | %s | %s: the program read back from cache bytes answers differently\n",
                    label.c_str(), group_name.c_str(),
                    test_description ? std::string(test_description->as_string()).c_str() : "?");
      }
      if (!validator) {
        detail = "compile error: " + validator.error().message;
      } else {
        const auto fast_result = validator->is_valid(*data);
        const auto violations_result = validator->validate(*data);
        if (!fast_result || !violations_result) {
          detail = "undecided: " + (fast_result ? violations_result.error() : fast_result.error()).message;
        }
        const bool fast = fast_result && *fast_result;
        const std::vector<schema::Violation> violations =
            violations_result ? *violations_result : std::vector<schema::Violation>();
        ok = fast_result && violations_result && fast == expected && violations.empty() == expected;
        if (!ok && detail.empty()) {
          detail = "expected " + std::string(expected ? "valid" : "invalid") + ", is_valid=" +
                   (fast ? "true" : "false") + ", violations=" + std::to_string(violations.size());
          if (!violations.empty()) detail += " (first: " + violations.front().message + ")";
        }
      }
      if (ok) {
        ++counts.passed;
      } else {
        ++counts.failed;
        if (verbose) {
          std::printf("  FAIL %s | %s | %s: %s\n", label.c_str(), group_name.c_str(),
                      test_description ? std::string(test_description->as_string()).c_str() : "?",
                      detail.c_str());
        }
      }
    }
  }
  return counts;
}

Counts run_directory(const fs::path& root, const std::string& draft, const fs::path& directory,
                     const schema::SchemaStore& store, const schema::ValidatorOptions& options,
                     bool verbose) {
  Counts total;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    const std::string label = fs::relative(file, root / "tests").generic_string();
    const Counts counts = run_file(file, label, store, options, verbose);
    if (verbose || counts.failed > 0) {
      std::printf("%s: %d passed, %d failed\n", label.c_str(), counts.passed, counts.failed);
    }
    total.passed += counts.passed;
    total.failed += counts.failed;
  }
  (void)draft;
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  bool verbose = false;
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--verbose" || std::string_view(argv[i]) == "-v") verbose = true;
  }
  const char* env = std::getenv("FIXTUREGEN_JSON_SCHEMA_TEST_SUITE");
  if (env == nullptr || *env == '\0') {
    std::printf("skipped: FIXTUREGEN_JSON_SCHEMA_TEST_SUITE is not set\n");
    return 77;
  }
  const fs::path root(env);
  if (!fs::is_directory(root / "tests" / "draft7")) {
    std::fprintf(stderr, "error: FIXTUREGEN_JSON_SCHEMA_TEST_SUITE=%s has no tests/draft7 folder\n", env);
    return 1;
  }
  const schema::SchemaStore store = make_store(root / "remotes");

  schema::ValidatorOptions draft7;
  const Counts required7 = run_directory(root, "draft7", root / "tests" / "draft7", store, draft7, verbose);

  Counts format7;
  if (fs::is_directory(root / "tests" / "draft7" / "optional" / "format")) {
    schema::ValidatorOptions formats = draft7;
    formats.check_formats = true;
    format7 = run_directory(root, "draft7", root / "tests" / "draft7" / "optional" / "format", store,
                            formats, verbose);
  }

  // The other optional draft-07 files (bignum, ECMA-262 regexes, ids, ...).
  Counts optional7;
  if (fs::is_directory(root / "tests" / "draft7" / "optional")) {
    optional7 = run_directory(root, "draft7", root / "tests" / "draft7" / "optional", store, draft7,
                              verbose);
  }

  Counts required2020;
  const fs::path dir2020 = root / "tests" / "draft2020-12";
  if (fs::is_directory(dir2020)) {
    schema::ValidatorOptions options;
    options.draft = schema::Draft::Draft2020_12;
    required2020 = run_directory(root, "draft2020-12", dir2020, store, options, verbose);
  }

  std::printf("draft7 optional/format (check_formats on, not gating): %d passed, %d failed\n",
              format7.passed, format7.failed);
  std::printf("draft7 optional, other (not gating): %d passed, %d failed\n", optional7.passed,
              optional7.failed);
  std::printf("draft2020-12: %d passed, %d failed\n", required2020.passed, required2020.failed);
  std::printf("draft7: %d passed, %d failed\n", required7.passed, required7.failed);
  std::printf("%d passed, %d failed\n", required7.passed, required7.failed);
  std::printf("cache round trip: %d schemas read back from their bytes, %d not cacheable (reach another "
              "document), %d answered differently\n",
              g_round_trip.schemas, g_round_trip.not_cacheable, g_round_trip.mismatches);
  if (g_round_trip.mismatches > 0 || g_round_trip.schemas == 0) {
    std::fprintf(stderr, "error: the compiled-schema cache's round trip changed answers\n");
    return 1;
  }
  if (required7.passed < kDraft7Floor) {
    std::fprintf(stderr, "error: draft7 passed %d, below the floor of %d\n", required7.passed,
                 kDraft7Floor);
    return 1;
  }
  return 0;
}
