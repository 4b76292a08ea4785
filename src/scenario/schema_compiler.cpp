#include <fixturegen/scenario/schema_compiler.hpp>

#include <fixturegen/core/project_paths.hpp>
#include <fixturegen/json/pointer.hpp>
#include <fixturegen/json/python_writer.hpp>
#include <fixturegen/scenario/instance_path.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <vector>

namespace fixturegen::scenario {
namespace {

using Json = nlohmann::ordered_json;

// Everything the variants say about one instance path, merged.
struct Shape {
  KindMask kinds = 0;
  std::size_t object_count = 0;  // occurrences as an object
  struct Property {
    std::unique_ptr<Shape> shape;
    std::size_t count = 0;  // objects that had this key
  };
  std::vector<std::string> order;  // property names, first seen first
  std::map<std::string, Property, std::less<>> properties;
  std::unique_ptr<Shape> elements;  // array elements and map values
};

constexpr KindMask bit(json::Kind kind) { return 1u << static_cast<unsigned>(kind); }

class Merger {
public:
  explicit Merger(const Scenario& scenario) : m_scenario(scenario) {}

  // Recursion is bounded: scenario files are read with a depth limit.
  void merge(json::Value value, Shape& shape, const std::string& path) {
    shape.kinds |= bit(value.kind());
    if (value.is_array()) {
      for (json::Value element : value.elements()) {
        if (!shape.elements) shape.elements = std::make_unique<Shape>();
        merge(element, *shape.elements, path + "/*");
      }
    } else if (value.is_object()) {
      ++shape.object_count;
      const Annotation* annotation = m_scenario.annotation(path);
      const bool is_map = annotation && annotation->map;
      for (json::Value::Member member : value.members()) {
        if (is_map) {
          if (!shape.elements) shape.elements = std::make_unique<Shape>();
          merge(member.value, *shape.elements, path + "/*");
          continue;
        }
        auto found = shape.properties.find(member.key);
        if (found == shape.properties.end()) {
          shape.order.emplace_back(member.key);
          found = shape.properties.emplace(std::string(member.key), Shape::Property{std::make_unique<Shape>(), 0})
                      .first;
        }
        ++found->second.count;
        merge(member.value, *found->second.shape,
              path + "/" + json::escape_pointer_token(member.key));
      }
    }
  }

private:
  const Scenario& m_scenario;
};

Json to_json(json::Value value) {
  switch (value.kind()) {
    case json::Kind::Null: return nullptr;
    case json::Kind::Bool: return value.as_bool();
    case json::Kind::Integer:
      if (value.fits_int64()) return value.as_int();
      return Json::parse(value.integer_text().str());  // beyond 64 bits: nlohmann keeps what it can
    case json::Kind::Float: return value.as_double();
    case json::Kind::String: return std::string(value.as_string());
    case json::Kind::Array: {
      Json array = Json::array();
      for (json::Value element : value.elements()) array.push_back(to_json(element));
      return array;
    }
    case json::Kind::Object: {
      Json object = Json::object();
      for (json::Value::Member member : value.members()) object[std::string(member.key)] = to_json(member.value);
      return object;
    }
  }
  return nullptr;
}

class Emitter {
public:
  explicit Emitter(const Scenario& scenario) : m_scenario(scenario) {}

  // Writes the keywords for `shape` at `path` into `node` (which may already
  // hold the root's header keys, so their order comes first).
  void emit(const Shape& shape, const std::string& path, Json& node) const {
    const Annotation* annotation = m_scenario.annotation(path);
    if (annotation && annotation->description) node["description"] = *annotation->description;

    const bool nullable = (shape.kinds & bit(json::Kind::Null)) || (annotation && annotation->nullable);
    std::vector<std::string> types;
    if (shape.kinds & bit(json::Kind::Object)) types.emplace_back("object");
    if (shape.kinds & bit(json::Kind::Array)) types.emplace_back("array");
    if (shape.kinds & bit(json::Kind::String)) types.emplace_back("string");
    if (shape.kinds & bit(json::Kind::Float)) types.emplace_back("number");
    else if (shape.kinds & bit(json::Kind::Integer)) types.emplace_back("integer");
    if (shape.kinds & bit(json::Kind::Bool)) types.emplace_back("boolean");
    if (nullable) types.emplace_back("null");
    if (types.size() == 1) node["type"] = types.front();
    else if (!types.empty()) node["type"] = types;

    if (annotation && annotation->format) node["format"] = *annotation->format;
    if (annotation && annotation->enum_values) {
      Json values = to_json(*annotation->enum_values);
      // A nullable enum must list null, or null would fail the enum.
      if (nullable && std::find(values.begin(), values.end(), Json(nullptr)) == values.end())
        values.push_back(nullptr);
      node["enum"] = std::move(values);
    }
    if (annotation && annotation->minimum) node["minimum"] = to_json(*annotation->minimum);
    if (annotation && annotation->maximum) node["maximum"] = to_json(*annotation->maximum);

    if (shape.kinds & bit(json::Kind::Object)) {
      if (annotation && annotation->map) {
        node["additionalProperties"] = child_schema(shape.elements.get(), path + "/*");
      } else {
        emit_properties(shape, path, node);
        if (!(annotation && annotation->open)) node["additionalProperties"] = false;
      }
    }
    if (shape.kinds & bit(json::Kind::Array)) node["items"] = child_schema(shape.elements.get(), path + "/*");
  }

private:
  Json child_schema(const Shape* shape, const std::string& path) const {
    Json node = Json::object();
    if (shape) emit(*shape, path, node);  // never seen: unconstrained {}
    return node;
  }

  void emit_properties(const Shape& shape, const std::string& path, Json& node) const {
    if (shape.order.empty()) return;
    Json properties = Json::object();
    std::vector<std::string> required;
    for (const std::string& key : shape.order) {
      const Shape::Property& property = shape.properties.find(key)->second;
      const std::string child_path = path + "/" + json::escape_pointer_token(key);
      properties[key] = child_schema(property.shape.get(), child_path);
      const Annotation* annotation = m_scenario.annotation(child_path);
      bool is_required = property.count == shape.object_count;
      if (annotation && annotation->optional) is_required = false;
      if (annotation && annotation->required) is_required = true;
      if (is_required) required.push_back(key);
    }
    std::sort(required.begin(), required.end());
    node["properties"] = std::move(properties);
    if (!required.empty()) node["required"] = std::move(required);
  }

  const Scenario& m_scenario;
};

}  // namespace

std::string schema_file_name(std::string_view type) { return fmt::format("{}{}", type, kSchemaFileSuffix); }

std::string schema_id(std::string_view type) { return fmt::format("{}{}", kSchemaIdPrefix, schema_file_name(type)); }

nlohmann::ordered_json compile_schema(const Scenario& scenario) {
  Shape root;
  Merger merger(scenario);
  for (const Variant& variant : scenario.variants) merger.merge(variant.value, root, "");

  Json schema = Json::object();
  schema["$schema"] = "http://json-schema.org/draft-07/schema#";
  schema["$id"] = schema_id(scenario.name);
  schema["title"] = scenario.name;
  schema["description"] = scenario.description;
  Emitter(scenario).emit(root, "", schema);
  return schema;
}

Expected<std::string> compile_schema_text(const Scenario& scenario) {
  // nlohmann only builds; the project writer owns the bytes, so that schemas
  // and fixtures share one layout and a recompile is byte-identical.
  const std::string compact = compile_schema(scenario).dump(-1, ' ', false, Json::error_handler_t::replace);
  json::Document document;
  if (std::optional<json::ParseError> error = json::Document::parse(compact, document)) {
    return Error::io(fmt::format("internal error: compiled schema for {} does not parse: {}", scenario.name,
                                 error->to_string()));
  }
  return json::to_python_json(document.root());
}

}  // namespace fixturegen::scenario
