#!/usr/bin/env bash
# End-to-end: rocky-double behaves like the engine where fixturegen cares —
# data really moves through DuckDB (full refresh, incremental watermark,
# time_interval partitions with a late row), drift after an ALTER, an
# anomaly after truncation, history growth, a stable plan_id that review and
# apply alone accept, doctor's exit codes, contract diagnostics, column
# lineage, clap-like usage errors, state files, live nondeterminism.
# Usage: double_behaviour.sh ROCKY_DOUBLE DUCKDB SOURCE_DIR
set -uo pipefail
double=$(realpath "${1:?}"); duckdb=$(realpath "${2:?}"); src=$(realpath "${3:?}")
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
passed=0; failed=0
check() {  # NAME EXPECTED ACTUAL
  if [[ $2 == "$3" ]]; then passed=$((passed + 1)); echo "ok   $1"
  else failed=$((failed + 1)); echo "FAIL $1: expected '$2', got '$3'"; fi
}
# j FILE EXPR: a Python expression over the document `d`.
j() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1" 2>/dev/null || echo "<no JSON in $1>"; }
poc() {  # POC_PATH: a fresh copy to run in
  rm -rf "$tmp/poc"; cp -r "$src/pocs/$1" "$tmp/poc"; cd "$tmp/poc" || exit 1
}
sql() { "$duckdb" "$1" -c "$2" | tail -n 1; }

# --- identity, usage errors --------------------------------------------------
check "--version" "rocky-double 0.1.0 (test double of rocky)" "$("$double" --version)"
"$double" frobnicate >/dev/null 2>"$tmp/err"; check "unknown command exits 2" 2 $?
grep -q "unrecognized subcommand 'frobnicate'" "$tmp/err"; check "unknown command message" 0 $?
"$double" run --bogus >/dev/null 2>"$tmp/err"; check "unknown flag exits 2" 2 $?
"$double" lineage >/dev/null 2>&1; check "missing positional exits 2" 2 $?

# --- replication basics, plan_id, review/apply, history growth ----------------
poc 00-foundations/01-replication-basics
"$duckdb" playground.duckdb < data/seed.sql >/dev/null
"$double" run --filter source=orders >"$tmp/run.json" 2>"$tmp/run.err"; check "run exits 0" 0 $?
check "run copies every row" 1000 "$(j "$tmp/run.json" 'd["materializations"][0]["rows_copied"]')"
check "the copy holds them" 1000 "$(sql playground.duckdb 'SELECT count(*) FROM staging__orders.orders')"
check "stdout is only JSON, logs are JSON lines on stderr" "INFO" "$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["level"])' "$tmp/run.err")"
[[ -f .rocky-state.redb ]]; check "state file in the working directory" 0 $?
"$double" plan --filter source=orders >"$tmp/plan1.json" 2>/dev/null
"$double" run --filter source=orders >/dev/null 2>&1
"$double" plan --filter source=orders >"$tmp/plan2.json" 2>/dev/null
id=$(j "$tmp/plan1.json" 'd["plan_id"]')
check "plan_id is a sha256" 64 "${#id}"
check "plan_id stable across runs" "$id" "$(j "$tmp/plan2.json" 'd["plan_id"]')"
"$double" review "$id" --status >"$tmp/review.json" 2>/dev/null; check "review accepts the plan_id" 0 $?
check "review_status not reviewed" False "$(j "$tmp/review.json" 'd["reviewed"]')"
"$double" review "${id%?}0" --status >"$tmp/out" 2>&1; rc=$?
check "review refuses another id" 1 $rc
"$double" apply deadbeef >/dev/null 2>&1; check "apply refuses an unknown id" 1 $?
check "history before apply" 2 "$("$double" history 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])')"
"$double" apply "$id" >"$tmp/apply.json" 2>/dev/null; check "apply runs the plan" Success "$(j "$tmp/apply.json" 'd["status"]')"
"$double" history >"$tmp/history.json" 2>/dev/null
check "history grows with each run" 3 "$(j "$tmp/history.json" 'd["count"]')"
check "run ids are run-YYYYMMDD-HHMMSS-NNN" True "$(j "$tmp/history.json" 'all(__import__("re").fullmatch(r"run-\d{8}-\d{6}-\d{3}", r["run_id"]) for r in d["runs"])')"
check "run ids differ" 3 "$(j "$tmp/history.json" 'len({r["run_id"] for r in d["runs"]})')"
"$double" compile --models models --contracts contracts >/dev/null 2>&1
[[ -f models/.rocky-state.redb ]]; check "models/.rocky-state.redb with --models" 0 $?
"$double" doctor >"$tmp/doctor.json" 2>/dev/null; check "doctor healthy exits 0" 0 $?
"$double" history --model orders >"$tmp/mh.json" 2>/dev/null
check "model history: one execution per run" "3 1000" "$(j "$tmp/mh.json" 'str(d["count"]) + " " + str(d["executions"][-1]["rows_affected"])')"
# Partial failure: a second source whose target name is taken by a view.
"$duckdb" playground.duckdb -c "CREATE SCHEMA raw__customers; CREATE TABLE raw__customers.customers AS SELECT 1 AS id;
  CREATE SCHEMA staging__customers; CREATE VIEW staging__customers.customers AS SELECT 1 AS id" >/dev/null
"$double" run >"$tmp/partial.json" 2>/dev/null; check "partial failure exits 1" 1 $?
check "partial failure, still JSON" "PartialFailure 1 1" "$(j "$tmp/partial.json" 'd["status"] + " " + str(d["tables_copied"]) + " " + str(d["tables_failed"])')"
check "the error names DuckDB's reason" True "$(j "$tmp/partial.json" '"View" in d["errors"][0]["error"]')"

# --- incremental: full load, then only the delta above the watermark ----------
poc 02-performance/01-incremental-watermark
"$duckdb" poc.duckdb < data/seed_initial.sql >/dev/null
"$double" -c rocky.toml run --filter source=events >"$tmp/r1.json" 2>/dev/null
check "first run is a full refresh" full_refresh "$(j "$tmp/r1.json" 'd["materializations"][0]["metadata"]["strategy"]')"
check "first run copies 1000" 1000 "$(j "$tmp/r1.json" 'd["materializations"][0]["rows_copied"]')"
"$double" -c rocky.toml state >"$tmp/s1.json" 2>/dev/null
check "watermark after run 1" 2026-04-01T16:40:00Z "$(j "$tmp/s1.json" 'd["watermarks"][0]["last_value"]')"
"$duckdb" poc.duckdb < data/seed_delta.sql >/dev/null
"$double" -c rocky.toml run --filter source=events >"$tmp/r2.json" 2>/dev/null
check "second run is incremental" incremental "$(j "$tmp/r2.json" 'd["materializations"][0]["metadata"]["strategy"]')"
check "second run copies only the delta" 250 "$(j "$tmp/r2.json" 'd["materializations"][0]["rows_copied"]')"
check "the copy has both" 1250 "$(sql poc.duckdb 'SELECT count(*) FROM staging__events.events')"
"$double" -c rocky.toml state >"$tmp/s2.json" 2>/dev/null
check "watermark moved" 2026-04-01T20:50:00Z "$(j "$tmp/s2.json" 'd["watermarks"][0]["last_value"]')"
"$double" -c rocky.toml run --filter source=events >"$tmp/r3.json" 2>/dev/null
check "nothing new, nothing copied" 0 "$(j "$tmp/r3.json" 'd["materializations"][0]["rows_copied"]')"

# --- partitions: delete + insert per day, a late row corrects its day ---------
poc 02-performance/03-partition-checksum
"$duckdb" poc.duckdb < data/seed.sql >/dev/null
"$double" -c rocky.toml run --filter source=orders --models models --from 2026-04-04 --to 2026-04-08 >"$tmp/b.json" 2>/dev/null
check "backfill plans five partitions" 5 "$(j "$tmp/b.json" 'd["partition_summaries"][0]["partitions_succeeded"]')"
check "five days in the mart" 5 "$(sql poc.duckdb 'SELECT count(*) FROM marts.fct_daily_orders')"
check "sql_hash differs per partition" 5 "$(j "$tmp/b.json" 'len({m["metadata"].get("sql_hash") for m in d["materializations"][1:]})')"
before=$(sql poc.duckdb "SELECT order_count FROM marts.fct_daily_orders WHERE order_date = DATE '2026-04-07'")
"$duckdb" poc.duckdb < data/late_row.sql >/dev/null
"$double" -c rocky.toml run --filter source=orders --models models --partition 2026-04-07 >"$tmp/l.json" 2>/dev/null
check "late row counted in its partition" $((before + 1)) "$(sql poc.duckdb "SELECT order_count FROM marts.fct_daily_orders WHERE order_date = DATE '2026-04-07'")"
check "other partitions untouched" 5 "$(sql poc.duckdb 'SELECT count(*) FROM marts.fct_daily_orders')"
"$double" -c rocky.toml run --filter source=orders --models models >/dev/null 2>&1
check "a time_interval run without a range is a usage error" 2 $?

# --- drift after ALTER --------------------------------------------------------
poc 02-performance/06-schema-drift-recover
"$duckdb" poc.duckdb < data/seed.sql >/dev/null
"$double" -c rocky.toml run --filter source=orders >"$tmp/d1.json" 2>/dev/null
check "no drift on a clean run" 0 "$(j "$tmp/d1.json" 'd["drift"]["tables_drifted"]')"
"$duckdb" poc.duckdb < data/alter_amount.sql >/dev/null
"$double" -c rocky.toml run --filter source=orders >"$tmp/d2.json" 2>/dev/null
check "drift detected" 1 "$(j "$tmp/d2.json" 'd["drift"]["tables_drifted"]')"
check "drift action" drop_and_recreate "$(j "$tmp/d2.json" 'd["drift"]["actions_taken"][0]["action"]')"
check "drift reason names the column" True "$(j "$tmp/d2.json" '"amount" in d["drift"]["actions_taken"][0]["reason"]')"
check "target recreated with the new type" VARCHAR "$(sql poc.duckdb "SELECT data_type FROM information_schema.columns WHERE table_schema = 'staging__orders' AND column_name = 'amount'")"

# --- anomaly after truncation against the history ------------------------------
poc 01-quality/03-anomaly-detection
for i in 1 2 3; do
  "$duckdb" poc.duckdb < data/seed.sql >/dev/null
  "$double" run --filter source=events >"$tmp/a$i.json" 2>/dev/null
done
check "baselines have no anomaly" "0 0 0" "$(for i in 1 2 3; do j "$tmp/a$i.json" 'd["metrics"]["anomalies_detected"]'; done | xargs)"
"$duckdb" poc.duckdb < data/seed_truncated.sql >/dev/null
"$double" run --filter source=events >"$tmp/a4.json" 2>/dev/null
check "truncation is an anomaly" 1 "$(j "$tmp/a4.json" 'd["metrics"]["anomalies_detected"]')"
check "anomaly counts" "5 376.25" "$(j "$tmp/a4.json" 'str(d["anomalies"][0]["current_count"]) + " " + str(d["anomalies"][0]["baseline_avg"])')"
check "row_count check still passes" True "$(j "$tmp/a4.json" 'd["check_results"][0]["checks"][0]["passed"]')"
check "history of the anomaly POC" 4 "$("$double" -c rocky.toml history 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])')"
check "metrics snapshots from the checks" 4 "$("$double" metrics events 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])')"

# --- doctor exit codes ------------------------------------------------------------
poc 06-developer-experience/05-doctor-and-ci
"$double" -c rocky.toml doctor >"$tmp/w.json" 2>/dev/null; check "doctor warning exits 1" 1 $?
check "doctor warning JSON" warning "$(j "$tmp/w.json" 'd["overall"]')"
[[ ! -e poc.duckdb ]]; check "doctor does not create the database" 0 $?
printf '[adapter]\ntype = "postgres"\n' > rocky.toml
"$double" doctor >"$tmp/c.json" 2>/dev/null; check "doctor critical exits 2" 2 $?
check "doctor critical JSON" critical "$(j "$tmp/c.json" 'd["overall"]')"
printf '[adapter\n' > rocky.toml
"$double" doctor >"$tmp/c2.json" 2>/dev/null; check "doctor on broken TOML exits 2" 2 $?
check "broken TOML named with line" True "$(j "$tmp/c2.json" '"rocky.toml:" in d["checks"][0]["message"]')"

# --- contracts and lineage, through DuckDB's parser ---------------------------------
poc 01-quality/01-data-contracts-strict
"$double" compile --models models --contracts contracts >"$tmp/k.json" 2>/dev/null; check "compile with errors exits 1" 1 $?
check "contract diagnostics" "E010 E012 E013" "$(j "$tmp/k.json" '" ".join(x["code"] for x in d["diagnostics"])')"
check "only broken_metrics breaks" broken_metrics "$(j "$tmp/k.json" '" ".join(sorted({x["model"] for x in d["diagnostics"]}))')"
poc 06-developer-experience/01-lineage-column-level
"$double" lineage fct_revenue --models models --column total >"$tmp/lc.json" 2>/dev/null
check "column trace to the seed" "fct_revenue.total<-stg_orders.amount(aggregation: sum) stg_orders.amount<-raw_orders.amount(direct) raw_orders.amount<-seeds.orders.amount(direct)" \
  "$(j "$tmp/lc.json" '" ".join(e["target"]["model"] + "." + e["target"]["column"] + "<-" + e["source"]["model"] + "." + e["source"]["column"] + "(" + e["transform"] + ")" for e in d["trace"])')"
printf 'from raw_orders\nwhere amount > 10\nselect order_id, amount * 2 AS doubled\n' > models/stg_orders.rocky
"$double" lineage stg_orders --models models >"$tmp/lm.json" 2>/dev/null
check "lineage follows the edited model" "order_id:direct doubled:expression" "$(j "$tmp/lm.json" '" ".join(e["target"]["column"] + ":" + e["transform"] for e in d["edges"])')"
"$double" test --models models >"$tmp/t.json" 2>/dev/null
check "test over seeds: downstream of the edit fails" 1 "$(j "$tmp/t.json" 'd["failed"]')"

# --- different data, different outputs; live values change -----------------------
poc 02-performance/05-optimize-recommendations
"$duckdb" poc.duckdb < data/seed.sql >/dev/null
"$double" run --filter source=events >"$tmp/o1.json" 2>/dev/null
"$double" run --filter source=events >"$tmp/o2.json" 2>/dev/null
check "started_at is live" True "$(python3 -c 'import json,sys; a,b=[json.load(open(f)) for f in sys.argv[1:]]; print(a["materializations"][0]["started_at"] != b["materializations"][0]["started_at"])' "$tmp/o1.json" "$tmp/o2.json")"
check "optimize counts the runs" "insufficient history: 2 runs (need 5)" "$("$double" -c rocky.toml optimize 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["recommendations"][0]["reasoning"])')"

echo "double_behaviour: $passed passed, $failed failed"
((failed == 0))
