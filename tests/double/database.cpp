#include "database.hpp"

namespace rocky_double {

Database::Database(const std::string& path) {
  // One short call on small data: a single thread, and no extension loading,
  // keep a call in the tens of milliseconds (an option refused costs only speed).
  duckdb_config config = nullptr;
  if (duckdb_create_config(&config) == DuckDBError) throw EngineError("DuckDB: cannot create a configuration");
  duckdb_set_config(config, "threads", "1");
  duckdb_set_config(config, "autoload_known_extensions", "false");
  duckdb_set_config(config, "autoinstall_known_extensions", "false");
  char* error = nullptr;
  const duckdb_state opened = duckdb_open_ext(path.c_str(), &m_database, config, &error);
  duckdb_destroy_config(&config);
  if (opened == DuckDBError) {
    std::string message = error ? error : "cannot open the database";
    duckdb_free(error);
    throw EngineError("DuckDB: cannot open " + path + ": " + message);
  }
  if (duckdb_connect(m_database, &m_connection) == DuckDBError) {
    duckdb_close(&m_database);
    throw EngineError("DuckDB: cannot connect to " + path);
  }
}

Database::~Database() {
  if (m_connection) duckdb_disconnect(&m_connection);
  if (m_database) duckdb_close(&m_database);
}

bool Database::execute(const std::string& sql, std::string* error) {
  return query(sql, error).has_value();
}

std::optional<Rows> Database::query(const std::string& sql, std::string* error) {
  duckdb_result result;
  ++m_statements;
  if (duckdb_query(m_connection, sql.c_str(), &result) == DuckDBError) {
    const char* message = duckdb_result_error(&result);
    if (error) *error = message ? message : "query failed";
    duckdb_destroy_result(&result);
    return std::nullopt;
  }
  Rows rows;
  const idx_t column_count = duckdb_column_count(&result);
  for (idx_t c = 0; c < column_count; ++c) rows.columns.emplace_back(duckdb_column_name(&result, c));
  const idx_t row_count = duckdb_row_count(&result);
  rows.rows.reserve(row_count);
  for (idx_t r = 0; r < row_count; ++r) {
    std::vector<Cell> row;
    row.reserve(column_count);
    for (idx_t c = 0; c < column_count; ++c) {
      if (duckdb_value_is_null(&result, c, r)) {
        row.emplace_back(std::nullopt);
        continue;
      }
      char* text = duckdb_value_varchar(&result, c, r);
      row.emplace_back(std::string(text ? text : ""));
      duckdb_free(text);
    }
    rows.rows.push_back(std::move(row));
  }
  duckdb_destroy_result(&result);
  return rows;
}

Rows Database::query_or_throw(const std::string& sql) {
  std::string error;
  auto rows = query(sql, &error);
  if (!rows) throw EngineError("DuckDB: " + error + " (SQL: " + sql + ")");
  return std::move(*rows);
}

Cell Database::scalar(const std::string& sql) {
  Rows rows = query_or_throw(sql);
  if (rows.rows.empty() || rows.rows[0].empty()) return std::nullopt;
  return rows.rows[0][0];
}

std::string quote_ident(const std::string& name) {
  std::string out = "\"";
  for (char ch : name) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

std::string quote_literal(const std::string& text) {
  std::string out = "'";
  for (char ch : text) {
    if (ch == '\'') out += '\'';
    out += ch;
  }
  return out + "'";
}

}  // namespace rocky_double
