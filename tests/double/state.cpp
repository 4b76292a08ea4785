#include "state.hpp"

#include "database.hpp"

#include <fstream>
#include <sstream>
#include <unistd.h>

namespace rocky_double {

StateStore::StateStore(std::filesystem::path file) : m_file(std::move(file)) {
  m_data = nlohmann::ordered_json::object();
  std::ifstream in(m_file, std::ios::binary);
  if (in) {
    std::ostringstream text;
    text << in.rdbuf();
    m_data = nlohmann::ordered_json::parse(text.str(), nullptr, false);
    if (m_data.is_discarded() || !m_data.is_object())
      throw EngineError("state store " + m_file.string() + " is corrupt (delete it to start over)");
    m_on_disk = true;
  }
  m_data["schema_version"] = kStateSchemaVersion;
  for (const char* key : {"watermarks", "row_counts", "plans", "quality"})
    if (!m_data.contains(key)) m_data[key] = nlohmann::ordered_json::object();
  if (!m_data.contains("runs")) m_data["runs"] = nlohmann::ordered_json::array();
}

void StateStore::save() {
  if (m_file.has_parent_path()) std::filesystem::create_directories(m_file.parent_path());
  const std::filesystem::path temp = m_file.string() + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << m_data.dump(1) << '\n';
    if (!out.flush()) throw EngineError("cannot write state store " + temp.string());
  }
  std::error_code error;
  std::filesystem::rename(temp, m_file, error);
  if (error) {
    std::filesystem::remove(temp, error);
    throw EngineError("cannot replace state store " + m_file.string());
  }
  m_on_disk = true;
}

}  // namespace rocky_double
