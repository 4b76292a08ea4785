#pragma once

#include <fixturegen/core/error.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fixturegen::io {

// The most read_file() takes from an input of unknown size (a pipe, a FIFO,
// standard input) before it refuses it: an endless producer must end in an
// error, not in the OOM killer.
inline constexpr std::uint64_t kMaxStreamBytes = std::uint64_t{4} << 30;  // 4 GiB

// Reads a whole file: a regular file, or a pipe or FIFO until its writer
// closes it (up to `max_stream_bytes`). A character or block device
// (/dev/zero, a terminal) is refused; /dev/null reads as empty. Waiting on a pipe or FIFO ends with
// Error::interrupted() at SIGINT/SIGTERM (core/interrupt.hpp), even when the
// writer never comes. Errors name the path and the OS reason.
Expected<std::string> read_file(const std::filesystem::path& path, std::uint64_t max_stream_bytes = kMaxStreamBytes);

// read_file() for a path a listing (or a stat) has just named as a regular
// file (list_json_file_paths(); validate reads thousands), into `content`,
// reusing its storage (one buffer per thread): without read_file()'s stat
// before opening, which refuses a device before it is opened. What open()
// gave is checked as read_file() checks it. On error `content` holds
// nothing useful.
Expected<void> read_listed_file_into(const std::string& path, std::string& content);

// Reads standard input to its end, as read_file() reads a pipe (a terminal
// is allowed here: the user types and ends with Ctrl-D). Errors say <stdin>.
Expected<std::string> read_standard_input(std::uint64_t max_bytes = kMaxStreamBytes);

// What commit() did to one staged path.
enum class FileAction {
  Unchanged,  // stage(): the bytes were already there; stage_removal(): nothing to remove
  Written,    // created or replaced
  Removed,
  Failed,     // left as it was; see FileOutcome::error
};

struct FileOutcome {
  std::filesystem::path path;  // as given to stage() / stage_removal()
  FileAction action = FileAction::Unchanged;
  std::optional<Error> error;  // set when action == Failed
};

// Everything commit() did, one outcome per staged path in staging order.
// A failure does not stop the others: every other file is still committed.
struct CommitReport {
  std::vector<FileOutcome> files;

  std::size_t count(FileAction action) const;
  std::size_t written() const { return count(FileAction::Written); }
  std::size_t removed() const { return count(FileAction::Removed); }
  std::size_t failed() const { return count(FileAction::Failed); }
  bool ok() const { return failed() == 0; }
  // The failures' errors, in staging order (each names its file).
  std::vector<Error> errors() const;
};

// What commit() does after a change that fails.
enum class CommitPolicy {
  Everything,          // make every other change too (a regen: one bad file spoils no other)
  StopAtFirstFailure,  // leave the rest as it was (their outcome: Failed, "not attempted"),
                       // for batches whose later changes assume the earlier ones were made
};

// A batch of file replacements and removals that become visible together, at
// commit(): each file holds either its old bytes or all the new ones, never a
// mix, and nothing changes before commit().
//
// stage() writes a temp file beside its target (same directory, so the
// rename cannot cross file systems; when that directory does not exist yet,
// in its nearest existing ancestor); commit() creates missing directories,
// renames each temp over its target (no fsync: see file.cpp) and removes the
// files staged for removal. An existing file's mode, owner and group are kept
// (owner and group as far as chown(2) permits: all of it as root; a non-root
// user keeps the group when a member of it, and else the file becomes
// theirs). A symlink is written through: its target gets the new bytes
// (staged beside the target) and the link stays a link; stage_removal()
// removes the link itself. A hard link is broken (the name gets a new
// inode); ACLs and extended attributes are not copied. A file whose
// bytes are already there is not touched at all (its mtime stays, so build
// tools and git stay quiet). Temp files not committed are removed on
// destruction, so an error or an interrupt before commit() changes nothing
// and creates no directory.
//
// Temp files are named ".NAME.fixturegen-tmp.PID.XXXXXX" (is_staging_temp()).
// A run killed before commit() (kill -9) leaves them behind; the first
// stage() into a directory removes those whose process is gone. Ignore them
// in git with the pattern `.*.fixturegen-tmp.*`.
//
// One batch is used from one thread at a time; batches on several threads
// are fine (nothing process-wide, such as the umask, is ever changed).
class StagedWrites {
public:
  // Reads the umask once (see process_umask()): new files get 0666 minus it.
  StagedWrites();
  ~StagedWrites();
  StagedWrites(const StagedWrites&) = delete;
  StagedWrites& operator=(const StagedWrites&) = delete;

  // Stages new bytes for `path`. Returns whether `path` will change (false:
  // same bytes, nothing staged). An error (the temp file cannot be written,
  // the target is a directory) leaves `path` out of the batch.
  Expected<bool> stage(const std::filesystem::path& path, std::string_view content);
  // Stages the removal of `path`, done at commit(). Returns whether there is
  // anything to remove (false: `path` does not exist). A directory is refused.
  Expected<bool> stage_removal(const std::filesystem::path& path);

  // Makes every staged change visible: renames each temp over its target and
  // removes what was staged for removal, in staging order. A change that
  // fails (say, an immutable file) is reported in its outcome and the others
  // are still made, unless `policy` says to stop there. The batch is empty
  // afterwards.
  CommitReport commit(CommitPolicy policy = CommitPolicy::Everything);

  // Paths staged so far that commit() would change (writes and removals).
  std::size_t staged() const;
  // Temp files left by killed runs that stage() found and removed in the
  // directories it wrote to (see is_staging_temp()).
  std::size_t stale_temps_removed() const { return m_stale_temps_removed; }

private:
  struct Entry {
    std::filesystem::path path;    // as given
    std::filesystem::path target;  // what commit() replaces or removes
    std::filesystem::path temp;    // empty for a removal or an unchanged file
    FileAction action = FileAction::Unchanged;  // what commit() will do
  };
  std::vector<Entry> m_entries;
  std::vector<std::filesystem::path> m_swept_dirs;  // looked at for stale temps
  std::size_t m_stale_temps_removed = 0;
  unsigned m_umask = 022;
};

// Commits each batch in turn (regen stages one per POC: a failed file in one
// batch leaves the others committed). Every failed file becomes one line of an
// Io error: "N files could not be written or removed:" and the files; `hint`
// says what to do.
Expected<void> commit_each(const std::vector<std::unique_ptr<StagedWrites>>& batches, std::string hint);

// Whether `file_name` is the name of a StagedWrites temp file. Such files
// are hidden and never end in ".json": list_json_files() never lists one.
bool is_staging_temp(std::string_view file_name);

// The process's umask, read without setting it (/proc/self/status), so that
// no other thread ever sees it changed.
unsigned process_umask();

// One file through StagedWrites. Returns whether the file changed.
Expected<bool> write_file_atomic(const std::filesystem::path& path, std::string_view content);

// Every regular *.json file under `root`, sorted by path so runs are stable;
// `root` itself when it is a file.
Expected<std::vector<std::filesystem::path>> list_json_files(const std::filesystem::path& root);

// list_json_files() as strings, for validate, which reads thousands of files:
// nullopt when `root` does not exist (or cannot be looked up, as
// std::filesystem::exists()). Each path is `root` joined to the file's path
// below it as std::filesystem::path's operator/ joins them; a directory root
// costs no stat, and its files none either (their type comes from the
// directory listing).
Expected<std::optional<std::vector<std::string>>> list_json_file_paths(const std::string& root);

}  // namespace fixturegen::io
