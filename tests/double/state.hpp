// rocky-double (test double of the Rocky engine): the state store. The real
// engine keeps a redb database named .rocky-state.redb next to its config
// (and models/.rocky-state.redb for model runs); the double keeps a JSON
// document under the same names, so a runner that does not sandbox leaves
// the same traces. Written atomically (temp file + rename).
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace rocky_double {

constexpr int kStateSchemaVersion = 22;
constexpr const char* kStateFileName = ".rocky-state.redb";

class StateStore {
 public:
  explicit StateStore(std::filesystem::path file);
  bool exists_on_disk() const { return m_on_disk; }
  const std::filesystem::path& file() const { return m_file; }
  // The document: {"schema_version", "watermarks": {table: {last_value,
  // updated_at}}, "runs": [...], "row_counts": {table: [n, ...]},
  // "plans": {id: {...}}, "quality": {table: [...]}}.
  nlohmann::ordered_json& data() { return m_data; }
  const nlohmann::ordered_json& data() const { return m_data; }
  void save();  // throws EngineError

 private:
  std::filesystem::path m_file;
  nlohmann::ordered_json m_data;
  bool m_on_disk = false;
};

}  // namespace rocky_double
