#include <fixturegen/process/sandbox_maker.hpp>

#include <fixturegen/core/interrupt.hpp>

#include <system_error>
#include <utility>

namespace fixturegen::process {

SandboxMaker::SandboxMaker(std::vector<SandboxRequest> requests, std::filesystem::path parent, std::size_t ahead)
    : m_requests(std::move(requests)), m_parent(std::move(parent)), m_ahead(ahead == 0 ? 1 : ahead),
      m_made(m_requests.size()), m_taken(m_requests.size(), false) {
  try {
    m_thread = std::thread([this] { make_loop(); });
  } catch (const std::system_error&) {
    // No thread to be had: take() makes each one itself.
  }
}

SandboxMaker::~SandboxMaker() {
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_stopping = true;
  }
  m_changed.notify_all();
  if (m_thread.joinable()) m_thread.join();
  // m_made's untaken sandboxes are removed by their destructors.
}

void SandboxMaker::make_loop() {
  std::unique_lock<std::mutex> lock(m_mutex);
  for (;;) {
    m_changed.wait(lock, [&] {
      return m_stopping || m_next_to_make >= m_requests.size() || m_next_to_make < m_asked + m_ahead;
    });
    // An interrupt stops the copying: the run is about to end.
    if (m_stopping || m_next_to_make >= m_requests.size() || interrupted()) break;
    const std::size_t index = m_next_to_make++;
    if (m_taken[index]) continue;  // made by take() itself meanwhile
    lock.unlock();
    Expected<Sandbox> made = Sandbox::create(m_requests[index].poc_dir, m_requests[index].clean, m_parent);
    lock.lock();
    m_made[index].emplace(std::move(made));
    m_changed.notify_all();
  }
}

Expected<Sandbox> SandboxMaker::take(std::size_t index) {
  if (index >= m_requests.size()) return Error::internal("SandboxMaker::take: no such request");
  std::unique_lock<std::mutex> lock(m_mutex);
  if (m_taken[index]) return Error::internal("SandboxMaker::take: a sandbox taken twice");
  m_taken[index] = true;
  if (index + 1 > m_asked) m_asked = index + 1;
  m_changed.notify_all();
  if (m_next_to_make <= index) {
    // The maker has not picked it (it is behind, stopped, or has no thread):
    // made here, and the maker skips it.
    lock.unlock();
    return Sandbox::create(m_requests[index].poc_dir, m_requests[index].clean, m_parent);
  }
  // Picked before it was taken: the maker always delivers what it picked.
  m_changed.wait(lock, [&] { return m_made[index].has_value(); });
  Expected<Sandbox> made = std::move(*m_made[index]);
  m_made[index].reset();
  return made;
}

}  // namespace fixturegen::process
