#include <fixturegen/io/file.hpp>

#include <fmt/format.h>
#include <fmt/std.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
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
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return m_fd; }
  int release() { return std::exchange(m_fd, -1); }

private:
  int m_fd;
};

mode_t current_umask() {
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return mask;
}

}  // namespace

Expected<std::string> read_file(const fs::path& path) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return Error::io(fmt::format("cannot read {}: {}", path.string(), os_reason(errno)));
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) return Error::io(fmt::format("cannot read {}: {}", path.string(), os_reason(errno)));
  if (S_ISDIR(info.st_mode)) return Error::io(fmt::format("cannot read {}: it is a directory", path.string()));
  auto failed = [&] { return Error::io(fmt::format("cannot read {}: {}", path.string(), os_reason(errno))); };
  std::string content;
  if (S_ISREG(info.st_mode)) {
    // The size fstat gave, in as few reads as the kernel allows: no extra
    // read to find EOF (validate reads thousands of small files).
    content.resize(static_cast<std::size_t>(info.st_size));
    std::size_t size = 0;
    while (size < content.size()) {
      const ssize_t n = ::read(fd.get(), content.data() + size, content.size() - size);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return failed();
      if (n == 0) break;  // the file shrank meanwhile
      size += static_cast<std::size_t>(n);
    }
    content.resize(size);
    return content;
  }
  // Pipes and devices (/dev/stdin): until EOF.
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return failed();
    if (n == 0) return content;
    content.append(buffer, static_cast<std::size_t>(n));
  }
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

Expected<bool> StagedWrites::stage(const fs::path& path, std::string_view content) {
  mode_t mode = 0666 & ~current_umask();
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0) {
    if (!S_ISREG(info.st_mode)) {
      return Error::io(fmt::format("cannot write {}: it exists and is not a regular file", path.string()));
    }
    mode = info.st_mode & 07777;
    if (static_cast<std::size_t>(info.st_size) == content.size()) {
      auto existing = read_file(path);
      if (existing && *existing == content) {
        m_entries.push_back({path, {}, FileAction::Unchanged});
        return false;
      }
    }
  }
  const fs::path parent = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) return Error::io(fmt::format("cannot create directory {}: {}", parent.string(), ec.message()));

  std::string temp = (parent / fmt::format(".{}.fixturegen-XXXXXX", path.filename().string())).string();
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
  if (::fchmod(fd.get(), mode) != 0) return give_up("chmod failed");
  if (::close(fd.release()) != 0) return give_up("close failed");
  m_entries.push_back({path, fs::path(temp), FileAction::Written});
  return true;
}

Expected<bool> StagedWrites::stage_removal(const fs::path& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) {
      m_entries.push_back({path, {}, FileAction::Unchanged});
      return false;
    }
    return Error::io(fmt::format("cannot remove {}: {}", path.string(), os_reason(errno)));
  }
  if (S_ISDIR(info.st_mode)) {
    return Error::io(fmt::format("cannot remove {}: it is a directory", path.string()),
                     "fixturegen removes only files it wrote");
  }
  m_entries.push_back({path, {}, FileAction::Removed});
  return true;
}

CommitReport StagedWrites::commit() {
  // No fsync: the rename is what makes a replacement atomic for every
  // reader and against a crashed or interrupted fixturegen. Flushing is left
  // to the OS, as git does by default; fixtures can be regenerated, and
  // ext4 (auto_da_alloc) flushes a file replaced by rename anyway. One fsync
  // per file was 3-20x the whole normalize run (../bench/normalize_bench.sh).
  CommitReport report;
  report.files.reserve(m_entries.size());
  for (Entry& entry : m_entries) {
    FileOutcome outcome{entry.path, entry.action, std::nullopt};
    if (entry.action == FileAction::Written) {
      if (::rename(entry.temp.c_str(), entry.path.c_str()) != 0) {
        const int err = errno;
        ::unlink(entry.temp.c_str());
        outcome.action = FileAction::Failed;
        outcome.error = Error::io(fmt::format("cannot replace {}: {}", entry.path.string(), os_reason(err)),
                                  "it was left as it was; the other files were written");
      }
      entry.temp.clear();
    } else if (entry.action == FileAction::Removed) {
      if (::unlink(entry.path.c_str()) != 0 && errno != ENOENT) {
        const int err = errno;
        outcome.action = FileAction::Failed;
        outcome.error = Error::io(fmt::format("cannot remove {}: {}", entry.path.string(), os_reason(err)),
                                  "it was left as it was; the other files were written");
      }
    }
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

Expected<std::vector<fs::path>> list_json_files(const fs::path& root) {
  std::error_code ec;
  const auto status = fs::status(root, ec);
  if (ec || !fs::exists(status)) return Error::io(fmt::format("{} does not exist", root.string()));
  std::vector<fs::path> files;
  if (fs::is_regular_file(status)) {
    files.push_back(root);
    return files;
  }
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec);
  if (ec) return Error::io(fmt::format("cannot list {}: {}", root.string(), ec.message()));
  for (const auto end = fs::recursive_directory_iterator(); it != end; it.increment(ec)) {
    if (ec) return Error::io(fmt::format("cannot list {}: {}", root.string(), ec.message()));
    const auto& name = it->path().filename().string();
    // Hidden entries (our own temp files, editors' swap files) are skipped.
    if (!name.empty() && name.front() == '.') {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && it->path().extension() == ".json") files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace fixturegen::io
