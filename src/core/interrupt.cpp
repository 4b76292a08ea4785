#include <fixturegen/core/interrupt.hpp>

#include <atomic>
#include <cerrno>
#include <csignal>

#include <fcntl.h>
#include <unistd.h>

namespace fixturegen {
namespace {

// Lock-free atomics are async-signal-safe; worker threads read them too.
std::atomic<int> g_signal{0};
std::atomic<int> g_read_fd{-1};
std::atomic<int> g_write_fd{-1};
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void on_interrupt(int signal) {
  const int saved_errno = errno;
  int expected = 0;
  if (g_signal.compare_exchange_strong(expected, signal)) {
    // The self-pipe trick: one byte, never read, keeps the read end readable
    // so every poller on every thread wakes and sees the interrupt.
    const int fd = g_write_fd.load();
    if (fd >= 0) {
      [[maybe_unused]] const ssize_t n = ::write(fd, "!", 1);
    }
  }
  errno = saved_errno;
}

}  // namespace

void install_interrupt_handler() {
  if (g_read_fd.load() < 0) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0) {
      g_write_fd.store(fds[1]);
      g_read_fd.store(fds[0]);
    }
    // Without a pipe the flag and EINTR still work; only cross-thread
    // wake-ups are lost, and pollers fall back to their timeouts.
  }
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocked read returns EINTR
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

bool interrupted() { return g_signal.load() != 0; }

int interrupt_signal() { return g_signal.load(); }

int interrupt_fd() { return g_read_fd.load(); }

}  // namespace fixturegen
