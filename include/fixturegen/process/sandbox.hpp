#pragma once

// The hermetic half of regen: a POC is never run in place. Sandbox copies it
// into a fresh private directory the steps may dirty at will, and confine()
// keeps every path taken from a plan (capture names, stdin files, output
// folders) inside the directory it belongs to.

#include <fixturegen/core/error.hpp>

#include <filesystem>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace fixturegen::process {

// A private copy of one POC directory, removed when the Sandbox goes away.
//
//   <parent>/fixturegen-XXXXXX/    root(): created by mkdtemp, mode 0700
//     poc/                         path(): the copy; steps run here
//     home/                        home(): empty, for HOME (dotfiles stay out of the copy)
//     tmp/                         tmp():  empty, for TMPDIR
//
// The copy holds regular files, directories and symlinks, with their modes
// (not owners or times). A symlink is copied as a symlink only when it is
// relative and resolves inside the POC; an absolute one, or one that leads
// out (through `..` or through other links), is refused with an error
// naming it, as are FIFOs, sockets and devices. Paths listed in `clean`
// (relative to the POC: files or whole directories) are not copied.
class Sandbox {
public:
  // `parent` empty: $TMPDIR, else /tmp. Errors: Config for a bad POC (a
  // symlink out, a bad `clean` entry, an odd file type), Interrupted when
  // SIGINT/SIGTERM arrives mid-copy (checked per entry), Io otherwise. On an
  // error nothing is left behind.
  static Expected<Sandbox> create(const std::filesystem::path& poc_dir, const std::vector<std::string>& clean,
                                  const std::filesystem::path& parent = {});

  Sandbox(Sandbox&& other) noexcept;
  Sandbox& operator=(Sandbox&& other) noexcept;
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;
  ~Sandbox();  // remove(), errors ignored, unless keep() was called

  const std::filesystem::path& root() const { return m_root; }
  std::filesystem::path path() const { return m_root / "poc"; }
  std::filesystem::path home() const { return m_root / "home"; }
  std::filesystem::path tmp() const { return m_root / "tmp"; }

  // --keep-sandboxes: leave the directory for a post-mortem.
  void keep() { m_keep = true; }
  bool kept() const { return m_keep; }

  // Deletes the whole sandbox now. Only ever inside root(): symlinks are
  // unlinked, never followed, and root() must still be the very directory
  // mkdtemp made (same device and inode). Read-only directories a step left
  // behind are made writable first. Idempotent.
  Expected<void> remove();

private:
  Sandbox(std::filesystem::path root, dev_t device, ino_t inode)
      : m_root(std::move(root)), m_device(device), m_inode(inode) {}

  std::filesystem::path m_root;  // empty once removed or moved from
  dev_t m_device = 0;
  ino_t m_inode = 0;
  bool m_keep = false;
};

// `root / relative`, or an Error (kind Config) naming `what` (e.g. "capture
// name `plan` in pocs/x/capture.toml") when `relative` is absolute, climbs
// out with `..`, holds a NUL byte, or resolves outside `root` through a
// symlink (checked on the file system as it is now; parts that do not exist
// yet are taken lexically). An empty `relative` (or ".") is `root` itself.
// The result is lexically normal; `root` need not exist.
Expected<std::filesystem::path> confine(const std::filesystem::path& root, const std::string& relative,
                                        std::string_view what);

}  // namespace fixturegen::process
