#include <fixturegen/core/regex.hpp>

#include <fmt/format.h>
#include <pcre2.h>

#include <utility>

namespace fixturegen {

namespace {

// Per thread: the match data of search() (one ovector pair: only whether it
// matched counts), and a match context carrying the JIT stack and the
// limits. Made on a thread's first match, freed when the thread ends.
class MatchResources {
public:
  MatchResources() {
    m_data = pcre2_match_data_create(1, nullptr);
    m_context = pcre2_match_context_create(nullptr);
    if (m_context == nullptr) return;
    // The JIT's own default stack is 32 KiB: a group repeated a few thousand
    // times exhausts it. This reserves address space; pages are committed
    // only as a match uses them. Without it (no memory) the JIT keeps its
    // default and the interpreter takes over when that is not enough.
    m_jit_stack = pcre2_jit_stack_create(32 * 1024, Regex::kJitStackBytes, nullptr);
    if (m_jit_stack != nullptr) pcre2_jit_stack_assign(m_context, nullptr, m_jit_stack);
  }
  ~MatchResources() {
    pcre2_jit_stack_free(m_jit_stack);
    pcre2_match_context_free(m_context);
    pcre2_match_data_free(m_data);
  }
  MatchResources(const MatchResources&) = delete;
  MatchResources& operator=(const MatchResources&) = delete;

  pcre2_match_data* data() const { return m_data; }
  // The context with `options`' limits (a regex's own, set per call: cheap).
  pcre2_match_context* context(const RegexOptions& options) const {
    if (m_context != nullptr) {
      pcre2_set_match_limit(m_context, options.match_limit);
      pcre2_set_heap_limit(m_context, options.heap_limit_kib);
    }
    return m_context;
  }

private:
  pcre2_match_data* m_data = nullptr;
  pcre2_match_context* m_context = nullptr;
  pcre2_jit_stack* m_jit_stack = nullptr;
};

MatchResources& thread_resources() {
  thread_local MatchResources resources;
  return resources;
}

std::string pcre2_message(int code) {
  PCRE2_UCHAR buffer[256];
  if (pcre2_get_error_message(code, buffer, sizeof buffer) < 0) return fmt::format("PCRE2 error {}", code);
  return std::string(reinterpret_cast<const char*>(buffer));
}

bool is_utf_error(int rc) { return rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21; }

// Errors that say "out of resources", not "no": worth a second try with the
// interpreter, which has no stack limit of its own.
bool is_resource_error(int rc) {
  return rc == PCRE2_ERROR_JIT_STACKLIMIT || rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
         rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_NOMEMORY;
}

// WTF-8 lone surrogates (ED A0..BF xx) become U+FFFD so that PCRE2's UTF
// check accepts the subject. Only called after PCRE2 refused it.
std::string replace_lone_surrogates(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == 0xED && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0xA0) {
      out += "\xEF\xBF\xBD";
      i += 2;
      continue;
    }
    out += text[i];
  }
  return out;
}

Error undecided(const std::string& source, int rc, std::size_t length) {
  return Error::config(
      fmt::format("pattern \"{}\" cannot be decided for a string of {} bytes: PCRE2 gave up ({})", source,
                  length, pcre2_message(rc)),
      "the pattern backtracks too much for this input: simplify it (avoid a repeated group inside a "
      "repetition, such as (a|b)* over long strings; [ab]* means the same and does not backtrack)");
}

}  // namespace

Expected<Regex> Regex::compile(std::string_view pattern, const RegexOptions& regex_options, std::string_view source) {
  std::uint32_t options = PCRE2_UTF;
  pcre2_compile_context* context = nullptr;
  if (regex_options.flavor == RegexFlavor::Ecma262Compat) {
    options |= PCRE2_DOLLAR_ENDONLY | PCRE2_ALT_BSUX;
    context = pcre2_compile_context_create(nullptr);
    if (context != nullptr) pcre2_set_compile_extra_options(context, PCRE2_EXTRA_ALT_BSUX);
  }
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options,
                                   &error_code, &error_offset, context);
  pcre2_compile_context_free(context);
  if (code == nullptr) {
    return Error::config(fmt::format("{} at offset {}", pcre2_message(error_code), error_offset));
  }
  // JIT is an optimization only: without it pcre2_match interprets.
  pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
  Regex regex;
  regex.m_code = code;
  regex.m_source = std::string(source.data() == nullptr ? pattern : source);
  regex.m_options = regex_options;
  return regex;
}

Regex::Regex(Regex&& other) noexcept
    : m_code(std::exchange(other.m_code, nullptr)), m_source(std::move(other.m_source)),
      m_options(other.m_options) {}

Regex& Regex::operator=(Regex&& other) noexcept {
  if (this != &other) {
    pcre2_code_free(static_cast<pcre2_code*>(m_code));
    m_code = std::exchange(other.m_code, nullptr);
    m_source = std::move(other.m_source);
    m_options = other.m_options;
  }
  return *this;
}

Regex::~Regex() { pcre2_code_free(static_cast<pcre2_code*>(m_code)); }

Expected<bool> Regex::search(std::string_view text) const {
  auto* code = static_cast<const pcre2_code*>(m_code);
  const MatchResources& resources = thread_resources();
  pcre2_match_context* context = resources.context(m_options);
  if (resources.data() == nullptr || context == nullptr) {
    return Error::internal("out of memory preparing a PCRE2 match");
  }
  std::string fixed;
  const auto run = [&](std::string_view subject, std::uint32_t options) {
    return pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0, options,
                       resources.data(), context);
  };
  int rc = run(text, 0);
  if (is_utf_error(rc)) {
    fixed = replace_lone_surrogates(text);
    text = fixed;
    rc = run(text, 0);
  }
  if (is_resource_error(rc)) rc = run(text, PCRE2_NO_JIT);
  // 0 means "matched, ovector too small": still a match.
  if (rc >= 0) return true;
  if (rc == PCRE2_ERROR_NOMATCH) return false;
  return undecided(m_source, rc, text.size());
}

Expected<std::string> Regex::replace_all(std::string_view text, std::string_view replacement) const {
  auto* code = static_cast<const pcre2_code*>(m_code);
  const MatchResources& resources = thread_resources();
  std::string out(text.size() + 64, '\0');
  std::uint32_t extra = 0;
  for (int attempt = 0; attempt < 8; ++attempt) {
    PCRE2_SIZE out_len = out.size();
    const int rc = pcre2_substitute(
        code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0,
        PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH | extra, nullptr, resources.context(m_options),
        reinterpret_cast<PCRE2_SPTR>(replacement.data()), replacement.size(),
        reinterpret_cast<PCRE2_UCHAR*>(out.data()), &out_len);
    if (rc == PCRE2_ERROR_NOMEMORY && out_len > out.size()) {  // the output did not fit
      out.resize(out_len);
      continue;
    }
    if (is_resource_error(rc) && extra == 0) {
      extra = PCRE2_NO_JIT;
      continue;
    }
    if (is_resource_error(rc)) return undecided(m_source, rc, text.size());
    if (is_utf_error(rc)) {
      return Error::config(fmt::format("pattern \"{}\" cannot search a string holding a lone UTF-16 surrogate "
                                       "(\\ud800-\\udfff): {}",
                                       m_source, pcre2_message(rc)));
    }
    if (rc < 0) return Error::config(fmt::format("pattern \"{}\": {}", m_source, pcre2_message(rc)));
    out.resize(out_len);
    return out;
  }
  return Error::internal(fmt::format("pattern \"{}\": the replacement's length kept changing", m_source));
}

}  // namespace fixturegen
