#include <fixturegen/io/file.hpp>
#include <fixturegen/json/pointer.hpp>
#include <fixturegen/regen/capture_plan.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

namespace fixturegen::regen {

namespace fs = std::filesystem;

std::string SourcePlace::to_string() const {
  if (line == 0) return file;
  return fmt::format("{}:{}:{}", file, line, column);
}

void PlanProblems::add(const SourcePlace& where, std::string_view what) {
  messages.push_back(fmt::format("{}: {}", where.to_string(), what));
}

Error PlanProblems::to_error(std::string_view what_was_read) const {
  if (messages.size() == 1) {
    return Error::config(messages.front(), "fix the capture plan (README.md, \"The capture plan\"); nothing was run or changed");
  }
  std::string text = fmt::format("{} problems in {}:", messages.size(), what_was_read);
  for (const auto& message : messages) text += fmt::format("\n  {}", message);
  return Error::config(std::move(text), "fix them all (README.md, \"The capture plan\"); nothing was run or changed");
}

bool Step::allowed_exit(int code) const {
  if (exit_codes.empty()) return reads_stdout() || code == 0;
  return std::find(exit_codes.begin(), exit_codes.end(), code) != exit_codes.end();
}

std::string PocPlan::capture_file(const Step& step) const {
  return output.empty() ? step.capture + ".json" : fmt::format("{}/{}.json", output, step.capture);
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])) != 0) ++digits;
  if (digits == 0 || digits > 9) return std::nullopt;
  long long amount = 0;
  std::from_chars(text.data(), text.data() + digits, amount);
  const std::string_view unit = text.substr(digits);
  long long factor = 0;
  if (unit == "ms") factor = 1;
  else if (unit == "s") factor = 1000;
  else if (unit == "m") factor = 60'000;
  else if (unit == "h") factor = 3'600'000;
  if (factor == 0 || amount == 0) return std::nullopt;
  return std::chrono::milliseconds(amount * factor);
}

bool is_confined_relative_path(std::string_view relative) {
  if (relative.empty() || relative.front() == '/') return false;
  std::size_t start = 0;
  while (start <= relative.size()) {
    const std::size_t end = std::min(relative.find('/', start), relative.size());
    const std::string_view segment = relative.substr(start, end - start);
    if (segment.empty() || segment == "..") return false;
    start = end + 1;
  }
  return true;
}

bool path_stays_inside(const fs::path& root, const fs::path& path) {
  std::error_code ec;
  const fs::path real_root = fs::weakly_canonical(fs::absolute(root, ec), ec);
  if (ec) return false;
  // weakly_canonical resolves every symlink of the part that exists.
  const fs::path real = fs::weakly_canonical(fs::absolute(path, ec), ec);
  if (ec) return false;
  auto r = real_root.begin();
  auto p = real.begin();
  for (; r != real_root.end(); ++r, ++p) {
    if (p == real.end() || *p != *r) return false;
  }
  return true;
}

namespace {

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// Calls `on(name, begin, end)` for each {name} in text.
template <class F>
void for_each_placeholder(std::string_view text, F&& on) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '{' || i + 1 >= text.size() || !is_name_start(text[i + 1])) continue;
    std::size_t j = i + 2;
    while (j < text.size() && is_name_char(text[j])) ++j;
    if (j < text.size() && text[j] == '}') {
      on(text.substr(i + 1, j - i - 1), i, j + 1);
      i = j;
    }
  }
}

}  // namespace

std::vector<std::string> placeholders_in(std::string_view text) {
  std::vector<std::string> names;
  for_each_placeholder(text, [&](std::string_view name, std::size_t, std::size_t) { names.emplace_back(name); });
  return names;
}

std::string substitute_placeholders(std::string_view text, const NamedValues& bound) {
  std::string out;
  std::size_t copied = 0;
  for_each_placeholder(text, [&](std::string_view name, std::size_t begin, std::size_t end) {
    for (const auto& [key, value] : bound) {
      if (key == name) {
        out.append(text.substr(copied, begin - copied));
        out += value;
        copied = end;
        return;
      }
    }
  });
  out.append(text.substr(copied));
  return out;
}

namespace {

using KeySet = std::set<std::string, std::less<>>;

bool is_env_name(std::string_view name) {
  if (name.empty() || !is_name_start(name.front())) return false;
  return std::all_of(name.begin(), name.end(), is_name_char);
}

// A capture name becomes a file path under the output dir: plain segments of
// letters, digits, '_', '-', '.', separated by '/'.
bool is_capture_name(std::string_view name) {
  if (!is_confined_relative_path(name)) return false;
  for (const char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '_' && c != '-' && c != '.' && c != '/') return false;
  }
  return name.front() != '.' && name.find("/.") == std::string_view::npos;
}

// Reads one TOML file's tables with the file name at hand for messages.
class TomlReader {
public:
  TomlReader(std::string file, PlanProblems& problems) : m_file(std::move(file)), m_problems(problems) {}

  SourcePlace place(const toml::node& node) const {
    const auto& at = node.source().begin;
    return {m_file, at.line, at.column};
  }
  SourcePlace place(const toml::source_region& region) const { return {m_file, region.begin.line, region.begin.column}; }

  void problem(const toml::node& node, std::string_view what) { m_problems.add(place(node), what); }

  void unknown_keys(const toml::table& table, const KeySet& known, std::string_view in) {
    for (const auto& [key, node] : table) {
      if (!known.contains(key.str())) {
        problem(node, fmt::format("unknown key \"{}\" in {} (known: {})", key.str(), in, fmt::join(known, ", ")));
      }
    }
  }

  std::optional<std::string> string(const toml::table& table, std::string_view key, std::string_view name) {
    const toml::node* node = table.get(key);
    if (!node) return std::nullopt;
    if (const auto* text = node->as_string()) return text->get();
    problem(*node, fmt::format("\"{}\" must be a string", name));
    return std::nullopt;
  }

  std::vector<std::string> string_list(const toml::table& table, std::string_view key, std::string_view name) {
    std::vector<std::string> out;
    const toml::node* node = table.get(key);
    if (!node) return out;
    const auto* array = node->as_array();
    if (!array) {
      problem(*node, fmt::format("\"{}\" must be an array of strings", name));
      return out;
    }
    for (const auto& item : *array) {
      if (const auto* text = item.as_string()) {
        out.push_back(text->get());
      } else {
        problem(item, fmt::format("\"{}\" must be an array of strings", name));
      }
    }
    return out;
  }

  // A table of string values, in file order (toml++ keeps tables sorted, so
  // the order is restored from the source positions).
  NamedValues string_table(const toml::table& table, std::string_view key, std::string_view name) {
    NamedValues out;
    const toml::node* node = table.get(key);
    if (!node) return out;
    const auto* inner = node->as_table();
    if (!inner) {
      problem(*node, fmt::format("\"{}\" must be a table of strings", name));
      return out;
    }
    std::vector<std::pair<const toml::node*, std::string>> entries;
    for (const auto& [entry_key, value] : *inner) entries.emplace_back(&value, std::string(entry_key.str()));
    std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
      const auto& x = a.first->source().begin;
      const auto& y = b.first->source().begin;
      return x.line != y.line ? x.line < y.line : x.column < y.column;
    });
    for (const auto& [value, entry_key] : entries) {
      if (const auto* text = value->as_string()) {
        out.emplace_back(entry_key, text->get());
      } else {
        problem(*value, fmt::format("\"{}.{}\" must be a string", name, entry_key));
      }
    }
    return out;
  }

  const std::string& file() const { return m_file; }

private:
  std::string m_file;
  PlanProblems& m_problems;
};

std::optional<toml::table> parse_toml(std::string_view text, const std::string& file, PlanProblems& problems) {
  // Debian's toml++ is built with exceptions: the parse error becomes a value.
  try {
    return toml::parse(text, file);
  } catch (const toml::parse_error& error) {
    problems.add(SourcePlace{file, error.source().begin.line, error.source().begin.column},
                 fmt::format("invalid TOML: {}", error.description()));
    return std::nullopt;
  }
}

// An `expect` value as canonical JSON text; nullopt for TOML dates and times,
// which JSON has no type for.
std::optional<nlohmann::json> toml_to_json(const toml::node& node) {
  if (const auto* v = node.as_boolean()) return nlohmann::json(v->get());
  if (const auto* v = node.as_integer()) return nlohmann::json(v->get());
  if (const auto* v = node.as_floating_point()) return nlohmann::json(v->get());
  if (const auto* v = node.as_string()) return nlohmann::json(v->get());
  if (const auto* array = node.as_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : *array) {
      auto converted = toml_to_json(item);
      if (!converted) return std::nullopt;
      out.push_back(std::move(*converted));
    }
    return out;
  }
  if (const auto* table = node.as_table()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, item] : *table) {
      auto converted = toml_to_json(item);
      if (!converted) return std::nullopt;
      out[std::string(key.str())] = std::move(*converted);
    }
    return out;
  }
  return std::nullopt;
}

void check_env_names(TomlReader& reader, const toml::table& table, std::string_view key, const NamedValues& env) {
  for (const auto& [name, value] : env) {
    if (!is_env_name(name)) {
      reader.problem(*table.get(key), fmt::format("\"{}\" is not an environment variable name (letters, digits, '_')", name));
    }
  }
}

Step parse_step(TomlReader& reader, const toml::table& table, std::size_t number) {
  static const KeySet known = {"tool", "args", "stdin", "capture", "bind", "exit", "timeout", "env", "expect"};
  const std::string in = fmt::format("[[step]] {}", number);
  reader.unknown_keys(table, known, in);
  Step step;
  step.number = number;
  step.where = reader.place(table);
  if (auto tool = reader.string(table, "tool", "tool")) {
    if (tool->empty()) reader.problem(*table.get("tool"), "\"tool\" must name a tool from [tools] in fixturegen.toml (omit it for the engine)");
    step.tool = std::move(*tool);
  }
  step.args = reader.string_list(table, "args", "args");
  if (!table.get("args")) reader.problem(table, fmt::format("{} has no \"args\" (the engine's or tool's arguments, an array of strings)", in));
  if (auto stdin_file = reader.string(table, "stdin", "stdin")) {
    if (!is_confined_relative_path(*stdin_file)) {
      reader.problem(*table.get("stdin"), fmt::format("\"stdin\" = \"{}\" must be a path inside the POC (relative, no \"..\")", *stdin_file));
    }
    step.stdin_file = std::move(*stdin_file);
  }
  if (auto capture = reader.string(table, "capture", "capture")) {
    if (!is_capture_name(*capture)) {
      reader.problem(*table.get("capture"),
                     fmt::format("capture name \"{}\" must be a relative name of letters, digits, '_', '-', '.' "
                                 "(sub-folders with '/'), without \"..\": it becomes <output>/NAME.json",
                                 *capture));
    } else if (capture->ends_with(".json")) {
      reader.problem(*table.get("capture"), fmt::format("capture name \"{}\" gets \".json\" appended: leave it out", *capture));
    }
    step.capture = std::move(*capture);
  }
  step.bind = reader.string_table(table, "bind", "bind");
  std::vector<std::string> tokens;
  for (const auto& [name, pointer] : step.bind) {
    if (!is_env_name(name)) reader.problem(*table.get("bind"), fmt::format("bind name \"{}\" must be letters, digits and '_' (used as {{{}}})", name, name));
    if (!json::split_pointer(pointer, tokens)) {
      reader.problem(*table.get("bind"), fmt::format("bind.{} = \"{}\" is not a JSON Pointer (e.g. \"/plan_id\")", name, pointer));
    }
  }
  if (const toml::node* node = table.get("exit")) {
    const auto* array = node->as_array();
    if (!array || array->empty()) {
      reader.problem(*node, "\"exit\" must be a non-empty array of exit codes (integers 0-255)");
    } else {
      for (const auto& item : *array) {
        const auto* code = item.as_integer();
        if (!code || code->get() < 0 || code->get() > 255) {
          reader.problem(item, "\"exit\" must be a non-empty array of exit codes (integers 0-255)");
        } else {
          step.exit_codes.push_back(static_cast<int>(code->get()));
        }
      }
    }
  }
  if (auto timeout = reader.string(table, "timeout", "timeout")) {
    if (auto parsed = parse_duration(*timeout)) {
      step.timeout = *parsed;
    } else {
      reader.problem(*table.get("timeout"), fmt::format("\"timeout\" = \"{}\" is not a duration: write e.g. \"500ms\", \"60s\", \"10m\", \"1h\"", *timeout));
    }
  }
  step.env = reader.string_table(table, "env", "env");
  check_env_names(reader, table, "env", step.env);
  if (const toml::node* node = table.get("expect")) {
    if (const auto* expect = node->as_table()) {
      for (const auto& [pointer, value] : *expect) {
        if (!json::split_pointer(pointer.str(), tokens)) {
          reader.problem(value, fmt::format("expect key \"{}\" is not a JSON Pointer (e.g. \"/reviewed\")", pointer.str()));
          continue;
        }
        auto json_value = toml_to_json(value);
        if (!json_value) {
          reader.problem(value, fmt::format("expect.\"{}\": dates and times have no JSON type; write the value as a string", pointer.str()));
          continue;
        }
        step.expect.push_back({std::string(pointer.str()), json_value->dump(), reader.place(value)});
      }
      std::sort(step.expect.begin(), step.expect.end(), [](const Expectation& a, const Expectation& b) {
        return a.where.line != b.where.line ? a.where.line < b.where.line : a.where.column < b.where.column;
      });
    } else {
      reader.problem(*node, "\"expect\" must be a table of JSON Pointer = value");
    }
  }
  return step;
}

}  // namespace

std::optional<PocPlan> parse_poc_plan(std::string_view text, const std::string& poc_name, const fs::path& poc_dir,
                                      PlanProblems& problems) {
  const fs::path plan_file = poc_dir / kPocPlanFile;
  const std::size_t before = problems.messages.size();
  auto root = parse_toml(text, plan_file.string(), problems);
  if (!root) return std::nullopt;
  TomlReader reader(plan_file.string(), problems);
  reader.unknown_keys(*root, {"output", "clean", "step"}, "capture.toml");

  PocPlan plan;
  plan.name = poc_name;
  plan.dir = poc_dir;
  plan.plan_file = plan_file;
  if (auto output = reader.string(*root, "output", "output")) {
    if (!output->empty() && !is_capture_name(*output)) {
      reader.problem(*root->get("output"), fmt::format("\"output\" = \"{}\" must be a sub-folder name inside the output dir (relative, no \"..\"); \"\" is the top level", *output));
    }
    plan.output = std::move(*output);
  }
  plan.clean = reader.string_list(*root, "clean", "clean");
  for (const auto& path : plan.clean) {
    if (!is_confined_relative_path(path)) {
      reader.problem(*root->get("clean"), fmt::format("clean path \"{}\" must be inside the POC (relative, no \"..\")", path));
    }
  }

  const toml::node* steps_node = root->get("step");
  const auto* steps = steps_node ? steps_node->as_array() : nullptr;
  if (!steps_node) {
    problems.add(SourcePlace{plan_file.string(), 1, 1}, "no [[step]]: a POC needs at least one step");
  } else if (!steps || !steps->is_array_of_tables()) {
    reader.problem(*steps_node, "\"step\" must be an array of tables: write each as [[step]]");
  } else {
    std::size_t number = 0;
    for (const auto& entry : *steps) {
      plan.steps.push_back(parse_step(reader, *entry.as_table(), ++number));
    }
  }

  // Cross-step checks: captures unique, placeholders bound by an earlier step.
  NamedValues bound;  // name -> "" (only names matter here)
  std::vector<std::pair<std::string, std::size_t>> captures;
  for (const Step& step : plan.steps) {
    auto check_text = [&](const std::string& value, std::string_view what) {
      for (const auto& name : placeholders_in(value)) {
        const bool known = std::any_of(bound.begin(), bound.end(), [&](const auto& b) { return b.first == name; });
        if (!known) {
          problems.add(step.where, fmt::format("step {}: {} uses {{{}}}, which no earlier step binds (add bind = {{ {} = \"/pointer\" }} to an earlier step)",
                                               step.number, what, name, name));
        }
      }
    };
    for (const auto& arg : step.args) check_text(arg, fmt::format("argument \"{}\"", arg));
    check_text(step.stdin_file, "stdin");
    if (!step.capture.empty()) {
      for (const auto& [name, number] : captures) {
        if (name == step.capture) {
          problems.add(step.where, fmt::format("step {}: capture \"{}\" is already step {}'s: each capture name is used once per POC",
                                               step.number, step.capture, number));
        }
      }
      captures.emplace_back(step.capture, step.number);
    }
    for (const auto& [name, pointer] : step.bind) bound.emplace_back(name, "");
  }
  if (problems.messages.size() != before) return std::nullopt;
  return plan;
}

Expected<ProjectConfig> parse_project_config(std::string_view text, const fs::path& file) {
  PlanProblems problems;
  auto root = parse_toml(text, file.string(), problems);
  if (!root) return problems.to_error(file.string());
  TomlReader reader(file.string(), problems);
  reader.unknown_keys(*root, {"output", "pocs", "engine", "tools", "normalize", "env", "pass_env"}, file.filename().string());

  ProjectConfig config;
  config.file = file;
  config.root = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  if (auto output = reader.string(*root, "output", "output")) {
    if (!is_confined_relative_path(*output)) {
      reader.problem(*root->get("output"), fmt::format("\"output\" = \"{}\" must be a folder inside the project (relative, no \"..\")", *output));
    }
    config.output = std::move(*output);
  } else if (!root->get("output")) {
    problems.add(SourcePlace{file.string(), 1, 1}, "no \"output\": name the folder captures go to, e.g. output = \"fixtures_generated\"");
  }

  if (const toml::node* node = root->get("pocs")) {
    const auto* array = node->as_array();
    if (!array) {
      reader.problem(*node, "\"pocs\" must be an array of POC folders");
    } else {
      for (const auto& item : *array) {
        const auto* name = item.as_string();
        if (!name) {
          reader.problem(item, "\"pocs\" must be an array of POC folders (strings)");
          continue;
        }
        std::string poc = name->get();
        while (poc.size() > 1 && poc.back() == '/') poc.pop_back();
        if (!is_confined_relative_path(poc)) {
          reader.problem(item, fmt::format("POC \"{}\" must be a folder inside the project (relative, no \"..\")", poc));
          continue;
        }
        for (const auto& seen : config.pocs) {
          if (seen.name == poc) reader.problem(item, fmt::format("POC \"{}\" is listed twice (first at {})", poc, seen.where.to_string()));
        }
        config.pocs.push_back({std::move(poc), reader.place(item)});
      }
      if (array->empty()) reader.problem(*node, "\"pocs\" is empty: list the POC folders to capture from");
    }
  } else {
    problems.add(SourcePlace{file.string(), 1, 1}, "no \"pocs\": list the POC folders, in order, e.g. pocs = [\"pocs/basics\"]");
  }

  if (const toml::node* node = root->get("engine")) {
    if (const auto* engine = node->as_table()) {
      reader.unknown_keys(*engine, {"command", "version"}, "[engine]");
      if (auto command = reader.string(*engine, "command", "engine.command")) {
        if (command->empty()) reader.problem(*engine->get("command"), "\"engine.command\" is empty");
        config.engine_command = std::move(*command);
      } else if (!engine->get("command")) {
        reader.problem(*engine, "[engine] needs \"command\": the engine program (a path with '/', else found on PATH)");
      }
      if (auto version = reader.string(*engine, "version", "engine.version")) config.engine_version = std::move(*version);
    } else {
      reader.problem(*node, "\"engine\" must be a table: [engine] command = \"rocky\"");
    }
  } else {
    problems.add(SourcePlace{file.string(), 1, 1}, "no [engine]: add [engine] command = \"rocky\"");
  }

  config.tools = reader.string_table(*root, "tools", "tools");
  for (const auto& [name, program] : config.tools) {
    if (program.empty()) reader.problem(*root->get("tools"), fmt::format("tool \"{}\" has an empty program", name));
  }

  if (const toml::node* node = root->get("normalize")) {
    if (const auto* normalize = node->as_table()) {
      reader.unknown_keys(*normalize, {"profile", "rules"}, "[normalize]");
      if (auto profile = reader.string(*normalize, "profile", "normalize.profile")) config.normalize_profile = std::move(*profile);
      if (auto rules = reader.string(*normalize, "rules", "normalize.rules")) config.normalize_rules = std::move(*rules);
      if (!config.normalize_profile.empty() && !config.normalize_rules.empty()) {
        reader.problem(*normalize, "[normalize] takes \"profile\" or \"rules\", not both (a rules file can say extends = \"PROFILE\")");
      }
    } else {
      reader.problem(*node, "\"normalize\" must be a table: [normalize] profile = \"rocky-current\"");
    }
  }

  config.env = reader.string_table(*root, "env", "env");
  check_env_names(reader, *root, "env", config.env);
  config.pass_env = reader.string_list(*root, "pass_env", "pass_env");
  for (const auto& name : config.pass_env) {
    if (!is_env_name(name)) reader.problem(*root->get("pass_env"), fmt::format("pass_env: \"{}\" is not an environment variable name", name));
  }

  if (!problems.empty()) return problems.to_error(file.string());
  return config;
}

Expected<ProjectConfig> load_project_config(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    return Error::config(fmt::format("{}: no such capture plan", file.string()),
                         "run from the project root (where fixturegen.toml is) or pass --config FILE");
  }
  auto text = io::read_file(file);
  if (!text) return std::move(text).error();
  return parse_project_config(*text, file);
}

}  // namespace fixturegen::regen
