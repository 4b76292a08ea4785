#include <fixturegen/core/interrupt.hpp>
#include <fixturegen/diff/git_tree.hpp>
#include <fixturegen/io/file.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <system_error>
#include <unistd.h>

extern char** environ;

namespace fixturegen::diff {

namespace fs = std::filesystem;

namespace {

// Closes a descriptor when it goes out of scope.
class Fd {
public:
  Fd() = default;
  explicit Fd(int fd) : m_fd(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return m_fd; }
  void reset() {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
  }

private:
  int m_fd = -1;
};

std::string command_line(const fs::path& working_dir, const std::vector<std::string>& args) {
  std::string line = fmt::format("git -C {}", working_dir.string());
  for (const std::string& arg : args) line += " " + arg;
  return line;
}

// The first line of git's complaint, without "fatal: ".
std::string git_reason(const std::string& err) {
  std::string line = err.substr(0, err.find('\n'));
  if (line.rfind("fatal: ", 0) == 0) line.erase(0, 7);
  return line;
}

// Waits for `pid`, retrying on EINTR; the exit status, or -1 on a signal.
int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

Expected<GitOutput> run_git(const fs::path& working_dir, const std::vector<std::string>& args) {
  std::vector<std::string> argv_strings{"git", "-C", working_dir.string()};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_strings) argv.push_back(arg.data());
  argv.push_back(nullptr);

  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return Error::io(fmt::format("cannot create a pipe: {}", std::strerror(errno)));
  Fd out_read(out_pipe[0]);
  Fd out_write(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) return Error::io(fmt::format("cannot create a pipe: {}", std::strerror(errno)));
  Fd err_read(err_pipe[0]);
  Fd err_write(err_pipe[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err_write.get(), 2);
  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, "git", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    return Error::config(fmt::format("cannot run git: {}", std::strerror(spawned)),
                         "install git (apt-get install git), or compare two directories: fixturegen diff OLD NEW");
  }
  out_write.reset();
  err_write.reset();

  // Both pipes drained together (a big blob on stdout cannot block git
  // while we wait on stderr), and the interrupt pipe watched, so Ctrl-C
  // ends the wait at once.
  GitOutput output;
  bool out_open = true;
  bool err_open = true;
  char buffer[65536];
  while (out_open || err_open) {
    pollfd fds[3] = {{out_open ? out_read.get() : -1, POLLIN, 0},
                     {err_open ? err_read.get() : -1, POLLIN, 0},
                     {interrupt_fd(), POLLIN, 0}};
    const int ready = ::poll(fds, 3, -1);
    if (ready < 0 && errno != EINTR) {
      ::kill(pid, SIGKILL);
      wait_for(pid);
      return Error::io(fmt::format("waiting for git failed: {}", std::strerror(errno)));
    }
    if (interrupted()) {
      ::kill(pid, SIGTERM);
      wait_for(pid);
      return Error::interrupted();
    }
    if (ready <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t got = ::read(fds[i].fd, buffer, sizeof buffer);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        (i == 0 ? out_open : err_open) = false;
        continue;
      }
      (i == 0 ? output.out : output.err).append(buffer, static_cast<std::size_t>(got));
    }
  }
  output.exit_status = wait_for(pid);
  if (interrupted()) return Error::interrupted();
  return output;
}

// ---- GitRevisionTree --------------------------------------------------------

Expected<GitRevisionTree> GitRevisionTree::open(fs::path working_dir, std::string revision,
                                                std::vector<std::string> paths) {
  auto inside = run_git(working_dir, {"rev-parse", "--is-inside-work-tree"});
  if (!inside) return std::move(inside).error();
  if (inside->exit_status != 0 || inside->out.rfind("true", 0) != 0) {
    return Error::config(
        fmt::format("{}: not a git repository ({})", fs::absolute(working_dir).string(), git_reason(inside->err)),
        "run fixturegen diff --against from inside the repository, or compare two directories: fixturegen diff OLD NEW");
  }
  auto commit = run_git(working_dir, {"rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}"});
  if (!commit) return std::move(commit).error();
  if (commit->exit_status != 0) {
    return Error::config(fmt::format("unknown revision '{}': it names no commit in this repository", revision),
                         "give a branch, tag or commit, e.g. --against HEAD~1 (see: git log --oneline)");
  }
  return GitRevisionTree(std::move(working_dir), std::move(revision), std::move(paths));
}

Expected<std::vector<std::string>> GitRevisionTree::list() const {
  std::vector<std::string> args{"ls-tree", "-r", "-z", "--name-only", m_revision, "--"};
  args.insert(args.end(), m_paths.begin(), m_paths.end());
  auto listed = run_git(m_working_dir, args);
  if (!listed) return std::move(listed).error();
  if (listed->exit_status != 0) {
    return Error::config(fmt::format("{} failed: {}", command_line(m_working_dir, args), git_reason(listed->err)));
  }
  std::vector<std::string> files;
  std::size_t start = 0;
  const std::string& out = listed->out;
  while (start < out.size()) {
    std::size_t end = out.find('\0', start);
    if (end == std::string::npos) end = out.size();
    std::string name = out.substr(start, end - start);
    start = end + 1;
    const std::string_view base = std::string_view(name).substr(name.rfind('/') + 1);
    // As io::list_json_files: *.json, hidden entries skipped.
    if (name.size() < 5 || name.compare(name.size() - 5, 5, ".json") != 0) continue;
    if (!base.empty() && base.front() == '.') continue;
    if (name.find("/.") != std::string::npos) continue;
    files.push_back(std::move(name));
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

Expected<std::string> GitRevisionTree::read(const std::string& relative) const {
  // "REV:./path" is relative to -C's directory, as ls-tree printed it.
  const std::vector<std::string> args{"cat-file", "blob", fmt::format("{}:./{}", m_revision, relative)};
  auto blob = run_git(m_working_dir, args);
  if (!blob) return std::move(blob).error();
  if (blob->exit_status != 0) {
    return Error::io(fmt::format("{}: {} failed: {}", display(relative), command_line(m_working_dir, args),
                                 git_reason(blob->err)));
  }
  return std::move(blob->out);
}

std::string GitRevisionTree::display(const std::string& relative) const {
  return fmt::format("{}:{}", m_revision, relative);
}

// ---- WorkingTree ------------------------------------------------------------

Expected<std::vector<std::string>> WorkingTree::list() const {
  std::vector<std::string> files;
  for (const std::string& path : m_paths) {
    const fs::path root = m_working_dir / path;
    std::error_code ec;
    if (!fs::exists(root, ec)) continue;
    auto found = io::list_json_files(root);
    if (!found) return std::move(found).error();
    for (const fs::path& file : *found) {
      files.push_back(file.lexically_relative(m_working_dir).lexically_normal().generic_string());
    }
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

Expected<std::string> WorkingTree::read(const std::string& relative) const {
  return io::read_file(m_working_dir / relative);
}

std::string WorkingTree::display(const std::string& relative) const { return relative; }

}  // namespace fixturegen::diff
