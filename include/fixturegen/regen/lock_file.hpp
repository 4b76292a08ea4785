#pragma once

// <output>/fixturegen.lock: what the last regen ran and wrote, so `status`
// can say which captures are stale without running a step, `--shard` can
// balance by duration, and a full regen knows which orphan files it wrote
// earlier (it removes only those). JSON, keys in a fixed order, POCs in plan
// order: the same regen writes the same bytes.

#include <fixturegen/core/error.hpp>
#include <fixturegen/normalize/rules.hpp>
#include <fixturegen/regen/capture_plan.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace fixturegen::regen {

// What `regen --pending` captured for a file and left beside it as
// FILE.new (docs/diff.md): `accept` makes it the capture's record, `reject`
// drops it.
struct PendingRecord {
  std::size_t step = 0;
  std::string command;
  int exit_code = 0;
  std::string sha256;        // of the FILE.new bytes
};

struct LockedCapture {
  std::string file;          // relative to the output dir: "partition/compile.json"
  // The committed capture; sha256 is empty when there is none yet (a new
  // capture that exists only as FILE.new).
  std::size_t step = 0;
  std::string command;       // as shell_quote writes it, engine named as configured
  int exit_code = 0;
  std::string sha256;        // of the bytes written
  std::optional<PendingRecord> pending = std::nullopt;  // initialized: aggregate inits of the five fields above stay warning-free

  bool committed() const { return !sha256.empty(); }
};

// The run of a POC that wrote its pending captures: its inputs become the
// POC's own when the last of them is accepted. A reject drops it (the
// corpus then deliberately differs from what those inputs make, so the POC
// stays stale).
struct PendingRun {
  std::string input_digest;
  std::string engine_version;
  std::string rules_digest;
  std::int64_t duration_ms = 0;
};

struct LockedPoc {
  std::string name;          // as in fixturegen.toml
  std::string input_digest;  // poc_input_digest
  // Per POC, since a filtered regen (--poc, --shard) recaptures only some:
  std::string engine_version;  // the first line of `ENGINE --version`
  std::string rules_digest;    // rules_digest
  std::int64_t duration_ms = 0;
  std::vector<LockedCapture> captures;
  std::optional<PendingRun> pending = std::nullopt;

  LockedCapture* find(std::string_view file);
  const LockedCapture* find(std::string_view file) const;
};

struct LockFile {
  std::string engine;          // as configured or given (--engine, ROCKY_BIN), not machine-absolute
  std::vector<LockedPoc> pocs;
  // Files an earlier regen wrote that no step produces any more and that are
  // still there (a filtered regen never removes them): the next full regen may.
  std::vector<std::string> earlier_files;

  const LockedPoc* find(std::string_view poc) const;
  // The POC whose entry lists `file` (committed or pending), or nullptr.
  LockedPoc* poc_of(std::string_view file);
  // Every committed capture file the POC entries list, sorted.
  std::vector<std::string> files() const;
  // Every capture file with a pending record (FILE.new), sorted.
  std::vector<std::string> pending_files() const;
  // files() and earlier_files: everything regen knows it wrote, sorted.
  std::vector<std::string> written_files() const;
};

inline constexpr std::string_view kLockFileName = "fixturegen.lock";

std::string render_lock(const LockFile& lock);
// `source` names the file in messages.
Expected<LockFile> parse_lock(std::string_view text, std::string_view source);
// nullopt when the file does not exist.
Expected<std::optional<LockFile>> load_lock(const std::filesystem::path& file);

// A new lock keeps a POC's old duration unless the new one moved by more than
// half and by a second or more: durations jitter, and a lock that changed on every run would never be
// clean in git.
std::int64_t settled_duration(std::int64_t old_ms, std::int64_t new_ms);

// sha256 over a POC's input files: every file under its folder except the
// `clean` ones, by sorted relative path, each as path, size and bytes
// (a symlink as its target text).
Expected<std::string> poc_input_digest(const PocPlan& plan);

// sha256 over every setting of the normalizer rules.
std::string rules_digest(const normalize::NormalizeRules& rules);

}  // namespace fixturegen::regen
