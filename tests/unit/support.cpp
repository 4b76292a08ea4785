#include "support.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

namespace fixturegen::test {

namespace fs = std::filesystem;

std::optional<fs::path> shared_data(const char* var) {
  const char* value = std::getenv(var);
  if (value == nullptr || *value == '\0') {
    WARN("skipped: " << var << " is not set (.ci/run sets it to ../shared/...)");
    return std::nullopt;
  }
  const fs::path path(value);
  if (!fs::is_directory(path)) {
    FAIL(var << " is set to " << path << ", which is not a directory");
  }
  return path;
}

fs::path source_dir() {
  if (const char* dir = std::getenv("FIXTUREGEN_SOURCE_DIR"); dir != nullptr && *dir != '\0') return fs::path(dir);
  return fs::path(FIXTUREGEN_SOURCE_DIR_DEFAULT);
}

std::optional<fs::path> rocky_reference() { return shared_data("FIXTUREGEN_ROCKY_REFERENCE"); }
std::optional<fs::path> schema_test_suite() { return shared_data("FIXTUREGEN_JSON_SCHEMA_TEST_SUITE"); }

ScratchDir::ScratchDir() {
  std::random_device seed;
  m_path = fs::temp_directory_path() / ("fixturegen-test-" + std::to_string(seed()));
  fs::create_directories(m_path);
}

ScratchDir::~ScratchDir() {
  // Catch2 2.x exposes no per-test result here; keep the directory when an
  // exception is unwinding (a failed REQUIRE), remove it otherwise.
  if (std::uncaught_exceptions() > 0) {
    std::fprintf(stderr, "test scratch directory kept: %s\n", m_path.c_str());
    return;
  }
  std::error_code ec;
  fs::remove_all(m_path, ec);
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

}  // namespace fixturegen::test
