# FindDuckDB: DuckDB's C library, for the test tree only (the engine double
# and the small duckdb CLI under tests/). scripts/setup.sh installs it into
# /opt/fixturegen-duckdb/<version>; FIXTUREGEN_DUCKDB_DIR (cache variable or
# environment) points elsewhere. Defines DuckDB_FOUND and the imported target
# DuckDB::DuckDB (a shared library: users set an rpath to its directory).
set(FIXTUREGEN_DUCKDB_VERSION_PINNED 1.4.4)
# An explicit directory is the only place looked at: a wrong one must not
# silently fall back to another DuckDB.
if(FIXTUREGEN_DUCKDB_DIR)
  set(_duckdb_hints "${FIXTUREGEN_DUCKDB_DIR}")
elseif(DEFINED ENV{FIXTUREGEN_DUCKDB_DIR})
  set(_duckdb_hints "$ENV{FIXTUREGEN_DUCKDB_DIR}")
else()
  set(_duckdb_hints "/opt/fixturegen-duckdb/${FIXTUREGEN_DUCKDB_VERSION_PINNED}")
endif()

find_path(DuckDB_INCLUDE_DIR duckdb.h HINTS ${_duckdb_hints} PATH_SUFFIXES include NO_DEFAULT_PATH)
find_library(DuckDB_LIBRARY NAMES duckdb HINTS ${_duckdb_hints} PATH_SUFFIXES lib NO_DEFAULT_PATH)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(DuckDB REQUIRED_VARS DuckDB_LIBRARY DuckDB_INCLUDE_DIR)

if(DuckDB_FOUND AND NOT TARGET DuckDB::DuckDB)
  add_library(DuckDB::DuckDB SHARED IMPORTED)
  set_target_properties(DuckDB::DuckDB PROPERTIES
    IMPORTED_LOCATION "${DuckDB_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${DuckDB_INCLUDE_DIR}")
  get_filename_component(DuckDB_LIBRARY_DIR "${DuckDB_LIBRARY}" DIRECTORY)
endif()
mark_as_advanced(DuckDB_INCLUDE_DIR DuckDB_LIBRARY)
