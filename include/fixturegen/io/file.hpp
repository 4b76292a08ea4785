#pragma once

#include <fixturegen/core/error.hpp>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace fixturegen::io {

// Reads a whole file. Errors name the path and the OS reason.
Expected<std::string> read_file(const std::filesystem::path& path);

// A batch of file replacements that become visible together, at commit():
// each file holds either its old bytes or all the new ones, never a mix.
// stage() writes a temp file beside its target (same directory, so the
// rename cannot cross file systems); commit() renames each over its target
// (no fsync: see file.cpp). An existing file's mode is kept. A file whose bytes are
// already there is not touched at all (its mtime stays, so build tools and
// git stay quiet). Temp files not committed are removed on destruction, so
// an error or an interrupt before commit() changes nothing.
class StagedWrites {
public:
  StagedWrites() = default;
  ~StagedWrites();
  StagedWrites(const StagedWrites&) = delete;
  StagedWrites& operator=(const StagedWrites&) = delete;

  // Returns whether `path` will change (false: same bytes, nothing staged).
  Expected<bool> stage(const std::filesystem::path& path, std::string_view content);
  // Makes every staged file visible; returns how many were replaced. On a
  // rename failure the files renamed before it stay replaced (each one whole).
  Expected<std::size_t> commit();
  std::size_t staged() const { return m_staged.size(); }

private:
  struct Staged {
    std::filesystem::path temp;
    std::filesystem::path target;
  };
  std::vector<Staged> m_staged;
};

// One file through StagedWrites. Returns whether the file changed.
Expected<bool> write_file_atomic(const std::filesystem::path& path, std::string_view content);

// Every regular *.json file under `root`, sorted by path so runs are stable;
// `root` itself when it is a file.
Expected<std::vector<std::filesystem::path>> list_json_files(const std::filesystem::path& root);

}  // namespace fixturegen::io
