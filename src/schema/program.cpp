// Runs a compiled Program. Two instantiations of the same code: Collect =
// false answers yes/no, stops at the first failure and never allocates on
// the valid path; Collect = true records violations with their instance
// pointers (kept as a stack of segments, turned into text only on report).

#include "describe.hpp"
#include "program.hpp"

#include <fixturegen/json/pointer.hpp>

#include <pthread.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <optional>
#include <bit>
#include <cstddef>
#include <string>
#include <utility>

namespace fixturegen::schema {

namespace {

// Nesting of schema applications (instance depth times $ref/allOf chains).
// Deeper is an error ("cannot validate"), never a verdict and never a
// stack overflow: a level costs about 1 KiB of stack, so 1,024 levels
// need about 1 MiB. A thread with less (ulimit -s 1024) stops earlier, at
// kStackReserve above the end of its stack.
constexpr std::uint32_t kMaxDepth = 1024;
// What one level's own work may still need below the last check: building
// a message, a PCRE2 match (the JIT has its own stack), fmt.
constexpr std::size_t kStackReserve = 256 * 1024;
// Depth from which the stack's end is checked: these first levels (about
// 1 KiB each) fit in any stack whose end is known at all (more than
// kStackReserve).
constexpr std::uint32_t kStackCheckFrom = 32;

// The lowest address this thread's validation may reach, or null when the
// stack's bounds are unknown (then only kMaxDepth bounds it).
const char* thread_stack_floor() {
  thread_local const char* const floor = [] {
    pthread_attr_t attributes;
    if (pthread_getattr_np(pthread_self(), &attributes) != 0) return static_cast<const char*>(nullptr);
    void* low = nullptr;
    std::size_t size = 0;
    const bool known = pthread_attr_getstack(&attributes, &low, &size) == 0;
    pthread_attr_destroy(&attributes);
    if (!known || size <= kStackReserve) return static_cast<const char*>(nullptr);
    return static_cast<const char*>(low) + kStackReserve;
  }();
  return floor;
}

std::uint8_t instance_bits(json::Value value) {
  switch (value.kind()) {
    case json::Kind::Null: return kNullBit;
    case json::Kind::Bool: return kBooleanBit;
    case json::Kind::Integer: return kIntegerBit | kNumberBit;
    case json::Kind::Float:
      return static_cast<std::uint8_t>(kNumberBit | (is_integral(value) ? kIntegerBit : 0));
    case json::Kind::String: return kStringBit;
    case json::Kind::Array: return kArrayBit;
    case json::Kind::Object: return kObjectBit;
  }
  return 0;
}

std::size_t code_points(std::string_view text) {
  std::size_t count = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

const PropertyEntry* find_entry(const std::vector<PropertyEntry>& entries, std::string_view key) {
  if (entries.size() <= 8) {
    for (const PropertyEntry& entry : entries) {
      if (entry.key == key) return &entry;
    }
    return nullptr;
  }
  const auto found = std::lower_bound(
      entries.begin(), entries.end(), key,
      [](const PropertyEntry& entry, std::string_view k) { return entry.key < k; });
  return (found != entries.end() && found->key == key) ? &*found : nullptr;
}

}  // namespace

struct PathSegment {
  std::string_view key;
  std::size_t index = 0;
  bool is_key = false;
};

// A violation with what the anyOf/oneOf summary needs to judge it.
struct RawViolation {
  Violation violation;
  Op op = Op::False;
  std::size_t depth = 0;      // instance depth where it happened
  std::uint8_t type_mask = 0; // Type: the expected types
  bool single_value = false;  // const, or an enum of one value (a tag)
  std::string expected;       // Const/Enum: the allowed values, rendered
};

struct Frame {
  std::vector<RawViolation>* out = nullptr;
  std::vector<PathSegment> path;
  std::vector<std::uint32_t> scope;  // dynamic scope: resources entered
  std::uint32_t depth = 0;
  // Set when something could not be decided: the run's answer is this error.
  std::optional<Error> error;
  // Looked up only once a run nests kStackCheckFrom levels deep: finding
  // it reads /proc/self/maps (pthread_getattr_np), about as costly as
  // validating a small capture, and almost no capture nests that deep.
  const char* stack_floor = nullptr;
  bool stack_floor_known = false;
};

// Which members/items of one instance the schemas applied so far have
// evaluated (2020-12 unevaluated*). Only schemas using those keywords pay.
struct Eval {
  std::vector<bool> properties;
  std::vector<bool> items;
  bool all_items = false;

  void init(json::Value value) {
    if (value.is_object()) properties.assign(value.size(), false);
    if (value.is_array()) items.assign(value.size(), false);
  }
  void merge(const Eval& other) {
    for (std::size_t i = 0; i < properties.size() && i < other.properties.size(); ++i) {
      if (other.properties[i]) properties[i] = true;
    }
    for (std::size_t i = 0; i < items.size() && i < other.items.size(); ++i) {
      if (other.items[i]) items[i] = true;
    }
    all_items = all_items || other.all_items;
  }
};


std::string KeywordPointers::operator[](std::uint32_t keyword) const {
  const KeywordRef& ref = m_refs[keyword];
  std::string out = m_prefixes[ref.doc];
  out += pointer_to(ref.node.document()->root(), ref.node);
  if (!ref.keyword.empty()) {
    out += '/';
    out += json::escape_pointer_token(ref.keyword);
  }
  return out;
}

namespace {

std::string instance_pointer(const Frame& frame) {
  std::string out;
  for (const PathSegment& segment : frame.path) {
    out += '/';
    if (segment.is_key) out += json::escape_pointer_token(segment.key);
    else out += std::to_string(segment.index);
  }
  return out;
}

// The kind of a violation reported by an instruction of `op`.
ViolationKind kind_of(Op op) {
  switch (op) {
    case Op::False: return ViolationKind::FalseSchema;
    case Op::Type: return ViolationKind::Type;
    case Op::Enum: return ViolationKind::Enum;
    case Op::Const: return ViolationKind::Const;
    case Op::MultipleOf: return ViolationKind::MultipleOf;
    case Op::Minimum: return ViolationKind::Minimum;
    case Op::Maximum: return ViolationKind::Maximum;
    case Op::ExclusiveMinimum: return ViolationKind::ExclusiveMinimum;
    case Op::ExclusiveMaximum: return ViolationKind::ExclusiveMaximum;
    case Op::MinLength: return ViolationKind::MinLength;
    case Op::MaxLength: return ViolationKind::MaxLength;
    case Op::Pattern: return ViolationKind::Pattern;
    case Op::Format: return ViolationKind::Format;
    case Op::MinItems: return ViolationKind::MinItems;
    case Op::MaxItems: return ViolationKind::MaxItems;
    case Op::UniqueItems: return ViolationKind::UniqueItems;
    case Op::Contains: return ViolationKind::Contains;
    case Op::MinProperties: return ViolationKind::MinProperties;
    case Op::MaxProperties: return ViolationKind::MaxProperties;
    case Op::Object: return ViolationKind::Required;  // the one report an Object table makes itself
    case Op::DependentRequired: return ViolationKind::DependentRequired;
    case Op::AnyOf: return ViolationKind::AnyOf;
    case Op::OneOf: return ViolationKind::OneOf;
    case Op::Not: return ViolationKind::Not;
    default: return ViolationKind::Other;  // applicators report through their subschemas
  }
}

// Where a run gave up, for an error message: the instance pointer, its
// middle cut out when it is long (a 1,000-level path is not read).
std::string where_undecided(const Frame& frame) {
  if (frame.path.empty()) return "the capture";
  std::string pointer = instance_pointer(frame);
  if (pointer.size() > 160) pointer = pointer.substr(0, 80) + "/.../" + pointer.substr(pointer.size() - 60);
  return pointer;
}

RawViolation& report(Frame& frame, const KeywordPointers& pointers, std::uint32_t keyword, Op op,
                     std::string message, ViolationKind kind) {
  RawViolation raw;
  raw.violation.instance_pointer = instance_pointer(frame);
  raw.violation.schema_pointer = pointers[keyword];
  raw.violation.message = std::move(message);
  raw.violation.kind = kind;
  raw.op = op;
  raw.depth = frame.path.size();
  frame.out->push_back(std::move(raw));
  return frame.out->back();
}

RawViolation& report(Frame& frame, const KeywordPointers& pointers, std::uint32_t keyword, Op op,
                     std::string message) {
  return report(frame, pointers, keyword, op, std::move(message), kind_of(op));
}

struct PathGuard {
  PathGuard(Frame& frame, bool active, PathSegment segment) : m_frame(frame), m_active(active) {
    if (m_active) m_frame.path.push_back(segment);
  }
  ~PathGuard() {
    if (m_active) m_frame.path.pop_back();
  }
  PathGuard(const PathGuard&) = delete;
  PathGuard& operator=(const PathGuard&) = delete;

private:
  Frame& m_frame;
  bool m_active;
};

PathSegment key_segment(std::string_view key) { return PathSegment{key, 0, true}; }
PathSegment index_segment(std::size_t index) { return PathSegment{{}, index, false}; }

}  // namespace

bool Program::match(std::uint32_t regex, std::string_view text, Frame& frame) const {
  Expected<bool> matched = regexes[regex].search(text);
  if (matched) return *matched;
  if (!frame.error) {
    Error error = std::move(matched).error();
    error.message = "cannot validate " + where_undecided(frame) + ": " + error.message;
    frame.error = std::move(error);
  }
  return false;
}

Expected<bool> Program::run_valid(json::Value instance) const {
  Frame frame;
  const bool valid = run<false>(root, instance, frame, nullptr);
  if (frame.error) return std::move(*frame.error);
  return valid;
}

Expected<std::vector<Violation>> Program::run_collect(json::Value instance) const {
  std::vector<RawViolation> raw;
  Frame frame;
  frame.out = &raw;
  run<true>(root, instance, frame, nullptr);
  if (frame.error) return std::move(*frame.error);
  std::vector<Violation> out;
  out.reserve(raw.size());
  for (RawViolation& violation : raw) out.push_back(std::move(violation.violation));
  return out;
}

template <bool Collect>
bool Program::run(SchemaId id, json::Value value, Frame& frame, Eval* eval) const {
  const CompiledSchema& schema = schemas[id];
  if (schema.first == schema.last) return true;
  if (frame.error) return false;  // the answer is the error now
  const auto* here = static_cast<const char*>(__builtin_frame_address(0));
  if (frame.depth >= kStackCheckFrom && !frame.stack_floor_known) {
    frame.stack_floor = thread_stack_floor();
    frame.stack_floor_known = true;
  }
  if (frame.depth >= kMaxDepth || here < frame.stack_floor) {
    frame.error = Error::config(
        "cannot validate " + where_undecided(frame) + ": the value nests too deeply to validate (" +
            (frame.depth >= kMaxDepth ? "more than " + std::to_string(kMaxDepth) + " schema levels"
                                      : "this thread's stack ends after " + std::to_string(frame.depth) + " schema levels") +
            ")",
        "no engine output nests this deep: look at what the capture holds there");
    return false;
  }
  ++frame.depth;
  // Entering a schema of another resource (its root or, through a $ref, any
  // subschema) adds that resource to the dynamic scope.
  const bool scoped = uses_dynamic_scope &&
                      schema.resource != std::numeric_limits<std::uint32_t>::max() &&
                      (frame.scope.empty() || frame.scope.back() != schema.resource);
  if (scoped) frame.scope.push_back(schema.resource);
  Eval local;
  Eval* target = eval;
  if (schema.has_unevaluated) {
    local.init(value);
    target = &local;
  }
  bool ok = true;
  for (std::uint32_t i = schema.first; i < schema.last; ++i) {
    const Instruction& instruction = code[i];
    if (!exec<Collect>(instruction, value, frame, target)) {
      ok = false;
      if constexpr (!Collect) break;
      // After a type mismatch the other keywords would only restate it.
      if (instruction.op == Op::Type || instruction.op == Op::False) break;
    }
  }
  if (ok && schema.has_unevaluated && eval != nullptr) eval->merge(local);
  if (scoped) frame.scope.pop_back();
  --frame.depth;
  return ok;
}

template <bool Collect>
bool Program::exec(const Instruction& in, json::Value value, Frame& frame, Eval* eval) const {
  switch (in.op) {
    case Op::False:
      if constexpr (Collect) {
        report(frame, pointers, in.keyword, Op::False,
               "no value is allowed here (the schema is false), found " + found(value));
      }
      return false;

    case Op::Type: {
      if ((instance_bits(value) & in.a) != 0) return true;
      if constexpr (Collect) {
        auto& raw = report(frame, pointers, in.keyword, Op::Type,
                           "expected " + type_names(static_cast<std::uint8_t>(in.a)) +
                               ", found " + found(value));
        raw.type_mask = static_cast<std::uint8_t>(in.a);
      }
      return false;
    }

    case Op::Enum: {
      const EnumTable& table = enums[in.a];
      if (table.all_strings) {
        if (value.is_string() &&
            std::binary_search(table.strings.begin(), table.strings.end(), value.as_string())) {
          return true;
        }
      } else {
        for (const json::Value allowed : table.values) {
          if (json::json_equal(allowed, value)) return true;
        }
      }
      if constexpr (Collect) {
        std::string list = compact_json(table.array, 300);
        const bool single = table.values.size() == 1;
        auto& raw = report(frame, pointers, in.keyword, Op::Enum,
                           (single ? "expected " + compact_json(table.values.front(), 100)
                                   : "expected one of " + list) +
                               ", found " + compact_json(value));
        raw.single_value = single;
        if (list.size() >= 2 && list.front() == '[' && list.back() == ']') {
          raw.expected = list.substr(1, list.size() - 2);
        } else {
          raw.expected = list;
        }
      }
      return false;
    }

    case Op::Const: {
      if (json::json_equal(values[in.a], value)) return true;
      if constexpr (Collect) {
        auto& raw = report(frame, pointers, in.keyword, Op::Const,
                           "expected " + compact_json(values[in.a], 100) + ", found " +
                               compact_json(value));
        raw.single_value = true;
        raw.expected = compact_json(values[in.a], 100);
      }
      return false;
    }

    case Op::MultipleOf: {
      if (!value.is_number() || is_multiple_of(value, divisors[in.a])) return true;
      if constexpr (Collect) {
        report(frame, pointers, in.keyword, in.op,
               "expected a multiple of " + compact_json(bound_values[in.n]) + ", found " +
                   compact_json(value));
      }
      return false;
    }

    case Op::Minimum:
    case Op::Maximum:
    case Op::ExclusiveMinimum:
    case Op::ExclusiveMaximum: {
      if (!value.is_number()) return true;
      const int order = compare_to_bound(value, bounds[in.a]);
      bool ok = true;
      std::string_view relation;
      switch (in.op) {
        case Op::Minimum: ok = order >= 0; relation = ">="; break;
        case Op::Maximum: ok = order <= 0; relation = "<="; break;
        case Op::ExclusiveMinimum: ok = order > 0; relation = ">"; break;
        default: ok = order < 0; relation = "<"; break;
      }
      if (ok) return true;
      if constexpr (Collect) {
        report(frame, pointers, in.keyword, in.op,
               "expected a number " + std::string(relation) + " " +
                   number_text(bound_values[in.n]) + ", found " + compact_json(value));
      }
      return false;
    }

    case Op::MinLength:
    case Op::MaxLength: {
      if (!value.is_string()) return true;
      const std::string_view text = value.as_string();
      // Bytes bound code points from above, code points bound bytes / 4.
      // (Divided, not multiplied: n * 4 wraps around for n >= 2^62.)
      if (in.op == Op::MinLength && text.size() / 4 >= in.n) return true;
      if (in.op == Op::MaxLength && text.size() <= in.n) return true;
      const std::size_t length = code_points(text);
      if (in.op == Op::MinLength ? length >= in.n : length <= in.n) return true;
      if constexpr (Collect) {
        report(frame, pointers, in.keyword, in.op,
               std::string(in.op == Op::MinLength ? "expected at least " : "expected at most ") +
                   plural(in.n, "character") + ", found " + std::to_string(length) + " in " +
                   compact_json(value));
      }
      return false;
    }

    case Op::Pattern: {
      if (!value.is_string() || match(in.a, value.as_string(), frame)) return true;
      if constexpr (Collect) {
        report(frame, pointers, in.keyword, in.op,
               "expected a string matching the pattern " + quote(regexes[in.a].source(), 100) +
                   ", found " + compact_json(value));
      }
      return false;
    }

    case Op::Format: {
      const auto format = static_cast<Format>(in.a);
      if (check_format(format, value)) return true;
      if constexpr (Collect) {
        report(frame, pointers, in.keyword, in.op,
               "expected " + std::string(format_description(format)) + ", found " +
                   compact_json(value));
      }
      return false;
    }

    case Op::Items: {
      if (!value.is_array()) return true;
      bool ok = true;
      std::size_t index = 0;
      for (const json::Value element : value.elements()) {
        PathGuard guard(frame, Collect, index_segment(index));
        if (!run<Collect>(in.a, element, frame, nullptr)) {
          ok = false;
          if constexpr (!Collect) return false;
        }
        ++index;
      }
      if (ok && eval != nullptr) eval->all_items = true;
      return ok;
    }

    case Op::TupleItems: {
      if (!value.is_array()) return true;
      const TupleTable& table = tuples[in.a];
      bool ok = true;
      std::size_t index = 0;
      for (const json::Value element : value.elements()) {
        PathGuard guard(frame, Collect, index_segment(index));
        bool item_ok = true;
        if (index < table.items.size()) {
          item_ok = run<Collect>(table.items[index], element, frame, nullptr);
          if (eval != nullptr && index < eval->items.size()) eval->items[index] = true;
        } else if (table.additional_false) {
          item_ok = false;
          if constexpr (Collect) {
            report(frame, pointers, table.additional_keyword, Op::False,
                   "item " + std::to_string(index) + " is not allowed (" +
                       (table.is_prefix_items ? "items" : "additionalItems") +
                       " is false; at most " + plural(table.items.size(), "item") + ")",
                   ViolationKind::AdditionalItems);
          }
        } else if (table.additional != kNoSchema) {
          item_ok = run<Collect>(table.additional, element, frame, nullptr);
          if (eval != nullptr && index < eval->items.size()) eval->items[index] = true;
        }
        if (!item_ok) {
          ok = false;
          if constexpr (!Collect) return false;
        }
        ++index;
      }
      return ok;
    }

    case Op::MinItems:
    case Op::MaxItems: {
      if (!value.is_array()) return true;
      const std::size_t size = value.size();
      if (in.op == Op::MinItems ? size >= in.n : size <= in.n) return true;
      if constexpr (Collect) {
        report(frame, pointers, in.keyword, in.op,
               std::string(in.op == Op::MinItems ? "expected at least " : "expected at most ") +
                   plural(in.n, "item") + ", found " + std::to_string(size));
      }
      return false;
    }

    case Op::UniqueItems: {
      if (!value.is_array() || value.size() < 2) return true;
      const std::optional<std::pair<std::size_t, std::size_t>> equal = json::find_equal_items(value);
      if (!equal) return true;
      const auto [first, second] = *equal;
      if constexpr (Collect) {
        std::size_t index = 0;
        json::Value item = value;
        for (const json::Value element : value.elements()) {
          if (index++ == first) {
            item = element;
            break;
          }
        }
        report(frame, pointers, in.keyword, in.op,
               "expected unique items, found item " + std::to_string(second) +
                   " equal to item " + std::to_string(first) + " (" + compact_json(item) + ")");
      }
      return false;
    }

    case Op::Contains: {
      if (!value.is_array()) return true;
      const ContainsTable& table = contains[in.a];
      std::uint64_t matches = 0;
      std::size_t index = 0;
      for (const json::Value element : value.elements()) {
        if (run<false>(table.schema, element, frame, nullptr)) {
          ++matches;
          if (eval != nullptr && index < eval->items.size()) eval->items[index] = true;
          if (eval == nullptr && !table.has_max && matches >= table.min) break;
        }
        ++index;
      }
      if (matches < table.min) {
        if constexpr (Collect) {
          report(frame, pointers, table.min_keyword, in.op,
                 table.min == 1
                     ? "expected at least one item matching the \"contains\" schema, found none "
                       "among " + plural(value.size(), "item")
                     : "expected at least " + plural(table.min, "item") +
                           " matching the \"contains\" schema, found " + std::to_string(matches));
        }
        return false;
      }
      if (table.has_max && matches > table.max) {
        if constexpr (Collect) {
          report(frame, pointers, table.max_keyword, in.op,
                 "expected at most " + plural(table.max, "item") +
                     " matching the \"contains\" schema, found " + std::to_string(matches));
        }
        return false;
      }
      return true;
    }

    case Op::MinProperties:
    case Op::MaxProperties: {
      if (!value.is_object()) return true;
      const std::size_t size = value.size();
      if (in.op == Op::MinProperties ? size >= in.n : size <= in.n) return true;
      if constexpr (Collect) {
        report(frame, pointers, in.keyword, in.op,
               std::string(in.op == Op::MinProperties ? "expected at least " : "expected at most ") +
                   plural(in.n, "property") + ", found " + std::to_string(size));
      }
      return false;
    }

    case Op::Object: return exec_object<Collect>(in, value, frame, eval);

    case Op::DependentRequired: {
      if (!value.is_object()) return true;
      bool ok = true;
      for (const DependentRequiredEntry& entry : dependent_required[in.a]) {
        if (!value.find(entry.property)) continue;
        for (const std::string_view name : entry.required) {
          if (value.find(name)) continue;
          ok = false;
          if constexpr (!Collect) return false;
          if constexpr (Collect) {
            report(frame, pointers, in.keyword, in.op,
                   "property " + quote(entry.property) + " requires property " + quote(name) +
                       ", which is missing");
          }
        }
      }
      return ok;
    }

    case Op::DependentSchemas: {
      if (!value.is_object()) return true;
      bool ok = true;
      for (const DependentSchemaEntry& entry : dependent_schemas[in.a]) {
        if (!value.find(entry.property)) continue;
        if (!run<Collect>(entry.schema, value, frame, eval)) {
          ok = false;
          if constexpr (!Collect) return false;
        }
      }
      return ok;
    }

    case Op::PropertyNames: {
      if (!value.is_object()) return true;
      bool ok = true;
      for (const auto member : value.members()) {
        // Keys are not values of the document; give each one a tiny document.
        json::DocumentBuilder builder;
        builder.string_value(member.key);
        const json::Document name = builder.take();
        if constexpr (Collect) {
          std::vector<RawViolation> inner;
          std::vector<RawViolation>* saved = frame.out;
          frame.out = &inner;
          PathGuard guard(frame, true, key_segment(member.key));
          const bool name_ok = run<true>(in.a, name.root(), frame, nullptr);
          frame.out = saved;
          if (!name_ok) {
            ok = false;
            for (RawViolation& raw : inner) {
              raw.violation.message =
                  "property name " + quote(member.key) + " is invalid: " + raw.violation.message;
              raw.violation.kind = ViolationKind::PropertyName;
              frame.out->push_back(std::move(raw));
            }
          }
        } else {
          if (!run<false>(in.a, name.root(), frame, nullptr)) return false;
        }
      }
      return ok;
    }

    case Op::IfThenElse: {
      const ConditionTable& table = conditions[in.a];
      Eval condition_eval;
      if (eval != nullptr) condition_eval.init(value);
      const bool matched =
          run<false>(table.if_schema, value, frame, eval != nullptr ? &condition_eval : nullptr);
      if (matched && eval != nullptr) eval->merge(condition_eval);
      const SchemaId next = matched ? table.then_schema : table.else_schema;
      if (next == kNoSchema) return true;
      return run<Collect>(next, value, frame, eval);
    }

    case Op::AllOf: {
      bool ok = true;
      for (const SchemaId branch : lists[in.a]) {
        if (!run<Collect>(branch, value, frame, eval)) {
          ok = false;
          if constexpr (!Collect) return false;
        }
      }
      return ok;
    }

    case Op::AnyOf: {
      const std::vector<SchemaId>& branches = lists[in.a];
      if (eval == nullptr) {
        for (const SchemaId branch : branches) {
          if (run<false>(branch, value, frame, nullptr)) return true;
        }
      } else {
        // Annotations need every passing branch, not just the first.
        bool any = false;
        for (const SchemaId branch : branches) {
          Eval branch_eval;
          branch_eval.init(value);
          if (run<false>(branch, value, frame, &branch_eval)) {
            any = true;
            eval->merge(branch_eval);
          }
        }
        if (any) return true;
      }
      if constexpr (Collect) report_alternatives(in, branches, value, frame);
      return false;
    }

    case Op::OneOf: {
      const std::vector<SchemaId>& branches = lists[in.a];
      std::size_t passing = 0;
      std::size_t first = 0;
      std::size_t second = 0;
      Eval kept;
      for (std::size_t i = 0; i < branches.size(); ++i) {
        Eval branch_eval;
        if (eval != nullptr) branch_eval.init(value);
        if (run<false>(branches[i], value, frame, eval != nullptr ? &branch_eval : nullptr)) {
          if (passing == 0) {
            first = i;
            if (eval != nullptr) kept = std::move(branch_eval);
          } else if (passing == 1) {
            second = i;
          }
          ++passing;
          if (passing > 1 && !Collect) return false;
        }
      }
      if (passing == 1) {
        if (eval != nullptr) eval->merge(kept);
        return true;
      }
      if constexpr (Collect) {
        if (passing == 0) {
          report_alternatives(in, branches, value, frame);
        } else {
          report(frame, pointers, in.keyword, in.op,
                 "expected exactly one of the " + std::to_string(branches.size()) +
                     " alternatives (oneOf) to match, found " + std::to_string(passing) +
                     " matching (alternatives " + std::to_string(first) + " and " +
                     std::to_string(second) + ")");
        }
      }
      return false;
    }

    case Op::Not: {
      if (!run<false>(in.a, value, frame, nullptr)) return true;
      if constexpr (Collect) {
        report(frame, pointers, in.keyword, in.op,
               "expected a value not matching the \"not\" schema, found " + found(value));
      }
      return false;
    }

    case Op::Ref: return run<Collect>(in.a, value, frame, eval);

    case Op::DynamicRef: {
      const DynamicRefTable& table = dynamic_refs[in.a];
      SchemaId target = table.static_target;
      if (!table.anchor.empty()) {
        bool done = false;
        for (const std::uint32_t resource : frame.scope) {
          for (const auto& [name, anchor] : resources[resource].dynamic_anchors) {
            if (name == table.anchor) {
              target = anchor;
              done = true;
              break;
            }
          }
          if (done) break;
        }
      }
      return run<Collect>(target, value, frame, eval);
    }

    case Op::UnevaluatedItems: {
      if (!value.is_array() || eval == nullptr || eval->all_items) return true;
      bool ok = true;
      std::size_t index = 0;
      for (const json::Value element : value.elements()) {
        if (index < eval->items.size() && !eval->items[index]) {
          PathGuard guard(frame, Collect, index_segment(index));
          bool item_ok = true;
          if (in.n == 1) {
            item_ok = false;
            if constexpr (Collect) {
              report(frame, pointers, in.keyword, Op::False,
                     "item " + std::to_string(index) +
                         " is not allowed (unevaluatedItems is false)",
                     ViolationKind::UnevaluatedItems);
            }
          } else {
            item_ok = run<Collect>(in.a, element, frame, nullptr);
          }
          if (!item_ok) {
            ok = false;
            if constexpr (!Collect) return false;
          }
        }
        ++index;
      }
      if (ok) eval->all_items = true;
      return ok;
    }

    case Op::UnevaluatedProperties: {
      if (!value.is_object() || eval == nullptr) return true;
      bool ok = true;
      std::size_t index = 0;
      for (const auto member : value.members()) {
        if (index < eval->properties.size() && !eval->properties[index]) {
          PathGuard guard(frame, Collect, key_segment(member.key));
          bool member_ok = true;
          if (in.n == 1) {
            member_ok = false;
            if constexpr (Collect) {
              report(frame, pointers, in.keyword, Op::False,
                     "property " + quote(member.key) +
                         " is not allowed (unevaluatedProperties is false)",
                     ViolationKind::UnevaluatedProperty);
            }
          } else {
            member_ok = run<Collect>(in.a, member.value, frame, nullptr);
          }
          if (!member_ok) {
            ok = false;
            if constexpr (!Collect) return false;
          }
          eval->properties[index] = true;
        }
        ++index;
      }
      return ok;
    }
  }
  return true;
}

template <bool Collect>
bool Program::exec_object(const Instruction& in, json::Value value, Frame& frame,
                          Eval* eval) const {
  if (!value.is_object()) return true;
  const ObjectTable& table = objects[in.a];
  bool ok = true;
  std::uint64_t seen = 0;
  const bool has_additional = table.additional_false || table.additional != kNoSchema;
  std::size_t ordinal = 0;
  for (const auto member : value.members()) {
    bool evaluated = false;
    if (const PropertyEntry* entry = find_entry(table.entries, member.key)) {
      if (entry->required_bit >= 0) seen |= std::uint64_t{1} << entry->required_bit;
      if (entry->schema != kNoSchema) {
        evaluated = true;
        PathGuard guard(frame, Collect, key_segment(member.key));
        if (!run<Collect>(entry->schema, member.value, frame, nullptr)) {
          ok = false;
          if constexpr (!Collect) return false;
        }
      }
    }
    for (const PatternEntry& pattern : table.patterns) {
      if (!match(pattern.regex, member.key, frame)) continue;
      evaluated = true;
      PathGuard guard(frame, Collect, key_segment(member.key));
      if (!run<Collect>(pattern.schema, member.value, frame, nullptr)) {
        ok = false;
        if constexpr (!Collect) return false;
      }
    }
    if (!evaluated && has_additional) {
      evaluated = true;
      PathGuard guard(frame, Collect, key_segment(member.key));
      if (table.additional_false) {
        ok = false;
        if constexpr (!Collect) return false;
        if constexpr (Collect) {
          report(frame, pointers, table.additional_keyword, Op::False,
                 "property " + quote(member.key) +
                     " is not allowed (additionalProperties is false)",
                 ViolationKind::AdditionalProperty);
        }
      } else if (!run<Collect>(table.additional, member.value, frame, nullptr)) {
        ok = false;
        if constexpr (!Collect) return false;
      }
    }
    if (eval != nullptr && evaluated && ordinal < eval->properties.size()) {
      eval->properties[ordinal] = true;
    }
    ++ordinal;
  }
  if ((seen & table.required_mask) != table.required_mask) {
    ok = false;
    if constexpr (!Collect) return false;
    if constexpr (Collect) {
      int bit = 0;
      for (const std::string_view name : table.required) {
        if (bit >= 64) break;
        if ((seen & (std::uint64_t{1} << bit)) == 0) {
          report(frame, pointers, table.required_keyword, Op::Object,
                 "missing required property " + quote(name));
        }
        ++bit;
      }
    }
  }
  for (const std::string_view name : table.required_overflow) {
    if (value.find(name)) continue;
    ok = false;
    if constexpr (!Collect) return false;
    if constexpr (Collect) {
      report(frame, pointers, table.required_keyword, Op::Object,
             "missing required property " + quote(name));
    }
  }
  return ok;
}

// anyOf/oneOf with no passing branch. If exactly one branch "nearly"
// matched (its type and tags fit, only something deeper failed), its
// violations say more than any summary; otherwise one summary violation.
void Program::report_alternatives(const Instruction& in, const std::vector<SchemaId>& branches,
                                  json::Value value, Frame& frame) const {
  const std::size_t depth = frame.path.size();
  std::vector<std::vector<RawViolation>> results(branches.size());
  std::vector<RawViolation>* saved = frame.out;
  for (std::size_t i = 0; i < branches.size(); ++i) {
    frame.out = &results[i];
    run<true>(branches[i], value, frame, nullptr);
  }
  frame.out = saved;

  const auto is_far = [&](const RawViolation& raw) {
    if (raw.depth == depth) {
      return raw.op == Op::Type || raw.op == Op::False || raw.op == Op::Const ||
             raw.op == Op::Enum;
    }
    return raw.depth == depth + 1 && raw.single_value;
  };
  std::size_t near_count = 0;
  std::size_t near_index = 0;
  bool all_type = true;
  bool all_values = true;
  std::uint8_t types = 0;
  std::string value_list;
  for (std::size_t i = 0; i < results.size(); ++i) {
    bool far = false;
    bool type_here = false;
    bool value_here = false;
    for (const RawViolation& raw : results[i]) {
      far = far || is_far(raw);
      if (raw.depth == depth && raw.op == Op::Type) {
        type_here = true;
        types |= raw.type_mask;
      }
      if (raw.depth == depth && (raw.op == Op::Const || raw.op == Op::Enum) && !type_here) {
        value_here = true;
        if (!value_list.empty()) value_list += ", ";
        value_list += raw.expected;
      }
    }
    if (!far) {
      ++near_count;
      near_index = i;
    }
    all_type = all_type && type_here;
    all_values = all_values && value_here && !type_here;
  }
  if (near_count == 1 && !results[near_index].empty()) {
    for (RawViolation& raw : results[near_index]) frame.out->push_back(std::move(raw));
    return;
  }
  const std::string_view keyword = in.op == Op::AnyOf ? "anyOf" : "oneOf";
  if (all_type && types != 0) {
    auto& raw = report(frame, pointers, in.keyword, Op::Type,
                       "expected " + type_names(types) + ", found " + found(value));
    raw.type_mask = types;
    return;
  }
  if (all_values && !value_list.empty()) {
    if (value_list.size() > 300) value_list = value_list.substr(0, 300) + "...";
    auto& raw = report(frame, pointers, in.keyword, Op::Enum,
                       "expected one of [" + value_list + "], found " + compact_json(value));
    raw.expected = value_list;
    return;
  }
  report(frame, pointers, in.keyword, in.op,
         "does not match any of the " + std::to_string(branches.size()) + " alternatives (" +
             std::string(keyword) + "), found " + found(value));
}

template bool Program::run<true>(SchemaId, json::Value, Frame&, Eval*) const;
template bool Program::run<false>(SchemaId, json::Value, Frame&, Eval*) const;

}  // namespace fixturegen::schema
