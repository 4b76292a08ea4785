#pragma once

#include <string>
#include <string_view>

namespace fixturegen::schema {

// The little of RFC 3986 that `$id` and `$ref` need: resolving a reference
// against a base, and splitting off the fragment. No normalization beyond
// dot-segment removal; schemas compare URIs as the strings they wrote.

// Resolves `reference` against `base` (RFC 3986 section 5.2). An empty base
// leaves relative references relative, which is what a schema without an
// `$id` loaded from nowhere needs.
std::string resolve_uri(std::string_view base, std::string_view reference);

// "a#b" -> "a" and "b"; `has_fragment` tells "a#" from "a".
struct SplitUri {
  std::string_view base;
  std::string_view fragment;
  bool has_fragment = false;
};
// The views point into `uri`: splitting a temporary string does not compile.
SplitUri split_fragment(std::string_view uri);
SplitUri split_fragment(std::string&& uri) = delete;

// The URI without its fragment ("http://x/y#" -> "http://x/y"), a view into `uri`.
std::string_view strip_fragment(std::string_view uri);
std::string_view strip_fragment(std::string&& uri) = delete;

// Decodes %XX escapes; returns false on a malformed escape.
bool percent_decode(std::string_view text, std::string& out);

}  // namespace fixturegen::schema
