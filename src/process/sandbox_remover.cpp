#include <fixturegen/process/sandbox_remover.hpp>

#include <system_error>
#include <utility>

namespace fixturegen::process {

SandboxRemover::~SandboxRemover() { finish(); }

void SandboxRemover::remove_later(Sandbox sandbox) {
  if (sandbox.kept()) return;  // its destructor leaves it
  std::unique_lock<std::mutex> lock(m_mutex);
  if (!m_thread.joinable()) {
    m_stopping = false;
    try {
      m_thread = std::thread([this] { remove_loop(); });
    } catch (const std::system_error&) {
      // No thread to be had (a process limit): remove it now, as before.
      lock.unlock();
      (void)sandbox.remove();
      return;
    }
  }
  m_queue.push_back(std::move(sandbox));
  lock.unlock();
  m_wake.notify_one();
}

void SandboxRemover::remove_loop() {
  std::unique_lock<std::mutex> lock(m_mutex);
  for (;;) {
    m_wake.wait(lock, [&] { return m_stopping || !m_queue.empty(); });
    if (m_queue.empty()) return;  // stopping, and nothing left
    Sandbox sandbox = std::move(m_queue.front());
    m_queue.pop_front();
    lock.unlock();
    // Errors are ignored, as ~Sandbox ignores them: a sandbox that cannot be
    // removed is a stray temp dir, never a lost or changed fixture.
    (void)sandbox.remove();
    lock.lock();
  }
}

void SandboxRemover::finish() {
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    if (!m_thread.joinable()) return;
    m_stopping = true;
  }
  m_wake.notify_one();
  m_thread.join();
}

}  // namespace fixturegen::process
