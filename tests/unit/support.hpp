#pragma once

// Helpers shared by the unit tests: reaching ../shared data through
// environment variables, and scratch directories.

#include <filesystem>
#include <optional>
#include <string>

namespace fixturegen::test {

// The directory named by environment variable `var`:
// - unset: nullopt, and a WARN naming the variable (the caller returns: skip);
// - set but missing: a test FAILURE (CI sets it; a missing copy is a bug);
// - set and present: the path.
std::optional<std::filesystem::path> shared_data(const char* var);

// The project's source tree (scenarios/, tests/data/): FIXTUREGEN_SOURCE_DIR
// when CTest sets it, else the path CMake compiled in, so the test binary
// also runs by hand from any directory.
std::filesystem::path source_dir();

// Shorthands for the two data sets .ci/run points at.
std::optional<std::filesystem::path> rocky_reference();     // FIXTUREGEN_ROCKY_REFERENCE
std::optional<std::filesystem::path> schema_test_suite();   // FIXTUREGEN_JSON_SCHEMA_TEST_SUITE

// A fresh directory under the system temp dir, removed when the test that
// made it passed and kept (its path printed) when it failed.
class ScratchDir {
public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }

private:
  std::filesystem::path m_path;
};

std::string read_text(const std::filesystem::path& path);
void write_text(const std::filesystem::path& path, const std::string& text);

}  // namespace fixturegen::test
