# fixturegen's recipes. `just --list` shows them; the README's quick start
# uses `just main` and `just test` after scripts/setup.sh.

set shell := ["bash", "-euo", "pipefail", "-c"]

build_dir := env_var_or_default("FIXTUREGEN_BUILD_DIR", "build")
werror := env_var_or_default("FIXTUREGEN_WERROR", "OFF")
asan_dir := env_var_or_default("FIXTUREGEN_ASAN_BUILD_DIR", "build-asan")
fuzz_dir := env_var_or_default("FIXTUREGEN_FUZZ_BUILD_DIR", "build-fuzz")
fixturegen := build_dir / "fixturegen"
# Read-only reference data beside the checkout (CI has a copy); tests that need
# it are skipped, saying so, when it is absent.
shared := justfile_directory() / ".." / "shared"
# ccache when the machine has it (a rebuild after a branch switch then takes seconds); not required.
launcher := if `command -v ccache || true` == "" { "" } else { "-DCMAKE_CXX_COMPILER_LAUNCHER=ccache" }

# The main job (see `main`).
default: main

# Configure and build everything (library, binary, tests, benchmarks).
build:
    cmake -S . -B {{build_dir}} -G Ninja {{launcher}} -DFIXTUREGEN_WERROR={{werror}} > /dev/null
    cmake --build {{build_dir}}

# The main job: schemas current, `regen` captures every POC with the engine
# double (or the real engine when ROCKY_BIN is set), `validate` checks them.
main: regen
    {{fixturegen}} schemas --check
    {{fixturegen}} validate

# Run the capture plan (fixturegen.toml): the engine double unless ROCKY_BIN
# names a real rocky; ARGS go to `fixturegen regen` (--poc, -j, --check, ...).
regen *ARGS: build
    #!/usr/bin/env bash
    set -euo pipefail
    engine=()
    if [[ -z "${ROCKY_BIN:-}" ]]; then engine=(--engine "{{build_dir}}/tests/double/rocky-double"); fi
    {{fixturegen}} regen "${engine[@]}" --tool "duckdb={{build_dir}}/tests/duckdb_cli/duckdb" {{ARGS}}

# The CI drift gate: capture again and compare with the committed corpus.
regen-check *ARGS: (regen "--check" ARGS)

# Capture twice (ARGS: --runs N, --poc GLOB, --rules FILE, --format json) in
# varied environments and propose rules for the fields that moved
# (docs/stability.md); writes nothing into fixtures_generated/.
stability *ARGS: build
    #!/usr/bin/env bash
    set -euo pipefail
    engine=()
    if [[ -z "${ROCKY_BIN:-}" ]]; then engine=(--engine "{{build_dir}}/tests/double/rocky-double"); fi
    {{fixturegen}} stability "${engine[@]}" --tool "duckdb={{build_dir}}/tests/duckdb_cli/duckdb" {{ARGS}}

# Which captures are stale since the last regen (runs no step).
status: build
    #!/usr/bin/env bash
    set -euo pipefail
    engine=()
    if [[ -z "${ROCKY_BIN:-}" ]]; then engine=(--engine "{{build_dir}}/tests/double/rocky-double"); fi
    {{fixturegen}} status "${engine[@]}"

# Every test on the normal build and under ASan+UBSan, then 20 s per fuzz target (what CI runs).
test: check test-sanitize (fuzz "20")

# Every test on the normal build (the quick loop while developing).
check: build (_ctest build_dir)

# Every test built with -fsanitize=address,undefined and -D_GLIBCXX_ASSERTIONS.
test-sanitize: build-sanitize (_ctest asan_dir)

# The sanitizer build in build-asan: dynamic (ASan cannot be static-pie), Debug, no benchmarks.
build-sanitize:
    cmake -S . -B {{asan_dir}} -G Ninja {{launcher}} -DFIXTUREGEN_WERROR={{werror}} -DFIXTUREGEN_STATIC=OFF \
      -DFIXTUREGEN_BENCH=OFF -DCMAKE_BUILD_TYPE=Debug \
      -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -D_GLIBCXX_ASSERTIONS" > /dev/null
    cmake --build {{asan_dir}}

# CTest in DIR, pointed at ../shared when present; a sanitizer report fails the test.
_ctest dir:
    #!/usr/bin/env bash
    set -euo pipefail
    if [[ -z "${FIXTUREGEN_ROCKY_REFERENCE:-}" && -d "{{shared}}/rocky-reference" ]]; then
      export FIXTUREGEN_ROCKY_REFERENCE="{{shared}}/rocky-reference"
    fi
    if [[ -z "${FIXTUREGEN_JSON_SCHEMA_TEST_SUITE:-}" && -d "{{shared}}/json-schema-test-suite" ]]; then
      export FIXTUREGEN_JSON_SCHEMA_TEST_SUITE="{{shared}}/json-schema-test-suite"
    fi
    echo "reference data: ${FIXTUREGEN_ROCKY_REFERENCE:-<not set: those tests are skipped>}" >&2
    echo "schema test suite: ${FIXTUREGEN_JSON_SCHEMA_TEST_SUITE:-<not set: that test is skipped>}" >&2
    # Read only by the sanitizer build's binaries. Tests check that an allocation too big
    # for the machine is reported (bad_alloc), so ASan must fail it, not abort.
    export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:allocator_may_return_null=1
    export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
    ctest --test-dir {{dir}} --output-on-failure -j 2

# A finding fails the run; docs/reliability.md says what to do with it.
# Each libFuzzer target (or only TARGETS) for SECONDS, built in build-fuzz.
fuzz SECONDS="60" *TARGETS: build-fuzz
    #!/usr/bin/env bash
    set -euo pipefail
    if [[ -z "${FIXTUREGEN_ROCKY_REFERENCE:-}" && -d "{{shared}}/rocky-reference" ]]; then
      export FIXTUREGEN_ROCKY_REFERENCE="{{shared}}/rocky-reference"
    fi
    if [[ -z "${FIXTUREGEN_JSON_SCHEMA_TEST_SUITE:-}" && -d "{{shared}}/json-schema-test-suite" ]]; then
      export FIXTUREGEN_JSON_SCHEMA_TEST_SUITE="{{shared}}/json-schema-test-suite"
    fi
    bash fuzz/run.sh {{SECONDS}} {{fuzz_dir}} "{{justfile_directory()}}" {{TARGETS}}

# The fuzz build in build-fuzz: clang 14, ASan+UBSan, libFuzzer (no tests, no benchmarks).
build-fuzz:
    cmake -S . -B {{fuzz_dir}} -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DFIXTUREGEN_FUZZ=ON \
      -DFIXTUREGEN_WERROR={{werror}} -DFIXTUREGEN_STATIC=OFF -DFIXTUREGEN_TESTS=OFF -DFIXTUREGEN_BENCH=OFF > /dev/null
    cmake --build {{fuzz_dir}}

# Compile scenarios/ into schemas/ (commit the result).
schemas: build
    {{fixturegen}} schemas

# Check captures (default: fixtures_generated/) against the compiled schemas.
validate *ARGS: build
    {{fixturegen}} validate {{ARGS}}

# Compare scenarios/ with the engine's published schemas (docs/compare.md).
compare DIR=(shared / "rocky-reference" / "schemas") *ARGS: build
    {{fixturegen}} schemas --compare {{DIR}} {{ARGS}}

# Normalize capture files in place with the default profile.
normalize +FILES: build
    {{fixturegen}} normalize --in-place {{FILES}}

# Every benchmark under bench/ against the peers of ../shared/docs/peers.md:
# ONE markdown table on stdout (details on stderr); exit 1 when a target is
# missed. `just bench validate` runs only that one.
bench *WHICH: build
    FIXTUREGEN_BINARY={{fixturegen}} bash bench/report.sh {{WHICH}}

# How cost grows with the work (docs/performance.md): normalize 1/10/100 MB,
# validate 40/1,000/10,000 captures, regen 1/4/9 POCs at -j 1 and -j 2.
bench-scaling: build
    FIXTUREGEN_BINARY={{fixturegen}} bash bench/scaling.sh
