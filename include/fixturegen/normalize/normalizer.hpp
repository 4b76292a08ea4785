#pragma once

#include <fixturegen/core/error.hpp>
#include <fixturegen/json/handler.hpp>
#include <fixturegen/normalize/rules.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace fixturegen::normalize {

// Normalizes one capture: parses `input` strictly, applies `rules` while
// streaming, and returns the bytes to commit (Python's json.dump indent=2
// layout plus a newline). Pure: no I/O, same input -> same bytes.
// A refused input gives an Error whose message starts with "LINE:COLUMN: ".
// `firings`, when given, counts each rule that fired (added to what it holds;
// on a refused input the counts are partial).
Expected<std::string> normalize_text(std::string_view input, const CompiledRules& rules, RuleFirings* firings = nullptr);

// The streaming core, for callers that produce or consume events themselves:
// takes the reader's events, forwards normalized events to `out`. Memory is
// bounded by depth, except under Sort rules, which buffer the array they sort.
std::unique_ptr<json::JsonHandler> make_normalizer(const CompiledRules& rules, json::JsonHandler& out);

}  // namespace fixturegen::normalize
