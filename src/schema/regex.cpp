#include "regex.hpp"

#include <pcre2.h>

namespace fixturegen::schema {

namespace {

// WTF-8 lone surrogates (ED A0..BF xx) become U+FFFD so that PCRE2's UTF
// check accepts the subject. Only called after PCRE2 refused it.
std::string replace_lone_surrogates(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == 0xED && i + 2 < text.size() &&
        static_cast<unsigned char>(text[i + 1]) >= 0xA0) {
      out += "\xEF\xBF\xBD";
      i += 2;
      continue;
    }
    out += text[i];
  }
  return out;
}

}  // namespace

std::unique_ptr<Regex> Regex::compile(std::string_view pattern, std::string& error) {
  pcre2_compile_context* context = pcre2_compile_context_create(nullptr);
  if (context != nullptr) pcre2_set_compile_extra_options(context, PCRE2_EXTRA_ALT_BSUX);
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                   PCRE2_UTF | PCRE2_DOLLAR_ENDONLY | PCRE2_ALT_BSUX,
                                   &error_code, &error_offset, context);
  pcre2_compile_context_free(context);
  if (code == nullptr) {
    PCRE2_UCHAR buffer[256];
    pcre2_get_error_message(error_code, buffer, sizeof buffer);
    error = std::string(reinterpret_cast<const char*>(buffer)) + " at offset " +
            std::to_string(error_offset);
    return nullptr;
  }
  // JIT is an optimization only: without it pcre2_match interprets.
  pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
  std::unique_ptr<Regex> regex(new Regex());
  regex->m_code = code;
  regex->m_source = std::string(pattern);
  return regex;
}

Regex::~Regex() { pcre2_code_free(static_cast<pcre2_code*>(m_code)); }

bool Regex::search(std::string_view text, void* match_data) const {
  auto* code = static_cast<pcre2_code*>(m_code);
  auto* data = static_cast<pcre2_match_data*>(match_data);
  int rc = pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0, 0, data,
                       nullptr);
  if (rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21) {
    const std::string fixed = replace_lone_surrogates(text);
    rc = pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(fixed.data()), fixed.size(), 0, 0, data,
                     nullptr);
  }
  // 0 means "matched, ovector too small": still a match.
  return rc >= 0;
}

MatchScratch::MatchScratch() { m_data = pcre2_match_data_create(1, nullptr); }

MatchScratch::~MatchScratch() { pcre2_match_data_free(static_cast<pcre2_match_data*>(m_data)); }

}  // namespace fixturegen::schema
