#include "project.hpp"

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace rocky_double {

using nlohmann::json;

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw EngineError("cannot read " + file.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Config::catalog() const {
  return adapter_path ? adapter_path->stem().string() : std::string("memory");
}

std::string Config::database_path() const {
  if (!adapter_path) return ":memory:";
  return adapter_path->is_absolute() ? adapter_path->string() : (dir / *adapter_path).string();
}

namespace {

std::string where(const toml::source_region& region) {
  std::ostringstream out;
  out << *region.path << ":" << region.begin.line << ":" << region.begin.column;
  return out.str();
}

template <typename View>
std::vector<std::string> string_array(const View& node) {
  std::vector<std::string> out;
  if (const auto* array = node.as_array()) {
    for (const auto& item : *array)
      if (auto text = item.template value<std::string>()) out.push_back(*text);
  }
  return out;
}

}  // namespace

Config load_config(const fs::path& file) {
  if (!fs::exists(file))
    throw EngineError("config file not found: " + file.string() + " (run in a project folder or pass -c FILE)");
  toml::table root;
  try {
    root = toml::parse_file(file.string());
  } catch (const toml::parse_error& error) {
    throw EngineError("invalid config " + where(error.source()) + ": " + std::string(error.description()));
  }
  Config config;
  config.file = file;
  config.dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  const toml::table* adapter = root["adapter"].as_table();
  if (!adapter) throw EngineError("invalid config " + file.string() + ": missing [adapter]");
  config.adapter_type = (*adapter)["type"].value_or(std::string());
  if (auto path = (*adapter)["path"].value<std::string>()) config.adapter_path = fs::path(*path);
  config.state_backend = root["state"]["backend"].value_or(std::string("local"));
  if (const toml::table* pipelines = root["pipeline"].as_table()) {
    for (const auto& [name, node] : *pipelines) {
      const toml::table* table = node.as_table();
      if (!table) continue;
      const toml::node_view<const toml::node> p{table};
      Pipeline pipeline;
      pipeline.name = std::string(name.str());
      pipeline.strategy = p["strategy"].value_or(pipeline.strategy);
      pipeline.timestamp_column = p["timestamp_column"].value_or(std::string());
      const auto pattern = p["source"]["schema_pattern"];
      pipeline.prefix = pattern["prefix"].value_or(pipeline.prefix);
      pipeline.separator = pattern["separator"].value_or(pipeline.separator);
      if (pattern["components"].is_array()) pipeline.components = string_array(pattern["components"]);
      pipeline.catalog_template = p["target"]["catalog_template"].value_or(config.catalog());
      pipeline.schema_template = p["target"]["schema_template"].value_or(pipeline.schema_template);
      pipeline.auto_create_schemas = p["target"]["governance"]["auto_create_schemas"].value_or(true);
      pipeline.checks_enabled = p["checks"]["enabled"].value_or(false);
      pipeline.check_row_count = p["checks"]["row_count"].value_or(false);
      pipeline.check_column_match = p["checks"]["column_match"].value_or(false);
      pipeline.anomaly_detection = p["checks"]["anomaly"]["enabled"].value_or(false);
      pipeline.anomaly_threshold_pct = p["checks"]["anomaly"]["threshold_pct"].value_or(50.0);
      pipeline.anomaly_min_history = static_cast<int>(p["checks"]["anomaly"]["min_history"].value_or(int64_t{3}));
      if (auto concurrency = p["execution"]["concurrency"].value<int64_t>())
        pipeline.concurrency = static_cast<int>(*concurrency);
      if (pipeline.strategy != "full_refresh" && pipeline.strategy != "incremental")
        throw EngineError("invalid config " + where(p["strategy"].node()->source()) + ": unknown strategy '" +
                          pipeline.strategy + "' (full_refresh or incremental)");
      if (pipeline.strategy == "incremental" && pipeline.timestamp_column.empty())
        throw EngineError("invalid config " + file.string() + ": pipeline '" + pipeline.name +
                          "' is incremental but has no timestamp_column");
      config.pipelines.push_back(std::move(pipeline));
    }
  }
  return config;
}

const Model* Project::find(const std::string& name) const {
  for (const Model& model : models)
    if (model.name == name) return &model;
  return nullptr;
}

// ---- the .rocky DSL ----------------------------------------------------------

namespace {

std::string trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  const auto end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

std::vector<std::string> split_top_level(const std::string& text, char separator) {
  std::vector<std::string> parts;
  int depth = 0;
  std::string current;
  for (char ch : text) {
    if (ch == '(') ++depth;
    if (ch == ')') --depth;
    if (ch == separator && depth == 0) {
      parts.push_back(trim(current));
      current.clear();
    } else {
      current += ch;
    }
  }
  if (!trim(current).empty()) parts.push_back(trim(current));
  return parts;
}

}  // namespace

std::string translate_dsl(const std::string& text, std::string* error) {
  std::string from, select;
  std::vector<std::string> wheres, group_keys, aggregates;
  std::istringstream lines(text);
  std::string line;
  std::string pending;  // a `group` block spanning lines
  bool in_group = false;
  while (std::getline(lines, line)) {
    line = trim(line);
    if (line.empty() || line.rfind("--", 0) == 0 || line.rfind("#", 0) == 0) continue;
    if (in_group) {
      pending += " " + line;
    } else if (line.rfind("from ", 0) == 0) {
      from = trim(line.substr(5));
    } else if (line.rfind("where ", 0) == 0) {
      wheres.push_back(trim(line.substr(6)));
    } else if (line.rfind("select ", 0) == 0) {
      select = trim(line.substr(7));
    } else if (line.rfind("group ", 0) == 0) {
      pending = line.substr(6);
      in_group = true;
    } else {
      if (error) *error = "unknown .rocky statement: " + line;
      return "";
    }
    if (in_group && pending.find('}') != std::string::npos) {
      in_group = false;
      const auto open = pending.find('{');
      const auto close = pending.rfind('}');
      if (open == std::string::npos || close < open) {
        if (error) *error = "malformed group block: " + pending;
        return "";
      }
      group_keys = split_top_level(pending.substr(0, open), ',');
      for (const std::string& item : split_top_level(pending.substr(open + 1, close - open - 1), ',')) {
        const auto colon = item.find(':');
        if (colon == std::string::npos) {
          if (error) *error = "group item without `alias: expr`: " + item;
          return "";
        }
        aggregates.push_back(trim(item.substr(colon + 1)) + " AS " + trim(item.substr(0, colon)));
      }
    }
  }
  if (in_group || from.empty()) {
    if (error) *error = in_group ? "unterminated group block" : "a .rocky model needs `from`";
    return "";
  }
  std::string list;
  if (!group_keys.empty() || !aggregates.empty()) {
    std::vector<std::string> items = group_keys;
    items.insert(items.end(), aggregates.begin(), aggregates.end());
    for (size_t i = 0; i < items.size(); ++i) list += (i ? ", " : "") + items[i];
  } else {
    list = select.empty() ? "*" : select;
  }
  std::string sql = "SELECT " + list + "\nFROM " + from;
  for (size_t i = 0; i < wheres.size(); ++i) sql += (i ? " AND " : "\nWHERE ") + wheres[i];
  if (!group_keys.empty()) {
    sql += "\nGROUP BY ";
    for (size_t i = 0; i < group_keys.size(); ++i) sql += (i ? ", " : "") + group_keys[i];
  }
  return sql;
}

std::string render_partition_sql(const std::string& sql, const std::string& start, const std::string& end) {
  std::string out = sql;
  const std::pair<std::string, std::string> replacements[] = {
      {"@start_date", "TIMESTAMP " + quote_literal(start)}, {"@end_date", "TIMESTAMP " + quote_literal(end)}};
  for (const auto& [from, to] : replacements) {
    for (auto at = out.find(from); at != std::string::npos; at = out.find(from, at + to.size()))
      out.replace(at, from.size(), to);
  }
  return out;
}

// ---- parsing models through DuckDB -----------------------------------------------

namespace {

struct TableRef {
  std::string catalog, schema, table, alias;
  bool nullable_side = false;
};

void collect_from(const json& node, bool nullable, std::vector<TableRef>& refs) {
  if (!node.is_object()) return;
  const std::string type = node.value("type", "");
  if (type == "BASE_TABLE") {
    refs.push_back({node.value("catalog_name", ""), node.value("schema_name", ""), node.value("table_name", ""),
                    node.value("alias", ""), nullable});
  } else if (type == "JOIN") {
    const std::string join = node.value("join_type", "INNER");
    collect_from(node.value("left", json()), nullable || join == "RIGHT" || join == "OUTER", refs);
    collect_from(node.value("right", json()), nullable || join == "LEFT" || join == "OUTER", refs);
  }
}

void collect_column_refs(const json& node, std::vector<std::vector<std::string>>& out) {
  if (node.is_object()) {
    if (node.value("class", "") == "COLUMN_REF" && node.contains("column_names")) {
      out.push_back(node["column_names"].get<std::vector<std::string>>());
      return;
    }
    for (const auto& [key, value] : node.items()) collect_column_refs(value, out);
  } else if (node.is_array()) {
    for (const auto& value : node) collect_column_refs(value, out);
  }
}

bool is_null_constant(const json& node) {
  if (!node.is_object()) return false;
  if (node.value("class", "") == "CONSTANT") return node["value"].value("is_null", false);
  if (node.value("class", "") == "CAST") return is_null_constant(node.value("child", json()));
  return false;
}

const std::set<std::string> kAggregates = {"sum", "count", "count_star", "avg", "mean", "min", "max",
                                           "any_value", "first", "last", "median", "string_agg",
                                           "stddev", "variance", "bool_and", "bool_or"};

std::pair<int, int> line_col(const std::string& text, size_t offset) {
  int line = 1, col = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {line, col};
}

std::string relation_name(const TableRef& ref, const std::set<std::string>& model_names) {
  if (ref.catalog.empty() && ref.schema.empty() && model_names.count(ref.table)) return ref.table;
  std::string name;
  if (!ref.catalog.empty()) name += ref.catalog + ".";
  if (!ref.schema.empty()) name += ref.schema + ".";
  return name + ref.table;
}

struct ParsedModel {
  json select_list = json::array();
  std::vector<TableRef> refs;
  json group_expressions = json::array();
};

std::vector<std::string> external_columns(Database& db, const std::string& relation) {
  // relation is schema.table or catalog.schema.table
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(relation);
  while (std::getline(in, part, '.')) parts.push_back(part);
  if (parts.size() < 2) return {};
  const std::string& schema = parts[parts.size() - 2];
  const std::string& table = parts.back();
  std::string error;
  auto rows = db.query("SELECT column_name FROM information_schema.columns WHERE table_schema = " +
                           quote_literal(schema) + " AND table_name = " + quote_literal(table) +
                           " ORDER BY ordinal_position",
                       &error);
  std::vector<std::string> columns;
  if (rows)
    for (const auto& row : rows->rows)
      if (row[0]) columns.push_back(*row[0]);
  return columns;
}

}  // namespace

void load_models(Project& project, const fs::path& models_dir, Database& parser) {
  project.models_dir = models_dir;
  project.models.clear();
  const fs::path dir = models_dir.is_absolute() ? models_dir : project.config.dir / models_dir;
  if (!fs::is_directory(dir)) throw EngineError("models directory not found: " + models_dir.string());
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const auto ext = entry.path().extension();
    if (entry.is_regular_file() && (ext == ".sql" || ext == ".rocky")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& path : files) {
    Model model;
    model.name = path.stem().string();
    model.file = models_dir / path.filename();
    model.from_dsl = path.extension() == ".rocky";
    const std::string text = read_text(path);
    if (model.from_dsl) {
      model.sql = translate_dsl(text, &model.parse_error);
    } else {
      model.sql = trim(text);
      model.source_text = text;
      model.sql_offset = text.find_first_not_of(" \t\r\n");
      if (model.sql_offset == std::string::npos) model.sql_offset = 0;
      while (!model.sql.empty() && model.sql.back() == ';') model.sql.pop_back();
    }
    model.target = {project.config.catalog(), "main", model.name};
    fs::path sidecar = path;
    sidecar.replace_extension(".toml");
    if (fs::exists(sidecar)) {
      toml::table side;
      try {
        side = toml::parse_file(sidecar.string());
      } catch (const toml::parse_error& error) {
        throw EngineError("invalid model sidecar " + where(error.source()) + ": " + std::string(error.description()));
      }
      Strategy& s = model.strategy;
      s.type = side["strategy"]["type"].value_or(s.type);
      s.time_column = side["strategy"]["time_column"].value_or(std::string());
      s.granularity = side["strategy"]["granularity"].value_or(s.granularity);
      s.first_partition = side["strategy"]["first_partition"].value_or(std::string());
      s.lookback = side["strategy"]["lookback"].value_or(int64_t{0});
      s.batch_size = side["strategy"]["batch_size"].value_or(int64_t{1});
      s.timestamp_column = side["strategy"]["timestamp_column"].value_or(std::string());
      model.target.catalog = side["target"]["catalog"].value_or(model.target.catalog);
      model.target.schema = side["target"]["schema"].value_or(model.target.schema);
      model.target.table = side["target"]["table"].value_or(model.name);
      if (s.type != "full_refresh" && s.type != "incremental" && s.type != "time_interval")
        throw EngineError("invalid model sidecar " + sidecar.string() + ": unknown strategy type '" + s.type + "'");
      if (s.type == "time_interval" && (s.time_column.empty() || s.first_partition.empty()))
        throw EngineError("invalid model sidecar " + sidecar.string() +
                          ": time_interval needs time_column and first_partition");
    }
    project.models.push_back(std::move(model));
  }

  std::set<std::string> names;
  for (const Model& model : project.models) names.insert(model.name);

  // Parse each model's SELECT with DuckDB's parser.
  std::map<std::string, ParsedModel> parsed;
  for (Model& model : project.models) {
    if (!model.parse_error.empty()) continue;
    const std::string sql = render_partition_sql(model.sql, "2000-01-01 00:00:00", "2000-01-02 00:00:00");
    std::string error;
    auto rows = parser.query("SELECT json_serialize_sql(" + quote_literal(sql) + ")", &error);
    if (!rows || rows->rows.empty() || !rows->rows[0][0]) {
      model.parse_error = error.empty() ? "json_serialize_sql returned nothing" : error;
      continue;
    }
    const json tree = json::parse(*rows->rows[0][0], nullptr, false);
    if (tree.is_discarded() || tree.value("error", true)) {
      model.parse_error = tree.is_discarded() ? "unreadable parse tree" : tree.value("error_message", "parse error");
      continue;
    }
    const json& statements = tree["statements"];
    if (statements.size() != 1 || statements[0]["node"].value("type", "") != "SELECT_NODE") {
      model.parse_error = "a model must be exactly one SELECT";
      continue;
    }
    const json& node = statements[0]["node"];
    ParsedModel p;
    p.select_list = node.value("select_list", json::array());
    collect_from(node.value("from_table", json()), false, p.refs);
    p.group_expressions = node.value("group_expressions", json::array());
    for (const TableRef& ref : p.refs) {
      const std::string relation = relation_name(ref, names);
      if (names.count(relation) && relation != model.name) {
        if (std::find(model.upstream_models.begin(), model.upstream_models.end(), relation) ==
            model.upstream_models.end())
          model.upstream_models.push_back(relation);
      } else if (std::find(model.external_tables.begin(), model.external_tables.end(), relation) ==
                 model.external_tables.end()) {
        model.external_tables.push_back(relation);
      }
    }
    for (const json& key : p.group_expressions)
      if (key.value("class", "") == "COLUMN_REF") model.group_by.push_back(key["column_names"].back());
    model.parsed = true;
    parsed.emplace(model.name, std::move(p));
  }

  // Topological layers (Kahn); a cycle leaves its models in a last layer.
  std::map<std::string, int> pending;
  project.downstream.clear();
  for (const Model& model : project.models) {
    pending[model.name] = static_cast<int>(model.upstream_models.size());
    for (const std::string& up : model.upstream_models) project.downstream[up].push_back(model.name);
  }
  project.layers.clear();
  std::set<std::string> done;
  while (done.size() < project.models.size()) {
    std::vector<std::string> layer;
    for (const Model& model : project.models)
      if (!done.count(model.name) && pending[model.name] == 0) layer.push_back(model.name);
    if (layer.empty()) {
      for (const Model& model : project.models)
        if (!done.count(model.name)) layer.push_back(model.name);
    }
    for (const std::string& name : layer) {
      done.insert(name);
      for (const std::string& down : project.downstream[name]) --pending[down];
    }
    project.layers.push_back(std::move(layer));
  }

  // Output columns and lineage, upstream first so SELECT * expands.
  std::map<std::string, std::vector<OutputColumn>> known;
  for (const auto& layer : project.layers) {
    for (const std::string& name : layer) {
      auto it = std::find_if(project.models.begin(), project.models.end(),
                             [&](const Model& m) { return m.name == name; });
      Model& model = *it;
      if (!model.parsed) continue;
      const ParsedModel& p = parsed.at(name);
      auto columns_of = [&](const TableRef& ref) {
        const std::string relation = relation_name(ref, names);
        std::vector<OutputColumn> cols;
        if (known.count(relation)) {
          cols = known[relation];
        } else {
          for (const std::string& column : external_columns(parser, relation)) cols.push_back({column, false, "direct", {}});
        }
        for (OutputColumn& col : cols) col.nullable = col.nullable || ref.nullable_side;
        return std::make_pair(relation, cols);
      };
      auto resolve = [&](const std::vector<std::string>& names_path) -> std::pair<ColumnSource, bool> {
        const std::string column = names_path.back();
        const TableRef* chosen = nullptr;
        if (names_path.size() >= 2) {
          const std::string& qualifier = names_path[names_path.size() - 2];
          for (const TableRef& ref : p.refs)
            if (ref.alias == qualifier || (ref.alias.empty() && ref.table == qualifier)) chosen = &ref;
        }
        if (!chosen) {
          for (const TableRef& ref : p.refs) {
            const auto [relation, cols] = columns_of(ref);
            for (const OutputColumn& col : cols)
              if (col.name == column && !chosen) chosen = &ref;
          }
        }
        if (!chosen && !p.refs.empty()) chosen = &p.refs.front();
        if (!chosen) return {{"", column}, false};
        const auto [relation, cols] = columns_of(*chosen);
        bool nullable = chosen->nullable_side;
        for (const OutputColumn& col : cols)
          if (col.name == column) nullable = col.nullable;
        return {{relation, column}, nullable};
      };
      std::vector<OutputColumn> out;
      for (const json& item : p.select_list) {
        const std::string cls = item.value("class", "");
        if (cls == "STAR") {
          model.select_star = true;
          // Where the `*` is in the file; a .rocky model points at its `from`.
          std::tie(model.star_line, model.star_col) =
              model.from_dsl ? std::make_pair(1, 1)
                             : line_col(model.source_text, model.sql_offset + item.value("query_location", size_t{0}));
          for (const TableRef& ref : p.refs) {
            const auto [relation, cols] = columns_of(ref);
            for (const OutputColumn& col : cols) out.push_back({col.name, col.nullable, "direct", {{relation, col.name}}});
          }
          continue;
        }
        OutputColumn col;
        col.name = item.value("alias", "");
        std::vector<std::vector<std::string>> refs;
        collect_column_refs(item, refs);
        bool any_nullable = false;
        for (const auto& ref : refs) {
          auto [source, nullable] = resolve(ref);
          any_nullable = any_nullable || nullable;
          if (std::none_of(col.sources.begin(), col.sources.end(), [&](const ColumnSource& s) {
                return s.relation == source.relation && s.column == source.column;
              }))
            col.sources.push_back(source);
        }
        if (cls == "COLUMN_REF") {
          if (col.name.empty()) col.name = item["column_names"].back();
          col.transform = "direct";
          col.nullable = any_nullable;
        } else if (cls == "FUNCTION" && kAggregates.count(item.value("function_name", ""))) {
          const std::string fn = item.value("function_name", "");
          col.transform = "aggregation: " + std::string(fn == "count_star" ? "count" : fn);
          col.nullable = fn.rfind("count", 0) == 0 ? false : any_nullable;
          if (col.name.empty()) col.name = fn + "(" + (refs.empty() ? "" : refs[0].back()) + ")";
        } else {
          col.transform = "expression";
          col.nullable = is_null_constant(item) || any_nullable;
          if (col.name.empty()) col.name = item.value("function_name", cls);
        }
        out.push_back(std::move(col));
      }
      model.columns = out;
      known[name] = std::move(out);
    }
  }
}

std::map<std::string, Contract> load_contracts(const fs::path& dir) {
  std::map<std::string, Contract> contracts;
  if (!fs::is_directory(dir)) throw EngineError("contracts directory not found: " + dir.string());
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string file = entry.path().filename().string();
    const std::string suffix = ".contract.toml";
    if (file.size() <= suffix.size() || file.compare(file.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    toml::table table;
    try {
      table = toml::parse_file(entry.path().string());
    } catch (const toml::parse_error& error) {
      throw EngineError("invalid contract " + where(error.source()) + ": " + std::string(error.description()));
    }
    Contract contract;
    if (const auto* columns = table["columns"].as_array()) {
      for (const auto& node : *columns) {
        const toml::node_view<const toml::node> c{node};
        contract.columns.push_back({c["name"].value_or(std::string()), c["type"].value_or(std::string()),
                                    c["nullable"].value_or(true)});
      }
    }
    contract.required = string_array(table["rules"]["required"]);
    contract.protected_columns = string_array(table["rules"]["protected"]);
    contracts.emplace(file.substr(0, file.size() - suffix.size()), std::move(contract));
  }
  return contracts;
}

std::vector<Diagnostic> diagnose(const Project& project, const std::map<std::string, Contract>& contracts) {
  std::vector<Diagnostic> out;
  for (const Model& model : project.models) {
    if (!model.parse_error.empty()) {
      out.push_back({"Error", "E001", "model does not parse: " + model.parse_error, model.file.string(), 1, 1,
                     model.name, "fix the SQL; DuckDB's parser reports the position"});
      continue;
    }
    if (model.select_star) {
      out.push_back({"Info", "I001", "SELECT * used \u2014 consider explicit column list for stability",
                     model.file.string(), model.star_line, model.star_col, model.name, std::nullopt});
      auto it = project.downstream.find(model.name);
      if (it != project.downstream.end() && !it->second.empty()) {
        std::string consumers, used;
        std::set<std::string> seen;
        for (const std::string& down : it->second) {
          consumers += (consumers.empty() ? "`" : ", `") + down + "`";
          if (const Model* d = project.find(down))
            for (const OutputColumn& col : d->columns)
              for (const ColumnSource& source : col.sources)
                if (source.relation == model.name && seen.insert(source.column).second)
                  used += (used.empty() ? "" : ", ") + source.column;
        }
        const size_t n = it->second.size();
        out.push_back({"Warning", "P002",
                       "SELECT * silently propagates upstream schema changes to " + std::to_string(n) +
                           " downstream consumer" + (n == 1 ? "" : "s") + ": " + consumers +
                           (used.empty() ? "" : " (" + used + ")"),
                       model.file.string(), model.star_line, model.star_col, model.name,
                       "replace SELECT * with an explicit column list to make schema dependencies visible"});
      }
    }
    auto contract = contracts.find(model.name);
    if (contract == contracts.end()) continue;
    auto find_column = [&](const std::string& name) -> const OutputColumn* {
      for (const OutputColumn& col : model.columns)
        if (col.name == name) return &col;
      return nullptr;
    };
    for (const std::string& name : contract->second.required)
      if (!find_column(name))
        out.push_back({"Error", "E010", "required column '" + name + "' missing from model output", std::nullopt, 1,
                       1, model.name, "add `" + name + "` to the SELECT, or remove it from `[rules] required`"});
    for (const Contract::Column& column : contract->second.columns) {
      const OutputColumn* col = find_column(column.name);
      if (col && !column.nullable && col->nullable)
        out.push_back({"Error", "E012",
                       "column '" + column.name + "' must be non-nullable per contract, but is nullable",
                       std::nullopt, 1, 1, model.name,
                       "filter out NULLs (e.g. `WHERE " + column.name + " IS NOT NULL`) or COALESCE `" + column.name +
                           "` to a default, or relax `nullable = true` in the contract"});
    }
    for (const std::string& name : contract->second.protected_columns)
      if (!find_column(name))
        out.push_back({"Error", "E013", "protected column '" + name + "' has been removed", std::nullopt, 1, 1,
                       model.name, "restore `" + name + "` in the SELECT, or remove it from `[rules] protected`"});
  }
  return out;
}

}  // namespace rocky_double
