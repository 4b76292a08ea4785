#include <fixturegen/scenario/scenario.hpp>

#include <fixturegen/json/pointer.hpp>
#include <fixturegen/json/python_writer.hpp>
#include <fixturegen/scenario/discriminator.hpp>
#include <fixturegen/scenario/instance_path.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string>
#include <utility>
#include <vector>

namespace fixturegen::scenario {
namespace {

constexpr std::size_t kMaxScenarioDepth = 256;
constexpr std::string_view kFormatDoc = "docs/scenario-format.md";

// Collects every problem of one file so the author fixes them in one go.
class Problems {
public:
  explicit Problems(std::string file) : m_file(std::move(file)) {}

  void add(std::string_view pointer, std::string_view message) {
    m_lines.push_back(fmt::format("{}: {}: {}", m_file, pointer.empty() ? "(root)" : pointer, message));
  }
  bool empty() const { return m_lines.empty(); }
  Error error() const {
    std::string message = m_lines.size() == 1
                              ? m_lines.front()
                              : fmt::format("{} problems in scenario file {}:\n  {}", m_lines.size(),
                                            m_file, fmt::join(m_lines, "\n  "));
    return Error::usage(std::move(message), fmt::format("see {} for the scenario file format", kFormatDoc));
  }

private:
  std::string m_file;
  std::vector<std::string> m_lines;
};

std::string child(std::string_view pointer, std::string_view key) {
  return fmt::format("{}/{}", pointer, json::escape_pointer_token(key));
}

template <std::size_t N>
bool check_keys(json::Value object, std::string_view pointer, const std::array<std::string_view, N>& allowed,
                Problems& problems) {
  bool ok = true;
  for (json::Value::Member member : object.members()) {
    if (std::find(allowed.begin(), allowed.end(), member.key) != allowed.end()) continue;
    problems.add(child(pointer, member.key),
                 fmt::format("unknown key \"{}\" (allowed here: {}); rename or remove it", member.key,
                             fmt::join(allowed, ", ")));
    ok = false;
  }
  return ok;
}

std::optional<std::string> read_string(json::Value object, std::string_view key, std::string_view pointer,
                                       bool required, Problems& problems) {
  std::optional<json::Value> value = object.find(key);
  if (!value) {
    if (required) problems.add(pointer, fmt::format("missing required key \"{}\"", key));
    return std::nullopt;
  }
  if (!value->is_string()) {
    problems.add(child(pointer, key), fmt::format("must be a string, found {}", json::kind_name(value->kind())));
    return std::nullopt;
  }
  return std::string(value->as_string());
}

std::vector<std::string> read_key_list(json::Value object, std::string_view key, std::string_view pointer,
                                       Problems& problems) {
  std::vector<std::string> keys;
  std::optional<json::Value> value = object.find(key);
  if (!value) return keys;
  const std::string where = child(pointer, key);
  if (!value->is_array()) {
    problems.add(where, fmt::format("must be an array of key names, found {}", json::kind_name(value->kind())));
    return keys;
  }
  std::size_t index = 0;
  for (json::Value element : value->elements()) {
    if (!element.is_string()) {
      problems.add(fmt::format("{}/{}", where, index), "must be a string (a top-level key name)");
    } else if (std::find(keys.begin(), keys.end(), element.as_string()) != keys.end()) {
      problems.add(fmt::format("{}/{}", where, index),
                   fmt::format("\"{}\" is listed twice; remove one", element.as_string()));
    } else {
      keys.emplace_back(element.as_string());
    }
    ++index;
  }
  return keys;
}

std::optional<MatchRule> read_match(json::Value root, Problems& problems) {
  std::optional<json::Value> match = root.find("match");
  if (!match) {
    problems.add("", "missing required key \"match\" (how a capture is recognised as this type)");
    return std::nullopt;
  }
  if (!match->is_object()) {
    problems.add("/match", "must be an object with `command` and optional `has_keys`/`lacks_keys`");
    return std::nullopt;
  }
  check_keys(*match, "/match", std::array<std::string_view, 3>{"command", "has_keys", "lacks_keys"}, problems);
  MatchRule rule;
  if (std::optional<std::string> command = read_string(*match, "command", "/match", true, problems))
    rule.command = *command;
  rule.has_keys = read_key_list(*match, "has_keys", "/match", problems);
  rule.lacks_keys = read_key_list(*match, "lacks_keys", "/match", problems);
  for (const std::string& key : rule.has_keys) {
    if (std::find(rule.lacks_keys.begin(), rule.lacks_keys.end(), key) != rule.lacks_keys.end())
      problems.add("/match", fmt::format("\"{}\" is in both has_keys and lacks_keys: no capture could match", key));
  }
  return rule;
}

bool read_flag(json::Value object, std::string_view key, std::string_view pointer, Problems& problems) {
  std::optional<json::Value> value = object.find(key);
  if (!value) return false;
  if (!value->is_bool()) {
    problems.add(child(pointer, key), fmt::format("must be true or false, found {}", json::kind_name(value->kind())));
    return false;
  }
  return value->as_bool();
}

std::optional<json::Value> read_number(json::Value object, std::string_view key, std::string_view pointer,
                                       Problems& problems) {
  std::optional<json::Value> value = object.find(key);
  if (!value) return std::nullopt;
  if (!value->is_number()) {
    problems.add(child(pointer, key), fmt::format("must be a number, found {}", json::kind_name(value->kind())));
    return std::nullopt;
  }
  return value;
}

void read_annotations(json::Value root, Scenario& scenario, Problems& problems) {
  std::optional<json::Value> annotations = root.find("annotations");
  if (!annotations) return;
  if (!annotations->is_object()) {
    problems.add("/annotations", "must be an object: instance path -> annotation");
    return;
  }
  static constexpr std::array<std::string_view, 12> kAllowed{
      "enum",   "map",  "optional", "required",      "nullable", "minimum", "maximum",
      "signed", "open", "format",   "discriminator", "description"};
  for (json::Value::Member member : annotations->members()) {
    const std::string pointer = child("/annotations", member.key);
    std::vector<std::string> tokens;
    if (!member.key.empty() && (member.key.front() != '/' || !json::split_pointer(member.key, tokens))) {
      problems.add(pointer, fmt::format("\"{}\" is not an instance path: write \"\" for the root or "
                                        "\"/key/*/key\" (JSON Pointer, `*` for array elements and map members)",
                                        member.key));
      continue;
    }
    if (!member.value.is_object()) {
      problems.add(pointer, "must be an object of annotation keys (enum, map, optional, ...)");
      continue;
    }
    check_keys(member.value, pointer, kAllowed, problems);
    Annotation annotation;
    annotation.path = std::string(member.key);
    if (std::optional<json::Value> values = member.value.find("enum")) {
      if (!values->is_array() || values->size() == 0)
        problems.add(child(pointer, "enum"), "must be a non-empty array of the allowed values");
      else
        annotation.enum_values = values;
    }
    annotation.map = read_flag(member.value, "map", pointer, problems);
    annotation.optional = read_flag(member.value, "optional", pointer, problems);
    annotation.required = read_flag(member.value, "required", pointer, problems);
    annotation.nullable = read_flag(member.value, "nullable", pointer, problems);
    annotation.open = read_flag(member.value, "open", pointer, problems);
    annotation.signed_integers = read_flag(member.value, "signed", pointer, problems);
    annotation.minimum = read_number(member.value, "minimum", pointer, problems);
    annotation.maximum = read_number(member.value, "maximum", pointer, problems);
    annotation.description = read_string(member.value, "description", pointer, false, problems);
    annotation.format = read_string(member.value, "format", pointer, false, problems);
    if (std::optional<json::Value> choice = member.value.find("discriminator")) {
      if (choice->is_string())
        annotation.discriminator = std::optional<std::string>(std::string(choice->as_string()));
      else if (choice->is_bool() && !choice->as_bool())
        annotation.discriminator = std::optional<std::string>();
      else
        problems.add(child(pointer, "discriminator"),
                     "must be the name of the key that tells the kinds of this object apart, or false for none");
    }
    scenario.annotations.push_back(std::move(annotation));
  }
}

void read_variants(json::Value root, Scenario& scenario, Problems& problems) {
  std::optional<json::Value> variants = root.find("variants");
  if (!variants) {
    problems.add("", "missing required key \"variants\" (name -> complete example output, at least two)");
    return;
  }
  if (!variants->is_object()) {
    problems.add("/variants", "must be an object: variant name -> complete example output");
    return;
  }
  for (json::Value::Member member : variants->members()) {
    if (!member.value.is_object()) {
      problems.add(child("/variants", member.key),
                   fmt::format("must be a complete example output (an object), found {}",
                               json::kind_name(member.value.kind())));
      continue;
    }
    scenario.variants.push_back(Variant{std::string(member.key), member.value});
  }
  if (variants->size() < 2) {
    problems.add("/variants", fmt::format("has {} variant(s); write at least two rich examples so the "
                                          "compiled schema learns what varies",
                                          variants->size()));
  }
}

bool is_property_path(std::string_view path) {
  return !path.empty() && path.substr(path.rfind('/')) != "/*";
}

// Annotations against what the variants actually contain.
// Every value at instance path `path` in `root`: `*` is any array element,
// or any member of an object whose own path is in `map_paths`.
void values_at(json::Value root, std::string_view path, const PathSet& map_paths, std::vector<json::Value>& out) {
  std::vector<std::string> tokens;
  if (!json::split_pointer(path, tokens)) return;
  std::vector<std::pair<json::Value, std::string>> level{{root, ""}};
  for (const std::string& token : tokens) {
    std::vector<std::pair<json::Value, std::string>> next;
    for (const auto& [value, at] : level) {
      const std::string here = child(at, token);
      if (value.is_array() && token == "*") {
        for (json::Value element : value.elements()) next.emplace_back(element, here);
      } else if (value.is_object() && token == "*" && map_paths.contains(at)) {
        for (const auto& member : value.members()) next.emplace_back(member.value, here);
      } else if (value.is_object()) {
        if (std::optional<json::Value> member = value.find(token)) next.emplace_back(*member, here);
      }
    }
    level = std::move(next);
  }
  for (const auto& entry : level) out.push_back(entry.first);
}

// A value for a message: its JSON, cut at 80 bytes.
std::string shown_value(json::Value value) {
  std::string text = json::to_python_json(value);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  if (text.size() > 80) text = text.substr(0, 77) + "...";
  return text;
}

// An `enum`, `minimum` or `maximum` that an example breaks would compile to
// a schema rejecting the very output it was written from (found by
// fuzz_scenario): the author must fix one or the other. Null is exempt: a
// null seen or `nullable` is added to the compiled enum and type.
void check_annotation_values(const Scenario& scenario, const Annotation& annotation, const PathSet& map_paths,
                             Problems& problems) {
  if (!annotation.enum_values && !annotation.minimum && !annotation.maximum) return;
  const std::string pointer = child("/annotations", annotation.path);
  for (const Variant& variant : scenario.variants) {
    std::vector<json::Value> values;
    values_at(variant.value, annotation.path, map_paths, values);
    for (json::Value value : values) {
      if (value.is_null()) continue;
      if (annotation.enum_values) {
        const auto listed = annotation.enum_values->elements();
        if (std::none_of(listed.begin(), listed.end(), [&](json::Value allowed) { return json::json_equal(allowed, value); })) {
          problems.add(pointer, fmt::format("`enum` does not list {}, which variant \"{}\" has here; add it to the "
                                            "enum or fix the example",
                                            shown_value(value), variant.name));
          return;
        }
      }
      if (!value.is_number()) continue;
      // Doubles: exact enough for a bound a person wrote next to an example.
      if ((annotation.minimum && value.as_double() < annotation.minimum->as_double()) ||
          (annotation.maximum && value.as_double() > annotation.maximum->as_double())) {
        problems.add(pointer, fmt::format("variant \"{}\" has {} here, outside `minimum`/`maximum`; widen the "
                                          "bound or fix the example",
                                          variant.name, shown_value(value)));
        return;
      }
    }
  }
}

void check_against_variants(Scenario& scenario, Problems& problems) {
  for (const Variant& variant : scenario.variants) {
    if (!scenario.match.matches(variant.value)) {
      problems.add(child("/variants", variant.name),
                   fmt::format("this example is not matched by the file's `match` (command \"{}\"{}{}); "
                               "fix its `command`/keys or the rule",
                               scenario.match.command, scenario.match.has_keys.empty() ? "" : ", has_keys",
                               scenario.match.lacks_keys.empty() ? "" : ", lacks_keys"));
    }
  }
  PathSet map_paths;
  for (const Annotation& annotation : scenario.annotations)
    if (annotation.map) map_paths.insert(annotation.path);
  PathSet paths;
  std::map<std::string, KindMask, std::less<>> kinds;
  for (const Variant& variant : scenario.variants) collect_instance_paths(variant.value, map_paths, paths, &kinds);

  // Objects by path, collected only when a `discriminator` names a key.
  std::optional<std::map<std::string, std::vector<ObjectOccurrence>, std::less<>>> occurrences;
  const KindMask object_bit = kind_bit(json::Kind::Object);
  const KindMask number_bits = kind_bit(json::Kind::Integer) | kind_bit(json::Kind::Float);
  for (const Annotation& annotation : scenario.annotations) {
    const std::string pointer = child("/annotations", annotation.path);
    auto found = kinds.find(annotation.path);
    if (found == kinds.end()) {
      problems.add(pointer, fmt::format("instance path \"{}\" matches nothing in any variant (it would silently "
                                        "do nothing); use `*` for array elements and map members, fix the "
                                        "path, or add a variant that has it",
                                        annotation.path));
      continue;
    }
    if ((annotation.map || annotation.open) && !(found->second & object_bit))
      problems.add(pointer, "`map`/`open` apply to objects, but no variant has an object here");
    if ((annotation.minimum || annotation.maximum || annotation.signed_integers) && !(found->second & number_bits))
      problems.add(pointer, "`minimum`/`maximum`/`signed` apply to numbers, but no variant has a number here");
    if (annotation.signed_integers && annotation.minimum)
      problems.add(pointer, "`signed` drops the inferred minimum 0 and `minimum` sets one; keep one");
    if ((annotation.optional || annotation.required) && !is_property_path(annotation.path))
      problems.add(pointer, "`optional`/`required` apply to object properties; this path is the root, an "
                            "array element or a map member");
    if (annotation.optional && annotation.required)
      problems.add(pointer, "`optional` and `required` contradict each other; keep one");
    if (annotation.path.empty() && annotation.description)
      problems.add(pointer, "the root's description is the file's top-level `description`; move it there");
    check_annotation_values(scenario, annotation, map_paths, problems);
    if (annotation.discriminator) {
      if (!(found->second & object_bit) || annotation.map) {
        problems.add(pointer, "`discriminator` applies to objects with properties, but no variant has one here "
                              "(or it is a `map`)");
      } else if (*annotation.discriminator) {
        if (!occurrences) {
          occurrences.emplace();
          for (const Variant& variant : scenario.variants)
            collect_object_occurrences(variant.value, map_paths, *occurrences);
        }
        auto at = occurrences->find(annotation.path);
        if (at != occurrences->end()) {
          if (std::optional<std::string> problem = discriminator_problem(at->second, **annotation.discriminator))
            problems.add(child(pointer, "discriminator"), *problem + "; name a key every variant has here, or write false");
        }
      }
    }
  }
}

}  // namespace

const Annotation* Scenario::annotation(std::string_view path) const {
  for (const Annotation& entry : annotations)
    if (entry.path == path) return &entry;
  return nullptr;
}

Expected<Scenario> parse_scenario(std::string_view text, const std::filesystem::path& file) {
  const std::string display = file.generic_string();
  auto document = std::make_shared<json::Document>();
  json::ReaderOptions options;
  options.max_depth = kMaxScenarioDepth;
  if (std::optional<json::ParseError> error = json::Document::parse(text, *document, options)) {
    return Error::usage(fmt::format("{}:{}", display, error->to_string()),
                        "scenario files are strict JSON (no comments, no trailing commas)");
  }
  Problems problems(display);
  json::Value root = document->root();
  if (!root.is_object()) {
    problems.add("", "a scenario file is an object with name, description, match, variants");
    return problems.error();
  }
  check_keys(root, "", std::array<std::string_view, 5>{"name", "description", "match", "annotations", "variants"},
             problems);

  Scenario scenario;
  scenario.file = file;
  scenario.document = document;
  const std::string stem = file.stem().string();
  if (std::optional<std::string> name = read_string(root, "name", "", true, problems)) {
    scenario.name = *name;
    if (!is_type_name(*name))
      problems.add("/name", fmt::format("\"{}\" is not a type name: use [a-z0-9_]+", *name));
    else if (*name != stem)
      problems.add("/name", fmt::format("\"{}\" differs from the file name \"{}\": rename the file to {}.json or "
                                        "change `name`",
                                        *name, stem, *name));
  }
  if (std::optional<std::string> description = read_string(root, "description", "", true, problems)) {
    if (description->empty()) problems.add("/description", "say which command(s) print this output");
    scenario.description = *description;
  }
  std::optional<MatchRule> match = read_match(root, problems);
  read_annotations(root, scenario, problems);
  read_variants(root, scenario, problems);
  if (match) scenario.match = std::move(*match);
  if (match && problems.empty()) check_against_variants(scenario, problems);
  if (!problems.empty()) return problems.error();
  return scenario;
}

}  // namespace fixturegen::scenario
