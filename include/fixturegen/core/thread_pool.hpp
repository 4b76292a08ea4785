#pragma once

#include <fixturegen/core/error.hpp>

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace fixturegen {

// A small fixed pool for "do task(i) for every i" batches (validate's files,
// regen's POCs). Exceptions never cross threads: whatever a task throws
// (bad_alloc on a huge capture under a memory limit, a bug) becomes that
// task's Error, the other tasks still run, and run() returns only when every
// task has returned, so no worker outlives the state it reads.
class ThreadPool {
public:
  // Per task: nothing when it succeeded, else the Error it returned or what
  // it threw turned into one (out of memory: Io; anything else: Internal),
  // or Interrupted when an interrupt came before it started.
  using Outcomes = std::vector<std::optional<Error>>;
  using Task = std::function<Expected<void>(std::size_t index)>;

  // Starts `helpers` threads now, idle until run(): a second core can take a
  // while to wake (notably on a VM), so it wakes while the caller still
  // prepares the work. If a thread cannot be started, the pool makes do with
  // fewer (the calling thread alone still runs everything).
  explicit ThreadPool(std::size_t helpers);
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  ~ThreadPool();  // stops and joins the helpers

  // Helpers actually running, plus the calling thread.
  std::size_t threads() const { return m_threads.size() + 1; }

  // Calls task(i) once for each i in [0, count), on the helpers and the
  // calling thread; tasks not yet started when interrupted() becomes true
  // are not started. Not reentrant: one run() at a time.
  Outcomes run(std::size_t count, const Task& task);

  // The helper count for "use the machine, but at most `limit` threads".
  static std::size_t helpers_for(std::size_t limit);

private:
  struct Batch;
  void helper_loop();

  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::shared_ptr<Batch> m_batch;  // the current batch, guarded by m_mutex
  std::size_t m_generation = 0;    // bumped per batch
  bool m_stopping = false;
  std::vector<std::thread> m_threads;
};

}  // namespace fixturegen
