// The lock file, its digests, sharding and sha256: what `status`, `--shard`
// and orphan removal rely on.

#include "support.hpp"

#include <fixturegen/core/sha256.hpp>
#include <fixturegen/regen/lock_file.hpp>
#include <fixturegen/regen/shard.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <numeric>
#include <set>

using namespace fixturegen;
using namespace fixturegen::regen;
namespace fs = std::filesystem;

TEST_CASE("core::sha256 matches the FIPS 180-4 test vectors") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  // A million 'a's, fed in uneven pieces across block boundaries.
  Sha256 hash;
  const std::string chunk(997, 'a');
  std::size_t left = 1'000'000;
  while (left > 0) {
    const std::size_t n = std::min(left, chunk.size());
    hash.update(std::string_view(chunk).substr(0, n));
    left -= n;
  }
  CHECK(hash.hex_digest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // Lengths around the padding boundary (55, 56, 64 bytes).
  CHECK(sha256_hex(std::string(55, 'x')) != sha256_hex(std::string(56, 'x')));
  CHECK(sha256_hex(std::string(64, 'a')) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

namespace {

LockFile sample_lock() {
  LockFile lock;
  lock.engine = "build/tests/double/rocky-double";
  LockedPoc poc;
  poc.name = "pocs/a";
  poc.input_digest = std::string(64, 'a');
  poc.engine_version = "rocky 1.74.0";
  poc.rules_digest = std::string(64, 'r');
  poc.duration_ms = 120;
  poc.captures.push_back({"a/compile.json", 2, "rocky compile --models models", 0, std::string(64, 'c')});
  poc.captures.push_back({"a/doctor.json", 3, "rocky doctor", 2, std::string(64, 'd')});
  lock.pocs.push_back(poc);
  return lock;
}

}  // namespace

TEST_CASE("regen::render_lock and parse_lock round-trip, deterministically") {
  const LockFile lock = sample_lock();
  const std::string text = render_lock(lock);
  CHECK(text == render_lock(lock));
  CHECK(text.ends_with("}\n"));
  auto parsed = parse_lock(text, "fixturegen.lock");
  REQUIRE(parsed.has_value());
  CHECK(render_lock(*parsed) == text);
  CHECK(parsed->engine == lock.engine);
  REQUIRE(parsed->find("pocs/a") != nullptr);
  CHECK(parsed->find("pocs/a")->captures[1].exit_code == 2);
  CHECK(parsed->find("pocs/b") == nullptr);
  CHECK(parsed->files() == std::vector<std::string>{"a/compile.json", "a/doctor.json"});
  LockFile with_earlier = lock;
  with_earlier.earlier_files = {"z.json", "a/compile.json"};
  auto reparsed = parse_lock(render_lock(with_earlier), "l");
  REQUIRE(reparsed.has_value());
  CHECK(reparsed->written_files() == std::vector<std::string>{"a/compile.json", "a/doctor.json", "z.json"});
}

TEST_CASE("regen::parse_lock refuses damaged files and files outside the output dir") {
  CHECK_THAT(parse_lock("not json", "out/fixturegen.lock").error().message,
             Catch::Contains("out/fixturegen.lock: not a fixturegen lock file"));
  CHECK_THAT(parse_lock("{\"fixturegen_lock\": 2}", "l").error().message, Catch::Contains("unknown lock file version"));
  CHECK_THAT(parse_lock("{\"fixturegen_lock\": 1, \"engine\": 3}", "l").error().message, Catch::Contains("malformed lock file"));
  LockFile lock = sample_lock();
  lock.pocs[0].captures[0].file = "../../etc/passwd.json";
  const auto refused = parse_lock(render_lock(lock), "l");
  REQUIRE_FALSE(refused.has_value());
  CHECK_THAT(refused.error().message, Catch::Contains("leaves the output dir"));
  CHECK(refused.error().code() == ExitCode::UsageError);
}

TEST_CASE("regen::settled_duration keeps the old value within ±50% or a second") {
  CHECK(settled_duration(0, 80) == 80);
  CHECK(settled_duration(4000, 5600) == 4000);
  CHECK(settled_duration(4000, 2800) == 4000);
  CHECK(settled_duration(4000, 6400) == 6400);
  CHECK(settled_duration(4000, 2400) == 2400);
  CHECK(settled_duration(100, 900) == 100);  // under a second apart: noise
  CHECK(settled_duration(100, 1200) == 1200);
}

TEST_CASE("regen::poc_input_digest covers every input file but the clean ones") {
  test::ScratchDir scratch;
  const fs::path dir = scratch.path() / "poc";
  fs::create_directories(dir / "models");
  test::write_text(dir / "capture.toml", "x");
  test::write_text(dir / "models" / "a.sql", "select 1");
  PocPlan plan;
  plan.dir = dir;
  plan.clean = {"poc.duckdb", "models/.rocky-state.redb", "state"};
  const std::string before = *poc_input_digest(plan);
  CHECK(before.size() == 64);
  // State files the plan cleans do not count.
  test::write_text(dir / "poc.duckdb", "db");
  test::write_text(dir / "models" / ".rocky-state.redb", "state");
  fs::create_directories(dir / "state" / "deep");
  test::write_text(dir / "state" / "deep" / "x", "state");
  CHECK(*poc_input_digest(plan) == before);
  // An input's bytes, name or a new file do.
  test::write_text(dir / "models" / "a.sql", "select 2");
  const std::string edited = *poc_input_digest(plan);
  CHECK(edited != before);
  fs::rename(dir / "models" / "a.sql", dir / "models" / "b.sql");
  CHECK(*poc_input_digest(plan) != edited);
}

TEST_CASE("regen::rules_digest changes with every setting") {
  const auto base = normalize::default_profile();
  const std::string digest = rules_digest(base);
  CHECK(digest == rules_digest(normalize::default_profile()));
  CHECK(digest != rules_digest(normalize::rocky_current_profile()));
  auto changed = base;
  changed.wall_clock_sentinel = "x";
  CHECK(rules_digest(changed) != digest);
  changed = base;
  changed.zero_suffixes.push_back("_ns");
  CHECK(rules_digest(changed) != digest);
}

TEST_CASE("regen::parse_shard") {
  CHECK(parse_shard("2/4")->index == 2);
  CHECK(parse_shard("2/4")->count == 4);
  for (const char* bad : {"0/4", "5/4", "1/0", "a/b", "1", "1/", "/2", "1/2/3", "-1/2"}) {
    INFO(bad);
    CHECK_FALSE(parse_shard(bad).has_value());
  }
}

TEST_CASE("regen::shard_pocs splits every POC exactly once, balanced, the same way every time") {
  const std::vector<std::string> names{"a", "b", "c", "d", "e", "f", "g"};
  const std::vector<std::int64_t> weights{700, 100, 100, 300, 300, 100, 100};
  std::multiset<std::size_t> seen;
  std::vector<std::int64_t> loads;
  for (std::size_t i = 1; i <= 3; ++i) {
    const auto mine = shard_pocs(names, weights, {i, 3});
    CHECK(std::is_sorted(mine.begin(), mine.end()));
    CHECK(mine == shard_pocs(names, weights, {i, 3}));
    std::int64_t load = 0;
    for (const auto poc : mine) {
      seen.insert(poc);
      load += weights[poc];
    }
    loads.push_back(load);
  }
  CHECK(seen == std::multiset<std::size_t>{0, 1, 2, 3, 4, 5, 6});
  // 1700 ms of work: the heaviest POC alone is 700, the others split the rest.
  CHECK(*std::max_element(loads.begin(), loads.end()) == 700);
  CHECK(shard_pocs(names, weights, {1, 1}).size() == names.size());
  // More shards than POCs: some are empty, none gets a POC twice.
  std::size_t total = 0;
  for (std::size_t i = 1; i <= 10; ++i) total += shard_pocs(names, weights, {i, 10}).size();
  CHECK(total == names.size());
}
