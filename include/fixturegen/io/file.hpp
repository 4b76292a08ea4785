#pragma once

#include <fixturegen/core/error.hpp>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fixturegen::io {

// Reads a whole file. Errors name the path and the OS reason.
Expected<std::string> read_file(const std::filesystem::path& path);

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

// A batch of file replacements and removals that become visible together, at
// commit(): each file holds either its old bytes or all the new ones, never a
// mix, and nothing changes before commit().
//
// stage() writes a temp file beside its target (same directory, so the
// rename cannot cross file systems); commit() renames each over its target
// (no fsync: see file.cpp) and removes the files staged for removal. An
// existing file's mode is kept. A file whose bytes are already there is not
// touched at all (its mtime stays, so build tools and git stay quiet). Temp
// files not committed are removed on destruction, so an error or an interrupt
// before commit() changes nothing.
class StagedWrites {
public:
  StagedWrites() = default;
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
  // are still made. The batch is empty afterwards.
  CommitReport commit();

  // Paths staged so far that commit() would change (writes and removals).
  std::size_t staged() const;

private:
  struct Entry {
    std::filesystem::path path;  // as given
    std::filesystem::path temp;  // empty for a removal or an unchanged file
    FileAction action = FileAction::Unchanged;  // what commit() will do
  };
  std::vector<Entry> m_entries;
};

// One file through StagedWrites. Returns whether the file changed.
Expected<bool> write_file_atomic(const std::filesystem::path& path, std::string_view content);

// Every regular *.json file under `root`, sorted by path so runs are stable;
// `root` itself when it is a file.
Expected<std::vector<std::filesystem::path>> list_json_files(const std::filesystem::path& root);

}  // namespace fixturegen::io
