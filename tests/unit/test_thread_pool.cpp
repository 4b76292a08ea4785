// core::ThreadPool: every task runs once, and whatever one task throws or
// returns stays that task's outcome.

#include <fixturegen/core/thread_pool.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <new>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace fixturegen;

TEST_CASE("core::ThreadPool runs every task exactly once, batch after batch") {
  for (std::size_t helpers : {std::size_t{0}, std::size_t{1}, std::size_t{3}}) {
    ThreadPool pool(helpers);
    CHECK(pool.threads() == helpers + 1);
    for (int batch = 0; batch < 3; ++batch) {
      std::vector<std::atomic<int>> runs(1000);
      const ThreadPool::Outcomes outcomes = pool.run(runs.size(), [&](std::size_t i) -> Expected<void> {
        runs[i].fetch_add(1);
        return {};
      });
      REQUIRE(outcomes.size() == runs.size());
      for (std::size_t i = 0; i < runs.size(); ++i) {
        CHECK(runs[i].load() == 1);
        CHECK_FALSE(outcomes[i].has_value());
      }
    }
    CHECK(pool.run(0, [](std::size_t) -> Expected<void> { return {}; }).empty());
  }
}

TEST_CASE("core::ThreadPool: a task that throws bad_alloc becomes that item's error; the rest complete (issue 6.4)") {
  ThreadPool pool(3);
  std::vector<std::atomic<bool>> finished(200);
  const ThreadPool::Outcomes outcomes = pool.run(finished.size(), [&](std::size_t i) -> Expected<void> {
    // Let the throwing tasks overlap with others on the helper threads.
    if (i % 50 == 7) throw std::bad_alloc();
    if (i == 13) throw std::runtime_error("broken invariant");
    if (i == 21) return Error::io("cannot read 21.json: permission denied", "check the file's mode");
    std::this_thread::yield();
    finished[i] = true;
    return {};
  });
  REQUIRE(outcomes.size() == finished.size());
  for (std::size_t i = 0; i < finished.size(); ++i) {
    INFO("task " << i);
    if (i % 50 == 7) {
      REQUIRE(outcomes[i].has_value());
      CHECK(outcomes[i]->kind == ErrorKind::Io);
      CHECK(outcomes[i]->message == "out of memory");
      CHECK_FALSE(finished[i]);
    } else if (i == 13) {
      REQUIRE(outcomes[i].has_value());
      CHECK(outcomes[i]->kind == ErrorKind::Internal);
      CHECK(outcomes[i]->message == "internal error: broken invariant");
    } else if (i == 21) {
      REQUIRE(outcomes[i].has_value());
      CHECK(outcomes[i]->kind == ErrorKind::Io);
      CHECK(outcomes[i]->hint == "check the file's mode");
    } else {
      CHECK_FALSE(outcomes[i].has_value());
      CHECK(finished[i]);
    }
  }
  // The pool is still usable after tasks failed.
  std::atomic<int> ran{0};
  CHECK(pool.run(10, [&](std::size_t) -> Expected<void> { ++ran; return {}; }).size() == 10);
  CHECK(ran == 10);
}

TEST_CASE("core::ThreadPool: a throw on the calling thread waits for the helpers (issue 6.4)") {
  // Every task throws except one slow one: run() must not return (or unwind)
  // before the slow task, which writes into this frame, is done.
  ThreadPool pool(2);
  std::atomic<bool> slow_done{false};
  const ThreadPool::Outcomes outcomes = pool.run(64, [&](std::size_t i) -> Expected<void> {
    if (i == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      slow_done = true;
      return {};
    }
    throw std::logic_error("task failed");
  });
  CHECK(slow_done);
  CHECK_FALSE(outcomes[0].has_value());
  for (std::size_t i = 1; i < outcomes.size(); ++i) CHECK(outcomes[i]->kind == ErrorKind::Internal);
}
