#include "ecma_regex.hpp"

#include <string>
#include <utility>

namespace fixturegen::schema {

namespace {

// ECMA-262 long General_Category names; PCRE2 10.42 knows the short ones.
std::string_view short_property(std::string_view name) {
  static constexpr std::pair<std::string_view, std::string_view> names[] = {
      {"Letter", "L"}, {"Cased_Letter", "L&"}, {"Uppercase_Letter", "Lu"},
      {"Lowercase_Letter", "Ll"}, {"Titlecase_Letter", "Lt"}, {"Modifier_Letter", "Lm"},
      {"Other_Letter", "Lo"}, {"Mark", "M"}, {"Combining_Mark", "M"},
      {"Nonspacing_Mark", "Mn"}, {"Spacing_Mark", "Mc"}, {"Enclosing_Mark", "Me"},
      {"Number", "N"}, {"Decimal_Number", "Nd"}, {"digit", "Nd"}, {"Letter_Number", "Nl"},
      {"Other_Number", "No"}, {"Punctuation", "P"}, {"punct", "P"},
      {"Connector_Punctuation", "Pc"}, {"Dash_Punctuation", "Pd"},
      {"Open_Punctuation", "Ps"}, {"Close_Punctuation", "Pe"},
      {"Initial_Punctuation", "Pi"}, {"Final_Punctuation", "Pf"},
      {"Other_Punctuation", "Po"}, {"Symbol", "S"}, {"Math_Symbol", "Sm"},
      {"Currency_Symbol", "Sc"}, {"Modifier_Symbol", "Sk"}, {"Other_Symbol", "So"},
      {"Separator", "Z"}, {"Space_Separator", "Zs"}, {"Line_Separator", "Zl"},
      {"Paragraph_Separator", "Zp"}, {"Other", "C"}, {"Control", "Cc"}, {"cntrl", "Cc"},
      {"Format", "Cf"}, {"Surrogate", "Cs"}, {"Private_Use", "Co"}, {"Unassigned", "Cn"},
  };
  for (const std::string_view prefix :
       {"General_Category=", "gc=", "Script=", "sc=", "Script_Extensions=", "scx="}) {
    if (name.starts_with(prefix)) {
      name.remove_prefix(prefix.size());
      break;
    }
  }
  for (const auto& [long_name, short_name] : names) {
    if (name == long_name) return short_name;
  }
  return name;
}

// ECMA-262 WhiteSpace and LineTerminator, as class members (UTF-8 literals).
constexpr std::string_view kEcmaWhitespace =
    "\\t\\n\\x0b\\f\\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff";

// Rewrites the ECMA-262 constructs PCRE2 spells differently and refuses the
// PCRE-only ones a JSON Schema pattern must not use (`(?P<n>`, `(?i)`,
// `(?#...)`, `\a`). Returns false with `error` set when refused.
bool ecma_to_pcre(std::string_view pattern, std::string& out, std::string& error) {
  out.clear();
  out.reserve(pattern.size() + 8);
  bool in_class = false;
  std::size_t i = 0;
  while (i < pattern.size()) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      const char next = pattern[i + 1];
      if (next == 'a') {
        error = "\\a is not an ECMA-262 escape";
        return false;
      }
      if ((next == 'p' || next == 'P') && i + 2 < pattern.size() && pattern[i + 2] == '{') {
        const auto close = pattern.find('}', i + 3);
        if (close != std::string_view::npos) {
          out += '\\';
          out += next;
          out += '{';
          out += short_property(pattern.substr(i + 3, close - i - 3));
          out += '}';
          i = close + 1;
          continue;
        }
      }
      if (next == 's' || (next == 'S' && !in_class)) {
        // ECMA-262 \s is Unicode whitespace; PCRE2 (without UCP) only ASCII.
        if (!in_class) out += next == 's' ? "[" : "[^";
        out += kEcmaWhitespace;
        if (!in_class) out += ']';
        i += 2;
        continue;
      }
      out += c;
      out += next;
      i += 2;
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
      out += c;
      ++i;
      continue;
    }
    if (c == '[') {
      if (pattern.substr(i, 3) == "[^]") {  // ECMA: any character
        out += "[\\s\\S]";
        i += 3;
        continue;
      }
      if (pattern.substr(i, 2) == "[]") {  // ECMA: matches nothing
        out += "(?!)";
        i += 2;
        continue;
      }
      in_class = true;
      out += c;
      ++i;
      if (i < pattern.size() && pattern[i] == '^') {
        out += '^';
        ++i;
      }
      continue;
    }
    if (c == '(' && i + 1 < pattern.size() && pattern[i + 1] == '?') {
      const std::string_view rest = pattern.substr(i + 2);
      const bool named = rest.size() > 1 && rest[0] == '<' && rest[1] != '=' && rest[1] != '!';
      if (!(rest.starts_with(':') || rest.starts_with('=') || rest.starts_with('!') ||
            rest.starts_with("<=") || rest.starts_with("<!") || named)) {
        error = "\"(?" + std::string(rest.substr(0, 1)) + "\" groups are not ECMA-262";
        return false;
      }
    }
    out += c;
    ++i;
  }
  return true;
}

}  // namespace

Expected<Regex> compile_ecma_regex(std::string_view source, const RegexOptions& regex_options) {
  std::string pattern;
  std::string error;
  if (!ecma_to_pcre(source, pattern, error)) return Error::config(std::move(error));
  RegexOptions options = regex_options;
  options.flavor = RegexFlavor::Ecma262Compat;
  return Regex::compile(pattern, options, source);
}

}  // namespace fixturegen::schema
