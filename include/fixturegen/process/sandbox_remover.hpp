#pragma once

// Deleting a used sandbox off the critical path. On ext4 mounted with
// `discard` (this project's machines) an rmdir waits for the journal: a few
// ms per directory when quiet, hundreds of ms while other processes write.
// Removing a POC's sandbox inline put that wait between its last step and
// the next POC's first one (bench/regen_bench.sh: most of regen's overhead
// per capture). The remover deletes them on one background thread while the
// next POC runs; finish() (and the destructor) waits until every sandbox
// handed over is gone, so a regen still ends with none left behind.

#include <fixturegen/process/sandbox.hpp>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace fixturegen::process {

class SandboxRemover {
public:
  SandboxRemover() = default;
  ~SandboxRemover();  // finish()
  SandboxRemover(const SandboxRemover&) = delete;
  SandboxRemover& operator=(const SandboxRemover&) = delete;

  // Takes the sandbox and removes it soon (a kept one is left, as its own
  // destructor would). Removes it right here when no thread can be started.
  void remove_later(Sandbox sandbox);

  // Returns once every sandbox handed over is removed. Idempotent; the
  // remover can be used again afterwards.
  void finish();

private:
  void remove_loop();

  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::deque<Sandbox> m_queue;  // guarded by m_mutex
  bool m_stopping = false;      // guarded by m_mutex
  std::thread m_thread;         // started on the first remove_later
};

}  // namespace fixturegen::process
