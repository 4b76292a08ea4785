#include "live_like.hpp"

#include <fixturegen/json/python_writer.hpp>
#include <fixturegen/normalize/rules.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <random>

namespace fixturegen::test {

namespace {

// Writes events in a chosen layout, strings as raw UTF-8 (only what JSON
// requires escaped), floats in an unusual but equal spelling.
class LayoutWriter final : public json::JsonHandler {
public:
  LayoutWriter(std::string& out, std::string indent, std::string newline, bool float_exponents)
      : m_out(out), m_indent(std::move(indent)), m_newline(std::move(newline)), m_float_exponents(float_exponents) {}

  bool null_value() override { return scalar("null"); }
  bool bool_value(bool v) override { return scalar(v ? "true" : "false"); }
  bool integer_value(std::string_view text, std::int64_t, bool) override { return scalar(text); }
  bool float_value(double v) override {
    // "%.17g" never loses a bit but is rarely the shortest form; the
    // exponent form "1.5E0" is valid JSON Python would never write.
    const std::string text = m_float_exponents ? fmt::format("{:.17e}", v) : fmt::format("{:.17g}", v);
    const bool needs_point = text.find_first_of(".eEn") == std::string::npos;  // keep it a float
    return scalar(needs_point ? text + ".0" : text);
  }
  bool string_value(std::string_view v) override {
    before();
    raw_string(v);
    return true;
  }
  bool begin_object() override { return open('{'); }
  bool begin_array() override { return open('['); }
  bool key(std::string_view name) override {
    item_separator();
    raw_string(name);
    m_out += m_indent.empty() ? ":" : ": ";
    m_after_key = true;
    return true;
  }
  bool end_object() override { return close('}'); }
  bool end_array() override { return close(']'); }

private:
  void raw_string(std::string_view v) {
    m_out += '"';
    for (const char c : v) {
      if (c == '"' || c == '\\') {
        m_out += '\\';
        m_out += c;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        m_out += fmt::format("\\u{:04X}", static_cast<unsigned>(c));
      } else {
        m_out += c;  // UTF-8 stays raw, as the engine prints it
      }
    }
    m_out += '"';
  }
  void line() {
    if (m_indent.empty()) return;
    m_out += m_newline;
    for (std::size_t i = 0; i < m_first.size(); ++i) m_out += m_indent;
  }
  void item_separator() {
    if (!m_first.back()) m_out += ',';
    m_first.back() = false;
    line();
  }
  void before() {
    if (m_after_key) {
      m_after_key = false;
    } else if (!m_first.empty()) {
      item_separator();
    }
  }
  bool scalar(std::string_view text) {
    before();
    m_out += text;
    return true;
  }
  bool open(char c) {
    before();
    m_out += c;
    m_first.push_back(true);
    return true;
  }
  bool close(char c) {
    const bool empty = m_first.back();
    m_first.pop_back();
    if (!empty) line();
    m_out += c;
    return true;
  }

  std::string& m_out;
  std::string m_indent;
  std::string m_newline;
  bool m_float_exponents;
  std::vector<bool> m_first;
  bool m_after_key = false;
};

// Puts live values back into the fields rocky-current normalizes.
class Perturber final : public json::JsonHandler {
public:
  Perturber(json::JsonHandler& out, std::uint32_t seed) : m_out(out), m_random(seed), m_rules(normalize::rocky_current_profile()) {}

  std::size_t changes() const { return m_changes; }

  bool null_value() override { return step(), m_out.null_value(); }
  bool bool_value(bool v) override { return step(), m_out.bool_value(v); }
  bool integer_value(std::string_view text, std::int64_t value, bool fits) override {
    const std::string key = step();
    if (is_duration(key) || is_derived(key)) {
      ++m_changes;
      // A duration may come back as a float: the normalizer writes 0 anyway.
      if (is_duration(key) && m_random() % 3 == 0) return m_out.float_value(pick(1, 99999) / 8.0);
      const auto live = static_cast<std::int64_t>(pick(1, 5'000'000));
      return m_out.integer_value(std::to_string(live), live, true);
    }
    return m_out.integer_value(text, value, fits);
  }
  bool float_value(double v) override {
    const std::string key = step();
    if (is_duration(key) || is_derived(key)) {
      ++m_changes;
      return m_out.float_value(pick(1, 999999) / 1024.0);
    }
    return m_out.float_value(v);
  }
  bool string_value(std::string_view v) override {
    const std::string key = step();
    if (const std::string live = live_string(key); !live.empty()) {
      ++m_changes;
      return m_out.string_value(live);
    }
    return m_out.string_value(v);
  }
  bool begin_object() override {
    step();
    m_keys.emplace_back();
    m_in_object.push_back(true);
    return m_out.begin_object();
  }
  bool begin_array() override {
    step();
    m_keys.emplace_back();
    m_in_object.push_back(false);
    return m_out.begin_array();
  }
  bool key(std::string_view name) override {
    m_keys.back().assign(name);
    return m_out.key(name);
  }
  bool end_object() override { return close(), m_out.end_object(); }
  bool end_array() override { return close(), m_out.end_array(); }

private:
  // The key of the member about to be written ("" inside arrays).
  std::string step() { return (!m_in_object.empty() && m_in_object.back()) ? m_keys.back() : std::string(); }
  void close() {
    m_keys.pop_back();
    m_in_object.pop_back();
  }
  std::uint32_t pick(std::uint32_t low, std::uint32_t high) { return low + static_cast<std::uint32_t>(m_random() % (high - low + 1)); }

  bool is_duration(const std::string& key) const {
    return std::any_of(m_rules.zero_suffixes.begin(), m_rules.zero_suffixes.end(),
                       [&](const std::string& s) { return key.ends_with(s); });
  }
  bool is_derived(const std::string& key) const {
    return std::find(m_rules.zero_keep_type_keys.begin(), m_rules.zero_keep_type_keys.end(), key) !=
           m_rules.zero_keep_type_keys.end();
  }
  std::string live_string(const std::string& key) {
    const auto& wall = m_rules.wall_clock_keys;
    if (std::find(wall.begin(), wall.end(), key) != wall.end()) {
      return fmt::format("2026-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", pick(1, 12), pick(1, 28), pick(0, 23),
                         pick(0, 59), pick(0, 59), pick(0, 999999));
    }
    if (key == "run_id") return fmt::format("run-{:08x}-{:04x}-ä", m_random(), pick(0, 0xffff));
    if (key == "version" || key == "rocky_version") return fmt::format("1.{}.{}", pick(0, 30), pick(0, 9));
    if (key == "hostname") return fmt::format("ci-runner-{}.internal", pick(1, 99));
    if (key == "git_commit") return fmt::format("{:08x}{:08x}", m_random(), m_random());
    if (key == "git_branch") return "feature/naïve-ünïcode-🚀";
    if (key == "triggering_identity") return "jöhn@example.com";
    if (key == "target_catalog") return fmt::format("catalog_{}", pick(1, 9));
    if (key == "env_hash") return fmt::format("{:016x}", m_random());
    return {};
  }

  json::JsonHandler& m_out;
  std::minstd_rand m_random;
  normalize::NormalizeRules m_rules;
  std::vector<std::string> m_keys;
  std::vector<bool> m_in_object;
  std::size_t m_changes = 0;
};

}  // namespace

LiveLike make_live_like(json::Value normalized, std::uint32_t seed) {
  struct Layout {
    const char* name;
    const char* indent;
    const char* newline;
    bool float_exponents;
  };
  static const Layout layouts[] = {
      {"compact", "", "", false},
      {"4-space indent", "    ", "\n", true},
      {"tab indent, CRLF", "\t", "\r\n", false},
      {"1-space indent", " ", "\n", true},
  };
  const Layout& layout = layouts[seed % std::size(layouts)];
  LiveLike live;
  live.description = layout.name;
  LayoutWriter writer(live.text, layout.indent, layout.newline, layout.float_exponents);
  Perturber perturber(writer, seed);
  json::emit(normalized, perturber);
  live.changes = perturber.changes();
  return live;
}

}  // namespace fixturegen::test
