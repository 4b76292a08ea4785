#include <fixturegen/diff/json_diff.hpp>
#include <fixturegen/diff/rule_ownership.hpp>
#include <fixturegen/json/pointer.hpp>
#include <fixturegen/json/python_writer.hpp>
#include <fixturegen/json/reader.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace fixturegen::diff {

std::string_view change_kind_name(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::Added: return "added";
    case ChangeKind::Removed: return "removed";
    case ChangeKind::ValueChanged: return "value_changed";
    case ChangeKind::TypeChanged: return "type_changed";
    case ChangeKind::ArrayLengthChanged: return "array_length_changed";
    case ChangeKind::KeyOrderChanged: return "key_order_changed";
  }
  return "value_changed";
}

namespace {

// Writes events as compact JSON: the fixtures' escaping and float repr,
// without the indentation, so one value fits on one report line.
class CompactJsonWriter final : public json::JsonHandler {
public:
  explicit CompactJsonWriter(std::string& out) : m_out(out) {}

  bool null_value() override { return scalar("null"); }
  bool bool_value(bool value) override { return scalar(value ? "true" : "false"); }
  bool integer_value(std::string_view text, std::int64_t, bool) override { return scalar(text); }
  bool float_value(double value) override {
    before_value();
    json::append_python_float(m_out, value);
    return true;
  }
  bool string_value(std::string_view value) override {
    before_value();
    json::append_python_string(m_out, value);
    return true;
  }
  bool begin_object() override { return open('{'); }
  bool key(std::string_view name) override {
    if (!m_first.back()) m_out += ',';
    m_first.back() = false;
    json::append_python_string(m_out, name);
    m_out += ':';
    m_after_key = true;
    return true;
  }
  bool end_object() override { return close('}'); }
  bool begin_array() override { return open('['); }
  bool end_array() override { return close(']'); }

private:
  void before_value() {
    if (m_after_key) {
      m_after_key = false;
      return;
    }
    if (!m_first.empty()) {
      if (!m_first.back()) m_out += ',';
      m_first.back() = false;
    }
  }
  bool scalar(std::string_view text) {
    before_value();
    m_out += text;
    return true;
  }
  bool open(char bracket) {
    before_value();
    m_out += bracket;
    m_first.push_back(true);
    return true;
  }
  bool close(char bracket) {
    m_out += bracket;
    m_first.pop_back();
    return true;
  }

  std::string& m_out;
  std::vector<bool> m_first;  // per open container: no item written yet
  bool m_after_key = false;
};

bool same_scalar(json::Value a, json::Value b) {
  switch (a.kind()) {
    case json::Kind::Null: return true;
    case json::Kind::Bool: return a.as_bool() == b.as_bool();
    case json::Kind::Integer:
      // By the exact digits (canonical text: no "-0", no leading zeros),
      // so integers beyond 64 bits compare exactly too.
      return a.integer_text() == b.integer_text();
    case json::Kind::Float:
      // By repr, which tells 0.0 from -0.0 as the bytes do.
      return json::python_float_repr(a.as_double()) == json::python_float_repr(b.as_double());
    case json::Kind::String: return a.as_string() == b.as_string();
    default: return false;
  }
}

std::string key_list(const std::vector<std::string_view>& keys) {
  std::string text = "[";
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i) text += ',';
    json::append_python_string(text, keys[i]);
  }
  text += ']';
  return text;
}

// One step of the walk: compare two values, report a value only one side
// has, or leave a container (pop its pointer token). A stack of these
// replaces recursion; the current pointer and pattern are built up and torn
// down token by token, so a deep document costs no quadratic copying.
struct Step {
  enum class Kind { Compare, Added, Removed, Leave };
  Step(Kind step_kind, json::Value old_side, json::Value new_side)
      : kind(step_kind), old_value(old_side), new_value(new_side) {}

  Kind kind;
  json::Value old_value;
  json::Value new_value;
  bool has_token = false;  // false only for the root
  bool is_index = false;
  std::string_view key;    // a member's name: a view into its document
  std::size_t index = 0;   // an array element's index
};

class Differ {
public:
  std::vector<Change> run(json::Value old_root, json::Value new_root) {
    m_stack.emplace_back(Step::Kind::Compare, old_root, new_root);
    while (!m_stack.empty()) {
      const Step step = m_stack.back();
      m_stack.pop_back();
      if (step.kind == Step::Kind::Leave) {
        leave();
        continue;
      }
      if (step.has_token) enter(step);
      bool entered_container = false;
      switch (step.kind) {
        case Step::Kind::Added: one_sided(ChangeKind::Added, step); break;
        case Step::Kind::Removed: one_sided(ChangeKind::Removed, step); break;
        case Step::Kind::Compare: entered_container = compare(step); break;
        case Step::Kind::Leave: break;
      }
      // A container's children pop its token through their Leave step.
      if (step.has_token && !entered_container) leave();
    }
    return std::move(m_changes);
  }

private:
  void enter(const Step& step) {
    if (step.is_index) {
      m_pointer.push(step.index);
      m_pattern.push(std::string_view("*"));
    } else {
      m_pointer.push(step.key);
      m_pattern.push(step.key);
    }
  }
  void leave() {
    m_pointer.pop();
    m_pattern.pop();
  }

  Change& add(ChangeKind kind) {
    Change& change = m_changes.emplace_back();
    change.kind = kind;
    change.pointer = m_pointer.str();
    change.pattern = m_pattern.str();
    return change;
  }

  void one_sided(ChangeKind kind, const Step& step) {
    Change& change = add(kind);
    if (kind == ChangeKind::Added) {
      change.new_text = compact_json(step.new_value);
      change.new_kind = step.new_value.kind();
    } else {
      change.old_text = compact_json(step.old_value);
      change.old_kind = step.old_value.kind();
    }
  }

  void both_sided(ChangeKind kind, const Step& step) {
    Change& change = add(kind);
    change.old_text = compact_json(step.old_value);
    change.new_text = compact_json(step.new_value);
    change.old_kind = step.old_value.kind();
    change.new_kind = step.new_value.kind();
  }

  // Returns whether children were pushed (then a Leave step is pushed below
  // them, and the caller must not pop this value's token itself).
  bool compare(const Step& step) {
    const json::Value a = step.old_value;
    const json::Value b = step.new_value;
    if (a.kind() != b.kind()) {
      both_sided(ChangeKind::TypeChanged, step);
      return false;
    }
    if (a.is_object()) return compare_objects(step);
    if (a.is_array()) return compare_arrays(step);
    if (!same_scalar(a, b)) both_sided(ChangeKind::ValueChanged, step);
    return false;
  }

  // Pushes `children` to be visited in their order, then this container's
  // Leave step beneath them.
  bool push_children(const Step& step, std::vector<Step>& children) {
    if (!step.has_token && children.empty()) return false;
    if (step.has_token) m_stack.emplace_back(Step::Kind::Leave, json::Value(), json::Value());
    for (auto it = children.rbegin(); it != children.rend(); ++it) m_stack.push_back(*it);
    return step.has_token;
  }

  static Step member_step(Step::Kind kind, json::Value old_value, json::Value new_value, std::string_view key) {
    Step step(kind, old_value, new_value);
    step.has_token = true;
    step.key = key;
    return step;
  }
  static Step element_step(Step::Kind kind, json::Value old_value, json::Value new_value, std::size_t index) {
    Step step(kind, old_value, new_value);
    step.has_token = true;
    step.is_index = true;
    step.index = index;
    return step;
  }

  // Members are matched by name and visited in the new side's order,
  // removed members last.
  bool compare_objects(const Step& step) {
    std::vector<std::pair<std::string_view, json::Value>> old_members;
    std::vector<std::pair<std::string_view, json::Value>> new_members;
    for (const auto member : step.old_value.members()) old_members.emplace_back(member.key, member.value);
    for (const auto member : step.new_value.members()) new_members.emplace_back(member.key, member.value);
    // Keys are views into the two documents, which outlive the walk.
    std::unordered_map<std::string_view, std::size_t> old_index;
    std::unordered_map<std::string_view, std::size_t> new_index;
    old_index.reserve(old_members.size());
    new_index.reserve(new_members.size());
    for (std::size_t i = 0; i < old_members.size(); ++i) old_index.emplace(old_members[i].first, i);
    for (std::size_t i = 0; i < new_members.size(); ++i) new_index.emplace(new_members[i].first, i);

    std::vector<std::string_view> old_common;
    std::vector<std::string_view> new_common;
    for (const auto& [key, value] : old_members)
      if (new_index.count(key)) old_common.push_back(key);
    for (const auto& [key, value] : new_members)
      if (old_index.count(key)) new_common.push_back(key);
    if (old_common != new_common) {
      Change& change = add(ChangeKind::KeyOrderChanged);
      change.old_text = key_list(old_common);
      change.new_text = key_list(new_common);
      change.old_kind = change.new_kind = json::Kind::Object;
    }

    std::vector<Step> children;
    for (const auto& [key, value] : new_members) {
      const auto old = old_index.find(key);
      if (old == old_index.end()) {
        children.push_back(member_step(Step::Kind::Added, json::Value(), value, key));
      } else {
        children.push_back(member_step(Step::Kind::Compare, old_members[old->second].second, value, key));
      }
    }
    for (const auto& [key, value] : old_members) {
      if (!new_index.count(key)) children.push_back(member_step(Step::Kind::Removed, value, json::Value(), key));
    }
    return push_children(step, children);
  }

  // Same length: elements pair by index. Another length: the longest equal
  // prefix and suffix pair up first, so one inserted or removed element is
  // reported as that, not as every element after it changing; the middle
  // pairs by index and its surplus is added or removed.
  bool compare_arrays(const Step& step) {
    const std::vector<json::Value> old_elements(step.old_value.elements().begin(), step.old_value.elements().end());
    const std::vector<json::Value> new_elements(step.new_value.elements().begin(), step.new_value.elements().end());
    const std::size_t old_size = old_elements.size();
    const std::size_t new_size = new_elements.size();

    std::size_t prefix = 0;
    std::size_t suffix = 0;
    if (old_size != new_size) {
      Change& change = add(ChangeKind::ArrayLengthChanged);
      change.old_text = std::to_string(old_size);
      change.new_text = std::to_string(new_size);
      change.old_kind = change.new_kind = json::Kind::Array;

      std::vector<std::string> old_texts;
      std::vector<std::string> new_texts;
      old_texts.reserve(old_size);
      new_texts.reserve(new_size);
      for (const json::Value& element : old_elements) old_texts.push_back(compact_json(element));
      for (const json::Value& element : new_elements) new_texts.push_back(compact_json(element));
      const std::size_t shorter = std::min(old_size, new_size);
      while (prefix < shorter && old_texts[prefix] == new_texts[prefix]) ++prefix;
      while (suffix < shorter - prefix && old_texts[old_size - 1 - suffix] == new_texts[new_size - 1 - suffix])
        ++suffix;
    }

    std::vector<Step> children;
    const std::size_t old_middle = old_size - prefix - suffix;
    const std::size_t new_middle = new_size - prefix - suffix;
    const std::size_t paired = std::min(old_middle, new_middle);
    for (std::size_t i = prefix; i < prefix + paired; ++i)
      children.push_back(element_step(Step::Kind::Compare, old_elements[i], new_elements[i], i));
    for (std::size_t i = prefix + paired; i < prefix + new_middle; ++i)
      children.push_back(element_step(Step::Kind::Added, json::Value(), new_elements[i], i));
    for (std::size_t i = prefix + paired; i < prefix + old_middle; ++i)
      children.push_back(element_step(Step::Kind::Removed, old_elements[i], json::Value(), i));
    return push_children(step, children);
  }

  std::vector<Step> m_stack;
  std::vector<Change> m_changes;
  json::PointerBuilder m_pointer;
  json::PointerBuilder m_pattern;
};

}  // namespace

std::string compact_json(json::Value value) {
  std::string out;
  CompactJsonWriter writer(out);
  json::emit(value, writer);
  return out;
}

std::vector<Change> diff_values(json::Value old_root, json::Value new_root, const DiffOptions& options) {
  std::vector<Change> changes = Differ().run(old_root, new_root);
  if (options.rules) {
    for (Change& change : changes) {
      if (change.kind == ChangeKind::ValueChanged || change.kind == ChangeKind::TypeChanged)
        change.owned_by_rules = owned_by_rules(*options.rules, old_root, new_root, change.pointer);
    }
  }
  return changes;
}

Expected<std::vector<Change>> diff_texts(std::string_view old_text, std::string_view new_text,
                                         const DiffOptions& options) {
  json::Document old_document;
  if (auto error = json::Document::parse(old_text, old_document))
    return Error::check(fmt::format("old: {}", error->to_string()));
  json::Document new_document;
  if (auto error = json::Document::parse(new_text, new_document))
    return Error::check(fmt::format("new: {}", error->to_string()));
  return diff_values(old_document.root(), new_document.root(), options);
}

}  // namespace fixturegen::diff
