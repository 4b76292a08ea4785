// rocky-double (test double of the Rocky engine): discover, plan, run,
// state, review, apply — replication through DuckDB.
#include "engine.hpp"
#include "state.hpp"

#include <algorithm>
#include <cmath>
#include <set>

namespace rocky_double {

namespace {

struct SourceTable {
  const Pipeline* pipeline = nullptr;
  std::string schema;  // raw__orders
  std::string table;
  std::vector<std::pair<std::string, std::string>> components;  // source -> orders
  std::string target_catalog, target_schema;
  std::string source_name() const { return quote_ident(schema) + "." + quote_ident(table); }
  std::string target_name() const {
    return quote_ident(target_catalog) + "." + quote_ident(target_schema) + "." + quote_ident(table);
  }
  std::string target_full_name() const { return target_catalog + "." + target_schema + "." + table; }
};

std::string substitute(std::string text, const std::vector<std::pair<std::string, std::string>>& components) {
  for (const auto& [key, value] : components) {
    const std::string placeholder = "{" + key + "}";
    for (auto at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder, at + value.size()))
      text.replace(at, placeholder.size(), value);
  }
  return text;
}

std::vector<SourceTable> discover_tables(Database& db, const Config& config) {
  std::vector<SourceTable> out;
  for (const Pipeline& pipeline : config.pipelines) {
    const Rows rows = db.query_or_throw(
        "SELECT table_schema, table_name FROM information_schema.tables WHERE table_catalog = current_database() "
        "AND starts_with(table_schema, " + quote_literal(pipeline.prefix) + ") AND table_type = 'BASE TABLE' "
        "ORDER BY 1, 2");
    for (const auto& row : rows.rows) {
      SourceTable source;
      source.pipeline = &pipeline;
      source.schema = *row[0];
      source.table = *row[1];
      std::string rest = source.schema.substr(pipeline.prefix.size());
      for (size_t i = 0; i < pipeline.components.size(); ++i) {
        std::string value = rest;
        if (i + 1 < pipeline.components.size()) {
          const auto at = rest.find(pipeline.separator);
          value = rest.substr(0, at);
          rest = at == std::string::npos ? "" : rest.substr(at + pipeline.separator.size());
        }
        source.components.emplace_back(pipeline.components[i], value);
      }
      source.target_catalog = substitute(pipeline.catalog_template, source.components);
      source.target_schema = substitute(pipeline.schema_template, source.components);
      out.push_back(std::move(source));
    }
  }
  return out;
}

bool matches(const SourceTable& source, const std::optional<std::string>& filter) {
  if (!filter || filter->empty()) return true;
  const auto eq = filter->find('=');
  if (eq == std::string::npos) throw EngineError("invalid --filter '" + *filter + "': expected KEY=VALUE", 2);
  const std::string key = filter->substr(0, eq), value = filter->substr(eq + 1);
  for (const auto& [k, v] : source.components)
    if (k == key) return v == value;
  return false;
}

ojson header(const char* command) {
  ojson doc;
  doc["version"] = kDoubleVersion;
  doc["command"] = command;
  return doc;
}

std::string sha256_hex(Database& db, const std::string& text) {
  return db.scalar("SELECT sha256(" + quote_literal(text) + ")").value_or("");
}

// DuckDB's timestamp text "2026-04-07 10:00:00" as RFC 3339.
std::string to_rfc3339(const std::string& value) {
  std::string out = value;
  if (out.size() == 10) return out + "T00:00:00Z";  // a DATE
  if (out.size() > 10 && out[10] == ' ') out[10] = 'T';
  if (out.find('+') == std::string::npos && out.back() != 'Z') out += 'Z';
  return out;
}

std::map<std::string, std::string> column_types(Database& db, const std::string& catalog, const std::string& schema,
                                                const std::string& table, std::vector<std::string>* order) {
  std::string where = "table_schema = " + quote_literal(schema) + " AND table_name = " + quote_literal(table);
  where += catalog.empty() ? " AND table_catalog = current_database()" : " AND table_catalog = " + quote_literal(catalog);
  const Rows rows = db.query_or_throw("SELECT column_name, data_type FROM information_schema.columns WHERE " + where +
                                     " ORDER BY ordinal_position");
  std::map<std::string, std::string> out;
  for (const auto& row : rows.rows) {
    out[*row[0]] = *row[1];
    if (order) order->push_back(*row[0]);
  }
  return out;
}

long long count_rows(Database& db, const std::string& relation) {
  return std::stoll(db.scalar("SELECT count(*) FROM " + relation).value_or("0"));
}

long long percentile(std::vector<long long> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto index = static_cast<size_t>(std::ceil(p * static_cast<double>(values.size()))) - 1;
  return values[std::min(index, values.size() - 1)];
}

std::vector<std::string> asset_key(const std::string& a, const std::string& b, const std::string& c) {
  return {a, b, c};
}

// The statements a replication of `source` runs, given the state.
struct PlannedCopy {
  std::string purpose;  // full_refresh_copy | incremental_copy
  std::string sql;
  std::optional<std::string> watermark;
};

PlannedCopy plan_copy(const SourceTable& source, const StateStore& state, bool target_exists) {
  const Pipeline& pipeline = *source.pipeline;
  const auto& watermarks = state.data()["watermarks"];
  const std::string key = source.target_full_name();
  if (pipeline.strategy == "incremental" && target_exists && watermarks.contains(key)) {
    const std::string last = watermarks[key].value("last_value", "");
    return {"incremental_copy",
            "INSERT INTO " + source.target_name() + "\nSELECT *\nFROM " + source.source_name() + "\nWHERE " +
                quote_ident(pipeline.timestamp_column) + " > TIMESTAMP " + quote_literal(last),
            last};
  }
  return {"full_refresh_copy",
          "CREATE OR REPLACE TABLE " + source.target_name() + " AS\nSELECT *\nFROM " + source.source_name(),
          std::nullopt};
}

bool table_exists(Database& db, const std::string& catalog, const std::string& schema, const std::string& table) {
  std::string where = "table_schema = " + quote_literal(schema) + " AND table_name = " + quote_literal(table);
  where += catalog.empty() ? " AND table_catalog = current_database()" : " AND table_catalog = " + quote_literal(catalog);
  return db.scalar("SELECT count(*) FROM information_schema.tables WHERE " + where).value_or("0") != "0";
}

struct Partition {
  std::string key, start, end;  // 2026-04-07, 2026-04-07T00:00:00Z, ...
};

std::vector<Partition> partitions_for(Database& db, const Invocation& inv, const Model& model) {
  std::string from, to;
  if (auto key = inv.option("--partition")) {
    from = to = *key;
  } else if (inv.option("--from") && inv.option("--to")) {
    from = *inv.option("--from");
    to = *inv.option("--to");
  } else {
    throw EngineError("time_interval model '" + model.name + "' needs --partition KEY or --from A --to B", 2);
  }
  if (model.strategy.granularity != "day")
    throw EngineError("time_interval model '" + model.name + "': only granularity = \"day\" is supported by the double", 2);
  std::string error;
  auto rows = db.query("SELECT strftime(d, '%Y-%m-%d') FROM generate_series(DATE " + quote_literal(from) + ", DATE " +
                           quote_literal(to) + ", INTERVAL 1 DAY) t(d) ORDER BY d",
                       &error);
  if (!rows) throw EngineError("invalid partition range " + from + ".." + to + ": " + error, 2);
  std::vector<Partition> out;
  for (const auto& row : rows->rows) {
    const std::string key = *row[0];
    const std::string next =
        *db.scalar("SELECT strftime(DATE " + quote_literal(key) + " + INTERVAL 1 DAY, '%Y-%m-%d')");
    out.push_back({key, key + "T00:00:00Z", next + "T00:00:00Z"});
  }
  if (out.empty()) throw EngineError("empty partition range " + from + ".." + to, 2);
  return out;
}

}  // namespace

// ---- discover ----------------------------------------------------------------

Outcome cmd_discover(const Invocation& inv) {
  const Config config = load_config(inv.config);
  Database db(config.database_path());
  ojson doc = header("discover");
  ojson sources = ojson::array();
  std::map<std::string, ojson> by_schema;
  std::vector<std::string> order;
  for (const SourceTable& source : discover_tables(db, config)) {
    if (!by_schema.count(source.schema)) {
      ojson entry;
      entry["id"] = source.schema;
      ojson components = ojson::object();
      for (const auto& [k, v] : source.components) components[k] = v;
      entry["components"] = components;
      entry["source_type"] = config.adapter_type;
      entry["last_sync_at"] = nullptr;
      entry["tables"] = ojson::array();
      by_schema[source.schema] = entry;
      order.push_back(source.schema);
    }
    by_schema[source.schema]["tables"].push_back({{"name", source.table}});
  }
  for (const std::string& schema : order) sources.push_back(by_schema[schema]);
  doc["sources"] = sources;
  log_event("INFO", "rocky::discover", "discovered " + std::to_string(order.size()) + " source(s)");
  return {doc, 0};
}

// ---- plan ----------------------------------------------------------------------

namespace {

struct Plan {
  ojson statements = ojson::array();
  std::vector<std::string> models;
  std::vector<std::vector<std::string>> layers;
  std::string plan_id;
};

Plan build_plan(Database& db, const Config& config, const StateStore& state, const std::optional<std::string>& filter) {
  Plan plan;
  std::set<std::string> schemas;
  for (const SourceTable& source : discover_tables(db, config)) {
    if (!matches(source, filter)) continue;
    const std::string schema_full = source.target_schema;
    if (source.pipeline->auto_create_schemas && schemas.insert(schema_full).second)
      plan.statements.push_back({{"purpose", "create_schema"},
                                 {"target", schema_full},
                                 {"sql", "CREATE SCHEMA IF NOT EXISTS " + schema_full}});
    const bool exists = table_exists(db, source.target_catalog, source.target_schema, source.table);
    const PlannedCopy copy = plan_copy(source, state, exists);
    plan.statements.push_back({{"purpose", copy.purpose},
                               {"target", source.target_schema + "." + source.table},
                               {"sql", copy.sql}});
  }
  const fs::path models_dir = config.dir / "models";
  if (fs::is_directory(models_dir)) {
    Project project{config, {}, {}, {}, {}};
    Database parser(":memory:");
    load_models(project, "models", parser);
    for (const auto& layer : project.layers) {
      plan.layers.push_back(layer);
      for (const std::string& name : layer) plan.models.push_back(name);
    }
  }
  ojson hashed;
  hashed["filter"] = filter.value_or("");
  hashed["statements"] = plan.statements;
  hashed["models"] = plan.models;
  plan.plan_id = sha256_hex(db, hashed.dump());
  return plan;
}

}  // namespace

Outcome cmd_plan(const Invocation& inv) {
  const Config config = load_config(inv.config);
  Database db(config.database_path());
  StateStore state(config.dir / kStateFileName);
  const auto filter = inv.option("--filter");
  Plan plan = build_plan(db, config, state, filter);
  ojson doc = header("plan");
  doc["filter"] = filter.value_or("");
  doc["statements"] = plan.statements;
  doc["plan_id"] = plan.plan_id;
  doc["plan_kind"] = "run";
  doc["created_at"] = now_rfc3339();
  doc["models"] = plan.models;
  doc["execution_layers"] = plan.layers;
  auto& stored = state.data()["plans"][plan.plan_id];
  stored["kind"] = "run";
  stored["filter"] = filter.value_or("");
  stored["created_at"] = doc["created_at"];
  if (!stored.contains("reviewed")) stored["reviewed"] = false;
  state.save();
  log_event("INFO", "rocky::plan", "plan " + plan.plan_id + ": " + std::to_string(plan.statements.size()) + " statement(s)");
  return {doc, 0};
}

Outcome cmd_review(const Invocation& inv) {
  if (inv.positionals.size() != 1 || !inv.flag("--status"))
    throw EngineError("usage: rocky review <PLAN_ID> --status", 2);
  const Config config = load_config(inv.config);
  StateStore state(config.dir / kStateFileName);
  const std::string& id = inv.positionals[0];
  if (!state.data()["plans"].contains(id))
    throw EngineError("unknown plan id '" + id + "': run `rocky plan` first and pass the plan_id it prints");
  const auto& plan = state.data()["plans"][id];
  ojson doc = header("review_status");
  doc["plan_id"] = id;
  doc["kind"] = plan.value("kind", "run");
  doc["reviewed"] = plan.value("reviewed", false);
  return {doc, 0};
}

// ---- run -----------------------------------------------------------------------

namespace {

struct MaterializationRecord {
  std::string model_name;
  long long duration_ms = 0;
  long long rows = 0;
  std::string recipe_hash;
  std::string sql_hash;
  std::string started_at;
};

Outcome execute_run(const Config& config, const Invocation& inv, const std::optional<std::string>& filter) {
  const auto run_start = std::chrono::steady_clock::now();
  const std::string run_started_at = now_rfc3339();
  const std::string run_id = new_run_id();
  Database db(config.database_path());
  StateStore state(config.dir / kStateFileName);

  ojson materializations = ojson::array();
  ojson check_results = ojson::array();
  ojson errors = ojson::array();
  ojson anomalies = ojson::array();
  ojson drift_actions = ojson::array();
  ojson per_model = ojson::array();
  ojson partition_summaries = ojson::array();
  std::vector<long long> table_durations;
  std::vector<MaterializationRecord> records;
  int tables_copied = 0, tables_failed = 0, tables_checked = 0, tables_drifted = 0, schemas_created = 0;
  const int statements_before = db.statements_executed();
  std::optional<int> concurrency;
  int processed = 0;

  std::vector<SourceTable> selected;
  for (const SourceTable& source : discover_tables(db, config))
    if (matches(source, filter)) selected.push_back(source);
  if (selected.empty())
    log_event("WARN", "rocky::run", "no source matches filter '" + filter.value_or("") + "'");

  std::set<std::string> schemas_done;
  for (const SourceTable& source : selected) {
    const auto start = std::chrono::steady_clock::now();
    const std::string started_at = now_rfc3339();
    const Pipeline& pipeline = *source.pipeline;
    if (pipeline.concurrency) concurrency = pipeline.concurrency;
    ++processed;
    const auto key = asset_key(config.adapter_type, source.components.empty() ? source.schema : source.components[0].second,
                               source.table);
    const std::string full_name = source.target_full_name();
    try {
      if (pipeline.auto_create_schemas && schemas_done.insert(source.target_schema).second) {
        std::string error;
        if (!db.execute("CREATE SCHEMA IF NOT EXISTS " + quote_ident(source.target_catalog) + "." +
                            quote_ident(source.target_schema),
                        &error))
          throw EngineError(error);
        ++schemas_created;
      }
      bool exists = table_exists(db, source.target_catalog, source.target_schema, source.table);
      // Drift: a column whose type differs between source and target.
      ++tables_checked;
      if (exists) {
        const auto source_types = column_types(db, "", source.schema, source.table, nullptr);
        const auto target_types = column_types(db, source.target_catalog, source.target_schema, source.table, nullptr);
        for (const auto& [column, type] : source_types) {
          auto it = target_types.find(column);
          if (it != target_types.end() && it->second != type) {
            drift_actions.push_back({{"table", full_name},
                                     {"action", "drop_and_recreate"},
                                     {"reason", "column '" + column + "' changed " + type + " \u2192 " + it->second}});
            ++tables_drifted;
            std::string error;
            if (!db.execute("DROP TABLE " + source.target_name(), &error)) throw EngineError(error);
            exists = false;
            log_event("WARN", "rocky::drift", "schema drift on " + full_name + ": column '" + column + "' " +
                                                  it->second + " -> " + type + "; dropping and recreating");
            break;
          }
        }
      }
      const PlannedCopy copy = plan_copy(source, state, exists);
      std::string error;
      auto result = db.query(copy.sql, &error);
      if (!result) throw EngineError(error);
      long long rows_copied = 0;
      if (copy.purpose == "incremental_copy" && !result->rows.empty() && result->rows[0][0])
        rows_copied = std::stoll(*result->rows[0][0]);
      else
        rows_copied = count_rows(db, source.target_name());
      std::vector<std::string> columns;
      const auto target_types = column_types(db, source.target_catalog, source.target_schema, source.table, &columns);
      std::string watermark = now_rfc3339();
      if (!pipeline.timestamp_column.empty() && target_types.count(pipeline.timestamp_column)) {
        if (auto max = db.scalar("SELECT max(" + quote_ident(pipeline.timestamp_column) + ")::VARCHAR FROM " +
                                 source.target_name()))
          watermark = to_rfc3339(*max);
      }
      auto& stored = state.data()["watermarks"][full_name];
      stored["last_value"] = watermark;
      stored["updated_at"] = now_rfc3339();
      const long long duration = elapsed_ms(start);
      table_durations.push_back(duration);
      ++tables_copied;

      ojson m;
      m["asset_key"] = key;
      m["rows_copied"] = rows_copied;
      m["duration_ms"] = duration;
      m["started_at"] = started_at;
      m["metadata"] = {{"strategy", copy.purpose == "incremental_copy" ? "incremental" : "full_refresh"},
                       {"watermark", watermark},
                       {"target_table_full_name", full_name}};
      m["cost_usd"] = 0.0;
      materializations.push_back(m);
      per_model.push_back({{"asset_key", key}, {"duration_ms", duration}, {"cost_usd", 0.0}});
      records.push_back({source.table, duration, rows_copied, sha256_hex(db, copy.sql), "", started_at});

      // Checks.
      const long long target_count = count_rows(db, source.target_name());
      if (pipeline.checks_enabled) {
        ojson checks = ojson::array();
        const long long source_count = count_rows(db, source.source_name());
        if (pipeline.check_row_count)
          checks.push_back({{"name", "row_count"},
                            {"passed", source_count == target_count},
                            {"severity", "error"},
                            {"source_count", source_count},
                            {"target_count", target_count}});
        if (pipeline.check_column_match) {
          const auto source_types = column_types(db, "", source.schema, source.table, nullptr);
          ojson missing = ojson::array(), extra = ojson::array();
          for (const auto& [c, t] : source_types)
            if (!target_types.count(c)) missing.push_back(c);
          for (const auto& [c, t] : target_types)
            if (!source_types.count(c)) extra.push_back(c);
          checks.push_back({{"name", "column_match"},
                            {"passed", missing.empty() && extra.empty()},
                            {"severity", "error"},
                            {"missing", missing},
                            {"extra", extra}});
        }
        check_results.push_back({{"asset_key", key}, {"checks", checks}});
        // A quality snapshot for `rocky metrics`.
        std::string null_sql = "SELECT ";
        for (size_t i = 0; i < columns.size(); ++i)
          null_sql += (i ? ", " : "") + std::string("coalesce(avg((") + quote_ident(columns[i]) +
                      " IS NULL)::INTEGER), 0)::DOUBLE";
        ojson null_rates = ojson::object();
        if (!columns.empty()) {
          const Rows rates = db.query_or_throw(null_sql + " FROM " + source.target_name());
          for (size_t i = 0; i < columns.size(); ++i)
            null_rates[columns[i]] = rates.rows.empty() || !rates.rows[0][i] ? 0.0 : std::stod(*rates.rows[0][i]);
        }
        state.data()["quality"][source.table].push_back(
            {{"run_id", run_id}, {"timestamp", now_rfc3339()}, {"row_count", target_count}, {"null_rates", null_rates}});
      }
      // Anomaly: this run's count against the average of the history.
      auto& history = state.data()["row_counts"][full_name];
      if (pipeline.anomaly_detection && static_cast<int>(history.size()) >= pipeline.anomaly_min_history) {
        double sum = static_cast<double>(target_count);
        for (const auto& n : history) sum += n.get<double>();
        const double avg = sum / static_cast<double>(history.size() + 1);
        const double deviation = avg > 0 ? std::fabs(avg - static_cast<double>(target_count)) / avg * 100.0 : 0.0;
        if (deviation > pipeline.anomaly_threshold_pct) {
          char reason[160];
          std::snprintf(reason, sizeof reason, "row count %s %.1f%% (expected ~%.0f, got %lld)",
                        static_cast<double>(target_count) < avg ? "dropped" : "grew", deviation, avg, target_count);
          anomalies.push_back({{"table", full_name},
                               {"current_count", target_count},
                               {"baseline_avg", avg},
                               {"deviation_pct", deviation},
                               {"reason", reason}});
          log_event("WARN", "rocky::anomaly", std::string(reason) + " on " + full_name);
        }
      }
      history.push_back(target_count);
    } catch (const EngineError& error) {
      ++tables_failed;
      errors.push_back({{"asset_key", key}, {"error", error.what()}, {"failure_kind", "unknown"}});
      log_event("ERROR", "rocky::run", std::string("table ") + full_name + " failed: " + error.what());
    }
  }

  // Models (--models DIR): time_interval partitions by delete + insert,
  // full_refresh by CREATE OR REPLACE.
  if (auto models_dir = inv.option("--models")) {
    Project project{config, {}, {}, {}, {}};
    load_models(project, *models_dir, db);
    for (const auto& layer : project.layers) {
      for (const std::string& name : layer) {
        const Model& model = *project.find(name);
        ++processed;
        const auto key = asset_key(model.target.catalog, model.target.schema, model.target.table);
        const std::string relation = (model.target.catalog.empty() ? "" : quote_ident(model.target.catalog) + ".") +
                                     quote_ident(model.target.schema) + "." + quote_ident(model.target.table);
        const std::string schema_relation = (model.target.catalog.empty() ? "" : quote_ident(model.target.catalog) + ".") +
                                            quote_ident(model.target.schema);
        const std::string full_name = model.target.full_name();
        std::vector<Partition> parts;
        if (model.strategy.type == "time_interval") parts = partitions_for(db, inv, model);
        else parts.push_back({});
        int succeeded = 0, failed = 0;
        for (const Partition& part : parts) {
          const auto start = std::chrono::steady_clock::now();
          const std::string started_at = now_rfc3339();
          try {
            if (!model.parse_error.empty()) throw EngineError("model " + model.name + " does not compile: " + model.parse_error);
            std::string error;
            if (!db.execute("CREATE SCHEMA IF NOT EXISTS " + schema_relation, &error)) throw EngineError(error);
            const auto compile_start = std::chrono::steady_clock::now();
            const std::string sql = part.key.empty() ? model.sql : render_partition_sql(model.sql, part.start, part.end);
            const long long compile_ms = elapsed_ms(compile_start);
            const bool exists = table_exists(db, model.target.catalog, model.target.schema, model.target.table);
            long long rows = 0;
            if (part.key.empty() || !exists) {
              if (!db.execute("CREATE OR REPLACE TABLE " + relation + " AS " + sql, &error)) throw EngineError(error);
              rows = count_rows(db, relation);
            } else {
              const std::string column = quote_ident(model.strategy.time_column);
              const std::string range = column + " >= TIMESTAMP " + quote_literal(part.start) + " AND " + column +
                                        " < TIMESTAMP " + quote_literal(part.end);
              if (!db.execute("BEGIN TRANSACTION", &error)) throw EngineError(error);
              auto inserted = db.query("DELETE FROM " + relation + " WHERE " + range, &error);
              if (inserted) inserted = db.query("INSERT INTO " + relation + " " + sql, &error);
              if (!inserted) {
                std::string ignored;
                db.execute("ROLLBACK", &ignored);
                throw EngineError(error);
              }
              if (!db.execute("COMMIT", &error)) throw EngineError(error);
              rows = inserted->rows.empty() || !inserted->rows[0][0] ? 0 : std::stoll(*inserted->rows[0][0]);
            }
            std::vector<std::string> columns;
            column_types(db, model.target.catalog, model.target.schema, model.target.table, &columns);
            const std::string sql_hash = sha256_hex(db, sql).substr(0, 16);
            const long long duration = elapsed_ms(start);
            table_durations.push_back(duration);
            ojson m;
            m["asset_key"] = key;
            m["rows_copied"] = rows;
            m["duration_ms"] = duration;
            m["started_at"] = started_at;
            m["metadata"] = {{"strategy", model.strategy.type},
                             {"target_table_full_name", full_name},
                             {"sql_hash", sql_hash},
                             {"column_count", columns.size()},
                             {"compile_time_ms", compile_ms}};
            if (!part.key.empty()) m["partition"] = {{"key", part.key}, {"start", part.start}, {"end", part.end}};
            m["cost_usd"] = 0.0;
            materializations.push_back(m);
            per_model.push_back({{"asset_key", key}, {"duration_ms", duration}, {"cost_usd", 0.0}});
            records.push_back({model.name, duration, rows, sha256_hex(db, model.sql), sql_hash, started_at});
            ++succeeded;
          } catch (const EngineError& error) {
            ++failed;
            errors.push_back({{"asset_key", key}, {"error", error.what()}, {"failure_kind", "unknown"}});
            log_event("ERROR", "rocky::run", "model " + model.name + " failed: " + error.what());
          }
        }
        if (failed) ++tables_failed;
        if (model.strategy.type == "time_interval")
          partition_summaries.push_back({{"model", model.name},
                                         {"partitions_planned", parts.size()},
                                         {"partitions_succeeded", succeeded},
                                         {"partitions_failed", failed}});
      }
    }
    // The compile cache the engine keeps beside the models.
    StateStore model_state(fs::path(*models_dir).is_absolute() ? fs::path(*models_dir) / kStateFileName
                                                               : config.dir / *models_dir / kStateFileName);
    for (const Model& model : project.models) model_state.data()["models"][model.name] = sha256_hex(db, model.sql);
    model_state.save();
  }

  const long long duration = elapsed_ms(run_start);
  const int statements = db.statements_executed() - statements_before;
  const bool any_ok = tables_copied > 0 || !records.empty();
  const std::string status = tables_failed == 0 ? "Success" : (any_ok ? "PartialFailure" : "Failure");

  ojson doc = header("run");
  doc["status"] = status;
  doc["pipeline_type"] = "replication";
  doc["filter"] = filter.value_or("");
  doc["duration_ms"] = duration;
  doc["tables_copied"] = tables_copied;
  doc["tables_failed"] = tables_failed;
  doc["materializations"] = materializations;
  doc["check_results"] = check_results;
  if (!errors.empty()) doc["errors"] = errors;
  if (!anomalies.empty()) doc["anomalies"] = anomalies;
  ojson execution;
  execution["concurrency"] = concurrency.value_or(32);
  execution["tables_processed"] = processed;
  execution["tables_failed"] = tables_failed;
  if (!concurrency) {
    execution["adaptive_concurrency"] = true;
    execution["final_concurrency"] = 32;
    execution["rate_limits_detected"] = 0;
  }
  doc["execution"] = execution;
  doc["metrics"] = {{"tables_processed", processed},
                    {"tables_failed", tables_failed},
                    {"error_rate_pct", processed ? 100.0 * tables_failed / processed : 0.0},
                    {"statements_executed", statements},
                    {"retries_attempted", 0},
                    {"retries_succeeded", 0},
                    {"anomalies_detected", anomalies.size()},
                    {"table_duration_p50_ms", percentile(table_durations, 0.5)},
                    {"table_duration_p95_ms", percentile(table_durations, 0.95)},
                    {"table_duration_max_ms", percentile(table_durations, 1.0)},
                    {"query_duration_p50_ms", percentile(table_durations, 0.5)},
                    {"query_duration_p95_ms", percentile(table_durations, 0.95)},
                    {"query_duration_max_ms", percentile(table_durations, 1.0)}};
  doc["permissions"] = {{"grants_added", 0}, {"grants_revoked", 0}, {"catalogs_created", 0}, {"schemas_created", schemas_created}};
  doc["drift"] = {{"tables_checked", tables_checked}, {"tables_drifted", tables_drifted}, {"actions_taken", drift_actions}};
  if (!partition_summaries.empty()) doc["partition_summaries"] = partition_summaries;
  doc["interrupted"] = false;
  doc["cost_summary"] = {{"total_cost_usd", 0.0},
                         {"total_duration_ms", duration},
                         {"per_model", per_model},
                         {"adapter_type", config.adapter_type}};

  // The run record `history`, `cost` and `optimize` read.
  ojson run;
  run["run_id"] = run_id;
  run["started_at"] = run_started_at;
  run["finished_at"] = now_rfc3339();
  run["status"] = status;
  run["trigger"] = "Manual";
  run["duration_ms"] = duration;
  run["filter"] = filter.value_or("");
  run["pipeline"] = config.pipelines.empty() ? "" : config.pipelines.front().name;
  run["target_catalog"] = selected.empty() ? config.catalog() : selected.front().target_catalog;
  run["hostname"] = host_name();
  run["models"] = ojson::array();
  for (const MaterializationRecord& r : records)
    run["models"].push_back({{"model_name", r.model_name},
                             {"duration_ms", r.duration_ms},
                             {"status", "success"},
                             {"rows_affected", r.rows},
                             {"recipe_hash", r.recipe_hash},
                             {"sql_hash", r.sql_hash.empty() ? r.recipe_hash.substr(0, 16) : r.sql_hash},
                             {"started_at", r.started_at}});
  state.data()["runs"].push_back(run);
  state.save();
  log_event("INFO", "rocky::run", "run " + run_id + " " + status + ": " + std::to_string(tables_copied) +
                                     " table(s) copied, " + std::to_string(tables_failed) + " failed in " +
                                     std::to_string(duration) + " ms");
  return {doc, tables_failed ? 1 : 0};
}

}  // namespace

Outcome cmd_run(const Invocation& inv) {
  const Config config = load_config(inv.config);
  if ((inv.option("--from").has_value()) != (inv.option("--to").has_value()))
    throw EngineError("--from and --to go together", 2);
  if (inv.option("--partition") && inv.option("--from"))
    throw EngineError("--partition cannot be used with --from/--to", 2);
  return execute_run(config, inv, inv.option("--filter"));
}

Outcome cmd_apply(const Invocation& inv) {
  if (inv.positionals.size() != 1) throw EngineError("usage: rocky apply <PLAN_ID>", 2);
  const Config config = load_config(inv.config);
  std::string filter;
  {
    StateStore state(config.dir / kStateFileName);
    const std::string& id = inv.positionals[0];
    if (!state.data()["plans"].contains(id))
      throw EngineError("unknown plan id '" + id + "': run `rocky plan` first and pass the plan_id it prints");
    filter = state.data()["plans"][id].value("filter", "");
  }
  Invocation run = inv;
  run.positionals.clear();
  return execute_run(config, run, filter.empty() ? std::nullopt : std::optional<std::string>(filter));
}

// ---- state ---------------------------------------------------------------------

Outcome cmd_state(const Invocation& inv) {
  const Config config = load_config(inv.config);
  StateStore state(config.dir / kStateFileName);
  ojson doc = header("state");
  ojson watermarks = ojson::array();
  for (const auto& [table, mark] : state.data()["watermarks"].items())
    watermarks.push_back({{"table", table}, {"last_value", mark.value("last_value", "")}, {"updated_at", mark.value("updated_at", "")}});
  doc["watermarks"] = watermarks;
  doc["schema_version_supported"] = kStateSchemaVersion;
  if (state.exists_on_disk()) doc["schema_version_on_disk"] = kStateSchemaVersion;
  else doc["schema_version_on_disk"] = nullptr;
  return {doc, 0};
}

}  // namespace rocky_double
