#include <fixturegen/core/interrupt.hpp>
#include <fixturegen/process/sandbox.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <optional>
#include <set>
#include <system_error>
#include <utility>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fixturegen::process {
namespace fs = std::filesystem;
namespace {

std::string errno_text(int error) { return std::generic_category().message(error); }

// True when `path` is `root` or below it; both absolute and normal.
bool is_within(const fs::path& path, const fs::path& root) {
  const fs::path relative = path.lexically_relative(root);
  return !relative.empty() && *relative.begin() != "..";
}

// The first component of a lexically normal relative path is ".." when it
// climbs out of where it starts.
bool climbs_out(const fs::path& normal) { return !normal.empty() && *normal.begin() == ".."; }

// A `clean` entry as the walk below spells relative paths: "a/b", no "./",
// no trailing slash.
Expected<std::string> clean_key(const fs::path& poc_dir, const std::string& entry) {
  fs::path normal = fs::path(entry).lexically_normal();
  if (!normal.empty() && !normal.has_filename()) normal = normal.parent_path();
  if (entry.empty() || fs::path(entry).is_absolute() || climbs_out(normal) || normal == ".") {
    return Error::config(fmt::format("clean entry '{}' of {} must name a file or directory inside the POC", entry,
                                     poc_dir.string()),
                         "give it relative to the POC directory, without '..'");
  }
  return normal.generic_string();
}

struct CopyContext {
  fs::path poc_real;  // the POC, all symlinks resolved: what "inside" means
  std::set<std::string> clean;
  std::vector<std::pair<fs::path, fs::perms>> directory_modes;  // set last: a 0555 dir must be filled first
};

Expected<void> copy_symlink(const fs::path& source, const fs::path& target_path, const fs::path& relative,
                            const fs::path& poc_dir, const CopyContext& context) {
  std::error_code ec;
  const fs::path target = fs::read_symlink(source, ec);
  if (ec) return Error::io(fmt::format("cannot read symlink {}: {}", source.string(), ec.message()));
  const auto refuse = [&](std::string why) {
    return Error::config(fmt::format("symlink {} -> {} {}: the sandbox copy of {} must not reach outside it",
                                     source.string(), target.string(), why, poc_dir.string()),
                         "make it a relative link to a file inside the POC, or copy the file into the POC");
  };
  if (target.is_absolute()) return refuse("is absolute");
  // Lexically: the copy must resolve the same way inside the sandbox, where
  // the POC's own folder name and its parents do not exist.
  if (climbs_out((relative.parent_path() / target).lexically_normal())) return refuse("leads out of the POC");
  // And really: through other links a lexically harmless path can still
  // escape (`d -> .` then `e -> d/..`).
  const fs::path resolved = fs::weakly_canonical(source, ec);
  if (ec) return refuse(fmt::format("cannot be resolved ({})", ec.message()));
  if (!is_within(resolved, context.poc_real)) return refuse(fmt::format("resolves to {}", resolved.string()));
  fs::create_symlink(target, target_path, ec);
  if (ec) return Error::io(fmt::format("cannot create symlink {}: {}", target_path.string(), ec.message()));
  return {};
}

// Copies the contents of `source_dir` (at `relative` inside the POC) into
// the existing `target_dir`.
Expected<void> copy_tree(const fs::path& source_dir, const fs::path& target_dir, const fs::path& relative,
                         const fs::path& poc_dir, CopyContext& context) {
  std::error_code list_ec;
  fs::directory_iterator it(source_dir, list_ec);
  if (list_ec) return Error::io(fmt::format("cannot list {}: {}", source_dir.string(), list_ec.message()));
  for (; it != fs::directory_iterator(); it.increment(list_ec)) {
    // A big POC takes seconds to copy: an interrupt ends the copy here, and
    // Sandbox's destructor removes the part that was made.
    if (interrupted()) return Error::interrupted(fmt::format("interrupted while copying {}", poc_dir.string()));
    std::error_code ec;
    const fs::path name = it->path().filename();
    const fs::path entry_relative = relative.empty() ? name : relative / name;
    if (context.clean.count(entry_relative.generic_string()) != 0) continue;
    const fs::path source = it->path();
    const fs::path target = target_dir / name;
    const fs::file_status status = fs::symlink_status(source, ec);
    if (ec) return Error::io(fmt::format("cannot stat {}: {}", source.string(), ec.message()));
    switch (status.type()) {
      case fs::file_type::directory: {
        fs::create_directory(target, ec);
        if (ec) return Error::io(fmt::format("cannot create {}: {}", target.string(), ec.message()));
        if (auto copied = copy_tree(source, target, entry_relative, poc_dir, context); !copied) return copied;
        context.directory_modes.emplace_back(target, status.permissions());
        break;
      }
      case fs::file_type::regular: {
        fs::copy_file(source, target, fs::copy_options::none, ec);
        if (!ec) fs::permissions(target, status.permissions(), fs::perm_options::replace, ec);
        if (ec) return Error::io(fmt::format("cannot copy {} into the sandbox: {}", source.string(), ec.message()));
        break;
      }
      case fs::file_type::symlink: {
        if (auto copied = copy_symlink(source, target, entry_relative, poc_dir, context); !copied) return copied;
        break;
      }
      default:
        return Error::config(fmt::format("{} is neither a file, a directory nor a symlink (a FIFO, socket or "
                                         "device): a POC cannot be copied with it",
                                         source.string()),
                             "remove it from the POC, or list it under `clean`");
    }
  }
  if (list_ec) return Error::io(fmt::format("cannot list {}: {}", source_dir.string(), list_ec.message()));
  return {};
}

// Deletes everything inside the open directory `dir_fd` (shown as `shown`
// in errors) without following a symlink and without leaving `device`.
// Keeps going after a failure; returns the first one.
Expected<void> empty_directory(int dir_fd, const fs::path& shown, dev_t device) {
  // Whatever mode a step left, we own it: make it listable and writable.
  ::fchmod(dir_fd, S_IRWXU);
  std::vector<std::string> names;
  {
    const int list_fd = ::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
    DIR* dir = list_fd >= 0 ? ::fdopendir(list_fd) : nullptr;
    if (dir == nullptr) {
      const int error = errno;
      if (list_fd >= 0) ::close(list_fd);
      return Error::io(fmt::format("cannot list {}: {}", shown.string(), errno_text(error)));
    }
    while (const dirent* entry = ::readdir(dir)) {
      const std::string_view name = entry->d_name;
      if (name != "." && name != "..") names.emplace_back(name);
    }
    ::closedir(dir);
  }
  std::optional<Error> first_error;
  const auto fail = [&](const std::string& name, int error) {
    if (first_error) return;
    first_error = Error::io(fmt::format("cannot remove {}: {}", (shown / name).string(), errno_text(error)));
  };
  for (const std::string& name : names) {
    struct stat info {};
    if (::fstatat(dir_fd, name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno != ENOENT) fail(name, errno);
      continue;
    }
    if (S_ISDIR(info.st_mode)) {
      if (info.st_dev != device) {  // something mounted here: never delete across file systems
        fail(name, EXDEV);
        continue;
      }
      constexpr int kOpenFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
      int child = ::openat(dir_fd, name.c_str(), kOpenFlags);
      // A step's `chmod 000 dir`: AT_SYMLINK_NOFOLLOW makes glibc refuse a
      // symlink here rather than change the mode of what it points to.
      if (child < 0 && errno == EACCES && ::fchmodat(dir_fd, name.c_str(), S_IRWXU, AT_SYMLINK_NOFOLLOW) == 0) {
        child = ::openat(dir_fd, name.c_str(), kOpenFlags);
      }
      if (child < 0) {
        // Swapped for a symlink since the fstatat: unlink the link itself.
        if ((errno == ENOTDIR || errno == ELOOP) && ::unlinkat(dir_fd, name.c_str(), 0) == 0) continue;
        fail(name, errno);
        continue;
      }
      auto emptied = empty_directory(child, shown / name, device);
      ::close(child);
      if (!emptied && !first_error) first_error = std::move(emptied).error();
      if (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) != 0) fail(name, errno);
    } else if (::unlinkat(dir_fd, name.c_str(), 0) != 0 && errno != ENOENT) {
      fail(name, errno);
    }
  }
  if (first_error) return std::move(*first_error);
  return {};
}

}  // namespace

Expected<Sandbox> Sandbox::create(const fs::path& poc_dir, const std::vector<std::string>& clean,
                                  const fs::path& parent) {
  std::error_code ec;
  CopyContext context;
  for (const std::string& entry : clean) {
    auto key = clean_key(poc_dir, entry);
    if (!key) return std::move(key).error();
    context.clean.insert(std::move(*key));
  }
  const fs::file_status poc_status = fs::status(poc_dir, ec);
  if (ec || !fs::is_directory(poc_status)) {
    return Error::config(fmt::format("POC directory {} does not exist or is not a directory", poc_dir.string()),
                         "check the `pocs` list of the plan");
  }
  context.poc_real = fs::canonical(poc_dir, ec);
  if (ec) return Error::io(fmt::format("cannot resolve {}: {}", poc_dir.string(), ec.message()));

  fs::path base = parent.empty() ? fs::temp_directory_path(ec) : parent;
  if (!ec) base = fs::absolute(base, ec);
  if (ec) return Error::io(fmt::format("no directory for sandboxes: {}", ec.message()), "set TMPDIR");
  std::string name_template = (base / "fixturegen-XXXXXX").string();
  if (::mkdtemp(name_template.data()) == nullptr) {
    const int error = errno;
    return Error::io(fmt::format("cannot create a sandbox under {}: {}", base.string(), errno_text(error)),
                     "check that TMPDIR (or the sandbox parent) exists and is writable");
  }
  struct stat info {};
  if (::lstat(name_template.c_str(), &info) != 0) {
    const int error = errno;
    ::rmdir(name_template.c_str());
    return Error::io(fmt::format("cannot stat new sandbox {}: {}", name_template, errno_text(error)));
  }
  // From here on the destructor removes whatever was made when we fail.
  Sandbox sandbox(fs::path(name_template), info.st_dev, info.st_ino);
  // A sandbox parent inside the POC (TMPDIR under it) would copy itself.
  const fs::path root_real = fs::canonical(sandbox.root(), ec);
  if (ec) return Error::io(fmt::format("cannot resolve {}: {}", sandbox.root().string(), ec.message()));
  if (is_within(root_real, context.poc_real)) {
    return Error::config(fmt::format("the sandbox {} would be inside the POC {} it copies", sandbox.root().string(),
                                     poc_dir.string()),
                         "point TMPDIR (or the sandbox parent) outside the POC directories");
  }

  for (const fs::path& dir : {sandbox.path(), sandbox.home(), sandbox.tmp()}) {
    fs::create_directory(dir, ec);
    if (ec) return Error::io(fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  }
  if (auto copied = copy_tree(poc_dir, sandbox.path(), {}, poc_dir, context); !copied) return std::move(copied).error();
  // Innermost first (the walk recorded parents after their children).
  context.directory_modes.emplace_back(sandbox.path(), poc_status.permissions());
  for (const auto& [dir, mode] : context.directory_modes) {
    fs::permissions(dir, mode, fs::perm_options::replace, ec);
    if (ec) return Error::io(fmt::format("cannot set the mode of {}: {}", dir.string(), ec.message()));
  }
  return sandbox;
}

Sandbox::Sandbox(Sandbox&& other) noexcept
    : m_root(std::exchange(other.m_root, {})), m_device(other.m_device), m_inode(other.m_inode),
      m_keep(other.m_keep) {}

Sandbox& Sandbox::operator=(Sandbox&& other) noexcept {
  if (this != &other) {
    if (!m_keep) (void)remove();
    m_root = std::exchange(other.m_root, {});
    m_device = other.m_device;
    m_inode = other.m_inode;
    m_keep = other.m_keep;
  }
  return *this;
}

Sandbox::~Sandbox() {
  if (!m_keep) (void)remove();
}

Expected<void> Sandbox::remove() {
  if (m_root.empty()) return {};
  const int root_fd = ::open(m_root.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (root_fd < 0) {
    const int error = errno;
    if (error == ENOENT) {
      m_root.clear();
      return {};
    }
    return Error::io(fmt::format("cannot open sandbox {} to remove it: {}", m_root.string(), errno_text(error)));
  }
  struct stat info {};
  if (::fstat(root_fd, &info) != 0 || info.st_dev != m_device || info.st_ino != m_inode) {
    ::close(root_fd);
    return Error::io(fmt::format("refusing to remove {}: it is no longer the sandbox fixturegen created",
                                 m_root.string()));
  }
  auto emptied = empty_directory(root_fd, m_root, m_device);
  ::close(root_fd);
  if (!emptied) return emptied;
  if (::rmdir(m_root.c_str()) != 0) {
    const int error = errno;
    return Error::io(fmt::format("cannot remove sandbox {}: {}", m_root.string(), errno_text(error)));
  }
  m_root.clear();
  return {};
}

Expected<fs::path> confine(const fs::path& root, const std::string& relative, std::string_view what) {
  const auto refuse = [&](std::string why) {
    return Error::config(fmt::format("{} '{}' {}", what, relative, why),
                         fmt::format("give a path relative to {}, without '..', that stays inside it", root.string()));
  };
  if (relative.find('\0') != std::string::npos) return refuse("contains a NUL byte");
  const fs::path given(relative);
  if (given.is_absolute()) return refuse("is an absolute path");
  const fs::path normal = given.lexically_normal();
  if (climbs_out(normal)) return refuse(fmt::format("leads out of {}", root.string()));
  if (normal.empty() || normal == ".") return root;
  const fs::path joined = root / normal;

  std::error_code ec;
  const fs::path root_real = fs::weakly_canonical(root, ec);
  if (ec) return Error::io(fmt::format("cannot resolve {}: {}", root.string(), ec.message()));
  const fs::path joined_real = fs::weakly_canonical(joined, ec);
  if (ec) return refuse(fmt::format("cannot be resolved: {}", ec.message()));
  if (!is_within(joined_real, root_real)) {
    return refuse(fmt::format("resolves through a symlink to {}, outside {}", joined_real.string(), root.string()));
  }
  return joined;
}

}  // namespace fixturegen::process
