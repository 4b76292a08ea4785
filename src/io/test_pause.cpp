#include <fixturegen/core/log.hpp>
#include <fixturegen/io/file.hpp>
#include <fixturegen/io/test_pause.hpp>

#include <cstdlib>
#include <string>

namespace fixturegen::io {

Expected<void> test_pause(std::string_view point) {
  const char* setting = std::getenv(kTestPauseVariable);
  if (setting == nullptr) return {};
  const std::string_view value(setting);
  const std::size_t colon = value.find(':');
  if (colon == std::string_view::npos || value.substr(0, colon) != point) return {};
  const std::string fifo(value.substr(colon + 1));
  log::detail("{}: pausing at {} until {} is closed", kTestPauseVariable, point, fifo);
  // read_file waits in poll() on the FIFO and on the interrupt pipe.
  Expected<std::string> read = read_file(fifo);
  if (!read) return std::move(read).error();
  return {};
}

}  // namespace fixturegen::io
