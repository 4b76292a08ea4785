// Rules files (docs/normalize-rules.md): any text is parsed or refused with
// a message; rules that parse also compile or are refused (bad selectors and
// patterns), never a crash.
#include <fixturegen/normalize/rules.hpp>
#include <fixturegen/normalize/rules_file.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace fixturegen;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto rules = normalize::parse_rules_toml(text, "fuzz.toml");
  if (rules) (void)normalize::compile_rules(std::move(rules).value());
  return 0;
}
