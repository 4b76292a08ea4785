#!/usr/bin/env bash
# End-to-end: the small duckdb CLI (tests/duckdb_cli) seeds and queries a
# DuckDB file the three ways the capture plan uses it, and reports SQL errors
# with DuckDB's message on stderr and exit 1.
# Usage: duckdb_cli.sh DUCKDB_BINARY
set -uo pipefail
duckdb=${1:?duckdb binary}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
db=$tmp/t.duckdb
passed=0; failed=0
check() {  # NAME EXPECTED ACTUAL
  if [[ $2 == "$3" ]]; then passed=$((passed + 1)); echo "ok   $1"
  else failed=$((failed + 1)); echo "FAIL $1: expected '$2', got '$3'"; fi
}

# stdin, several statements in one script (split by DuckDB's parser; the ';'
# inside the string literal must not split)
printf "CREATE SCHEMA raw__orders;\nCREATE TABLE raw__orders.orders AS SELECT i AS id, 'a;b' AS note FROM range(1, 11) t(i);\n" \
  | "$duckdb" "$db" >"$tmp/out" 2>"$tmp/err"
check "stdin script exit" 0 $?
check "stdin script stderr" "" "$(cat "$tmp/err")"
check "argument SQL" "$(printf 'n|s\n10|a;b')" "$("$duckdb" "$db" "SELECT count(*) AS n, min(note) AS s FROM raw__orders.orders")"
check "-c SQL" "$(printf 'm\n10')" "$("$duckdb" "$db" -c "SELECT max(id) AS m FROM raw__orders.orders")"
check "NULL printed" "$(printf 'x\nNULL')" "$("$duckdb" "$db" -c "SELECT NULL AS x")"
"$duckdb" "$db" -c "INSERT INTO raw__orders.orders VALUES (11, 'late')" >/dev/null
check "insert persisted" "$(printf 'n\n11')" "$("$duckdb" "$db" -c "SELECT count(*) AS n FROM raw__orders.orders")"

# errors: DuckDB's own message on stderr, exit 1, later statements not run
"$duckdb" "$db" -c "SELECT * FROM nowhere" >"$tmp/out" 2>"$tmp/err"
check "catalog error exit" 1 $?
grep -q "Catalog Error" "$tmp/err"; check "catalog error message" 0 $?
printf "CREATE TABLE t1(a INT);\nSELEC 1;\n" | "$duckdb" "$db" >"$tmp/out" 2>"$tmp/err"
check "parser error exit" 1 $?
grep -q "Parser Error" "$tmp/err"; check "parser error message" 0 $?
printf "CREATE TABLE t2(a INT);\nINSERT INTO t2 VALUES ('x');\nCREATE TABLE t3(a INT);\n" | "$duckdb" "$db" >/dev/null 2>"$tmp/err"
check "conversion error exit" 1 $?
check "stops at first error" "$(printf 'n\n0')" "$("$duckdb" "$db" -c "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 't3'")"
"$duckdb" "$db" --bogus >/dev/null 2>&1
check "unknown option exit" 2 $?
check "empty script" 0 "$(printf '' | "$duckdb" "$db" >/dev/null 2>&1; echo $?)"

echo "duckdb_cli: $passed passed, $failed failed"
((failed == 0))
