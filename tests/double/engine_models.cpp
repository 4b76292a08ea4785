// rocky-double (test double of the Rocky engine): compile, test, ci,
// lineage, dag — the models, parsed by DuckDB's json_serialize_sql.
#include "engine.hpp"
#include "state.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <set>

namespace rocky_double {

namespace {

ojson header(const char* command) {
  ojson doc;
  doc["version"] = kDoubleVersion;
  doc["command"] = command;
  return doc;
}

// Commands that work on models run without a rocky.toml too (the contracts
// POC has models and contracts only); the defaults then describe an
// in-memory DuckDB.
Config config_or_default(const Invocation& inv) {
  if (fs::exists(inv.config)) return load_config(inv.config);
  Config config;
  config.file = inv.config;
  config.dir = fs::path(inv.config).has_parent_path() ? fs::path(inv.config).parent_path() : fs::path(".");
  config.adapter_type = "duckdb";
  return config;
}

Project load_project(const Invocation& inv, Database& parser) {
  Project project{config_or_default(inv), {}, {}, {}, {}};
  load_models(project, inv.option("--models").value_or("models"), parser);
  return project;
}

std::map<std::string, Contract> contracts_of(const Invocation& inv) {
  if (auto dir = inv.option("--contracts")) return load_contracts(*dir);
  return {};
}

ojson diagnostic_json(const Diagnostic& d) {
  ojson out;
  out["severity"] = d.severity;
  out["code"] = d.code;
  out["message"] = d.message;
  if (d.span_file) out["span"] = {{"file", *d.span_file}, {"line", d.span_line}, {"col", d.span_col}};
  else out["span"] = nullptr;
  out["model"] = d.model;
  out["suggestion"] = d.suggestion ? ojson(*d.suggestion) : ojson(nullptr);
  return out;
}

int depth_of(const Project& project, const std::string& name, int guard = 0) {
  const Model* model = project.find(name);
  if (!model || guard > 64) return 0;
  int depth = 0;
  for (const std::string& up : model->upstream_models) depth = std::max(depth, 1 + depth_of(project, up, guard + 1));
  return depth;
}

double round_sig(double value, int digits) {
  if (value == 0) return 0;
  const double scale = std::pow(10.0, digits - 1 - static_cast<int>(std::floor(std::log10(std::fabs(value)))));
  return std::round(value * scale) / scale;
}

struct CompileResult {
  Project project;
  std::vector<Diagnostic> diagnostics;
  bool has_errors = false;
  ojson timings;
};

CompileResult compile_project(const Invocation& inv, Database& parser) {
  const auto start = std::chrono::steady_clock::now();
  CompileResult result{load_project(inv, parser), {}, false, {}};
  const long long load_ms = elapsed_ms(start);
  const auto contracts_start = std::chrono::steady_clock::now();
  const auto contracts = contracts_of(inv);
  result.diagnostics = diagnose(result.project, contracts);
  const long long contracts_ms = elapsed_ms(contracts_start);
  for (const Diagnostic& d : result.diagnostics) result.has_errors = result.has_errors || d.severity == "Error";
  result.timings = {{"project_load_ms", load_ms},   {"semantic_graph_ms", 0}, {"typecheck_ms", 0},
                    {"typecheck_join_keys_ms", 0}, {"contracts_ms", contracts_ms}, {"total_ms", elapsed_ms(start)}};
  if (auto models = inv.option("--models")) {
    const fs::path dir = fs::path(*models).is_absolute() ? fs::path(*models) : result.project.config.dir / *models;
    StateStore cache(dir / kStateFileName);
    for (const Model& model : result.project.models) cache.data()["models"][model.name] = model.sql;
    cache.save();
  }
  return result;
}

ojson model_detail(const Project& project, const Model& model) {
  ojson detail;
  detail["name"] = model.name;
  ojson strategy = {{"type", model.strategy.type}};
  if (model.strategy.type == "time_interval") {
    strategy["time_column"] = model.strategy.time_column;
    strategy["granularity"] = model.strategy.granularity;
    strategy["lookback"] = model.strategy.lookback;
    strategy["batch_size"] = model.strategy.batch_size;
    strategy["first_partition"] = model.strategy.first_partition;
  } else if (model.strategy.type == "incremental" && !model.strategy.timestamp_column.empty()) {
    strategy["timestamp_column"] = model.strategy.timestamp_column;
  }
  detail["strategy"] = strategy;
  detail["target"] = {{"catalog", model.target.catalog}, {"schema", model.target.schema}, {"table", model.target.table}};
  if (model.strategy.type == "full_refresh") {
    // A column that looks monotonic: a timestamp name first, then an id.
    const OutputColumn* pick = nullptr;
    std::string signal;
    auto ends_with = [](const std::string& s, const std::string& suffix) {
      return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    for (const char* suffix : {"_at", "_date", "_time", "_ts"}) {
      for (const OutputColumn& col : model.columns)
        if (!pick && ends_with(col.name, suffix)) {
          pick = &col;
          signal = "column name '" + col.name + "' ends with '" + suffix + "' (timestamp pattern)";
        }
    }
    for (const OutputColumn& col : model.columns)
      if (!pick && (ends_with(col.name, "_id") || col.name == "id")) {
        pick = &col;
        signal = "column name '" + col.name + "' matches auto-increment ID pattern";
      }
    if (pick)
      detail["incrementality_hint"] = {{"is_candidate", true},
                                       {"recommended_column", pick->name},
                                       {"confidence", "medium"},
                                       {"signals", {signal}}};
  }
  const int depth = depth_of(project, model.name);
  const double rows = std::round(10000.0 * std::pow(0.8, depth));
  const double bytes = rows * 256.0;
  detail["cost_hint"] = {{"estimated_rows", static_cast<long long>(rows)},
                         {"estimated_bytes", static_cast<long long>(bytes)},
                         {"estimated_cost_usd", round_sig(bytes * 8.90625e-12 * (1.0 + 2.5 * depth), 4)},
                         {"confidence", depth == 0 ? "high" : "medium"}};
  return detail;
}

struct TestRun {
  std::vector<std::pair<std::string, std::string>> results;  // model, pass|fail
  ojson failures = ojson::array();
  int passed = 0, failed = 0;
};

// `rocky test`: every model runs in an in-memory DuckDB, upstream first,
// over the POC's seed data (data/seed.sql and seeds/*.csv when present);
// contract columns declared non-nullable must hold no NULL.
TestRun run_tests(const Project& project, const std::map<std::string, Contract>& contracts) {
  TestRun out;
  Database db(":memory:");
  std::string error;
  const fs::path seed = project.config.dir / "data" / "seed.sql";
  if (fs::exists(seed) && !db.execute(read_text(seed), &error))
    throw EngineError("test seed " + seed.string() + " failed: " + error);
  const fs::path seeds = project.config.dir / "seeds";
  if (fs::is_directory(seeds)) {
    db.execute("CREATE SCHEMA IF NOT EXISTS seeds", &error);
    for (const auto& entry : fs::directory_iterator(seeds)) {
      if (entry.path().extension() != ".csv") continue;
      if (!db.execute("CREATE TABLE seeds." + quote_ident(entry.path().stem().string()) +
                          " AS SELECT * FROM read_csv_auto(" + quote_literal(entry.path().string()) + ")",
                      &error))
        throw EngineError("seed " + entry.path().string() + " failed: " + error);
    }
  }
  std::set<std::string> broken;
  for (const auto& layer : project.layers) {
    for (const std::string& name : layer) {
      const Model& model = *project.find(name);
      std::string failure;
      if (!model.parse_error.empty()) failure = "does not parse: " + model.parse_error;
      for (const std::string& up : model.upstream_models)
        if (failure.empty() && broken.count(up)) failure = "upstream model '" + up + "' failed";
      if (failure.empty()) {
        const std::string sql = render_partition_sql(model.sql, "1970-01-01 00:00:00", "2100-01-01 00:00:00");
        if (!db.execute("CREATE OR REPLACE TABLE main." + quote_ident(model.name) + " AS " + sql, &error))
          failure = error;
      }
      auto contract = contracts.find(name);
      if (failure.empty() && contract != contracts.end()) {
        for (const Contract::Column& column : contract->second.columns) {
          if (column.nullable) continue;
          auto nulls = db.query("SELECT count(*) FROM main." + quote_ident(model.name) + " WHERE " +
                                    quote_ident(column.name) + " IS NULL",
                                &error);
          if (!nulls) continue;  // a missing column is compile's E010, not a test failure
          const std::string n = nulls->rows.empty() || !nulls->rows[0][0] ? "0" : *nulls->rows[0][0];
          if (n != "0" && failure.empty()) failure = "not_null(" + column.name + "): " + n + " NULL row(s)";
        }
      }
      if (failure.empty()) {
        ++out.passed;
        out.results.emplace_back(name, "pass");
      } else {
        ++out.failed;
        broken.insert(name);
        out.results.emplace_back(name, "fail");
        out.failures.push_back({{"name", name}, {"error", failure}});
        log_event("WARN", "rocky::test", "model " + name + " failed: " + failure);
      }
    }
  }
  return out;
}

}  // namespace

Outcome cmd_compile(const Invocation& inv) {
  Database parser(":memory:");
  CompileResult result = compile_project(inv, parser);
  ojson doc = header("compile");
  doc["models"] = result.project.models.size();
  doc["execution_layers"] = result.project.layers.size();
  doc["diagnostics"] = ojson::array();
  for (const Diagnostic& d : result.diagnostics) doc["diagnostics"].push_back(diagnostic_json(d));
  doc["has_errors"] = result.has_errors;
  doc["compile_timings"] = result.timings;
  doc["models_detail"] = ojson::array();
  for (const Model& model : result.project.models) doc["models_detail"].push_back(model_detail(result.project, model));
  log_event("INFO", "rocky::compile", "compiled " + std::to_string(result.project.models.size()) + " model(s), " +
                                         std::to_string(result.diagnostics.size()) + " diagnostic(s)");
  return {doc, result.has_errors ? 1 : 0};
}

Outcome cmd_test(const Invocation& inv) {
  Database parser(":memory:");
  const Project project = load_project(inv, parser);
  const TestRun tests = run_tests(project, contracts_of(inv));
  ojson doc = header("test");
  doc["total"] = tests.passed + tests.failed;
  doc["passed"] = tests.passed;
  doc["failed"] = tests.failed;
  doc["failures"] = tests.failures;
  doc["model_results"] = ojson::array();
  for (const auto& [model, status] : tests.results) doc["model_results"].push_back({{"model", model}, {"status", status}});
  return {doc, tests.failed ? 1 : 0};
}

Outcome cmd_ci(const Invocation& inv) {
  Database parser(":memory:");
  CompileResult compiled = compile_project(inv, parser);
  const TestRun tests = run_tests(compiled.project, contracts_of(inv));
  const int exit_code = compiled.has_errors || tests.failed ? 1 : 0;
  ojson doc = header("ci");
  doc["compile_ok"] = !compiled.has_errors;
  doc["tests_ok"] = tests.failed == 0;
  doc["models_compiled"] = compiled.project.models.size();
  doc["tests_passed"] = tests.passed;
  doc["tests_failed"] = tests.failed;
  doc["exit_code"] = exit_code;
  doc["diagnostics"] = ojson::array();
  for (const Diagnostic& d : compiled.diagnostics)
    if (d.severity != "Info") doc["diagnostics"].push_back(diagnostic_json(d));
  doc["failures"] = tests.failures;
  return {doc, exit_code};
}

Outcome cmd_lineage(const Invocation& inv) {
  Database parser(":memory:");
  const Project project = load_project(inv, parser);
  const std::string& name = inv.positionals.at(0);
  const Model* model = project.find(name);
  if (!model) throw EngineError("model '" + name + "' not found in " + project.models_dir.string());
  auto edge = [](const ColumnSource& source, const std::string& target_model, const OutputColumn& col) {
    return ojson{{"source", {{"model", source.relation}, {"column", source.column}}},
                 {"target", {{"model", target_model}, {"column", col.name}}},
                 {"transform", col.transform}};
  };
  if (auto column = inv.option("--column")) {
    ojson doc = header("lineage");
    doc["model"] = name;
    doc["column"] = *column;
    doc["direction"] = "upstream";
    ojson trace = ojson::array();
    std::deque<std::pair<std::string, std::string>> queue{{name, *column}};
    std::set<std::pair<std::string, std::string>> seen;
    bool found = false;
    while (!queue.empty()) {
      const auto [model_name, column_name] = queue.front();
      queue.pop_front();
      if (!seen.insert({model_name, column_name}).second) continue;
      const Model* m = project.find(model_name);
      if (!m) continue;
      for (const OutputColumn& col : m->columns) {
        if (col.name != column_name) continue;
        found = true;
        for (const ColumnSource& source : col.sources) {
          trace.push_back(edge(source, model_name, col));
          queue.emplace_back(source.relation, source.column);
        }
      }
    }
    if (!found) throw EngineError("column '" + *column + "' not found in model '" + name + "'");
    doc["trace"] = trace;
    return {doc, 0};
  }
  ojson doc = header("lineage");
  doc["model"] = name;
  doc["columns"] = ojson::array();
  for (const OutputColumn& col : model->columns) doc["columns"].push_back({{"name", col.name}});
  doc["upstream"] = model->upstream_models;
  auto down = project.downstream.find(name);
  doc["downstream"] = down == project.downstream.end() ? std::vector<std::string>{} : down->second;
  doc["edges"] = ojson::array();
  for (const OutputColumn& col : model->columns)
    for (const ColumnSource& source : col.sources) doc["edges"].push_back(edge(source, name, col));
  doc["nodes"] = ojson::array();
  doc["nodes"].push_back({{"model", name}, {"target_schema", model->target.schema}});
  for (const std::string& up : model->upstream_models)
    if (const Model* m = project.find(up)) doc["nodes"].push_back({{"model", up}, {"target_schema", m->target.schema}});
  return {doc, 0};
}

Outcome cmd_dag(const Invocation& inv) {
  const Config config = config_or_default(inv);
  ojson doc;
  doc["version"] = kDoubleVersion;
  doc["schema_version"] = "1";
  doc["command"] = "dag";
  ojson nodes = ojson::array(), edges = ojson::array(), layers = ojson::array();
  std::map<std::string, int> kinds;
  ojson sources_layer = ojson::array(), loads_layer = ojson::array();
  for (const Pipeline& p : config.pipelines) {
    nodes.push_back({{"id", "source:" + p.name}, {"kind", "source"}, {"label", p.name + " (source)"}, {"pipeline", p.name}});
    nodes.push_back({{"id", "load:" + p.name},
                     {"kind", "load"},
                     {"label", p.name + " (load)"},
                     {"pipeline", p.name},
                     {"depends_on", {"source:" + p.name}}});
    edges.push_back({{"from", "source:" + p.name}, {"to", "load:" + p.name}, {"edge_type", "data"}});
    ++kinds["source"];
    ++kinds["load"];
    sources_layer.push_back("source:" + p.name);
    loads_layer.push_back("load:" + p.name);
  }
  if (!sources_layer.empty()) layers.push_back(sources_layer);
  if (!loads_layer.empty()) layers.push_back(loads_layer);
  if (auto models_dir = inv.option("--models")) {
    Database parser(":memory:");
    Project project{config, {}, {}, {}, {}};
    load_models(project, *models_dir, parser);
    const std::string pipeline = config.pipelines.empty() ? "" : config.pipelines.front().name;
    for (const auto& layer : project.layers) {
      ojson ids = ojson::array();
      for (const std::string& name : layer) {
        const Model& model = *project.find(name);
        ojson node = {{"id", "transformation:" + name}, {"kind", "transformation"}, {"label", name}, {"pipeline", pipeline}};
        ojson depends = ojson::array();
        for (const std::string& up : model.upstream_models) {
          depends.push_back("transformation:" + up);
          edges.push_back({{"from", "transformation:" + up}, {"to", "transformation:" + name}, {"edge_type", "data"}});
        }
        if (!depends.empty()) node["depends_on"] = depends;
        nodes.push_back(node);
        ids.push_back("transformation:" + name);
        ++kinds["transformation"];
      }
      layers.push_back(ids);
    }
  }
  doc["nodes"] = nodes;
  doc["edges"] = edges;
  doc["execution_layers"] = layers;
  ojson counts = ojson::object();
  for (const auto& [kind, n] : kinds) counts[kind] = n;
  doc["summary"] = {{"total_nodes", nodes.size()},
                    {"total_edges", edges.size()},
                    {"execution_layers", layers.size()},
                    {"counts_by_kind", counts}};
  return {doc, 0};
}

}  // namespace rocky_double
