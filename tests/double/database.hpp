// rocky-double (test double of the Rocky engine): a thin RAII layer over
// DuckDB's C API. Every failure carries DuckDB's own message.
#pragma once

#include <duckdb.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace rocky_double {

// An engine-level failure: printed on stderr as a JSON log line, never on
// stdout; main turns it into the exit code.
struct EngineError : std::runtime_error {
  int exit_code;
  explicit EngineError(const std::string& message, int code = 1)
      : std::runtime_error(message), exit_code(code) {}
};

using Cell = std::optional<std::string>;
struct Rows {
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;
};

class Database {
 public:
  // ":memory:" or a file path; throws EngineError with DuckDB's message.
  explicit Database(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements; nullopt and `error` set on failure.
  bool execute(const std::string& sql, std::string* error);
  // Runs a query and returns every value as text (NULL as nullopt).
  std::optional<Rows> query(const std::string& sql, std::string* error);
  // query() that throws EngineError naming the SQL.
  Rows query_or_throw(const std::string& sql);
  // The first value of the first row, or nullopt (NULL or no rows).
  Cell scalar(const std::string& sql);
  int statements_executed() const { return m_statements; }

 private:
  duckdb_database m_database = nullptr;
  duckdb_connection m_connection = nullptr;
  int m_statements = 0;
};

std::string quote_ident(const std::string& name);
std::string quote_literal(const std::string& text);

}  // namespace rocky_double
