// A small `duckdb` command-line program on DuckDB's C API: test material, so
// the capture plan can seed a DuckDB file exactly as the real pipeline does
// (`duckdb FILE < data/seed.sql`) without the real CLI, which Debian 12 does
// not package.
//
//   duckdb [FILE] [SQL]          SQL from the argument, else from stdin
//   duckdb [FILE] -c SQL         the same, as the real CLI's -c
//   duckdb --version
//
// FILE absent or ":memory:" is an in-memory database. Statements run in order
// (split by DuckDB's own parser, duckdb_extract_statements); a result with
// columns prints as `|`-separated lines, header first (the real CLI's -list
// mode). The first failing statement prints DuckDB's message on stderr and
// the exit code is 1: a seed that half-failed must not look like a success.
#include <duckdb.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr int kExitOk = 0;
constexpr int kExitSqlError = 1;
constexpr int kExitUsage = 2;

constexpr std::string_view kUsage =
    "usage: duckdb [FILE] [SQL]\n"
    "       duckdb [FILE] -c SQL\n"
    "SQL from the argument, else from stdin; FILE absent or :memory: is in-memory.\n";

struct Invocation {
  std::string file = ":memory:";
  std::optional<std::string> sql;
};

// Parses argv; nullopt after printing the reason on stderr.
std::optional<Invocation> parse_args(int argc, char** argv) {
  Invocation inv;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-c" || arg == "-s") {
      if (i + 1 >= argc) {
        std::cerr << "duckdb: " << arg << " needs an SQL argument\n" << kUsage;
        return std::nullopt;
      }
      inv.sql = argv[++i];
    } else if (arg == "-h" || arg == "--help") {
      std::cout << kUsage;
      std::exit(kExitOk);
    } else if (arg == "--version" || arg == "-version") {
      std::cout << duckdb_library_version() << " (fixturegen test CLI on DuckDB's C API)\n";
      std::exit(kExitOk);
    } else if (arg.size() > 1 && arg.front() == '-') {
      std::cerr << "duckdb: unknown option " << arg << "\n" << kUsage;
      return std::nullopt;
    } else {
      positional.emplace_back(arg);
    }
  }
  if (positional.size() > 2 || (positional.size() == 2 && inv.sql)) {
    std::cerr << "duckdb: too many arguments\n" << kUsage;
    return std::nullopt;
  }
  if (!positional.empty()) inv.file = positional[0];
  if (positional.size() == 2) inv.sql = positional[1];
  return inv;
}

// Prints a result in list mode. Reads values through duckdb_value_varchar,
// which renders every type as DuckDB's own CLI does.
void print_result(duckdb_result& result) {
  const idx_t columns = duckdb_column_count(&result);
  if (columns == 0) return;
  std::string line;
  for (idx_t c = 0; c < columns; ++c) {
    if (c) line += '|';
    line += duckdb_column_name(&result, c);
  }
  std::cout << line << '\n';
  const idx_t rows = duckdb_row_count(&result);
  for (idx_t r = 0; r < rows; ++r) {
    line.clear();
    for (idx_t c = 0; c < columns; ++c) {
      if (c) line += '|';
      if (duckdb_value_is_null(&result, c, r)) {
        line += "NULL";
        continue;
      }
      char* text = duckdb_value_varchar(&result, c, r);
      if (text) {
        line += text;
        duckdb_free(text);
      }
    }
    std::cout << line << '\n';
  }
}

// Runs every statement of `sql` in order; stops at the first error.
int run_script(duckdb_connection connection, const std::string& sql) {
  duckdb_extracted_statements statements = nullptr;
  const idx_t count = duckdb_extract_statements(connection, sql.c_str(), &statements);
  if (count == 0) {
    const char* error = statements ? duckdb_extract_statements_error(statements) : nullptr;
    int code = kExitOk;
    if (error && *error) {  // a parse error; an empty script is no error
      std::cerr << error << '\n';
      code = kExitSqlError;
    }
    duckdb_destroy_extracted(&statements);
    return code;
  }
  int code = kExitOk;
  for (idx_t i = 0; i < count && code == kExitOk; ++i) {
    duckdb_prepared_statement prepared = nullptr;
    if (duckdb_prepare_extracted_statement(connection, statements, i, &prepared) == DuckDBError) {
      const char* error = duckdb_prepare_error(prepared);
      std::cerr << (error ? error : "statement could not be prepared") << '\n';
      code = kExitSqlError;
    } else {
      duckdb_result result;
      if (duckdb_execute_prepared(prepared, &result) == DuckDBError) {
        const char* error = duckdb_result_error(&result);
        std::cerr << (error ? error : "statement failed") << '\n';
        code = kExitSqlError;
      } else {
        print_result(result);
      }
      duckdb_destroy_result(&result);
    }
    duckdb_destroy_prepare(&prepared);
  }
  duckdb_destroy_extracted(&statements);
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  const std::optional<Invocation> inv = parse_args(argc, argv);
  if (!inv) return kExitUsage;
  std::string sql;
  if (inv->sql) {
    sql = *inv->sql;
  } else {
    sql.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    if (std::cin.bad()) {
      std::cerr << "duckdb: cannot read SQL from stdin\n";
      return kExitSqlError;
    }
  }

  duckdb_database database = nullptr;
  char* open_error = nullptr;
  if (duckdb_open_ext(inv->file.c_str(), &database, nullptr, &open_error) == DuckDBError) {
    std::cerr << (open_error ? open_error : "cannot open database") << '\n';
    duckdb_free(open_error);
    return kExitSqlError;
  }
  duckdb_connection connection = nullptr;
  if (duckdb_connect(database, &connection) == DuckDBError) {
    std::cerr << "duckdb: cannot connect to " << inv->file << '\n';
    duckdb_close(&database);
    return kExitSqlError;
  }
  const int code = run_script(connection, sql);
  std::cout.flush();
  duckdb_disconnect(&connection);
  duckdb_close(&database);
  return code;
}
