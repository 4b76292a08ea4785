#include <fixturegen/core/thread_pool.hpp>

#include <fixturegen/core/interrupt.hpp>

#include <algorithm>
#include <atomic>
#include <exception>
#include <new>
#include <string>
#include <system_error>
#include <utility>

namespace fixturegen {

// One run(): shared by the caller and the helpers that picked it up, so a
// helper that wakes after the batch ended still holds valid counters (it
// finds no index left and never touches the task).
struct ThreadPool::Batch {
  // What happened to a task, recorded without allocating: an exception may
  // be bad_alloc, and building an Error needs memory. Errors are built by
  // the caller once every task is over and their memory is back.
  enum class Status { Ran, OutOfMemory, Threw, Interrupted };

  Batch(std::size_t task_count, const Task& task_function)
      : count(task_count), task(&task_function), outcomes(task_count), statuses(task_count, Status::Ran),
        messages(task_count) {}

  const std::size_t count;
  const Task* task;
  Outcomes outcomes;
  std::vector<Status> statuses;
  std::vector<std::string> messages;  // what() of a thrown exception, when it could be copied
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> remaining{count};
  std::mutex done_mutex;
  std::condition_variable done_cv;
  bool done = false;

  void work() noexcept {
    for (;;) {
      const std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= count) return;
      run_one(i);
      if (remaining.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        const std::lock_guard<std::mutex> lock(done_mutex);
        done = true;
        done_cv.notify_all();
      }
    }
  }

  void run_one(std::size_t i) noexcept {
    if (interrupted()) {
      statuses[i] = Status::Interrupted;
      return;
    }
    try {
      Expected<void> result = (*task)(i);
      if (!result) outcomes[i] = std::move(result).error();  // moves, never allocates
    } catch (const std::bad_alloc&) {
      statuses[i] = Status::OutOfMemory;
    } catch (const std::exception& e) {
      statuses[i] = Status::Threw;
      try {
        messages[i] = e.what();
      } catch (...) {  // no memory for the message: the status alone says it
      }
    } catch (...) {
      statuses[i] = Status::Threw;
    }
  }
};

ThreadPool::ThreadPool(std::size_t helpers) {
  try {
    m_threads.reserve(helpers);
    for (std::size_t i = 0; i < helpers; ++i) m_threads.emplace_back([this] { helper_loop(); });
  } catch (const std::system_error&) {
    // No more threads (a process limit): fewer helpers, same results.
  } catch (const std::bad_alloc&) {
  }
}

ThreadPool::~ThreadPool() {
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_all();
  for (std::thread& thread : m_threads) thread.join();
}

std::size_t ThreadPool::helpers_for(std::size_t limit) {
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  return std::min(cores, std::max<std::size_t>(limit, 1)) - 1;
}

void ThreadPool::helper_loop() {
  std::size_t seen = 0;
  for (;;) {
    std::shared_ptr<Batch> batch;
    {
      std::unique_lock<std::mutex> lock(m_mutex);
      m_wake.wait(lock, [&] { return m_stopping || m_generation != seen; });
      if (m_stopping) return;
      seen = m_generation;
      batch = m_batch;
    }
    if (batch) batch->work();
  }
}

ThreadPool::Outcomes ThreadPool::run(std::size_t count, const Task& task) {
  auto batch = std::make_shared<Batch>(count, task);
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_batch = batch;
    ++m_generation;
  }
  m_wake.notify_all();
  batch->work();
  {
    std::unique_lock<std::mutex> lock(batch->done_mutex);
    batch->done_cv.wait(lock, [&] { return batch->done || count == 0; });
  }
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_batch.reset();
  }

  for (std::size_t i = 0; i < count; ++i) {
    switch (batch->statuses[i]) {
      case Batch::Status::Ran: break;
      case Batch::Status::Interrupted: batch->outcomes[i] = Error::interrupted(); break;
      case Batch::Status::OutOfMemory:
        batch->outcomes[i] = Error::io("out of memory", "the input may be larger than this machine (or its memory limit) can hold");
        break;
      case Batch::Status::Threw:
        batch->outcomes[i] = Error::internal(
            batch->messages[i].empty() ? std::string("internal error: an exception escaped a task")
                                       : "internal error: " + batch->messages[i],
            "please report this with the command line that caused it");
        break;
    }
  }
  return std::move(batch->outcomes);
}

}  // namespace fixturegen
