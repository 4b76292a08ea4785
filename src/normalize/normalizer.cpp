#include <fixturegen/json/document.hpp>
#include <fixturegen/json/pointer.hpp>
#include <fixturegen/json/python_writer.hpp>
#include <fixturegen/json/reader.hpp>
#include <fixturegen/normalize/normalizer.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <numeric>

namespace fixturegen::normalize {

namespace {

constexpr std::size_t kMaxNormalizeDepth = 10'000;

// Total order for sorting array elements: by kind, then value; containers
// by their serialized text. Ties are broken by the whole element's text, so
// the result does not depend on the order the engine emitted.
int kind_rank(json::Kind kind) {
  switch (kind) {
    case json::Kind::Null: return 1;
    case json::Kind::Bool: return 2;
    case json::Kind::Integer:
    case json::Kind::Float: return 3;
    case json::Kind::String: return 4;
    case json::Kind::Array: return 5;
    case json::Kind::Object: return 6;
  }
  return 0;
}

int compare_values(const std::optional<json::Value>& a, const std::optional<json::Value>& b) {
  if (!a || !b) return (a ? 1 : 0) - (b ? 1 : 0);  // a missing member sorts first
  const int ra = kind_rank(a->kind());
  const int rb = kind_rank(b->kind());
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (a->kind()) {
    case json::Kind::Null: return 0;
    case json::Kind::Bool: return static_cast<int>(a->as_bool()) - static_cast<int>(b->as_bool());
    case json::Kind::Integer:
    case json::Kind::Float: {
      if (a->is_integer() && b->is_integer() && a->fits_int64() && b->fits_int64()) {
        return a->as_int() < b->as_int() ? -1 : a->as_int() > b->as_int() ? 1 : 0;
      }
      const double x = a->as_double();
      const double y = b->as_double();
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case json::Kind::String: return a->as_string().compare(b->as_string());
    default: return json::to_python_json(*a).compare(json::to_python_json(*b));
  }
}

enum class Verdict { Descend, Keep, Opaque, Replaced, Failed };

class Normalizer final : public json::JsonHandler {
public:
  Normalizer(const CompiledRules& rules, json::JsonHandler& out, RuleFirings* firings)
      : m_rules(rules),
        m_out(out),
        m_firings(firings),
        m_track_path(!rules.path_rules().empty() || (firings && firings->record_locations)) {
    if (m_firings && m_firings->counts.size() < rules.rule_count()) m_firings->counts.resize(rules.rule_count());
  }

  bool null_value() override {
    if (m_opaque_depth) return sink().null_value();
    return settle(decide(json::Kind::Null), [&] { return sink().null_value(); });
  }
  bool bool_value(bool value) override {
    if (m_opaque_depth) return sink().bool_value(value);
    return settle(decide(json::Kind::Bool), [&] { return sink().bool_value(value); });
  }
  bool integer_value(std::string_view text, std::int64_t value, bool fits) override {
    if (m_opaque_depth) return sink().integer_value(text, value, fits);
    return settle(decide(json::Kind::Integer), [&] { return sink().integer_value(text, value, fits); });
  }
  bool float_value(double value) override {
    if (m_opaque_depth) return sink().float_value(value);
    return settle(decide(json::Kind::Float), [&] { return sink().float_value(value); });
  }
  bool string_value(std::string_view value) override {
    if (m_opaque_depth) return sink().string_value(value);
    return settle(decide(json::Kind::String, value), [&] { return sink().string_value(value); });
  }

  bool begin_object() override { return begin_container(true); }
  bool begin_array() override { return begin_container(false); }

  bool key(std::string_view name) override {
    if (m_opaque_depth) return sink().key(name);
    m_key.assign(name);
    if (m_track_path) m_path.back().assign(name);
    return sink().key(name);
  }

  bool end_object() override { return end_container(true); }
  bool end_array() override { return end_container(false); }

  std::string stop_reason() const override { return m_reason; }
  // The error behind a stop that was not the input's fault, if any.
  const std::optional<Error>& error() const { return m_error; }

private:
  struct Frame {
    bool is_object;
    bool sorting;
    std::size_t next_index;
  };
  struct SortBuffer {
    json::DocumentBuilder builder;
    std::string by;
  };

  json::JsonHandler& sink() { return m_sorts.empty() ? m_out : m_sorts.back().builder; }

  bool fail(std::string reason) {
    m_reason = std::move(reason);
    return false;
  }

  // Writes the replacement chosen by decide(), or the original value.
  template <class WriteOriginal>
  bool settle(Verdict verdict, WriteOriginal write_original) {
    switch (verdict) {
      case Verdict::Failed: return false;
      case Verdict::Replaced: return write_replacement();
      default: return write_original();
    }
  }

  bool write_replacement() {
    switch (m_replacement_kind) {
      case json::Kind::Integer: return sink().integer_value("0", 0, true);
      case json::Kind::Float: return sink().float_value(0.0);
      default: return sink().string_value(m_replacement);
    }
  }

  // Steps to the next location (a member after its key, the next array
  // element, or the root) and decides what happens to the value there.
  // A Replaced verdict leaves the new value in m_replacement*. `text` is
  // the value of a string (Scrub rules read it).
  Verdict decide(json::Kind kind, std::string_view text = {}) {
    const bool in_object = !m_frames.empty() && m_frames.back().is_object;
    if (!m_frames.empty() && !in_object) {
      const std::size_t index = m_frames.back().next_index++;
      if (m_track_path) m_path.back() = std::to_string(index);
    }
    m_pending_sort = nullptr;

    const bool is_number = kind == json::Kind::Integer || kind == json::Kind::Float;
    const bool is_string = kind == json::Kind::String;

    if (m_track_path) {
      for (const auto& compiled : m_rules.path_rules()) {
        const PathRule& rule = compiled.rule;
        if (!rule.at.matches(m_path)) continue;
        switch (rule.action) {
          case Action::Opaque: return fired(compiled.id, Verdict::Opaque);
          case Action::Preserve: return fired(compiled.id, Verdict::Keep);
          case Action::Zero:
            if (is_number) return fired(compiled.id, replace_number(json::Kind::Integer));
            break;
          case Action::ZeroKeepType:
            if (is_number) return fired(compiled.id, replace_number(kind));
            break;
          case Action::Sentinel:
            if (is_string) return fired(compiled.id, replace_string(rule.value));
            break;
          case Action::Scrub:
            if (is_string) {
              auto scrubbed = m_rules.scrub(compiled, text);
              if (!scrubbed) {
                // Kept whole: its kind (a match PCRE2 could not decide is a
                // config error) must survive the reader's parse error.
                m_error = scrubbed.error();
                fail(scrubbed.error().message);
                return Verdict::Failed;
              }
              return fired(compiled.id, replace_string(*scrubbed));
            }
            break;
          case Action::Sort:
            if (kind == json::Kind::Array && !m_pending_sort) {
              m_pending_sort = &rule;
              fired(compiled.id, Verdict::Descend);
            }
            break;
        }
      }
    }

    if (!in_object) return Verdict::Descend;
    const CompiledRules::KeyRule* key_rule = m_rules.find_key(m_key);
    if (key_rule) {
      if (key_rule->roles & CompiledRules::kOpaque) return fired(key_rule->opaque_id, Verdict::Opaque);
      if (key_rule->roles & CompiledRules::kPreserve) return fired(key_rule->preserve_id, Verdict::Keep);
    }
    if (is_number) {
      if (const std::uint32_t suffix = m_rules.zero_suffix_rule(m_key); suffix != CompiledRules::kNoRule) {
        return fired(suffix, replace_number(json::Kind::Integer));
      }
      if (key_rule && (key_rule->roles & CompiledRules::kZeroKeepType)) {
        return fired(key_rule->zero_keep_type_id, replace_number(kind));
      }
    } else if (is_string && key_rule) {
      if (key_rule->roles & CompiledRules::kWallClock) {
        return fired(key_rule->wall_clock_id, replace_string(m_rules.rules().wall_clock_sentinel));
      }
      if (key_rule->roles & CompiledRules::kSentinel) return fired(key_rule->sentinel_id, replace_string(key_rule->sentinel));
    }
    return Verdict::Descend;
  }

  // Rule accounting, in the path that applies the rule: one branch when no
  // one counts.
  Verdict fired(std::uint32_t rule, Verdict verdict) {
    if (m_firings) {
      ++m_firings->counts[rule];
      if (m_firings->record_locations) {
        std::string pointer;
        for (const std::string& token : m_path) {
          pointer += '/';
          pointer += json::escape_pointer_token(token);
        }
        m_firings->locations.push_back({rule, {}, std::move(pointer)});
      }
    }
    return verdict;
  }

  Verdict replace_number(json::Kind kind) {
    m_replacement_kind = kind;
    return Verdict::Replaced;
  }
  Verdict replace_string(std::string_view value) {
    m_replacement_kind = json::Kind::String;
    m_replacement.assign(value);
    return Verdict::Replaced;
  }

  bool begin_container(bool is_object) {
    if (m_opaque_depth) {
      ++m_opaque_depth;
      return is_object ? sink().begin_object() : sink().begin_array();
    }
    const Verdict verdict = decide(is_object ? json::Kind::Object : json::Kind::Array);
    if (verdict == Verdict::Opaque) {
      m_opaque_depth = 1;
      return is_object ? sink().begin_object() : sink().begin_array();
    }
    const bool sorting = m_pending_sort != nullptr;
    if (sorting) m_sorts.push_back({json::DocumentBuilder(), m_pending_sort->by});
    m_frames.push_back({is_object, sorting, 0});
    if (m_track_path) m_path.emplace_back();
    return is_object ? sink().begin_object() : sink().begin_array();
  }

  bool end_container(bool is_object) {
    if (m_opaque_depth) {
      --m_opaque_depth;
      return is_object ? sink().end_object() : sink().end_array();
    }
    const Frame frame = m_frames.back();
    m_frames.pop_back();
    if (m_track_path) m_path.pop_back();
    if (!frame.sorting) return is_object ? sink().end_object() : sink().end_array();

    sink().end_array();
    const json::Document buffered = m_sorts.back().builder.take();
    const std::string by = std::move(m_sorts.back().by);
    m_sorts.pop_back();
    return write_sorted(buffered.root(), by);
  }

  bool write_sorted(json::Value array, const std::string& by) {
    std::vector<json::Value> elements(array.elements().begin(), array.elements().end());
    std::vector<std::optional<json::Value>> keys;
    std::vector<std::string> texts;
    keys.reserve(elements.size());
    texts.reserve(elements.size());
    for (const json::Value& element : elements) {
      keys.push_back(by.empty() ? std::optional<json::Value>(element) : element.find(by));
      texts.push_back(json::to_python_json(element));
    }
    std::vector<std::size_t> order(elements.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      const int by_key = compare_values(keys[a], keys[b]);
      return by_key != 0 ? by_key < 0 : texts[a] < texts[b];
    });
    json::JsonHandler& out = sink();
    if (!out.begin_array()) return false;
    for (const std::size_t i : order) {
      if (!json::emit(elements[i], out)) return false;
    }
    return out.end_array();
  }

  const CompiledRules& m_rules;
  json::JsonHandler& m_out;
  RuleFirings* m_firings;
  const bool m_track_path;

  std::vector<Frame> m_frames;
  std::vector<std::string> m_path;  // only when path rules exist
  std::string m_key;
  std::size_t m_opaque_depth = 0;  // > 0: inside an Opaque value, copied as is
  std::vector<SortBuffer> m_sorts;
  const PathRule* m_pending_sort = nullptr;

  json::Kind m_replacement_kind = json::Kind::Null;
  std::string m_replacement;
  std::string m_reason;
  std::optional<Error> m_error;
};

}  // namespace

std::unique_ptr<json::JsonHandler> make_normalizer(const CompiledRules& rules, json::JsonHandler& out) {
  return std::make_unique<Normalizer>(rules, out, nullptr);
}

Expected<std::string> normalize_text(std::string_view input, const CompiledRules& rules, RuleFirings* firings) {
  std::string out;
  out.reserve(input.size() + input.size() / 4);
  json::PythonJsonWriter writer(out);
  Normalizer normalizer(rules, writer, firings);
  // Python's json gives up near 1,000 levels (RecursionError), so no
  // capture its pipeline wrote is deeper; past 10,000 levels the indented
  // output alone would be hundreds of megabytes.
  json::ReaderOptions options;
  options.max_depth = kMaxNormalizeDepth;
  if (auto error = json::read_json(input, normalizer, options)) {
    if (const std::optional<Error>& cause = normalizer.error()) {
      return Error{cause->kind, error->to_string(), cause->hint, {}};
    }
    return Error::check(error->to_string());
  }
  out += '\n';
  return out;
}

}  // namespace fixturegen::normalize
