#include <fixturegen/normalize/rules.hpp>

#include <fmt/format.h>
#include <pcre2.h>

namespace fixturegen::normalize {

std::string_view action_name(Action action) {
  switch (action) {
    case Action::Zero: return "zero";
    case Action::ZeroKeepType: return "zero_keep_type";
    case Action::Sentinel: return "sentinel";
    case Action::Preserve: return "preserve";
    case Action::Opaque: return "opaque";
    case Action::Scrub: return "scrub";
    case Action::Sort: return "sort";
  }
  return "unknown";
}

NormalizeRules default_profile() {
  NormalizeRules rules;
  rules.source = "profile default";
  rules.zero_suffixes = {"_ms", "_seconds", "_secs"};
  rules.wall_clock_keys = {"updated_at", "started_at", "finished_at", "timestamp", "captured_at"};
  rules.preserve_keys = {"last_value"};
  rules.opaque_keys = {"data"};
  return rules;
}

NormalizeRules rocky_current_profile() {
  // ../shared/rocky-reference/README.md, "The normalizer rules that produced
  // them": watermarks are sentinelled and `data` is entered, unlike the
  // documented contract.
  NormalizeRules rules;
  rules.source = "profile rocky-current";
  rules.zero_suffixes = {"_ms", "_seconds", "_secs"};
  rules.zero_keep_type_keys = {"compute_cost_per_run", "estimated_monthly_savings"};
  rules.wall_clock_keys = {"updated_at", "started_at", "finished_at", "timestamp",
                           "captured_at", "created_at", "last_value", "watermark"};
  rules.string_sentinels = {
      {"run_id", "run-SENTINEL"},
      {"hostname", "host-SENTINEL"},
      {"git_commit", "sha-SENTINEL"},
      {"git_branch", "branch-SENTINEL"},
      {"triggering_identity", "user-SENTINEL"},
      {"rocky_version", "0.0.0-SENTINEL"},
      {"target_catalog", "catalog-SENTINEL"},
      {"version", "0.0.0-SENTINEL"},
      {"env_hash", "envhash-SENTINEL"},
  };
  return rules;
}

std::optional<NormalizeRules> builtin_profile(std::string_view name) {
  if (name == "default") return default_profile();
  if (name == "rocky-current") return rocky_current_profile();
  return std::nullopt;
}

std::vector<std::string_view> builtin_profile_names() { return {"default", "rocky-current"}; }

// --- compiled form ---------------------------------------------------------

class Regex {
public:
  explicit Regex(pcre2_code* code) : m_code(code) {}
  ~Regex() { pcre2_code_free(m_code); }
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;
  pcre2_code* code() const { return m_code; }

private:
  pcre2_code* m_code;
};

bool CompiledRules::has_zero_suffix(std::string_view key) const {
  for (const auto& suffix : m_rules.zero_suffixes) {
    if (key.ends_with(suffix)) return true;
  }
  return false;
}

Expected<std::string> CompiledRules::scrub(const CompiledPathRule& rule, std::string_view text) const {
  std::string out(text.size() + 64, '\0');
  for (int attempt = 0; attempt < 8; ++attempt) {
    PCRE2_SIZE out_len = out.size();
    const int rc = pcre2_substitute(
        rule.regex->code(), reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0,
        PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH, nullptr, nullptr,
        reinterpret_cast<PCRE2_SPTR>(rule.rule.replacement.data()), rule.rule.replacement.size(),
        reinterpret_cast<PCRE2_UCHAR*>(out.data()), &out_len);
    if (rc == PCRE2_ERROR_NOMEMORY) {
      out.resize(out_len);
      continue;
    }
    if (rc < 0) {
      PCRE2_UCHAR message[256];
      pcre2_get_error_message(rc, message, sizeof message);
      return Error::check(fmt::format("scrub rule at \"{}\" failed: {}", rule.rule.at.text(),
                                      reinterpret_cast<const char*>(message)));
    }
    out.resize(out_len);
    return out;
  }
  return Error::check(fmt::format("scrub rule at \"{}\": replacement keeps growing", rule.rule.at.text()));
}

Expected<CompiledRules> compile_rules(NormalizeRules rules) {
  CompiledRules compiled;
  auto add = [&](const std::vector<std::string>& keys, unsigned role) {
    for (const auto& key : keys) compiled.m_keys[key].roles |= role;
  };
  add(rules.zero_keep_type_keys, CompiledRules::kZeroKeepType);
  add(rules.wall_clock_keys, CompiledRules::kWallClock);
  add(rules.preserve_keys, CompiledRules::kPreserve);
  add(rules.opaque_keys, CompiledRules::kOpaque);
  for (const auto& [key, sentinel] : rules.string_sentinels) {
    auto& entry = compiled.m_keys[key];
    entry.roles |= CompiledRules::kSentinel;
    entry.sentinel = sentinel;
  }
  for (const auto& rule : rules.path_rules) {
    CompiledRules::CompiledPathRule entry{rule, nullptr};
    if (rule.action == Action::Scrub) {
      int error_code = 0;
      PCRE2_SIZE error_offset = 0;
      pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(rule.pattern.data()), rule.pattern.size(),
                                       PCRE2_UTF, &error_code, &error_offset, nullptr);
      if (code == nullptr) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(error_code, message, sizeof message);
        return Error::usage(fmt::format("{}: scrub rule at \"{}\": invalid pattern \"{}\" at offset {}: {}",
                                        rules.source, rule.at.text(), rule.pattern, error_offset,
                                        reinterpret_cast<const char*>(message)));
      }
      entry.regex = std::make_shared<const Regex>(code);
    }
    compiled.m_path_rules.push_back(std::move(entry));
  }
  compiled.m_rules = std::move(rules);
  return compiled;
}

}  // namespace fixturegen::normalize
