#include <fixturegen/io/file.hpp>

#include <fixturegen/core/interrupt.hpp>

#include <fmt/format.h>
#include <fmt/std.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <optional>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace fixturegen::io {

namespace fs = std::filesystem;

namespace {

std::string os_reason(int err) { return std::strerror(err); }

// Closes a descriptor on every path out of a function.
class FileDescriptor {
public:
  explicit FileDescriptor(int fd) : m_fd(fd) {}
  ~FileDescriptor() {
    if (m_fd >= 0) ::close(m_fd);
  }
  FileDescriptor(FileDescriptor&& other) noexcept : m_fd(other.release()) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return m_fd; }
  int release() { return std::exchange(m_fd, -1); }

private:
  int m_fd;
};

// The umask, read without changing it: umask() can only be read by setting
// it, and setting it is process-wide, so a file another thread creates
// meanwhile would get the wrong mode. Linux shows it in /proc/self/status
// (since 4.7); elsewhere it is read by setting it once, the first time.
mode_t read_umask() {
  if (std::FILE* status = std::fopen("/proc/self/status", "re")) {
    char line[256];
    unsigned mask = 0;
    bool found = false;
    while (!found && std::fgets(line, sizeof line, status)) found = std::sscanf(line, "Umask: %o", &mask) == 1;
    std::fclose(status);
    if (found) return static_cast<mode_t>(mask & 0777);
  }
  static const mode_t once = [] {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    return mask;
  }();
  return once;
}

// Follows `path` through symlinks to the file a write should replace (it
// need not exist: a dangling link's target is created). Only the last
// component is resolved; directories on the way are the kernel's business.
Expected<fs::path> resolve_symlinks(const fs::path& path) {
  fs::path at = path;
  for (int hops = 0; hops < 40; ++hops) {  // Linux's own limit (ELOOP)
    struct stat info {};
    if (::lstat(at.c_str(), &info) != 0 || !S_ISLNK(info.st_mode)) return at;
    std::error_code ec;
    const fs::path link = fs::read_symlink(at, ec);
    if (ec) return Error::io(fmt::format("cannot write {}: cannot read the symlink {}: {}", path.string(), at.string(), ec.message()));
    at = link.is_absolute() ? link : at.parent_path() / link;
  }
  return Error::io(fmt::format("cannot write {}: {}", path.string(), os_reason(ELOOP)));
}

// Temp files are named ".NAME.fixturegen-tmp.PID.XXXXXX": hidden, never
// "*.json", and carrying the pid of the process that wrote them, so that a
// later batch can tell one left by a killed process (kill -9, a power cut)
// from one another process is still writing.
constexpr std::string_view kTempMarker = ".fixturegen-tmp.";
constexpr std::size_t kTempNameKept = 180;  // of NAME: the whole temp name must fit in 255 bytes

// The pid in a temp file's name, or nullopt when `name` is not one.
std::optional<pid_t> staging_temp_pid(std::string_view name) {
  if (name.empty() || name.front() != '.') return std::nullopt;
  const std::size_t marker = name.rfind(kTempMarker);
  if (marker == std::string_view::npos || marker == 0) return std::nullopt;
  const std::string_view rest = name.substr(marker + kTempMarker.size());  // "PID.XXXXXX"
  const std::size_t dot = rest.find('.');
  if (dot == std::string_view::npos || rest.size() - dot - 1 != 6) return std::nullopt;
  pid_t pid = 0;
  const auto [end, err] = std::from_chars(rest.data(), rest.data() + dot, pid);
  if (err != std::errc() || end != rest.data() + dot || pid <= 0) return std::nullopt;
  return pid;
}

// When this process started (static initialisation, before any temp file).
const struct timespec g_process_start = [] {
  struct timespec now {};
  ::clock_gettime(CLOCK_REALTIME, &now);
  return now;
}();

// A temp whose writer is gone can never be committed. A process with the
// temp's pid that is still alive may be its writer, so its temps stay; this
// process's own pid is stale only on a temp older than this process (an
// earlier process had the pid: containers reuse small pids).
bool is_stale_temp(const fs::path& file, pid_t pid) {
  if (pid != ::getpid()) return ::kill(pid, 0) != 0 && errno == ESRCH;
  struct stat info {};
  if (::lstat(file.c_str(), &info) != 0) return false;
  return info.st_mtim.tv_sec < g_process_start.tv_sec ||
         (info.st_mtim.tv_sec == g_process_start.tv_sec && info.st_mtim.tv_nsec < g_process_start.tv_nsec);
}

// Removes the stale temps in `dir`; best effort (a file that cannot be
// removed is left for the next run). Returns how many went.
std::size_t remove_stale_temps(const fs::path& dir) {
  std::size_t removed = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const std::optional<pid_t> pid = staging_temp_pid(name);
    if (pid && is_stale_temp(it->path(), *pid) && ::unlink(it->path().c_str()) == 0) ++removed;
  }
  return removed;
}

// The nearest directory that exists at or above `dir`: a temp file staged for
// a target whose directory does not exist yet waits there (same file
// system), so that the directories are created only at commit().
Expected<fs::path> nearest_existing_dir(const fs::path& dir) {
  fs::path at = dir;
  for (;;) {
    struct stat info {};
    if (::stat(at.c_str(), &info) == 0) {
      if (S_ISDIR(info.st_mode)) return at;
      return Error::io(fmt::format("cannot create directory {}: {} is not a directory", dir.string(), at.string()));
    }
    if (errno != ENOENT) return Error::io(fmt::format("cannot create directory {}: {}", dir.string(), os_reason(errno)));
    fs::path up = at.parent_path();
    if (up.empty() || up == at) return fs::path(".");
    at = std::move(up);
  }
}

}  // namespace

namespace {

// `path` as the user gave it (not through fs::path: validate reads
// thousands of files and builds no fs::path for them).
Error read_error(std::string_view path, int err) {
  return Error::io(fmt::format("cannot read {}: {}", path, os_reason(err)));
}

// A device is endless (/dev/zero), blocks forever (a tty, /dev/random) or
// has side effects when read (a tape): never a capture.
// /dev/null is the one exception: the usual way to say "empty" (an empty
// rules file), and it ends at once.
bool is_null_device(const struct stat& info) {
  return S_ISCHR(info.st_mode) && major(info.st_rdev) == 1 && minor(info.st_rdev) == 3;
}

std::optional<Error> refuse_device(std::string_view path, const struct stat& info) {
  if ((!S_ISCHR(info.st_mode) && !S_ISBLK(info.st_mode)) || is_null_device(info)) return std::nullopt;
  return Error::io(fmt::format("cannot read {}: it is a {} device, not a file, pipe or FIFO", path,
                               S_ISCHR(info.st_mode) ? "character" : "block"),
                   "give a capture file, or '-' to read standard input");
}

// A whole regular file, in the size fstat gave, in as few reads as the
// kernel allows: no extra read to find EOF (validate reads thousands of small
// files).
// Into `content`, reusing its storage: resize() zero-fills only what it
// grows by, so a buffer read into again and again is not cleared first.
Expected<void> read_regular(int fd, std::string_view path, std::size_t size, std::string& content) {
  content.resize(size);
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::read(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) {
      if (interrupted()) return Error::interrupted();
      continue;
    }
    if (n < 0) return read_error(path, errno);
    if (n == 0) break;  // the file shrank meanwhile
    done += static_cast<std::size_t>(n);
  }
  content.resize(done);
  return {};
}

// A pipe, FIFO or socket until EOF. Each wait is a poll() on the input and on
// interrupt_fd(), so Ctrl-C or SIGTERM ends it on any thread, even when the
// signal went to another one or arrived just before the wait.
Expected<std::string> read_stream(int fd, std::string_view path, std::uint64_t max_bytes) {
  std::string content;
  char buffer[1 << 16];
  for (;;) {
    if (interrupted()) return Error::interrupted();
    pollfd waits[2] = {{fd, POLLIN, 0}, {interrupt_fd(), POLLIN, 0}};
    const nfds_t count = waits[1].fd >= 0 ? 2 : 1;
    // Without the self-pipe (install_interrupt_handler() not run) the flag is
    // looked at every 100 ms instead.
    const int ready = ::poll(waits, count, count == 2 ? -1 : 100);
    if (ready < 0 && errno != EINTR) return read_error(path, errno);
    if (ready <= 0 || waits[0].revents == 0) continue;
    if (waits[0].revents & POLLNVAL) return read_error(path, EBADF);
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
      return read_error(path, errno);
    }
    if (n == 0) return content;
    if (content.size() + static_cast<std::size_t>(n) > max_bytes) {
      return Error::io(fmt::format("cannot read {}: more than {} bytes from a pipe or FIFO", path, max_bytes),
                       "an input of unknown size is read up to io::kMaxStreamBytes; write the capture to a file first");
    }
    content.append(buffer, static_cast<std::size_t>(n));
  }
}

}  // namespace

namespace {

// read_file() and read_listed_file_into(): the file's bytes into `content`.
Expected<void> read_path(const std::string& path, bool stat_first, std::uint64_t max_stream_bytes,
                         std::string& content) {
  struct stat info {};
  // Refuse a device before opening it: opening some has effects of its own.
  if (stat_first && ::stat(path.c_str(), &info) == 0) {
    if (auto refused = refuse_device(path, info)) return *refused;
  }
  // O_NONBLOCK: opening a FIFO with no writer yet would block in open(),
  // where no poll() can see an interrupt; the reads poll instead.
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) return read_error(path, errno);
  if (::fstat(fd.get(), &info) != 0) return read_error(path, errno);
  if (S_ISDIR(info.st_mode)) return Error::io(fmt::format("cannot read {}: it is a directory", path));
  if (auto refused = refuse_device(path, info)) return *refused;
  if (is_null_device(info)) {
    content.clear();
    return {};
  }
  if (S_ISREG(info.st_mode)) return read_regular(fd.get(), path, static_cast<std::size_t>(info.st_size), content);
  Expected<std::string> streamed = read_stream(fd.get(), path, max_stream_bytes);
  if (!streamed) return std::move(streamed).error();
  content = std::move(*streamed);
  return {};
}

}  // namespace

Expected<std::string> read_file(const fs::path& path, std::uint64_t max_stream_bytes) {
  std::string content;
  if (Expected<void> read = read_path(path.native(), true, max_stream_bytes, content); !read) {
    return std::move(read).error();
  }
  return content;
}

Expected<void> read_listed_file_into(const std::string& path, std::string& content) {
  // The listing's d_type said "regular file" a moment ago; what open()
  // then gave is checked by the fstat() all the same.
  return read_path(path, false, kMaxStreamBytes, content);
}

Expected<std::string> read_standard_input(std::uint64_t max_bytes) {
  const std::string_view name("<stdin>");
  struct stat info {};
  if (::fstat(STDIN_FILENO, &info) != 0) return read_error(name, errno);
  if (S_ISDIR(info.st_mode)) return Error::io("cannot read <stdin>: it is a directory");
  if (S_ISREG(info.st_mode)) {
    std::string content;
    if (Expected<void> read = read_regular(STDIN_FILENO, name, static_cast<std::size_t>(info.st_size), content); !read) {
      return std::move(read).error();
    }
    return content;
  }
  // A pipe, a terminal, or a redirected device: until EOF, capped, and
  // interruptible. Standard input stays blocking (other processes may share
  // it); poll() says when a read will not block.
  return read_stream(STDIN_FILENO, name, max_bytes);
}

std::size_t CommitReport::count(FileAction action) const {
  return static_cast<std::size_t>(
      std::count_if(files.begin(), files.end(), [action](const FileOutcome& file) { return file.action == action; }));
}

std::vector<Error> CommitReport::errors() const {
  std::vector<Error> errors;
  for (const FileOutcome& file : files) {
    if (file.error) errors.push_back(*file.error);
  }
  return errors;
}

StagedWrites::~StagedWrites() {
  for (const Entry& entry : m_entries) {
    if (!entry.temp.empty()) ::unlink(entry.temp.c_str());
  }
}

std::size_t StagedWrites::staged() const {
  return static_cast<std::size_t>(std::count_if(m_entries.begin(), m_entries.end(),
                                                 [](const Entry& entry) { return entry.action != FileAction::Unchanged; }));
}

StagedWrites::StagedWrites() : m_umask(read_umask()) {}

unsigned process_umask() { return read_umask(); }

bool is_staging_temp(std::string_view file_name) { return staging_temp_pid(file_name).has_value(); }

Expected<bool> StagedWrites::stage(const fs::path& path, std::string_view content) {
  // A symlink is written through: the new bytes replace its target, and the
  // link stays a link (what `>` in a shell does; renaming over the link
  // would replace it with a plain file).
  Expected<fs::path> resolved = resolve_symlinks(path);
  if (!resolved) return std::move(resolved).error();
  const fs::path& target = *resolved;
  mode_t mode = 0666 & ~static_cast<mode_t>(m_umask);
  struct stat info {};
  const bool exists = ::stat(target.c_str(), &info) == 0;
  if (exists) {
    if (!S_ISREG(info.st_mode)) {
      return Error::io(fmt::format("cannot write {}: it exists and is not a regular file", path.string()));
    }
    mode = info.st_mode & 07777;
    if (static_cast<std::size_t>(info.st_size) == content.size()) {
      auto existing = read_file(target);
      if (existing && *existing == content) {
        m_entries.push_back({path, target, {}, FileAction::Unchanged});
        return false;
      }
    }
  }
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  Expected<fs::path> stage_dir = nearest_existing_dir(parent);
  if (!stage_dir) return std::move(stage_dir).error();

  if (std::find(m_swept_dirs.begin(), m_swept_dirs.end(), *stage_dir) == m_swept_dirs.end()) {
    m_stale_temps_removed += remove_stale_temps(*stage_dir);
    m_swept_dirs.push_back(*stage_dir);
  }
  const std::string name = target.filename().string();
  std::string temp = (*stage_dir / fmt::format(".{}{}{}.XXXXXX", name.substr(0, kTempNameKept), kTempMarker,
                                               static_cast<long>(::getpid())))
                         .string();
  FileDescriptor fd(::mkstemp(temp.data()));
  if (fd.get() < 0) return Error::io(fmt::format("cannot write {}: {}", path.string(), os_reason(errno)));
  auto give_up = [&](std::string_view what) -> Expected<bool> {
    const int err = errno;
    ::unlink(temp.c_str());
    return Error::io(fmt::format("cannot write {}: {}: {}", path.string(), what, os_reason(err)),
                     "the file was left as it was");
  };
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t n = ::write(fd.get(), p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return give_up("write failed");
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  // Owner and group are kept. Root can always give the file back; anyone
  // else can keep the group when they belong to it, and the owner only when
  // it is already theirs (chown(2)), so EPERM then leaves the file theirs.
  struct stat made {};
  if (exists && ::fstat(fd.get(), &made) == 0 && (made.st_uid != info.st_uid || made.st_gid != info.st_gid)) {
    if (::fchown(fd.get(), info.st_uid, info.st_gid) != 0) {
      if (errno != EPERM || ::geteuid() == 0) return give_up("chown failed");
      [[maybe_unused]] const int kept_group = ::fchown(fd.get(), static_cast<uid_t>(-1), info.st_gid);
    }
  }
  // After chown, which clears the set-user-ID and set-group-ID bits.
  if (::fchmod(fd.get(), mode) != 0) return give_up("chmod failed");
  if (::close(fd.release()) != 0) return give_up("close failed");
  m_entries.push_back({path, target, fs::path(temp), FileAction::Written});
  return true;
}

Expected<bool> StagedWrites::stage_removal(const fs::path& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) {
      m_entries.push_back({path, path, {}, FileAction::Unchanged});
      return false;
    }
    return Error::io(fmt::format("cannot remove {}: {}", path.string(), os_reason(errno)));
  }
  if (S_ISDIR(info.st_mode)) {
    return Error::io(fmt::format("cannot remove {}: it is a directory", path.string()),
                     "fixturegen removes only files it wrote");
  }
  m_entries.push_back({path, path, {}, FileAction::Removed});
  return true;
}

CommitReport StagedWrites::commit(CommitPolicy policy) {
  // No fsync: the rename is what makes a replacement atomic for every
  // reader and against a crashed or interrupted fixturegen. Flushing is left
  // to the OS, as git does by default; fixtures can be regenerated, and
  // ext4 (auto_da_alloc) flushes a file replaced by rename anyway. One fsync
  // per file was 3-20x the whole normalize run (../bench/normalize_bench.sh).
  CommitReport report;
  report.files.reserve(m_entries.size());
  bool stopped = false;
  for (Entry& entry : m_entries) {
    FileOutcome outcome{entry.path, entry.action, std::nullopt};
    if (stopped && entry.action != FileAction::Unchanged) {
      outcome.action = FileAction::Failed;
      outcome.error = Error::io(fmt::format("{}: not attempted: an earlier file of the batch failed", entry.path.string()),
                                "it was left as it was");
      if (!entry.temp.empty()) ::unlink(entry.temp.c_str());
      entry.temp.clear();
    } else if (entry.action == FileAction::Written) {
      // Missing directories are made now, not at stage(): a batch that is
      // never committed leaves no trace, not even an empty directory.
      std::error_code ec;
      if (entry.temp.parent_path() != entry.target.parent_path() && entry.target.has_parent_path())
        fs::create_directories(entry.target.parent_path(), ec);
      if (ec) {
        outcome.action = FileAction::Failed;
        outcome.error = Error::io(fmt::format("cannot create directory {}: {}", entry.target.parent_path().string(), ec.message()),
                                  "it was left as it was; the other files were written");
      } else if (::rename(entry.temp.c_str(), entry.target.c_str()) != 0) {
        const int err = errno;
        outcome.action = FileAction::Failed;
        outcome.error = Error::io(fmt::format("cannot replace {}: {}", entry.path.string(), os_reason(err)),
                                  "it was left as it was; the other files were written");
      }
      if (outcome.action == FileAction::Failed) ::unlink(entry.temp.c_str());
      entry.temp.clear();
    } else if (entry.action == FileAction::Removed) {
      if (::unlink(entry.path.c_str()) != 0 && errno != ENOENT) {
        const int err = errno;
        outcome.action = FileAction::Failed;
        outcome.error = Error::io(fmt::format("cannot remove {}: {}", entry.path.string(), os_reason(err)),
                                  "it was left as it was; the other files were written");
      }
    }
    if (outcome.action == FileAction::Failed && policy == CommitPolicy::StopAtFirstFailure) stopped = true;
    report.files.push_back(std::move(outcome));
  }
  m_entries.clear();
  return report;
}

Expected<bool> write_file_atomic(const fs::path& path, std::string_view content) {
  StagedWrites writes;
  auto changed = writes.stage(path, content);
  if (!changed || !*changed) return changed;
  CommitReport report = writes.commit();
  if (!report.ok()) return report.errors().front();
  return true;
}

namespace {

// The order of list_json_files(): std::filesystem::path's, component by
// component. For paths under one root (one prefix, then names joined by
// single slashes) that is byte order with '/' before every other byte:
// "a/b.json" < "a-b.json", as "a" < "a-b".
bool path_order(std::string_view a, std::string_view b) {
  const std::size_t common = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < common; ++i) {
    if (a[i] == b[i]) continue;
    if (a[i] == '/') return true;
    if (b[i] == '/') return false;
    return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]);
  }
  return a.size() < b.size();
}

constexpr std::size_t kDirectoryBufferBytes = 32 * 1024;  // as glibc's opendir()

// One directory being listed: its descriptor (subdirectories are opened
// relative to it, without following a symlink, as
// std::filesystem::recursive_directory_iterator does), its path below the
// root ("" or "sub/deeper/") and the subdirectories still to list.
struct ListedDir {
  FileDescriptor fd;
  std::string relative;
  std::vector<std::string> subdirs;
  std::size_t next = 0;
};

// Reads one directory's entries into `dir.subdirs` and `files` (paths below
// the root). Hidden entries are skipped, and not descended into. The entry
// type comes from getdents64(): no stat per file, and none per directory
// either (opendir() and fdopendir() fstat the directory and fcntl it; one
// validate run lists ten directories). A symlink counts as what it points
// to, but a symlink to a directory is not followed (as std::filesystem's
// is_regular_file() and recursive_directory_iterator). Returns the errno of
// a failure.
int read_directory(ListedDir& dir, char* buffer, std::vector<std::string>& files) {
  for (;;) {
    const ssize_t got = ::getdents64(dir.fd.get(), buffer, kDirectoryBufferBytes);
    if (got < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (got == 0) return 0;
    for (std::size_t at = 0; at < static_cast<std::size_t>(got);) {
      const auto* entry = reinterpret_cast<const struct dirent64*>(buffer + at);
      at += entry->d_reclen;
      const std::string_view name(entry->d_name);
      // Our own temp files (is_staging_temp()), left by a killed run, and
      // editors' swap files; "." and "..".
      if (name.empty() || name.front() == '.') continue;
      unsigned char type = entry->d_type;
      struct stat info {};
      if (type == DT_UNKNOWN) {  // file systems that do not fill in d_type
        if (::fstatat(dir.fd.get(), entry->d_name, &info, AT_SYMLINK_NOFOLLOW) != 0) {
          if (errno == ENOENT) continue;  // removed meanwhile
          return errno;
        }
        type = S_ISDIR(info.st_mode) ? DT_DIR : S_ISREG(info.st_mode) ? DT_REG : S_ISLNK(info.st_mode) ? DT_LNK : DT_UNKNOWN;
      }
      if (type == DT_DIR) {
        dir.subdirs.emplace_back(name);
        continue;
      }
      if (!name.ends_with(".json")) continue;
      if (type == DT_LNK) {
        if (::fstatat(dir.fd.get(), entry->d_name, &info, 0) != 0) {
          if (errno == ENOENT) continue;  // a dangling link is no file
          return errno;
        }
        if (S_ISREG(info.st_mode)) type = DT_REG;
      }
      if (type == DT_REG) files.push_back(dir.relative + std::string(name));
    }
  }
}

Error list_error(const std::string& root, int err) {
  return Error::io(fmt::format("cannot list {}: {}", root, os_reason(err)));
}

}  // namespace

Expected<std::optional<std::vector<std::string>>> list_json_file_paths(const std::string& root) {
  // A directory (or a symlink to one) opens as one: no stat first.
  FileDescriptor root_fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (root_fd.get() < 0) {
    const int err = errno;
    struct stat info {};
    if (::stat(root.c_str(), &info) != 0) return std::optional<std::vector<std::string>>();
    if (S_ISREG(info.st_mode)) return std::optional(std::vector<std::string>{root});
    return list_error(root, err);
  }
  std::vector<std::string> files;
  // Not zeroed: only the bytes getdents64() fills are touched (zeroing
  // was 8 page faults, as many as the rest of the listing).
  const auto buffer = std::make_unique_for_overwrite<char[]>(kDirectoryBufferBytes);
  std::vector<ListedDir> open_dirs;
  open_dirs.push_back(ListedDir{std::move(root_fd), {}, {}});
  if (const int err = read_directory(open_dirs.back(), buffer.get(), files); err != 0) return list_error(root, err);
  while (!open_dirs.empty()) {
    ListedDir& dir = open_dirs.back();
    if (dir.next == dir.subdirs.size()) {
      open_dirs.pop_back();
      continue;
    }
    const std::string& name = dir.subdirs[dir.next++];
    FileDescriptor fd(::openat(dir.fd.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (fd.get() < 0) return list_error(root, errno);
    std::string relative = dir.relative + name + '/';
    open_dirs.push_back(ListedDir{std::move(fd), std::move(relative), {}});  // `dir` is gone from here on
    if (const int err = read_directory(open_dirs.back(), buffer.get(), files); err != 0) return list_error(root, err);
  }
  std::sort(files.begin(), files.end(), path_order);
  // Joined as std::filesystem::path's operator/ joins: a separator unless
  // the root ends with one.
  const std::string prefix = root.ends_with('/') ? root : root + '/';
  for (std::string& file : files) file.insert(0, prefix);
  return std::optional(std::move(files));
}

Expected<std::vector<fs::path>> list_json_files(const fs::path& root) {
  Expected<std::optional<std::vector<std::string>>> listed = list_json_file_paths(root.native());
  if (!listed) return std::move(listed).error();
  if (!*listed) return Error::io(fmt::format("{} does not exist", root.string()));
  std::vector<fs::path> files;
  files.reserve((*listed)->size());
  for (std::string& file : **listed) files.emplace_back(std::move(file));
  return files;
}

Expected<void> commit_each(const std::vector<std::unique_ptr<StagedWrites>>& batches, std::string hint) {
  std::vector<Error> errors;
  for (const auto& batch : batches) {
    const CommitReport report = batch->commit();
    for (auto& error : report.errors()) errors.push_back(std::move(error));
  }
  if (errors.empty()) return {};
  std::string message = fmt::format("{} files could not be written or removed:", errors.size());
  for (const auto& error : errors) message += "\n  " + error.message;
  return Error::io(std::move(message), std::move(hint));
}

}  // namespace fixturegen::io
