// JSON read -> normalize -> write. Properties (beyond "no crash, no leak"):
//  - what the writer produces re-reads to the same value, and writing that
//    again gives the same bytes;
//  - normalizing is idempotent: normalize(normalize(x)) == normalize(x),
//    under the default profile and under rocky-current;
//  - normalized output is itself a valid document.
#include "fuzz_check.hpp"

#include <fixturegen/json/document.hpp>
#include <fixturegen/json/python_writer.hpp>
#include <fixturegen/normalize/normalizer.hpp>
#include <fixturegen/normalize/rules.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using namespace fixturegen;

const normalize::CompiledRules& rules(bool rocky_current) {
  static const normalize::CompiledRules default_rules = *normalize::compile_rules(normalize::default_profile());
  static const normalize::CompiledRules rocky_rules = *normalize::compile_rules(normalize::rocky_current_profile());
  return rocky_current ? rocky_rules : default_rules;
}

void check_round_trip(std::string_view text) {
  json::Document document;
  if (json::Document::parse(text, document)) return;  // refused: fine, as long as nothing broke
  const std::string written = json::to_python_json(document.root());
  json::Document reread;
  const auto error = json::Document::parse(written, reread);
  FUZZ_CHECK(!error, written);
  FUZZ_CHECK(json::json_equal(document.root(), reread.root()), written);
  FUZZ_CHECK(json::to_python_json(reread.root()) == written, written);
}

void check_idempotent(std::string_view text, bool rocky_current) {
  const auto once = normalize::normalize_text(text, rules(rocky_current));
  if (!once) return;
  json::Document document;
  FUZZ_CHECK(!json::Document::parse(*once, document), *once);
  const auto twice = normalize::normalize_text(*once, rules(rocky_current));
  FUZZ_CHECK(twice.has_value(), *once);
  FUZZ_CHECK(*twice == *once, *once + "\n---- normalized again ----\n" + *twice);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_round_trip(text);
  check_idempotent(text, false);
  check_idempotent(text, true);
  return 0;
}
