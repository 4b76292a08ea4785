#include <fixturegen/scenario/engine_compare.hpp>

#include <fixturegen/core/interrupt.hpp>
#include <fixturegen/core/project_paths.hpp>
#include <fixturegen/io/file.hpp>
#include <fixturegen/json/pointer.hpp>
#include <fixturegen/scenario/coverage.hpp>
#include <fixturegen/scenario/type_schemas.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <system_error>
#include <utility>

namespace fixturegen::scenario {

namespace {

namespace fs = std::filesystem;

constexpr KindMask kNullBit = kind_bit(json::Kind::Null);
constexpr KindMask kIntegerBit = kind_bit(json::Kind::Integer);
constexpr KindMask kFloatBit = kind_bit(json::Kind::Float);

// Kinds as a schema author reads them, in the compiler's order; a mask with
// both number bits is "number", Float alone (an example's fraction) too.
std::vector<std::string> kind_names(KindMask mask) {
  std::vector<std::string> names;
  const auto has = [&](json::Kind kind) { return (mask & kind_bit(kind)) != 0; };
  if (has(json::Kind::Object)) names.emplace_back("object");
  if (has(json::Kind::Array)) names.emplace_back("array");
  if (has(json::Kind::String)) names.emplace_back("string");
  if (has(json::Kind::Float)) names.emplace_back("number");
  else if (has(json::Kind::Integer)) names.emplace_back("integer");
  if (has(json::Kind::Bool)) names.emplace_back("boolean");
  if (has(json::Kind::Null)) names.emplace_back("null");
  return names;
}

std::string kinds_text(KindMask mask) { return fmt::format("{}", fmt::join(kind_names(mask), "|")); }

// How a shown path stands against the declared fields.
enum class Standing { Declared, Allowed, Extra };

void add_findings(const std::string& path, const DeclaredField& declared, const ShownField& shown,
                  std::vector<TypeFinding>& findings) {
  const KindMask engine = declared.kinds;
  const KindMask example = shown.kinds;
  if (engine != kAnyKind && engine != 0) {
    if (const KindMask foreign = example & ~engine; foreign != 0) {
      // An example's 1.0 where the engine says integer is a fraction too.
      findings.push_back({path, TypeFinding::Kind::KindNotDeclared,
                          fmt::format("examples show {}; the engine declares {}", kinds_text(foreign), kinds_text(engine)),
                          kind_names(foreign)});
    }
    const bool integer_for_number = (engine & kFloatBit) && (engine & kIntegerBit) && (example & kIntegerBit) &&
                                    !(example & kFloatBit);
    if (integer_for_number) {
      findings.push_back({path, TypeFinding::Kind::IntegerForNumber,
                          "the engine declares number; examples only show integers, so the compiled schema says "
                          "integer and refuses a fraction the engine may print (write one example as e.g. 1.5)",
                          {"number"}});
    }
    KindMask unshown = engine & ~example;
    // A number shown in any form covers "number" (integers only are the
    // finding above); none shown leaves "number" or "integer" to report.
    if (example & (kIntegerBit | kFloatBit)) unshown &= ~(kIntegerBit | kFloatBit);
    if (unshown != 0) {
      const bool only_null = unshown == kNullBit;
      findings.push_back({path, TypeFinding::Kind::KindNotShown,
                          only_null ? std::string("the engine allows null; no example shows null")
                                    : fmt::format("the engine allows {}; examples only show {}", kinds_text(engine),
                                                  kinds_text(example)),
                          kind_names(unshown)});
    }
  }
  if (declared.enum_closed()) {
    std::vector<std::string> unused;
    for (const std::string& value : declared.enum_values)
      if (!shown.values.count(value)) unused.push_back(value);
    std::vector<std::string> foreign;
    for (const std::string& value : shown.values)
      if (!declared.enum_values.count(value)) foreign.push_back(value);
    if (!unused.empty()) {
      findings.push_back({path, TypeFinding::Kind::EnumValueNotShown,
                          fmt::format("{} no example {}: {}",
                                      declared.tag ? "tagged variants" : "enum values the engine allows that",
                                      declared.tag ? "shows" : "uses", fmt::join(unused, ", ")),
                          std::move(unused)});
    }
    if (!foreign.empty()) {
      findings.push_back({path, TypeFinding::Kind::EnumValueNotDeclared,
                          fmt::format("examples use values outside the engine's enum: {}", fmt::join(foreign, ", ")),
                          std::move(foreign)});
    }
  }
}

}  // namespace

std::string_view to_string(TypeFinding::Kind kind) {
  switch (kind) {
    case TypeFinding::Kind::KindNotDeclared: return "kind_not_declared";
    case TypeFinding::Kind::IntegerForNumber: return "integer_for_number";
    case TypeFinding::Kind::KindNotShown: return "kind_not_shown";
    case TypeFinding::Kind::EnumValueNotShown: return "enum_value_not_shown";
    case TypeFinding::Kind::EnumValueNotDeclared: return "enum_value_not_declared";
  }
  return "unknown";
}

bool collect_shown_fields(json::Value document, const PathSet& map_paths, const PathSet& value_paths,
                          ShownFields& shown) {
  // Like collect_instance_paths(), plus the scalar values at enum paths and
  // a depth bound. An explicit stack: captures come from outside.
  struct Item {
    json::Value node;
    std::string path;
    std::size_t depth;
  };
  bool complete = true;
  std::vector<Item> stack;
  stack.push_back({document, std::string(), 0});
  while (!stack.empty()) {
    auto [node, path, depth] = std::move(stack.back());
    stack.pop_back();
    const bool has_children = (node.is_array() || node.is_object()) && node.size() > 0;
    if (has_children && depth == kMaxShownDepth) {
      complete = false;
    } else if (node.is_array()) {
      const std::string child = path + "/*";
      for (json::Value element : node.elements()) stack.push_back({element, child, depth + 1});
    } else if (node.is_object()) {
      const bool is_map = map_paths.count(path) > 0;
      for (json::Value::Member member : node.members()) {
        stack.push_back({member.value, is_map ? path + "/*" : path + "/" + json::escape_pointer_token(member.key),
                         depth + 1});
      }
    }
    ShownField& field = shown[path];
    field.kinds |= kind_bit(node.kind());
    if (!node.is_null() && value_paths.count(path)) {
      if (std::string text = scalar_text(node); !text.empty()) field.values.insert(std::move(text));
    }
  }
  return complete;
}

TypeComparison compare_fields(std::string type, const EngineSchemaFields& declared, const ShownFields& shown) {
  TypeComparison result;
  result.type = std::move(type);
  result.problems = declared.problems;
  for (const auto& [path, field] : declared.fields) {
    if (path.empty()) continue;
    ++result.declared;
    if (shown.count(path)) ++result.shown;
    else result.missing.push_back(path);
  }
  // Sorted order puts a parent before its children, and collect_shown_fields
  // records every ancestor of a shown path, so a parent's standing is known.
  std::map<std::string_view, Standing, std::less<>> standing;
  for (const auto& [path, field] : shown) {
    if (const DeclaredField* engine = declared.find(path)) {
      standing.emplace(path, Standing::Declared);
      add_findings(path, *engine, field, result.findings);
      continue;
    }
    if (path.empty()) {  // an empty schema declares nothing, not even the root
      standing.emplace(path, Standing::Allowed);
      continue;
    }
    const std::string_view parent = parent_path(path);
    Standing mine = Standing::Extra;
    if (auto found = standing.find(parent); found != standing.end()) {
      if (found->second == Standing::Allowed) mine = Standing::Allowed;
      if (found->second == Standing::Declared) {
        const DeclaredField* parent_field = declared.find(parent);
        if (parent_field && parent_field->open) mine = Standing::Allowed;
      }
    }
    standing.emplace(path, mine);
    if (mine == Standing::Extra) result.extra.push_back(path);
  }
  return result;
}

Expected<std::optional<EngineSchemaFields>> load_engine_schema_fields(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return std::optional<EngineSchemaFields>();
  Expected<std::string> text = io::read_file(file);
  if (!text) return std::move(text).error();
  json::Document document;
  if (std::optional<json::ParseError> error = json::Document::parse(*text, document)) {
    return Error::usage(fmt::format("schema {}:{}", file.generic_string(), error->to_string()),
                        "a schema file must be valid JSON");
  }
  return std::optional<EngineSchemaFields>(collect_declared_fields(document.root()));
}

namespace {

PathSet enum_paths_of(const EngineSchemaFields& declared) {
  PathSet paths;
  for (const auto& [path, field] : declared.fields)
    if (field.enum_closed()) paths.insert(path);
  return paths;
}

// What a scenario describes beyond its variants: a `nullable` annotation
// allows null, an `enum` annotation its values, in the compiled schema too.
void add_annotated_values(const Scenario& scenario, const PathSet& enum_paths, ShownFields& shown) {
  for (const Annotation& annotation : scenario.annotations) {
    auto found = shown.find(annotation.path);
    if (found == shown.end()) continue;  // a path the engine's maps renamed
    ShownField& field = found->second;
    if (annotation.nullable) field.kinds |= kNullBit;
    if (!annotation.enum_values) continue;
    for (json::Value value : annotation.enum_values->elements()) {
      if (value.is_null()) {
        field.kinds |= kNullBit;
      } else if (enum_paths.count(annotation.path)) {
        if (std::string text = scalar_text(value); !text.empty()) field.values.insert(std::move(text));
      }
    }
  }
}

// The types DIR has a schema for: `<type>.schema.json` files, sorted.
Expected<std::vector<std::string>> engine_types_in(const fs::path& dir) {
  std::vector<std::string> types;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() <= kSchemaFileSuffix.size() || !name.ends_with(kSchemaFileSuffix)) continue;
    types.push_back(name.substr(0, name.size() - kSchemaFileSuffix.size()));
  }
  if (ec) return Error::io(fmt::format("cannot list {}: {}", dir.generic_string(), ec.message()));
  std::sort(types.begin(), types.end());
  return types;
}

}  // namespace

Expected<SchemaComparison> compare_with_engine_schemas(const ScenarioSet& scenarios, const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Error::usage(fmt::format("no schema directory {}", dir.generic_string()),
                        "pass --compare DIR with a directory of <type>.schema.json files (the engine's published schemas)");
  }
  SchemaComparison comparison;
  comparison.schemas_dir = dir.generic_string();
  Expected<std::vector<std::string>> engine_types = engine_types_in(dir);
  if (!engine_types) return std::move(engine_types).error();

  std::set<std::string, std::less<>> compared;
  for (const Scenario& scenario : scenarios.scenarios()) {
    if (interrupted()) return Error::interrupted();
    Expected<std::optional<EngineSchemaFields>> declared = load_engine_schema_fields(schema_file_in(dir, scenario.name));
    if (!declared) return std::move(declared).error();
    if (!*declared) {
      comparison.scenarios_without_engine_schema.push_back(scenario.name);
      continue;
    }
    compared.insert(scenario.name);
    // A map either side declares: its members are one field, `*`.
    PathSet map_paths = (*declared)->map_paths();
    for (const std::string& path : map_paths_of(scenario)) map_paths.insert(path);
    const PathSet enum_paths = enum_paths_of(**declared);
    ShownFields shown;
    std::vector<std::string> too_deep;
    for (const Variant& variant : scenario.variants) {
      if (!collect_shown_fields(variant.value, map_paths, enum_paths, shown)) too_deep.push_back(variant.name);
    }
    add_annotated_values(scenario, enum_paths, shown);
    TypeComparison type = compare_fields(scenario.name, **declared, shown);
    type.examples = scenario.variants.size();
    if (!too_deep.empty()) {
      type.problems.push_back(fmt::format("variant(s) {} nest deeper than {} levels; what lies deeper is not compared",
                                          fmt::join(too_deep, ", "), kMaxShownDepth));
    }
    comparison.types.push_back(std::move(type));
  }
  for (std::string& type : *engine_types)
    if (!compared.count(type)) comparison.engine_types_without_scenario.push_back(std::move(type));
  std::sort(comparison.scenarios_without_engine_schema.begin(), comparison.scenarios_without_engine_schema.end());
  return comparison;
}

Expected<void> EngineFieldCoverage::add(json::Value capture, const std::string& type) {
  auto found = m_types.find(type);
  if (found == m_types.end()) {
    Expected<std::optional<EngineSchemaFields>> declared = load_engine_schema_fields(schema_file_in(m_dir, type));
    if (!declared) return std::move(declared).error();
    PerType entry;
    if (*declared) {
      entry.map_paths = (*declared)->map_paths();
      entry.enum_paths = enum_paths_of(**declared);
      entry.declared = std::move(*declared);
    }
    found = m_types.emplace(type, std::move(entry)).first;
  }
  PerType& entry = found->second;
  if (!entry.declared) return {};  // validate reports the missing schema
  ++entry.captures;
  if (!collect_shown_fields(capture, entry.map_paths, entry.enum_paths, entry.shown)) ++entry.too_deep;
  return {};
}

std::vector<TypeComparison> EngineFieldCoverage::report() const {
  std::vector<TypeComparison> types;
  for (const auto& [type, entry] : m_types) {
    if (!entry.declared) continue;
    TypeComparison comparison = compare_fields(type, *entry.declared, entry.shown);
    comparison.examples = entry.captures;
    if (entry.too_deep > 0) {
      comparison.problems.push_back(fmt::format("{} capture(s) nest deeper than {} levels; what lies deeper is not compared",
                                                entry.too_deep, kMaxShownDepth));
    }
    types.push_back(std::move(comparison));
  }
  return types;
}

}  // namespace fixturegen::scenario
