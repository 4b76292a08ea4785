// The JSON Schema compiler and validator on an arbitrary schema and instance:
// input = SCHEMA NUL INSTANCE (no NUL: the input is both). No crash, no
// hang (-timeout), bounded memory (-rss_limit_mb); and the fast yes/no path
// agrees with the full report whenever both give an answer; a compiled
// program read back from its cache bytes answers exactly alike.
#include "fuzz_check.hpp"

#include <fixturegen/json/document.hpp>
#include <fixturegen/schema/validator.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

using namespace fixturegen;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  const std::string_view schema_text = input.substr(0, nul);
  const std::string_view instance_text = nul == std::string_view::npos ? input : input.substr(nul + 1);

  auto schema = std::make_shared<json::Document>();
  if (json::Document::parse(schema_text, *schema)) return 0;
  json::Document instance;
  if (json::Document::parse(instance_text, instance)) return 0;

  const schema::SchemaStore store;
  for (const bool formats : {false, true}) {
    schema::ValidatorOptions options;
    options.check_formats = formats;
    // The default (10M) lets one adversarial pattern take seconds; the fuzzer
    // looks for crashes and hangs elsewhere, not for PCRE2's backtracking.
    options.pattern_match_limit = 100'000;
    auto validator = schema::Validator::compile(schema, "fuzz://schema.json", store, options);
    if (!validator) continue;  // a refused schema is an Error: fine
    const auto fast = validator->is_valid(instance.root());
    const auto full = validator->validate(instance.root());
    if (fast && full) {
      FUZZ_CHECK(*fast == full->empty(), std::string(*fast ? "is_valid: true" : "is_valid: false") +
                                             ", validate: " + std::to_string(full->size()) + " violations");
    }
    // The compiled-schema cache's bytes read back to a program that
    // answers alike (schema/program_cache.hpp).
    if (const std::optional<std::string> bytes = validator->to_bytes()) {
      const std::optional<schema::Validator> again = schema::Validator::from_bytes(*bytes, options);
      FUZZ_CHECK(again.has_value(), "to_bytes wrote bytes from_bytes refuses");
      const auto fast_again = again->is_valid(instance.root());
      const auto full_again = again->validate(instance.root());
      FUZZ_CHECK(fast.has_value() == fast_again.has_value() && (!fast || *fast == *fast_again),
                 "is_valid differs after the cache round trip");
      FUZZ_CHECK(full.has_value() == full_again.has_value() && (!full || full->size() == full_again->size()),
                 "validate differs after the cache round trip");
      if (full && full_again) {
        for (std::size_t i = 0; i < full->size(); ++i) {
          FUZZ_CHECK((*full)[i].message == (*full_again)[i].message &&
                         (*full)[i].schema_pointer == (*full_again)[i].schema_pointer &&
                         (*full)[i].instance_pointer == (*full_again)[i].instance_pointer,
                     (*full)[i].message + " / " + (*full_again)[i].message);
        }
      }
    }
  }
  // The raw input as cache bytes: refused or safe to run, never a crash.
  if (const std::optional<schema::Validator> read = schema::Validator::from_bytes(input, {})) {
    (void)read->validate(instance.root());
  }
  return 0;
}
