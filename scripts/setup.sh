#!/usr/bin/env bash
# Installs everything fixturegen needs on a Debian 12 machine, as root.
# Idempotent: a second run only checks that everything is there.
set -euo pipefail

apt_packages=(
  build-essential g++ cmake ninja-build pkg-config git ca-certificates
  libcli11-dev nlohmann-json3-dev libfmt-dev libspdlog-dev catch2
  libpcre2-dev libtomlplusplus-dev libxxhash-dev
  python3 nodejs npm
  clang-14 libclang-rt-14-dev jq  # the libFuzzer targets (`just fuzz`), their seed corpora
)

need_apt=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$p")
done
# nodejs/npm may come from elsewhere (nvm, a newer image); accept any working node.
if command -v node >/dev/null && command -v npm >/dev/null; then
  need_apt=("${need_apt[@]/nodejs}"); need_apt=("${need_apt[@]/npm}")
fi
need=()
for p in "${need_apt[@]}"; do [[ -n "$p" ]] && need+=("$p"); done

if ((${#need[@]})); then
  echo "setup: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# just is not packaged for Debian 12. The rust-just wrapper needs Node 20; the
# platform package carries the binary itself and works on Node 18 and 20.
if ! command -v just >/dev/null; then
  echo "setup: installing just from npm (rust-just-linux-x64)" >&2
  if ! log=$(npm install -g rust-just-linux-x64 2>&1); then
    echo "$log" >&2
    echo "setup: npm could not install just (above); a proxy with its own CA needs NODE_EXTRA_CA_CERTS" >&2
    exit 1
  fi
  prefix=$(npm prefix -g)
  ln -sf "$prefix/lib/node_modules/rust-just-linux-x64/bin/just" /usr/local/bin/just
fi
just --version >&2

# DuckDB's C library for the test tree only (the engine double and the small
# `duckdb` CLI under tests/; the fixturegen binary never links it). Not
# packaged for Debian 12: libduckdb.so comes from the npm package
# @duckdb/node-bindings-linux-x64 and duckdb.h from the source tree in the
# npm package duckdb, both pinned to one DuckDB version. `npm pack` fetches
# the tarballs without running their install scripts. CMake looks here
# (cmake/FindDuckDB.cmake; FIXTUREGEN_DUCKDB_DIR overrides).
duckdb_version=1.4.4
duckdb_bindings=@duckdb/node-bindings-linux-x64@1.4.4-r.4
duckdb_source=duckdb@1.4.4
duckdb_dir=${FIXTUREGEN_DUCKDB_DIR:-/opt/fixturegen-duckdb/$duckdb_version}
if [[ ! -f $duckdb_dir/lib/libduckdb.so || ! -f $duckdb_dir/include/duckdb.h ]]; then
  echo "setup: installing DuckDB $duckdb_version (C library and header) into $duckdb_dir" >&2
  work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
  for pkg in "$duckdb_bindings" "$duckdb_source"; do
    if ! log=$(cd "$work" && npm pack --silent "$pkg" 2>&1); then
      echo "$log" >&2
      echo "setup: npm could not fetch $pkg (above); a proxy with its own CA needs NODE_EXTRA_CA_CERTS" >&2
      exit 1
    fi
  done
  mkdir -p "$work/bindings" "$work/source" "$duckdb_dir/lib" "$duckdb_dir/include"
  tar -xzf "$work"/duckdb-node-bindings-linux-x64-*.tgz -C "$work/bindings"
  tar -xzf "$work"/duckdb-"$duckdb_version".tgz -C "$work/source" package/src/duckdb/src/include/duckdb.h
  install -m 0644 "$work/bindings/package/libduckdb.so" "$duckdb_dir/lib/libduckdb.so"
  install -m 0644 "$work/source/package/src/duckdb/src/include/duckdb.h" "$duckdb_dir/include/duckdb.h"
  echo "$duckdb_bindings $duckdb_source" > "$duckdb_dir/VERSION"
fi
echo "DuckDB $duckdb_version: $duckdb_dir" >&2
