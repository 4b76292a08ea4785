#pragma once

#include <fixturegen/core/error.hpp>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace fixturegen::io {

// Reads a whole file. Errors name the path and the OS reason.
Expected<std::string> read_file(const std::filesystem::path& path);

// Writes `content` so that `path` holds either its old bytes or all the new
// ones, never a mix: a temp file in the same directory, fsync, rename. An
// existing file's mode is kept. When the bytes are already there the file is
// not touched at all (its mtime stays, so build tools and git stay quiet).
// Returns whether the file changed.
Expected<bool> write_file_atomic(const std::filesystem::path& path, std::string_view content);

// Every regular *.json file under `root`, sorted by path so runs are stable;
// `root` itself when it is a file.
Expected<std::vector<std::filesystem::path>> list_json_files(const std::filesystem::path& root);

}  // namespace fixturegen::io
