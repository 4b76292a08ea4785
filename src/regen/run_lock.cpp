#include <fixturegen/regen/run_lock.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace fixturegen::regen {

Expected<RunLock> RunLock::acquire(const std::filesystem::path& output_dir, bool exclusive) {
  const int fd = ::open(output_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Error::io(fmt::format("{}: cannot open the output dir: {}", output_dir.string(), std::strerror(errno)));
  while (::flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    const int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK) {
      return Error::config(fmt::format("{}: another fixturegen regen is running on this output dir", output_dir.string()),
                           "wait for it to finish (or stop it) and run again; two at once would mix their fixtures");
    }
    return Error::io(fmt::format("{}: cannot lock the output dir: {}", output_dir.string(), std::strerror(error)));
  }
  return RunLock(fd);
}

RunLock::~RunLock() {
  if (m_fd >= 0) ::close(m_fd);
}

}  // namespace fixturegen::regen
