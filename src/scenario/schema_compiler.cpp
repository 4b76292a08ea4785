#include <fixturegen/scenario/schema_compiler.hpp>

#include <fixturegen/core/project_paths.hpp>
#include <fixturegen/json/pointer.hpp>
#include <fixturegen/json/python_writer.hpp>
#include <fixturegen/scenario/discriminator.hpp>
#include <fixturegen/scenario/instance_path.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <string_view>
#include <map>
#include <memory>
#include <set>
#include <vector>

namespace fixturegen::scenario {
namespace {

// Everything the variants say about one instance path, merged.
struct Shape {
  KindMask kinds = 0;
  bool negative = false;         // a number below zero was seen
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
    if (value.is_integer()) {
      const json::IntegerText text = value.integer_text();
      shape.negative = shape.negative || text.view().starts_with('-');
    }
    if (value.is_float()) shape.negative = shape.negative || value.as_double() < 0;
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

// Writes JSON as events into a JsonHandler (a DocumentBuilder): the schema
// is built once, as the document the validator and the writer both read.
class Out {
public:
  explicit Out(json::JsonHandler& handler) : m_handler(handler) {}
  void key(std::string_view name) { m_handler.key(name); }
  void string(std::string_view text) { m_handler.string_value(text); }
  void boolean(bool value) { m_handler.bool_value(value); }
  void null() { m_handler.null_value(); }
  void value(json::Value value) { json::emit(value, m_handler); }
  void begin_object() { m_handler.begin_object(); }
  void end_object() { m_handler.end_object(); }
  void begin_array() { m_handler.begin_array(); }
  void end_array() { m_handler.end_array(); }
  json::JsonHandler& handler() { return m_handler; }
  void member(std::string_view name, std::string_view text) {
    key(name);
    string(text);
  }

private:
  json::JsonHandler& m_handler;
};

using OccurrencesByPath = std::map<std::string, std::vector<ObjectOccurrence>, std::less<>>;

class Emitter {
public:
  Emitter(const Scenario& scenario, const OccurrencesByPath& occurrences, Out& out)
      : m_scenario(scenario), m_occurrences(occurrences), m_out(out) {}

  // Writes the keywords for `shape` at `path` into the open object.
  // `with_description`: false at the root, whose header already wrote it.
  void emit(const Shape& shape, const std::string& path, bool with_description = true) const {
    const Annotation* annotation = m_scenario.annotation(path);
    if (with_description && annotation && annotation->description) m_out.member("description", *annotation->description);

    const bool nullable = (shape.kinds & bit(json::Kind::Null)) || (annotation && annotation->nullable);
    std::vector<std::string_view> types;
    if (shape.kinds & bit(json::Kind::Object)) types.emplace_back("object");
    if (shape.kinds & bit(json::Kind::Array)) types.emplace_back("array");
    if (shape.kinds & bit(json::Kind::String)) types.emplace_back("string");
    if (shape.kinds & bit(json::Kind::Float)) types.emplace_back("number");
    else if (shape.kinds & bit(json::Kind::Integer)) types.emplace_back("integer");
    if (shape.kinds & bit(json::Kind::Bool)) types.emplace_back("boolean");
    if (nullable) types.emplace_back("null");
    if (types.size() == 1) {
      m_out.member("type", types.front());
    } else if (!types.empty()) {
      m_out.key("type");
      m_out.begin_array();
      for (const std::string_view type : types) m_out.string(type);
      m_out.end_array();
    }

    if (annotation && annotation->format) m_out.member("format", *annotation->format);
    if (annotation && annotation->enum_values) {
      m_out.key("enum");
      m_out.begin_array();
      bool has_null = false;
      for (const json::Value value : annotation->enum_values->elements()) {
        has_null = has_null || value.is_null();
        m_out.value(value);
      }
      // A nullable enum must list null, or null would fail the enum.
      if (nullable && !has_null) m_out.null();
      m_out.end_array();
    }
    if (annotation && annotation->minimum) {
      m_out.key("minimum");
      m_out.value(*annotation->minimum);
    } else if ((shape.kinds & bit(json::Kind::Integer)) && !(shape.kinds & bit(json::Kind::Float)) &&
               !shape.negative && !(annotation && annotation->signed_integers)) {
      // Integers that are never negative in any example are counts, sizes
      // and durations: a negative one is a bug (the engine's u64 fields).
      m_out.key("minimum");
      m_out.handler().integer_value("0", 0, true);
    }
    if (annotation && annotation->maximum) {
      m_out.key("maximum");
      m_out.value(*annotation->maximum);
    }

    if (shape.kinds & bit(json::Kind::Object)) {
      if (annotation && annotation->map) {
        m_out.key("additionalProperties");
        child_schema(shape.elements.get(), path + "/*");
      } else {
        const std::vector<std::string> required = required_keys(shape, path);
        emit_properties(shape, path, required);
        if (!(annotation && annotation->open)) {
          m_out.key("additionalProperties");
          m_out.boolean(false);
        }
        emit_discriminator(shape, path, annotation, required);
      }
    }
    if (shape.kinds & bit(json::Kind::Array)) {
      m_out.key("items");
      child_schema(shape.elements.get(), path + "/*");
    }
  }

private:
  void child_schema(const Shape* shape, const std::string& path) const {
    m_out.begin_object();
    if (shape) emit(*shape, path);  // never seen: unconstrained {}
    m_out.end_object();
  }

  std::string child_path(const std::string& path, const std::string& key) const {
    return path + "/" + json::escape_pointer_token(key);
  }

  // Keys in every occurrence of the object, adjusted by annotations; sorted.
  std::vector<std::string> required_keys(const Shape& shape, const std::string& path) const {
    std::vector<std::string> required;
    for (const std::string& key : shape.order) {
      const Annotation* annotation = m_scenario.annotation(child_path(path, key));
      bool is_required = shape.properties.find(key)->second.count == shape.object_count;
      if (annotation && annotation->optional) is_required = false;
      if (annotation && annotation->required) is_required = true;
      if (is_required) required.push_back(key);
    }
    std::sort(required.begin(), required.end());
    return required;
  }

  void emit_properties(const Shape& shape, const std::string& path, const std::vector<std::string>& required) const {
    if (shape.order.empty()) return;
    m_out.key("properties");
    m_out.begin_object();
    for (const std::string& key : shape.order) {
      m_out.key(key);
      child_schema(shape.properties.find(key)->second.shape.get(), child_path(path, key));
    }
    m_out.end_object();
    emit_string_list("required", required);
  }

  // Per-kind requirements (discriminator.hpp): one `if` the discriminator
  // has this value `then` these keys are required, per value, under allOf.
  void emit_discriminator(const Shape& shape, const std::string& path, const Annotation* annotation,
                          const std::vector<std::string>& required) const {
    auto found = m_occurrences.find(path);
    if (found == m_occurrences.end()) return;
    DiscriminatorHints hints;
    if (annotation) hints.choice = annotation->discriminator;
    hints.required = required;
    for (const std::string& key : shape.order) {
      const Annotation* property = m_scenario.annotation(child_path(path, key));
      if (property && property->optional) hints.optional.push_back(key);
      if (property && property->enum_values) hints.enumerated.push_back(key);
    }
    std::optional<Discriminator> discriminator = find_discriminator(found->second, hints);
    if (!discriminator || discriminator->cases.empty()) return;
    m_out.key("allOf");
    m_out.begin_array();
    for (const Discriminator::Case& one : discriminator->cases) {
      m_out.begin_object();
      m_out.key("if");
      m_out.begin_object();
      m_out.key("properties");
      m_out.begin_object();
      m_out.key(discriminator->key);
      m_out.begin_object();
      m_out.member("const", one.value);
      m_out.end_object();
      m_out.end_object();
      emit_string_list("required", {discriminator->key});
      m_out.end_object();
      m_out.key("then");
      m_out.begin_object();
      emit_string_list("required", one.required);
      m_out.end_object();
      m_out.end_object();
    }
    m_out.end_array();
  }

  void emit_string_list(std::string_view name, const std::vector<std::string>& items) const {
    if (items.empty()) return;
    m_out.key(name);
    m_out.begin_array();
    for (const std::string& item : items) m_out.string(item);
    m_out.end_array();
  }

  const Scenario& m_scenario;
  const OccurrencesByPath& m_occurrences;
  Out& m_out;
};

}  // namespace

std::string schema_file_name(std::string_view type) { return fmt::format("{}{}", type, kSchemaFileSuffix); }

std::string schema_id(std::string_view type) { return fmt::format("{}{}", kSchemaIdPrefix, schema_file_name(type)); }

json::Document compile_schema(const Scenario& scenario) {
  Shape root;
  Merger merger(scenario);
  for (const Variant& variant : scenario.variants) merger.merge(variant.value, root, "");
  PathSet map_paths;
  for (const Annotation& annotation : scenario.annotations)
    if (annotation.map) map_paths.insert(annotation.path);
  OccurrencesByPath occurrences;
  for (const Variant& variant : scenario.variants) collect_object_occurrences(variant.value, map_paths, occurrences);

  json::DocumentBuilder builder;
  Out out(builder);
  out.begin_object();
  out.member("$schema", "http://json-schema.org/draft-07/schema#");
  out.member("$id", schema_id(scenario.name));
  out.member("title", scenario.name);
  // An annotation on the root path describes the type better than the
  // scenario's own description, and takes its place.
  const Annotation* annotation = scenario.annotation("");
  out.member("description", annotation && annotation->description ? *annotation->description : scenario.description);
  Emitter(scenario, occurrences, out).emit(root, "", /*with_description=*/false);
  out.end_object();
  return builder.take();
}

std::string compile_schema_text(const Scenario& scenario) {
  // The project writer owns the bytes, so that schemas and fixtures share
  // one layout and a recompile is byte-identical.
  return json::to_python_json(compile_schema(scenario).root());
}

}  // namespace fixturegen::scenario
