#pragma once

// Making sandboxes ahead of use. Copying a POC is a burst of mkdir and file
// creations, each of which can wait for the file system's journal (ext4 with
// `discard`; worse while other processes write). Made inline, that wait sat
// between one POC's last step and the next one's first. The maker copies the
// POCs of a run, in the order they will be taken, on one background thread,
// at most `ahead` sandboxes beyond the last one asked for, so the next POC's
// copy is ready while the current POC's steps run.

#include <fixturegen/core/error.hpp>
#include <fixturegen/process/sandbox.hpp>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace fixturegen::process {

struct SandboxRequest {
  std::filesystem::path poc_dir;
  std::vector<std::string> clean;
};

class SandboxMaker {
public:
  // Starts making requests[0], requests[1], ... (Sandbox::create with
  // `parent`), never more than `ahead` past the highest index taken.
  SandboxMaker(std::vector<SandboxRequest> requests, std::filesystem::path parent, std::size_t ahead);
  // Stops making; sandboxes made and never taken are removed.
  ~SandboxMaker();
  SandboxMaker(const SandboxMaker&) = delete;
  SandboxMaker& operator=(const SandboxMaker&) = delete;

  // The sandbox of requests[index] (or the error making it gave): waits for
  // the maker when it has started on it, else makes it here (the maker is
  // behind, stopped by an interrupt, or has no thread). Each index once.
  Expected<Sandbox> take(std::size_t index);

private:
  void make_loop();

  std::vector<SandboxRequest> m_requests;
  std::filesystem::path m_parent;
  std::size_t m_ahead;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::vector<std::optional<Expected<Sandbox>>> m_made;  // guarded by m_mutex
  std::vector<bool> m_taken;                             // guarded by m_mutex
  std::size_t m_next_to_make = 0;                        // guarded by m_mutex
  std::size_t m_asked = 0;       // highest index taken + 1; guarded by m_mutex
  bool m_stopping = false;       // guarded by m_mutex
  std::thread m_thread;
};

}  // namespace fixturegen::process
