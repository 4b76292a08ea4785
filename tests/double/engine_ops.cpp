// rocky-double (test double of the Rocky engine): doctor, history,
// metrics, optimize, cost — read from rocky.toml and the state store.
#include "engine.hpp"
#include "state.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <unistd.h>

namespace rocky_double {

namespace {

ojson header(const char* command) {
  ojson doc;
  doc["version"] = kDoubleVersion;
  doc["command"] = command;
  return doc;
}

// FNV-1a, 64 bits, as hex: a stable digest where no database is open.
std::string fnv_hex(const std::string& text) {
  unsigned long long hash = 1469598103934665603ULL;
  for (const char ch : text) {
    hash ^= static_cast<unsigned char>(ch);
    hash *= 1099511628211ULL;
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", hash);
  return out;
}

std::string env_hash() { return fnv_hex(host_name() + "|" + kDoubleVersion) + fnv_hex(kDoubleVersion); }

ojson recipe_identity(const ojson& model) {
  return {{"recipe_hash", model.value("recipe_hash", "")}, {"env_hash", env_hash()}, {"hash_scheme", "v1"}};
}

std::string user_name() {
  const char* user = std::getenv("USER");
  return user && *user ? user : "unknown";
}

}  // namespace

Outcome cmd_doctor(const Invocation& inv) {
  ojson doc;
  doc["command"] = "doctor";
  ojson checks = ojson::array();
  ojson suggestions = ojson::array();
  int worst = 0;  // 0 healthy, 1 warning, 2 critical
  auto add = [&](const std::string& name, int level, const std::string& message, long long ms) {
    static const char* kStatus[] = {"healthy", "warning", "critical"};
    checks.push_back({{"name", name}, {"status", kStatus[level]}, {"message", message}, {"duration_ms", ms}});
    worst = std::max(worst, level);
  };
  auto start = std::chrono::steady_clock::now();
  std::optional<Config> config;
  try {
    config = load_config(inv.config);
    add("config", 0, "Config syntax valid", elapsed_ms(start));
  } catch (const EngineError& error) {
    add("config", 2, error.what(), elapsed_ms(start));
    suggestions.push_back("fix " + inv.config + " (the message above names the line and column)");
  }
  if (config) {
    start = std::chrono::steady_clock::now();
    std::optional<StateStore> state;
    try {
      state.emplace(config->dir / kStateFileName);
      add("state", 0, "State store healthy (" + std::to_string(state->data()["watermarks"].size()) + " watermarks)",
          elapsed_ms(start));
    } catch (const EngineError& error) {
      add("state", 2, error.what(), elapsed_ms(start));
      suggestions.push_back("delete " + (config->dir / kStateFileName).string() + " to start from clean state");
    }
    start = std::chrono::steady_clock::now();
    if (state && state->exists_on_disk())
      add("state_schema", 0, "state schema v" + std::to_string(kStateSchemaVersion) + " matches this binary", elapsed_ms(start));
    else
      add("state_schema", 0, "no on-disk state schema (binary supports v" + std::to_string(kStateSchemaVersion) + ")",
          elapsed_ms(start));

    start = std::chrono::steady_clock::now();
    bool reachable = true;
    if (config->adapter_type != "duckdb") {
      add("adapters", 2, "adapter type '" + config->adapter_type + "' is not supported (duckdb)", elapsed_ms(start));
      suggestions.push_back("set [adapter] type = \"duckdb\"");
      reachable = false;
    } else if (config->adapter_path && !fs::exists(config->database_path())) {
      add("adapters", 1,
          "1 adapter(s) configured; DuckDB file " + config->adapter_path->string() +
              " does not exist yet (the first run creates it, empty)",
          elapsed_ms(start));
      suggestions.push_back("seed " + config->adapter_path->string() + " (duckdb " + config->adapter_path->string() +
                            " < data/seed.sql) before `rocky run`");
      reachable = false;
    } else {
      add("adapters", 0, "1 adapter(s) configured", elapsed_ms(start));
    }
    start = std::chrono::steady_clock::now();
    if (config->pipelines.empty()) {
      add("pipelines", 1, "no pipeline configured", elapsed_ms(start));
      suggestions.push_back("add a [pipeline.NAME] section to " + inv.config);
    } else {
      add("pipelines", 0, std::to_string(config->pipelines.size()) + " pipeline(s) valid", elapsed_ms(start));
    }
    add("state_sync", 0, "State backend: " + config->state_backend, 0);
    start = std::chrono::steady_clock::now();
    const fs::path probe = config->dir / (".rocky-doctor-probe." + std::to_string(::getpid()));
    {
      std::ofstream out(probe);
      out << "probe";
    }
    std::error_code ignored;
    if (fs::exists(probe)) {
      fs::remove(probe, ignored);
      add("state_rw", 0, "Local backend \u2014 no remote probe needed", elapsed_ms(start));
    } else {
      add("state_rw", 2, "cannot write in " + config->dir.string(), elapsed_ms(start));
    }
    add("auth/default", reachable ? 0 : 1, reachable ? "Authenticated to default" : "default: nothing to authenticate against yet", 0);
    add("auth", reachable ? 0 : 1, reachable ? "All 1 warehouse adapter(s) authenticated" : "0 of 1 warehouse adapter(s) authenticated", 0);
    add("auth/default", reachable ? 0 : 1, reachable ? "Discovery adapter default reachable" : "Discovery adapter default not reachable", 0);
  }
  static const char* kOverall[] = {"healthy", "warning", "critical"};
  doc["overall"] = kOverall[worst];
  doc["checks"] = checks;
  doc["suggestions"] = suggestions;
  return {doc, worst};
}

Outcome cmd_history(const Invocation& inv) {
  const Config config = load_config(inv.config);
  StateStore state(config.dir / kStateFileName);
  const auto& runs = state.data()["runs"];
  if (auto model = inv.option("--model")) {
    ojson doc = header("history");
    doc["model"] = *model;
    ojson executions = ojson::array();
    for (const auto& run : runs)
      for (const auto& m : run["models"])
        if (m.value("model_name", "") == *model)
          executions.push_back({{"started_at", m.value("started_at", run.value("started_at", ""))},
                                {"duration_ms", m.value("duration_ms", 0)},
                                {"rows_affected", m.value("rows_affected", 0)},
                                {"status", m.value("status", "success")},
                                {"sql_hash", m.value("sql_hash", "")},
                                {"recipe_identity", recipe_identity(m)}});
    doc["count"] = executions.size();
    doc["executions"] = executions;
    return {doc, 0};
  }
  ojson doc = header("history");
  ojson out = ojson::array();
  for (const auto& run : runs) {
    ojson r;
    r["run_id"] = run.value("run_id", "");
    r["started_at"] = run.value("started_at", "");
    r["status"] = run.value("status", "");
    r["trigger"] = run.value("trigger", "Manual");
    r["models_executed"] = run["models"].size();
    r["duration_ms"] = run.value("duration_ms", 0);
    r["models"] = ojson::array();
    for (const auto& m : run["models"])
      r["models"].push_back({{"model_name", m.value("model_name", "")},
                             {"duration_ms", m.value("duration_ms", 0)},
                             {"status", m.value("status", "success")},
                             {"recipe_identity", recipe_identity(m)}});
    r["pipeline"] = run.value("pipeline", "");
    r["hostname"] = run.value("hostname", host_name());
    r["rocky_version"] = kDoubleVersion;
    r["session_source"] = "cli";
    r["triggering_identity"] = user_name();
    r["target_catalog"] = run.value("target_catalog", "");
    out.push_back(r);
  }
  doc["runs"] = out;
  doc["count"] = out.size();
  return {doc, 0};
}

Outcome cmd_metrics(const Invocation& inv) {
  const Config config = load_config(inv.config);
  StateStore state(config.dir / kStateFileName);
  const std::string& model = inv.positionals.at(0);
  ojson doc = header("metrics");
  doc["model"] = model;
  ojson snapshots = ojson::array();
  if (state.data()["quality"].contains(model))
    for (const auto& snap : state.data()["quality"][model]) snapshots.push_back(snap);
  doc["snapshots"] = snapshots;
  doc["count"] = snapshots.size();
  if (snapshots.empty()) doc["message"] = "no quality metrics available";
  return {doc, 0};
}

Outcome cmd_optimize(const Invocation& inv) {
  const Config config = load_config(inv.config);
  StateStore state(config.dir / kStateFileName);
  std::map<std::string, std::vector<long long>> rows_by_model;  // in run order
  std::vector<std::string> order;
  for (const auto& run : state.data()["runs"])
    for (const auto& m : run["models"]) {
      const std::string name = m.value("model_name", "");
      if (!rows_by_model.count(name)) order.push_back(name);
      rows_by_model[name].push_back(m.value("rows_affected", 0LL));
    }
  const bool incremental = !config.pipelines.empty() && config.pipelines.front().strategy == "incremental";
  const std::string current = incremental ? "incremental" : "table";
  constexpr size_t kNeeded = 5;
  ojson recommendations = ojson::array();
  for (const std::string& name : order) {
    const auto& rows = rows_by_model[name];
    std::string recommended = current, reasoning;
    if (rows.size() < kNeeded) {
      reasoning = "insufficient history: " + std::to_string(rows.size()) + " runs (need " + std::to_string(kNeeded) + ")";
    } else if (current == "table" && rows.back() >= rows.front()) {
      recommended = "incremental";
      reasoning = std::to_string(rows.size()) + " runs: row count grew from " + std::to_string(rows.front()) + " to " +
                  std::to_string(rows.back()) + "; an incremental load copies only new rows";
    } else {
      reasoning = std::to_string(rows.size()) + " runs: current strategy fits";
    }
    // DuckDB runs locally: no compute cost; storage at $0.023/GB-month,
    // billed from 0.1 GB.
    const double gb = static_cast<double>(rows.back()) * 256.0 / 1e9;
    recommendations.push_back({{"model_name", name},
                               {"current_strategy", current},
                               {"recommended_strategy", recommended},
                               {"estimated_monthly_savings", 0.0},
                               {"reasoning", reasoning},
                               {"compute_cost_per_run", 0.0},
                               {"storage_cost_per_month", std::max(gb, 0.1) * 0.023},
                               {"downstream_references", 0}});
  }
  ojson doc = header("optimize");
  doc["recommendations"] = recommendations;
  doc["total_models_analyzed"] = recommendations.size();
  if (recommendations.empty()) doc["message"] = "no run history: run `rocky run` first";
  doc["incrementality_note"] =
      "Run `rocky compile --output json` for inferred incrementality hints on full_refresh models";
  return {doc, 0};
}

Outcome cmd_cost(const Invocation& inv) {
  const Config config = load_config(inv.config);
  StateStore state(config.dir / kStateFileName);
  const auto& runs = state.data()["runs"];
  const std::string& which = inv.positionals.at(0);
  const ojson* run = nullptr;
  for (const auto& r : runs)
    if (which == "latest" || r.value("run_id", "") == which) run = &r;
  if (!run) throw EngineError(runs.empty() ? "no runs recorded yet: run `rocky run` first" : "no run with id '" + which + "'");
  auto lower = [](std::string s) {
    if (s == "PartialFailure") return std::string("partial_failure");
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
  };
  ojson doc = header("cost");
  doc["run_id"] = run->value("run_id", "");
  doc["status"] = lower(run->value("status", ""));
  doc["trigger"] = lower(run->value("trigger", "Manual"));
  doc["started_at"] = run->value("started_at", "");
  doc["finished_at"] = run->value("finished_at", "");
  doc["duration_ms"] = run->value("duration_ms", 0);
  doc["adapter_type"] = config.adapter_type;
  doc["total_cost_usd"] = 0.0;
  doc["total_duration_ms"] = run->value("duration_ms", 0);
  ojson per_model = ojson::array();
  for (const auto& m : (*run)["models"])
    per_model.push_back({{"model_name", m.value("model_name", "")},
                         {"status", m.value("status", "success")},
                         {"duration_ms", m.value("duration_ms", 0)},
                         {"cost_usd", 0.0}});
  doc["per_model"] = per_model;
  return {doc, 0};
}

}  // namespace rocky_double
