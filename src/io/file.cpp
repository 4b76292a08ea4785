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

StagedWrites::~StagedWrites() {
  for (const Staged& staged : m_staged) ::unlink(staged.temp.c_str());
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
      if (existing && *existing == content) return false;
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
  m_staged.push_back({fs::path(temp), path});
  return true;
}

Expected<std::size_t> StagedWrites::commit() {
  if (m_staged.empty()) return std::size_t{0};
  // No fsync: the rename is what makes a replacement atomic for every
  // reader and against a crashed or interrupted fixturegen. Flushing is left
  // to the OS, as git does by default; fixtures can be regenerated, and
  // ext4 (auto_da_alloc) flushes a file replaced by rename anyway. One fsync
  // per file was 3-20x the whole normalize run (../bench/normalize_bench.sh).
  std::size_t renamed = 0;
  for (const Staged& staged : m_staged) {
    if (::rename(staged.temp.c_str(), staged.target.c_str()) != 0) {
      const int err = errno;
      m_staged.erase(m_staged.begin(), m_staged.begin() + static_cast<std::ptrdiff_t>(renamed));
      return Error::io(fmt::format("cannot replace {}: {}", staged.target.string(), os_reason(err)),
                       fmt::format("{} file(s) before it were replaced; it and the rest were left as they were", renamed));
    }
    ++renamed;
  }
  m_staged.clear();
  return renamed;
}

Expected<bool> write_file_atomic(const fs::path& path, std::string_view content) {
  StagedWrites writes;
  auto changed = writes.stage(path, content);
  if (!changed || !*changed) return changed;
  auto committed = writes.commit();
  if (!committed) return std::move(committed).error();
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
