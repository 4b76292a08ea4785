#pragma once

// What kind of run-dependent value a field holds, judged from the values
// `fixturegen stability` saw there (and the key that holds them). The class
// picks the rule to propose: a wall-clock time becomes a wall_clock key, a
// run id a sentinel, a duration a zero. Pure: strings in, a class out.

#include <string>
#include <string_view>
#include <vector>

namespace fixturegen::stability {

enum class ValueClass {
  Timestamp,   // ISO-8601 date and time: 2026-11-29T01:35:21.123456Z
  Date,        // ISO-8601 date: 2026-11-29
  Duration,    // a number that moves between runs (elapsed time, a rate)
  Uuid,        // 8-4-4-4-12 hex digits
  RunId,       // prefix-YYYYMMDD-HHMMSS-NNN: run-20261129-013521-123
  Semver,      // 1.74.0, v0.1.0-rc.1+g1234abc
  HexDigest,   // 7+ hex digits with a letter, or 32+: git commits, sha256
  HostName,    // this machine's host name, or a host-like value under a *host* key
  TempPath,    // a path under a temp or sandbox directory
  ArrayOrder,  // an array whose elements are the same, in another order
  KeyOrder,    // an object whose members are the same, in another order (no rule can fix it)
  Other,       // none of the above
};

// "timestamp", "date", "duration", "uuid", "run id", ...
std::string_view value_class_name(ValueClass value_class);

// What is known about the machine and the runs, beyond the values.
struct ClassifyContext {
  std::vector<std::string> host_names;  // gethostname() of this machine
  std::vector<std::string> temp_roots;  // the sandbox parents of the runs, $TMPDIR, /tmp
  std::vector<std::string> engine_versions;  // version numbers in `ENGINE --version` ("0.1.0")
};

// One scalar string (as its text, not JSON), under `key` ("" for an array
// element or the root).
ValueClass classify_string(std::string_view text, std::string_view key, const ClassifyContext& context);

bool is_iso_timestamp(std::string_view text);
bool is_iso_date(std::string_view text);
bool is_uuid(std::string_view text);
// prefix-YYYYMMDD-HHMMSS-NNN; the prefix is a letter then letters, digits or '_'.
bool is_run_id(std::string_view text);
bool is_semver(std::string_view text);
bool is_hex_digest(std::string_view text);
// The version numbers (semver-like words) in `ENGINE --version` output.
std::vector<std::string> version_numbers_in(std::string_view text);
// The `prefix` of a run id ("run" for run-20261129-013521-123), or "".
std::string run_id_prefix(std::string_view text);

}  // namespace fixturegen::stability
