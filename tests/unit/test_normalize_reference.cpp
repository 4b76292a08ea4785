// Conformance on real data: the 40 captures Rocky committed, normalized by
// its own Python pipeline, must come back byte-identical under the
// rocky-current profile, and so must live-like versions of them.

#include "live_like.hpp"
#include "support.hpp"

#include <fixturegen/io/file.hpp>
#include <fixturegen/json/document.hpp>
#include <fixturegen/normalize/normalizer.hpp>

#include <catch2/catch.hpp>

using namespace fixturegen;

namespace {

std::vector<std::filesystem::path> reference_captures(const std::filesystem::path& root) {
  auto files = io::list_json_files(root / "fixtures_generated");
  REQUIRE(files.has_value());
  REQUIRE(files->size() == 40);
  return *files;
}

normalize::CompiledRules rocky_current() {
  auto compiled = normalize::compile_rules(normalize::rocky_current_profile());
  REQUIRE(compiled.has_value());
  return std::move(*compiled);
}

}  // namespace

TEST_CASE("normalize::reference corpus re-normalizes byte-identically (rocky-current)") {
  const auto root = test::rocky_reference();
  if (!root) return;
  const auto rules = rocky_current();
  for (const auto& file : reference_captures(*root)) {
    INFO(file.string());
    const std::string original = test::read_text(file);
    auto normalized = normalize::normalize_text(original, rules);
    REQUIRE(normalized.has_value());
    CHECK(*normalized == original);
  }
}

TEST_CASE("normalize::live-like captures normalize back to the committed bytes") {
  const auto root = test::rocky_reference();
  if (!root) return;
  const auto rules = rocky_current();
  std::size_t variants_checked = 0;
  for (const auto& file : reference_captures(*root)) {
    const std::string original = test::read_text(file);
    json::Document doc;
    REQUIRE_FALSE(json::Document::parse(original, doc));
    for (std::uint32_t seed = 1; seed <= 6; ++seed) {
      const test::LiveLike live = test::make_live_like(doc.root(), seed);
      INFO(file.string() << " seed " << seed << " (" << live.description << ")");
      // The generator must really have changed something, or this test
      // proves nothing.
      REQUIRE(live.text != original);
      REQUIRE(live.changes > 0);
      auto normalized = normalize::normalize_text(live.text, rules);
      REQUIRE(normalized.has_value());
      CHECK(*normalized == original);
      ++variants_checked;
    }
  }
  CHECK(variants_checked == 240);
}
