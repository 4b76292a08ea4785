// rocky-double (test double of the Rocky engine): the POC as the engine sees
// it — rocky.toml, models/ with sidecars, contracts/ — and each model's
// output columns and column lineage, read from DuckDB's own SQL parser
// (json_serialize_sql), not a hand-written one.
#pragma once

#include "database.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rocky_double {

namespace fs = std::filesystem;

struct Pipeline {
  std::string name;
  std::string strategy = "full_refresh";  // or "incremental"
  std::string timestamp_column;
  std::string prefix = "raw__";
  std::string separator = "__";
  std::vector<std::string> components{"source"};
  std::string catalog_template;
  std::string schema_template = "staging__{source}";
  bool auto_create_schemas = true;
  bool checks_enabled = false;
  bool check_row_count = false;
  bool check_column_match = false;
  bool anomaly_detection = false;
  double anomaly_threshold_pct = 50.0;
  int anomaly_min_history = 3;
  std::optional<int> concurrency;  // absent: adaptive, starting at 32
};

struct Config {
  fs::path file;  // rocky.toml
  fs::path dir;   // its folder: state and relative paths live here
  std::string adapter_type;
  std::optional<fs::path> adapter_path;  // absent: in-memory
  std::vector<Pipeline> pipelines;
  std::string state_backend = "local";
  // The DuckDB catalog of the adapter's file (its stem), "memory" in memory.
  std::string catalog() const;
  std::string database_path() const;
};

// Loads rocky.toml; throws EngineError (with line and column) on bad TOML or
// a missing required key.
Config load_config(const fs::path& file);

struct Strategy {
  std::string type = "full_refresh";  // full_refresh | incremental | time_interval
  std::string time_column;
  std::string granularity = "day";
  std::string first_partition;
  long lookback = 0;
  long batch_size = 1;
  std::string timestamp_column;  // incremental models
};

struct Target {
  std::string catalog;
  std::string schema;
  std::string table;
  std::string full_name() const { return catalog + "." + schema + "." + table; }
};

struct ColumnSource {
  std::string relation;  // a model name, or "schema.table" for an external table
  std::string column;
};

struct OutputColumn {
  std::string name;
  bool nullable = false;
  std::string transform = "direct";  // "direct", "aggregation: sum", "expression"
  std::vector<ColumnSource> sources;
};

struct Diagnostic {
  std::string severity;  // Error | Warning | Info
  std::string code;
  std::string message;
  std::optional<std::string> span_file;
  int span_line = 1;
  int span_col = 1;
  std::string model;
  std::optional<std::string> suggestion;
};

struct Contract {
  struct Column {
    std::string name;
    std::string type;
    bool nullable = true;
  };
  std::vector<Column> columns;
  std::vector<std::string> required;
  std::vector<std::string> protected_columns;
};

struct Model {
  std::string name;
  fs::path file;       // relative to the project dir, as the engine prints it
  std::string sql;     // the SELECT (a .rocky model translated)
  std::string source_text;  // a .sql model's file, for diagnostic positions
  size_t sql_offset = 0;    // where `sql` starts in it
  bool from_dsl = false;
  Strategy strategy;
  Target target;
  // From the parse:
  std::vector<OutputColumn> columns;
  std::vector<std::string> upstream_models;
  std::vector<std::string> external_tables;  // "schema.table" or "catalog.schema.table"
  bool select_star = false;
  int star_line = 1, star_col = 1;
  std::vector<std::string> group_by;
  bool parsed = false;
  std::string parse_error;
};

struct Project {
  Config config;
  fs::path models_dir;
  std::vector<Model> models;  // sorted by name
  std::vector<std::vector<std::string>> layers;  // topological layers
  std::map<std::string, std::vector<std::string>> downstream;
  const Model* find(const std::string& name) const;
};

// Reads every model under `models_dir` (NAME.sql or NAME.rocky, each with an
// optional NAME.toml sidecar), parses them with DuckDB and orders them.
// `db` may be the POC's database (used to expand SELECT * over real source
// tables) or an in-memory one.
void load_models(Project& project, const fs::path& models_dir, Database& parser);

// The .rocky DSL as far as the POCs use it: `from X`, `where COND`,
// `select a, b`, `group k1, k2 { alias: agg(col), ... }`.
std::string translate_dsl(const std::string& text, std::string* error);

std::map<std::string, Contract> load_contracts(const fs::path& dir);

// Compile diagnostics (SELECT *, contract violations) in model order.
std::vector<Diagnostic> diagnose(const Project& project, const std::map<std::string, Contract>& contracts);

// Replaces @start_date / @end_date placeholders with quoted timestamps.
std::string render_partition_sql(const std::string& sql, const std::string& start, const std::string& end);

std::string read_text(const fs::path& file);

}  // namespace rocky_double
