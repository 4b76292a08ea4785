#include <fixturegen/scenario/engine_schema_fields.hpp>

#include <fixturegen/json/pointer.hpp>
#include <fixturegen/json/python_writer.hpp>

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <tuple>
#include <utility>

namespace fixturegen::scenario {

namespace {

// A schema whose paths multiply at every level (each definition naming the
// next twice) declares more paths than anyone could read; stop there.
constexpr std::size_t kMaxDeclaredPaths = 200'000;
// Subschemas nested deeper than this (a property, an item, a branch, a $ref
// each count one) are not walked: the engine's go a few dozen deep, and a
// path is as long as its nesting, so a 25,000-deep schema would cost
// gigabytes in paths.
constexpr std::uint32_t kMaxSubschemaDepth = 2'000;

// The $refs being expanded on the way from the root to one subschema: a
// shared list, so each pending item holds its chain without copying it.
struct RefChain {
  std::uint32_t target;  // the node the reference led to
  std::shared_ptr<const RefChain> parent;
};

bool on_chain(const RefChain* chain, std::uint32_t target) {
  for (; chain != nullptr; chain = chain->parent.get())
    if (chain->target == target) return true;
  return false;
}

// One subschema to apply at one instance path.
struct Pending {
  json::Value schema;
  std::string path;          // instance path it describes
  std::string schema_path;   // its JSON Pointer in the schema, for problems
  std::shared_ptr<const RefChain> refs;
  bool union_branch = false;   // the subschema is (or a $ref/allOf of) a oneOf/anyOf branch
  bool tag_candidate = false;  // a property of such a branch
  std::uint32_t depth = 0;     // subschemas from the root
};

KindMask kinds_of_type_name(std::string_view name) {
  if (name == "null") return kind_bit(json::Kind::Null);
  if (name == "boolean") return kind_bit(json::Kind::Bool);
  if (name == "integer") return kind_bit(json::Kind::Integer);
  // A JSON Schema "number" is any number, integers included.
  if (name == "number") return kind_bit(json::Kind::Integer) | kind_bit(json::Kind::Float);
  if (name == "string") return kind_bit(json::Kind::String);
  if (name == "array") return kind_bit(json::Kind::Array);
  if (name == "object") return kind_bit(json::Kind::Object);
  return 0;
}

KindMask kinds_of_value(json::Value value) {
  // As `type` counts them: an integral float such as 1.0 is an integer too.
  if (value.is_float()) {
    const double number = value.as_double();
    return std::floor(number) == number ? kinds_of_type_name("number") : kind_bit(json::Kind::Float);
  }
  return kind_bit(value.kind());
}

// Resolves a reference inside the same document ("#", "#/definitions/X").
std::optional<json::Value> resolve_local_ref(json::Value root, std::string_view ref) {
  if (!ref.starts_with('#')) return std::nullopt;
  std::vector<std::string> tokens;
  if (!json::split_pointer(ref.substr(1), tokens)) return std::nullopt;
  json::Value node = root;
  for (const std::string& token : tokens) {
    if (node.is_object()) {
      std::optional<json::Value> member = node.find(token);
      if (!member) return std::nullopt;
      node = *member;
    } else if (node.is_array()) {
      if (token.empty() || token.find_first_not_of("0123456789") != std::string::npos || token.size() > 9)
        return std::nullopt;
      const std::size_t index = std::stoul(token);
      if (index >= node.size()) return std::nullopt;
      auto it = node.elements().begin();
      for (std::size_t i = 0; i < index; ++i) ++it;
      node = *it;
    } else {
      return std::nullopt;
    }
  }
  return node;
}

class DeclaredFieldWalk {
public:
  explicit DeclaredFieldWalk(json::Value root) : m_root(root) {}

  EngineSchemaFields run() {
    m_pending.push_back(Pending{m_root, "", "", nullptr});
    while (!m_pending.empty()) {
      Pending item = std::move(m_pending.back());
      m_pending.pop_back();
      // The same subschema at the same path adds nothing the second time
      // (`anyOf: [{$ref: A}, {$ref: A}]`, a definition shared by branches).
      if (!m_seen.emplace(item.schema.index(), item.path, item.union_branch, item.tag_candidate).second) continue;
      if (item.depth > kMaxSubschemaDepth) {
        // Declared, but nothing below it is read: whatever examples show there passes.
        DeclaredField& field = m_result.fields[item.path];
        field.kinds |= kAnyKind;
        field.open = field.values_open = true;
        if (!m_too_deep) {
          m_too_deep = true;
          m_result.problems.push_back(fmt::format("{}: nested deeper than {} subschemas; not walked further",
                                                  item.schema_path, kMaxSubschemaDepth));
        }
        continue;
      }
      if (m_result.fields.size() >= kMaxDeclaredPaths && !m_result.fields.count(item.path)) {
        m_result.problems.push_back(
            fmt::format("the schema declares more than {} instance paths: the walk stopped there", kMaxDeclaredPaths));
        break;
      }
      apply(item);
    }
    return std::move(m_result);
  }

private:
  void push(json::Value schema, std::string path, std::string schema_path, const Pending& from,
            bool union_branch, bool tag_candidate) {
    m_pending.push_back(
        Pending{schema, std::move(path), std::move(schema_path), from.refs, union_branch, tag_candidate, from.depth + 1});
  }

  void apply(const Pending& item) {
    DeclaredField& field = m_result.fields[item.path];
    const json::Value schema = item.schema;
    if (schema.is_bool()) {
      // `true` allows anything; `false` nothing (the path is still named).
      if (schema.as_bool()) {
        field.kinds |= kAnyKind;
        field.open = true;
        field.values_open = true;
      }
      return;
    }
    if (!schema.is_object()) {
      m_result.problems.push_back(fmt::format("{}: a schema must be an object or a boolean; ignored",
                                              item.schema_path.empty() ? "(root)" : item.schema_path));
      return;
    }

    if (std::optional<json::Value> ref = schema.find("$ref")) {
      follow_ref(item, field, *ref);
      return;  // draft-07: a $ref's siblings are ignored
    }

    bool structured = false;
    KindMask own_kinds = 0;
    bool has_type = false;
    if (std::optional<json::Value> type = schema.find("type")) {
      has_type = true;
      structured = true;
      if (type->is_string()) {
        own_kinds = kinds_of_type_name(type->as_string());
      } else {
        for (json::Value name : type->elements())
          if (name.is_string()) own_kinds |= kinds_of_type_name(name.as_string());
      }
    }

    // Values: an `enum`/`const` closes them; a type without either opens
    // them, unless it only allows null (the null arm of a nullable anyOf).
    std::size_t listed_values = 0;
    KindMask value_kinds = 0;
    const auto add_value = [&](json::Value value) {
      value_kinds |= kinds_of_value(value);
      if (value.is_null()) return;
      std::string text = scalar_text(value);
      if (text.empty()) {
        field.values_open = true;  // an object or array value: not listed
        return;
      }
      field.enum_values.insert(std::move(text));
      ++listed_values;
    };
    bool has_values = false;
    if (std::optional<json::Value> values = schema.find("enum"); values && values->is_array()) {
      has_values = true;
      for (json::Value value : values->elements()) add_value(value);
    }
    if (std::optional<json::Value> value = schema.find("const")) {
      has_values = true;
      add_value(*value);
    }
    if (has_values) {
      structured = true;
      if (!has_type) own_kinds = value_kinds;
      if (item.tag_candidate && listed_values == 1) field.tag = true;
    } else if (has_type && (own_kinds & ~kind_bit(json::Kind::Null)) != 0) {
      field.values_open = true;
    }

    for (std::string_view keyword : {"allOf", "anyOf", "oneOf"}) {
      std::optional<json::Value> branches = schema.find(keyword);
      if (!branches || !branches->is_array()) continue;
      structured = true;
      // allOf wraps (schemars writes `allOf: [{$ref}]` to add a description):
      // its branch is the same value, so it keeps this item's union flag.
      const bool union_branch = keyword == "allOf" ? item.union_branch : true;
      std::size_t index = 0;
      for (json::Value branch : branches->elements()) {
        push(branch, item.path, fmt::format("{}/{}/{}", item.schema_path, keyword, index++), item, union_branch,
             item.tag_candidate);
      }
    }

    const std::optional<json::Value> properties = schema.find("properties");
    const bool has_properties = properties && properties->is_object() && properties->size() > 0;
    if (properties && properties->is_object()) {
      structured = true;
      if (!has_type) own_kinds |= kind_bit(json::Kind::Object);
      for (json::Value::Member member : properties->members()) {
        const std::string token = json::escape_pointer_token(member.key);
        push(member.value, item.path + "/" + token, fmt::format("{}/properties/{}", item.schema_path, token), item,
             false, item.union_branch);
      }
    }

    bool has_member_schema = false;
    for (std::string_view keyword : {"additionalProperties", "patternProperties"}) {
      std::optional<json::Value> members = schema.find(keyword);
      if (!members) continue;
      structured = true;
      if (!has_type) own_kinds |= kind_bit(json::Kind::Object);
      if (keyword == "additionalProperties") {
        if (members->is_bool()) continue;  // false closes the object, true is the default
        add_map_member(item, field, *members, has_properties, "/additionalProperties");
        has_member_schema = true;
      } else if (members->is_object()) {
        for (json::Value::Member pattern : members->members()) {
          add_map_member(item, field, pattern.value, has_properties,
                         fmt::format("/patternProperties/{}", json::escape_pointer_token(pattern.key)));
          has_member_schema = true;
        }
      }
    }

    bool has_items = false;
    if (std::optional<json::Value> items = schema.find("items")) {
      structured = true;
      has_items = true;
      if (!has_type) own_kinds |= kind_bit(json::Kind::Array);
      if (items->is_array()) {
        std::size_t index = 0;
        for (json::Value element : items->elements())
          push(element, item.path + "/*", fmt::format("{}/items/{}", item.schema_path, index++), item, false, false);
      } else {
        push(*items, item.path + "/*", item.schema_path + "/items", item, false, false);
      }
    }

    if (!structured) {
      // `{}` or only annotations (`description`): any value at all.
      field.kinds |= kAnyKind;
      field.open = true;
      field.values_open = true;
      return;
    }
    field.kinds |= own_kinds;
    // A free-form object or array: members nobody declared are expected.
    const std::optional<json::Value> additional = schema.find("additionalProperties");
    const bool closed = additional && additional->is_bool() && !additional->as_bool();
    if ((own_kinds & kind_bit(json::Kind::Object)) && !has_properties && !has_member_schema && !closed &&
        !has_combinator(schema))
      field.open = true;
    if ((own_kinds & kind_bit(json::Kind::Array)) && !has_items && !has_combinator(schema)) field.open = true;
  }

  static bool has_combinator(json::Value schema) {
    return schema.find("allOf") || schema.find("anyOf") || schema.find("oneOf");
  }

  void add_map_member(const Pending& item, DeclaredField& field, json::Value member_schema, bool has_properties,
                      std::string_view keyword_path) {
    // With named properties beside it, the object is a struct that tolerates
    // more keys, not a map: its extra members are not declared fields.
    if (has_properties) {
      field.open = true;
      return;
    }
    field.map = true;
    push(member_schema, item.path + "/*", item.schema_path + std::string(keyword_path), item, false, false);
  }

  void follow_ref(const Pending& item, DeclaredField& field, json::Value ref) {
    const std::string where = item.schema_path.empty() ? "(root)" : item.schema_path;
    if (!ref.is_string()) {
      m_result.problems.push_back(fmt::format("{}/$ref: not a string; treated as any value", where));
      field.kinds |= kAnyKind;
      field.open = field.values_open = true;
      return;
    }
    const std::string_view text = ref.as_string();
    std::optional<json::Value> target = resolve_local_ref(m_root, text);
    if (!target) {
      m_result.problems.push_back(
          fmt::format("{}/$ref \"{}\": {}; treated as any value", where, text,
                      text.starts_with('#') ? "points at nothing in this schema"
                                            : "only references inside the same schema are followed"));
      field.kinds |= kAnyKind;
      field.open = field.values_open = true;
      return;
    }
    if (on_chain(item.refs.get(), target->index())) {
      // A recursive type (a tree of nodes): its fields were declared where
      // the walk first entered it; stop instead of going round forever.
      field.kinds |= kAnyKind;
      field.open = field.values_open = true;
      return;
    }
    Pending next{*target, item.path, std::string(text.substr(1)),
                 std::make_shared<const RefChain>(RefChain{target->index(), item.refs}), item.union_branch,
                 item.tag_candidate, item.depth + 1};
    m_pending.push_back(std::move(next));
  }

  json::Value m_root;
  EngineSchemaFields m_result;
  std::vector<Pending> m_pending;
  std::set<std::tuple<std::uint32_t, std::string, bool, bool>> m_seen;
  bool m_too_deep = false;
};

}  // namespace

const DeclaredField* EngineSchemaFields::find(std::string_view path) const {
  auto found = fields.find(path);
  return found == fields.end() ? nullptr : &found->second;
}

PathSet EngineSchemaFields::map_paths() const {
  PathSet paths;
  for (const auto& [path, field] : fields)
    if (field.map) paths.insert(path);
  return paths;
}

EngineSchemaFields collect_declared_fields(json::Value schema) { return DeclaredFieldWalk(schema).run(); }

std::string scalar_text(json::Value value) {
  std::string text;
  switch (value.kind()) {
    case json::Kind::Null: return "null";
    case json::Kind::Bool: return value.as_bool() ? "true" : "false";
    case json::Kind::Integer: return std::string(value.integer_text());
    case json::Kind::Float: {
      // 1.0 and 1 are the same JSON Schema value: write integral floats as
      // integers so an enum of 1.0 matches an example's 1.
      const double number = value.as_double();
      if (std::floor(number) == number && std::fabs(number) < 9.0e15) return fmt::format("{}", static_cast<std::int64_t>(number));
      return json::python_float_repr(number);
    }
    case json::Kind::String: json::append_python_string(text, value.as_string()); return text;
    case json::Kind::Array:
    case json::Kind::Object: return text;
  }
  return text;
}

}  // namespace fixturegen::scenario
