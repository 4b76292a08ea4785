#pragma once

// One regen per output dir at a time: two would interleave their writes and
// lock files. flock(2) on the output directory itself (no lock file left
// behind to commit or clean up; the kernel drops it when the process dies).
// A regen takes it exclusively; --check and status share it.

#include <fixturegen/core/error.hpp>

#include <filesystem>

namespace fixturegen::regen {

class RunLock {
public:
  // Fails at once (Config error saying who holds it) when another regen
  // holds the output dir; never waits.
  static Expected<RunLock> acquire(const std::filesystem::path& output_dir, bool exclusive);
  RunLock(RunLock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
  RunLock& operator=(RunLock&&) = delete;
  RunLock(const RunLock&) = delete;
  ~RunLock();

private:
  explicit RunLock(int fd) : m_fd(fd) {}
  int m_fd = -1;
};

}  // namespace fixturegen::regen
