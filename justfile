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

# The main job (see `main`).
default: main

# Configure and build everything (library, binary, tests, benchmarks).
build:
    cmake -S . -B {{build_dir}} -G Ninja -DFIXTUREGEN_WERROR={{werror}} > /dev/null
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
    cmake -S . -B {{asan_dir}} -G Ninja -DFIXTUREGEN_WERROR={{werror}} -DFIXTUREGEN_STATIC=OFF \
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

# Both always run; the exit status says whether any target was missed.
# Benchmarks against the peers in ../shared/docs/peers.md (prints ratios).
bench: build
    #!/usr/bin/env bash
    set -uo pipefail
    status=0
    bash bench/normalize_bench.sh || status=1
    bash bench/validate_bench.sh || status=1
    bash bench/regen_bench.sh || status=1
    exit $status
