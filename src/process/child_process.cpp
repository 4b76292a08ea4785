#include <fixturegen/process/child_process.hpp>

#include <fixturegen/core/interrupt.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <memory>
#include <string_view>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fixturegen::process {
namespace {

using Clock = std::chrono::steady_clock;

// How long a process group gets between SIGTERM and SIGKILL, and how long
// pipes still held open by something that escaped the group are read after
// the SIGKILL before they are abandoned.
constexpr auto kTerminateGrace = std::chrono::milliseconds(200);
constexpr auto kAbandonPipesAfter = std::chrono::milliseconds(1000);
// Without a pidfd (kernel < 5.3, or a seccomp filter that refuses it) the
// leader's exit is noticed by polling at this period instead.
constexpr auto kExitPollPeriod = std::chrono::milliseconds(10);
// What execvp searches when the environment has no PATH (glibc's _CS_PATH).
constexpr const char* kDefaultPath = "/bin:/usr/bin";
// Bytes read per read(): the pipes are enlarged to this when the kernel allows.
constexpr std::size_t kReadChunk = std::size_t{1} << 20;

std::string errno_text(int error) { return std::generic_category().message(error); }

// A file descriptor owned by one scope.
class UniqueFd {
public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : m_fd(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      reset();
      m_fd = std::exchange(other.m_fd, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return m_fd; }
  explicit operator bool() const { return m_fd >= 0; }
  void reset() {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
  }

private:
  int m_fd = -1;
};

struct Pipe {
  UniqueFd read_end;
  UniqueFd write_end;
};

// Close-on-exec on both ends: a child spawned by another thread at the same
// moment must not inherit them, or our reader would never see EOF.
Expected<Pipe> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    const int error = errno;
    return Error::io(fmt::format("cannot create a pipe: {}", errno_text(error)),
                     "too many open files? raise `ulimit -n` or lower -j");
  }
  Pipe pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
  // Fewer wake-ups for big outputs; the default 64 KiB is fine if refused.
  ::fcntl(pipe.read_end.get(), F_SETPIPE_SZ, static_cast<int>(kReadChunk));
  ::fcntl(pipe.read_end.get(), F_SETFL, ::fcntl(pipe.read_end.get(), F_GETFL) | O_NONBLOCK);
  return pipe;
}

// RAII for the spawn attribute objects.
struct SpawnFileActions {
  posix_spawn_file_actions_t actions;
  SpawnFileActions() { posix_spawn_file_actions_init(&actions); }
  ~SpawnFileActions() { posix_spawn_file_actions_destroy(&actions); }
  SpawnFileActions(const SpawnFileActions&) = delete;
  SpawnFileActions& operator=(const SpawnFileActions&) = delete;
};

struct SpawnAttributes {
  posix_spawnattr_t attributes;
  SpawnAttributes() { posix_spawnattr_init(&attributes); }
  ~SpawnAttributes() { posix_spawnattr_destroy(&attributes); }
  SpawnAttributes(const SpawnAttributes&) = delete;
  SpawnAttributes& operator=(const SpawnAttributes&) = delete;
};

// SIGINT and SIGTERM blocked in the calling thread while it waits on a
// child, as ninja's SubprocessSet does: they can then only arrive inside
// ppoll(), which unblocks them atomically, so a signal delivered to this
// thread between "check the flag" and "sleep" still ends the sleep. A signal
// delivered to another thread wakes this one through interrupt_fd().
class InterruptSignalsBlocked {
public:
  InterruptSignalsBlocked() {
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &m_previous);
  }
  ~InterruptSignalsBlocked() { pthread_sigmask(SIG_SETMASK, &m_previous, nullptr); }
  InterruptSignalsBlocked(const InterruptSignalsBlocked&) = delete;
  InterruptSignalsBlocked& operator=(const InterruptSignalsBlocked&) = delete;
  const sigset_t& previous() const { return m_previous; }

private:
  sigset_t m_previous;
};

// execvp (and so the child) sees the first PATH entry of a duplicated one.
std::optional<std::string> path_from_env(const std::vector<std::string>& env) {
  for (const std::string& entry : env) {
    if (entry.rfind("PATH=", 0) == 0) return entry.substr(5);
  }
  return std::nullopt;
}

bool is_executable_file(const std::filesystem::path& path, bool& exists_but_not_executable) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return false;
  if (!S_ISREG(info.st_mode) || ::access(path.c_str(), X_OK) != 0) {
    exists_but_not_executable = true;
    return false;
  }
  return true;
}

// One read from a non-blocking pipe: `got` bytes, then whether the pipe
// may have more later, is at EOF, or failed (`error` set).
enum class ReadOutcome { WouldBlock, Eof, Failed };

ReadOutcome read_available(int fd, char* chunk, std::size_t& got, int& error) {
  got = 0;
  for (;;) {
    const ssize_t n = ::read(fd, chunk, kReadChunk);
    if (n > 0) {
      got = static_cast<std::size_t>(n);
      return ReadOutcome::WouldBlock;
    }
    if (n == 0) return ReadOutcome::Eof;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return ReadOutcome::WouldBlock;
    error = errno;
    return ReadOutcome::Failed;
  }
}

// start + timeout, where a timeout beyond a century means none (and cannot
// overflow the clock).
Clock::time_point deadline_for(Clock::time_point start, std::chrono::milliseconds timeout) {
  constexpr auto kCentury = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::hours(24 * 365 * 100));
  if (timeout > kCentury) return Clock::time_point::max();
  return start + std::max(timeout, std::chrono::milliseconds::zero());
}

timespec to_timespec(Clock::duration duration) {
  if (duration < Clock::duration::zero()) duration = Clock::duration::zero();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(duration);
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(duration - seconds);
  timespec result{};
  result.tv_sec = static_cast<time_t>(seconds.count());
  result.tv_nsec = static_cast<long>(nanos.count());
  return result;
}

// Everything run_child tracks while the child runs.
class ChildWatch {
public:
  ChildWatch(const ChildSpec& spec, pid_t pid, UniqueFd stdout_fd, UniqueFd stderr_fd, Clock::time_point start,
             const InterruptSignalsBlocked& signals)
      : m_spec(spec), m_signals(signals), m_pid(pid), m_stdout(std::move(stdout_fd)),
        m_stderr(std::move(stderr_fd)), m_deadline(deadline_for(start, spec.timeout)),
        m_chunk(std::make_unique_for_overwrite<char[]>(kReadChunk)) {
    // The pid cannot be reused before we reap it, so opening the pidfd after
    // the spawn is race-free.
    // (Through syscall(): glibc 2.36's <sys/pidfd.h> lacks extern "C".)
    m_pidfd = UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, m_pid, 0)));
  }

  // Waits until the leader exited and the pipes are closed (or abandoned),
  // signalling the group as needed; reaps the leader. Error only when the
  // wait itself failed (the group is killed and the leader reaped then too).
  Expected<ChildResult> wait();

private:
  enum class Stop { None, Timeout, Overflow, Interrupt };

  void request_stop(Stop reason);
  void signal_group(int signal) {
    if (!m_leader_gone && !m_reaped) ::kill(-m_pid, signal);
  }
  bool leader_exited_now();
  void consume(bool is_stdout, const char* data, std::size_t size);
  Expected<void> drain(UniqueFd& fd, bool is_stdout);
  void kill_and_reap();
  int reap();

  const ChildSpec& m_spec;
  const InterruptSignalsBlocked& m_signals;
  pid_t m_pid;
  UniqueFd m_stdout;
  UniqueFd m_stderr;
  UniqueFd m_pidfd;
  Clock::time_point m_deadline;
  std::unique_ptr<char[]> m_chunk;  // not zero-filled: 1 MiB per child

  ChildResult m_result;
  Stop m_stop = Stop::None;
  bool m_leader_exited = false;
  bool m_leader_gone = false;  // reaped by someone else: its group id may be reused, never signal it
  bool m_reaped = false;
  std::optional<Clock::time_point> m_term_sent_at;
  std::optional<Clock::time_point> m_kill_sent_at;
};

void ChildWatch::request_stop(Stop reason) {
  if (m_stop != Stop::None) return;
  m_stop = reason;
  m_result.timed_out = reason == Stop::Timeout;
  m_result.stdout_overflow = reason == Stop::Overflow;
  m_result.interrupted = reason == Stop::Interrupt;
  if (!m_term_sent_at) {
    signal_group(SIGTERM);
    signal_group(SIGCONT);  // a stopped process acts on SIGTERM only once continued
    m_term_sent_at = Clock::now();
  }
}

// Looks without reaping (WNOWAIT): while the leader is a zombie its pid,
// which is also the group id, cannot be reused, so signalling -pid can only
// ever reach the child's own group.
bool ChildWatch::leader_exited_now() {
  if (m_leader_exited) return true;
  siginfo_t info{};
  for (;;) {
    const int rc = ::waitid(P_PID, static_cast<id_t>(m_pid), &info, WEXITED | WNOHANG | WNOWAIT);
    if (rc == 0) break;
    if (errno == EINTR) continue;
    // ECHILD: someone else reaped it (a SIGCHLD set to SIG_IGN): it is gone.
    m_leader_exited = true;
    m_leader_gone = true;
    return true;
  }
  if (info.si_pid == m_pid) m_leader_exited = true;
  return m_leader_exited;
}

void ChildWatch::consume(bool is_stdout, const char* data, std::size_t size) {
  if (is_stdout) {
    std::string& out = m_result.stdout_bytes;
    const std::size_t room = m_spec.max_stdout_bytes - std::min(m_spec.max_stdout_bytes, out.size());
    if (size > room) {
      out.append(data, room);
      request_stop(Stop::Overflow);
      return;
    }
    if (m_stop != Stop::Overflow) out.append(data, size);
    return;
  }
  m_result.stderr_total_bytes += size;
  const std::size_t keep = m_spec.stderr_keep_bytes;
  if (keep == 0) return;
  std::string& tail = m_result.stderr_tail;
  if (size >= keep) {
    tail.assign(data + (size - keep), keep);
    return;
  }
  tail.append(data, size);
  // Trim only when twice the limit: amortized, each byte moves at most once.
  if (tail.size() > 2 * keep) tail.erase(0, tail.size() - keep);
}

Expected<void> ChildWatch::drain(UniqueFd& fd, bool is_stdout) {
  std::size_t got = 0;
  int error = 0;
  const ReadOutcome outcome = read_available(fd.get(), m_chunk.get(), got, error);
  if (got > 0) consume(is_stdout, m_chunk.get(), got);
  if (outcome == ReadOutcome::Eof) fd.reset();
  if (outcome == ReadOutcome::Failed) {
    fd.reset();
    return Error::io(fmt::format("reading the {} of {}: {}", is_stdout ? "stdout" : "stderr",
                                 shell_quote(m_spec.argv), errno_text(error)));
  }
  return {};
}

int ChildWatch::reap() {
  int status = 0;
  for (;;) {
    const pid_t rc = ::waitpid(m_pid, &status, 0);
    if (rc == m_pid) break;
    if (rc < 0 && errno == EINTR) continue;
    status = -1;  // ECHILD: reaped behind our back (SIGCHLD ignored); status unknown
    break;
  }
  m_reaped = true;
  return status;
}

void ChildWatch::kill_and_reap() {
  if (m_reaped) return;
  signal_group(SIGKILL);
  reap();
}

Expected<ChildResult> ChildWatch::wait() {
  for (;;) {
    const auto now = Clock::now();
    leader_exited_now();
    if (m_stop == Stop::None) {
      if (interrupted()) {
        request_stop(Stop::Interrupt);
      } else if (!m_leader_exited && now >= m_deadline) {
        request_stop(Stop::Timeout);
      }
    }
    const bool pipes_open = m_stdout || m_stderr;
    if (m_leader_exited && !pipes_open) break;
    // The leader is gone but something in its group still holds the pipes:
    // a step leaves no processes behind, so the group gets SIGTERM, SIGKILL.
    if (m_leader_exited && !m_term_sent_at) {
      signal_group(SIGTERM);
      signal_group(SIGCONT);
      m_term_sent_at = now;
    }
    if (m_term_sent_at && !m_kill_sent_at && now >= *m_term_sent_at + kTerminateGrace) {
      signal_group(SIGKILL);
      m_kill_sent_at = now;
    }
    // Something that left the group (setsid) may hold the pipes for ever.
    if (m_leader_exited && m_kill_sent_at && now >= *m_kill_sent_at + kAbandonPipesAfter) break;

    // What to wait for, and until when.
    std::array<pollfd, 4> fds{};
    nfds_t count = 0;
    int stdout_slot = -1, stderr_slot = -1, interrupt_slot = -1;
    if (m_stdout) {
      stdout_slot = static_cast<int>(count);
      fds[count++] = pollfd{m_stdout.get(), POLLIN, 0};
    }
    if (m_stderr) {
      stderr_slot = static_cast<int>(count);
      fds[count++] = pollfd{m_stderr.get(), POLLIN, 0};
    }
    // Readable when the leader exits; looked at through waitid on top.
    if (m_pidfd && !m_leader_exited) {
      fds[count++] = pollfd{m_pidfd.get(), POLLIN, 0};
    }
    // Readable for good once an interrupt came: watched only until then.
    const int wake_fd = interrupt_fd();
    if (wake_fd >= 0 && m_stop == Stop::None) {
      interrupt_slot = static_cast<int>(count);
      fds[count++] = pollfd{wake_fd, POLLIN, 0};
    }
    Clock::time_point until = Clock::time_point::max();
    if (m_stop == Stop::None && !m_leader_exited) until = std::min(until, m_deadline);
    if (m_term_sent_at && !m_kill_sent_at) until = std::min(until, *m_term_sent_at + kTerminateGrace);
    if (m_kill_sent_at && m_leader_exited) until = std::min(until, *m_kill_sent_at + kAbandonPipesAfter);
    if (!m_pidfd && !m_leader_exited) until = std::min(until, now + kExitPollPeriod);
    // Without the self-pipe a signal taken by another thread would not wake
    // this one: look at the flag now and then.
    if (wake_fd < 0) until = std::min(until, now + std::chrono::milliseconds(100));
    timespec timeout = to_timespec(until - now);
    const int rc = ::ppoll(fds.data(), count, until == Clock::time_point::max() ? nullptr : &timeout,
                           &m_signals.previous());
    if (rc < 0) {
      if (errno == EINTR) continue;  // a signal: the flag is looked at on top
      const int error = errno;
      kill_and_reap();
      return Error::internal(fmt::format("waiting for {}: ppoll failed: {}", shell_quote(m_spec.argv),
                                         errno_text(error)));
    }
    const auto ready = [&](int slot) {
      return slot >= 0 && (fds[static_cast<std::size_t>(slot)].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
    };
    if (ready(interrupt_slot)) request_stop(Stop::Interrupt);
    for (const auto& [slot, is_stdout] : {std::pair{stdout_slot, true}, std::pair{stderr_slot, false}}) {
      if (!ready(slot)) continue;
      if (auto drained = drain(is_stdout ? m_stdout : m_stderr, is_stdout); !drained) {
        kill_and_reap();
        return std::move(drained).error();
      }
    }
  }

  signal_group(SIGKILL);  // anything left that holds no pipe
  const int status = reap();
  if (status == -1) {
    return Error::internal(fmt::format("`{}` was reaped by someone else: its exit status is lost",
                                       shell_quote(m_spec.argv)),
                           "is SIGCHLD set to SIG_IGN in fixturegen? run_child needs it at its default");
  }
  if (WIFEXITED(status)) m_result.exit_status = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) m_result.signal = WTERMSIG(status);
  if (m_result.stderr_tail.size() > m_spec.stderr_keep_bytes) {
    m_result.stderr_tail.erase(0, m_result.stderr_tail.size() - m_spec.stderr_keep_bytes);
  }
  return std::move(m_result);
}

// Moves a descriptor to 3 or above: when fixturegen itself runs with a
// standard stream closed, pipe2 can hand out 0, 1 or 2, and the dup2s that
// set up the child's streams would then overwrite one another.
bool move_above_stdio(UniqueFd& fd) {
  if (fd.get() > STDERR_FILENO) return true;
  UniqueFd moved(::fcntl(fd.get(), F_DUPFD_CLOEXEC, STDERR_FILENO + 1));
  if (!moved) return false;
  fd = std::move(moved);
  return true;
}

ProcessFailure not_started(const std::string& command_line) {
  ProcessFailure failure;
  failure.command_line = command_line;
  return failure;
}

Expected<UniqueFd> open_stdin(const std::optional<std::filesystem::path>& file) {
  const char* path = file ? file->c_str() : "/dev/null";
  // O_NONBLOCK so that a FIFO without a writer cannot hang the open; the
  // child gets a blocking descriptor.
  UniqueFd fd(::open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd) {
    const int error = errno;
    return Error::io(fmt::format("cannot open stdin file {}: {}", path, errno_text(error)),
                     "check that the file exists and is readable");
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) == 0 && S_ISDIR(info.st_mode)) {
    return Error::io(fmt::format("stdin file {} is a directory", path), "name a file");
  }
  ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK);
  return fd;
}

}  // namespace

Expected<ChildResult> run_child(const ChildSpec& spec) {
  if (spec.argv.empty()) return Error::internal("run_child: an empty command line");
  const std::string command_line = shell_quote(spec.argv);
  if (interrupted()) return Error::interrupted();
  // exec takes C strings: a NUL would silently cut an argument short.
  for (const auto* list : {&spec.argv, &spec.env}) {
    for (const std::string& word : *list) {
      if (word.find('\0') != std::string::npos) {
        return Error::engine(fmt::format("cannot start `{}`: {} holds a NUL byte", command_line,
                                         list == &spec.argv ? "an argument" : "an environment entry"),
                             not_started(command_line), "remove the NUL byte from the plan");
      }
    }
  }

  const std::string path_value = path_from_env(spec.env).value_or(kDefaultPath);
  auto found = find_program(spec.argv[0], path_value);
  if (!found) {
    Error error = std::move(found).error();
    return Error::engine(fmt::format("cannot start `{}`: {}", command_line, error.message),
                         not_started(command_line), std::move(error.hint));
  }
  // A relative path means what it meant where fixturegen was started, not
  // inside the working directory the child changes to.
  std::error_code ec;
  const std::filesystem::path program = std::filesystem::absolute(*found, ec);
  if (ec) return Error::io(fmt::format("cannot resolve {}: {}", found->string(), ec.message()));

  if (!spec.working_dir.empty()) {
    struct stat info {};
    if (::stat(spec.working_dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
      return Error::io(fmt::format("cannot start `{}`: working directory {} is not a directory",
                                   command_line, spec.working_dir.string()));
    }
  }
  auto stdin_fd = open_stdin(spec.stdin_file);
  if (!stdin_fd) return std::move(stdin_fd).error();
  auto out = make_pipe();
  if (!out) return std::move(out).error();
  auto err = make_pipe();
  if (!err) return std::move(err).error();
  if (!move_above_stdio(*stdin_fd) || !move_above_stdio(out->write_end) || !move_above_stdio(err->write_end)) {
    const int error = errno;
    return Error::io(fmt::format("cannot start `{}`: {}", command_line, errno_text(error)),
                     "too many open files? raise `ulimit -n` or lower -j");
  }

  SpawnFileActions files;
  posix_spawn_file_actions_adddup2(&files.actions, stdin_fd->get(), STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&files.actions, out->write_end.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&files.actions, err->write_end.get(), STDERR_FILENO);
  if (!spec.working_dir.empty()) posix_spawn_file_actions_addchdir_np(&files.actions, spec.working_dir.c_str());
  // Everything else is close-on-exec already; this also covers descriptors
  // some library opened without it.
  posix_spawn_file_actions_addclosefrom_np(&files.actions, STDERR_FILENO + 1);

  // Its own process group (Ctrl-C at the terminal reaches only fixturegen,
  // which then stops the whole group), default dispositions, empty mask.
  SpawnAttributes attributes;
  sigset_t empty_mask;
  sigemptyset(&empty_mask);
  sigset_t all_signals;
  sigfillset(&all_signals);
  posix_spawnattr_setpgroup(&attributes.attributes, 0);
  posix_spawnattr_setsigmask(&attributes.attributes, &empty_mask);
  posix_spawnattr_setsigdefault(&attributes.attributes, &all_signals);
  posix_spawnattr_setflags(&attributes.attributes,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> argv;
  argv.reserve(spec.argv.size() + 1);
  for (const std::string& arg : spec.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  envp.reserve(spec.env.size() + 1);
  for (const std::string& entry : spec.env) envp.push_back(const_cast<char*>(entry.c_str()));
  envp.push_back(nullptr);

  InterruptSignalsBlocked signals;
  const auto start = Clock::now();
  pid_t pid = 0;
  // glibc reports a failed chdir or exec through the return value (its
  // clone shares memory with us until the exec), so there is no
  // "exit 127" ambiguity.
  const int rc = ::posix_spawn(&pid, program.c_str(), &files.actions, &attributes.attributes, argv.data(),
                               envp.data());
  if (rc != 0) {
    std::string hint = "check the program path and its permissions";
    if (rc == ENOEXEC) hint = "it is not a binary: a script needs a #! line";
    return Error::engine(fmt::format("cannot start `{}`: {}: {}", command_line, program.string(), errno_text(rc)),
                         not_started(command_line), std::move(hint));
  }
  // Only the child may hold the write ends, or EOF never comes.
  out->write_end.reset();
  err->write_end.reset();
  stdin_fd->reset();

  ChildWatch watch(spec, pid, std::move(out->read_end), std::move(err->read_end), start, signals);
  auto result = watch.wait();
  if (result) result->elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start);
  return result;
}

std::string shell_quote(const std::vector<std::string>& argv) {
  std::string line;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (i > 0) line += ' ';
    const bool plain = !arg.empty() && std::all_of(arg.begin(), arg.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             std::string_view("_@%+=:,./-").find(c) != std::string_view::npos;
    });
    // A first word with '=' would be read as a variable assignment.
    if (plain && !(i == 0 && arg.find('=') != std::string::npos)) {
      line += arg;
      continue;
    }
    line += '\'';
    for (const char c : arg) {
      if (c == '\'') {
        line += "'\\''";
      } else {
        line += c;
      }
    }
    line += '\'';
  }
  return line;
}

Expected<std::filesystem::path> find_program(const std::string& name, const std::string& path_value) {
  if (name.empty()) return Error::config("an empty program name", "name a program or give its path");
  bool not_executable = false;
  if (name.find('/') != std::string::npos) {
    if (is_executable_file(name, not_executable)) return std::filesystem::path(name);
    if (not_executable) {
      return Error::config(fmt::format("{} is not an executable file", name),
                           "check the path, or make it executable (chmod +x)");
    }
    return Error::config(fmt::format("{} does not exist", name), "check the path");
  }
  std::optional<std::filesystem::path> first_not_executable;
  std::string_view rest = path_value;
  for (;;) {
    const std::size_t colon = rest.find(':');
    const std::string_view dir = rest.substr(0, colon);
    // Unlike execvp, empty and relative entries (the current directory) are
    // skipped: what they mean would depend on where fixturegen was started.
    if (!dir.empty() && dir.front() == '/') {
      std::filesystem::path candidate = std::filesystem::path(dir) / name;
      bool candidate_not_executable = false;
      if (is_executable_file(candidate, candidate_not_executable)) return candidate;
      if (candidate_not_executable && !first_not_executable) first_not_executable = candidate;
    }
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  if (first_not_executable) {
    return Error::config(fmt::format("program '{}' found on PATH as {}, but it is not an executable file", name,
                                     first_not_executable->string()),
                         "make it executable (chmod +x) or give the path of another one");
  }
  return Error::config(fmt::format("program '{}' not found on PATH ({})", name, path_value),
                       "install it, add its directory to PATH, or give its path");
}

}  // namespace fixturegen::process
