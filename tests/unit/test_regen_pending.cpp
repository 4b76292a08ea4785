// Pending captures in the lock and on disk: what accept and reject do to
// the captures, the FILE.new files and fixturegen.lock, together.

#include "support.hpp"

#include <fixturegen/core/interrupt.hpp>
#include <fixturegen/core/sha256.hpp>
#include <fixturegen/diff/pending.hpp>
#include <fixturegen/io/test_pause.hpp>
#include <fixturegen/regen/lock_file.hpp>
#include <fixturegen/regen/pending.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace fixturegen;
using namespace fixturegen::regen;
namespace fs = std::filesystem;

namespace {

LockedCapture committed(std::string file, std::string sha, std::string command = "rocky run") {
  LockedCapture capture;
  capture.file = std::move(file);
  capture.step = 1;
  capture.command = std::move(command);
  capture.sha256 = std::move(sha);
  return capture;
}

// POC "pocs/p" with a.json (committed, pending), b.json (only pending) and
// c.json (committed, nothing pending), written by a run of inputs "old";
// the pending run's inputs are "new".
LockFile pending_lock(const std::string& a_new, const std::string& b_new) {
  LockFile lock;
  lock.engine = "rocky";
  LockedPoc poc;
  poc.name = "pocs/p";
  poc.input_digest = "old-inputs";
  poc.engine_version = "rocky 1.0";
  poc.rules_digest = "rules";
  poc.duration_ms = 100;
  LockedCapture a = committed("p/a.json", sha256_hex(R"({"rows": 1})"));
  a.pending = PendingRecord{1, "rocky run --new", 0, a_new};
  LockedCapture b;
  b.file = "p/b.json";
  b.pending = PendingRecord{2, "rocky doctor", 2, b_new};
  poc.captures = {a, b, committed("p/c.json", sha256_hex(R"({"kept": 1})"))};
  poc.pending = PendingRun{"new-inputs", "rocky 2.0", "rules", 150};
  lock.pocs.push_back(poc);
  return lock;
}

const std::string kANew = R"({"rows": 2})";
const std::string kBNew = R"({"new": true})";

// A corpus as regen --pending leaves it: fixtures/p/{a,c}.json committed,
// a.json.new and b.json.new pending, the lock recording both.
fs::path make_corpus(const test::ScratchDir& scratch) {
  const fs::path root = scratch.path() / "fixtures";
  fs::create_directories(root / "p");
  test::write_text(root / "p" / "a.json", R"({"rows": 1})");
  test::write_text(root / "p" / "a.json.new", kANew);
  test::write_text(root / "p" / "b.json.new", kBNew);
  test::write_text(root / "p" / "c.json", R"({"kept": 1})");
  test::write_text(root / kLockFileName, render_lock(pending_lock(sha256_hex(kANew), sha256_hex(kBNew))));
  return root;
}

std::vector<diff::PendingCapture> found(const fs::path& root, const std::vector<std::string>& globs = {}) {
  auto pending = diff::find_pending({root.string()});
  REQUIRE(pending.has_value());
  auto selected = diff::select_pending(*pending, globs);
  REQUIRE(selected.has_value());
  return std::move(*selected);
}

LockFile lock_in(const fs::path& root) {
  auto lock = load_lock(root / kLockFileName);
  REQUIRE(lock.has_value());
  REQUIRE(lock->has_value());
  return **lock;
}

// Every entry of `dir` by name, hidden ones too: StagedWrites' temp files are.
std::vector<std::string> listing(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) names.push_back(fs::relative(entry.path(), dir).string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("regen::render_lock and parse_lock keep pending records and runs") {
  const LockFile lock = pending_lock(std::string(64, 'a'), std::string(64, 'b'));
  const std::string text = render_lock(lock);
  auto parsed = parse_lock(text, "fixturegen.lock");
  REQUIRE(parsed.has_value());
  CHECK(render_lock(*parsed) == text);
  const LockedPoc* poc = parsed->find("pocs/p");
  REQUIRE(poc);
  REQUIRE(poc->pending);
  CHECK(poc->pending->input_digest == "new-inputs");
  REQUIRE(poc->find("p/b.json"));
  CHECK_FALSE(poc->find("p/b.json")->committed());
  CHECK(poc->find("p/b.json")->pending->exit_code == 2);
  // files() is the committed captures (orphan bookkeeping); pending_files() the FILE.new ones.
  CHECK(parsed->files() == std::vector<std::string>{"p/a.json", "p/c.json"});
  CHECK(parsed->pending_files() == std::vector<std::string>{"p/a.json", "p/b.json"});
  // A lock without pending state renders as before (no "pending" keys).
  LockFile plain = lock;
  plain.pocs[0].pending.reset();
  plain.pocs[0].captures.erase(plain.pocs[0].captures.begin() + 1);
  plain.pocs[0].captures[0].pending.reset();
  CHECK(render_lock(plain).find("pending") == std::string::npos);
}

TEST_CASE("regen::accept_in_lock and reject_in_lock move records; the POC's run follows the last accept") {
  const std::string a_sha = std::string(64, 'a');
  const std::string b_sha = std::string(64, 'b');
  SECTION("accepting every pending capture makes the pending run the POC's own") {
    LockFile lock = pending_lock(a_sha, b_sha);
    CHECK_FALSE(accept_in_lock(lock, "p/a.json", b_sha));  // not the bytes regen recorded
    CHECK(accept_in_lock(lock, "p/a.json", a_sha));
    const LockedPoc& poc = *lock.find("pocs/p");
    CHECK(poc.find("p/a.json")->sha256 == a_sha);
    CHECK(poc.find("p/a.json")->command == "rocky run --new");
    CHECK_FALSE(poc.find("p/a.json")->pending);
    CHECK(poc.input_digest == "old-inputs");  // b.json still pending
    CHECK(accept_in_lock(lock, "p/b.json", b_sha));
    CHECK(poc.find("p/b.json")->committed());
    CHECK(poc.find("p/b.json")->exit_code == 2);
    CHECK(poc.input_digest == "new-inputs");
    CHECK(poc.engine_version == "rocky 2.0");
    CHECK(poc.duration_ms == 150);
    CHECK_FALSE(poc.pending);
    CHECK_FALSE(accept_in_lock(lock, "p/b.json", b_sha));  // nothing pending any more
    CHECK_FALSE(accept_in_lock(lock, "p/nothing.json", b_sha));
  }
  SECTION("a reject drops the record and the POC's pending run: the POC stays as it was") {
    LockFile lock = pending_lock(a_sha, b_sha);
    CHECK(reject_in_lock(lock, "p/b.json"));
    const LockedPoc& poc = *lock.find("pocs/p");
    CHECK(poc.find("p/b.json") == nullptr);  // it existed only pending
    CHECK_FALSE(poc.pending);
    CHECK(accept_in_lock(lock, "p/a.json", a_sha));
    CHECK(poc.input_digest == "old-inputs");
    CHECK(reject_in_lock(lock, "p/a.json") == false);
    CHECK(lock.pending_files().empty());
  }
}

TEST_CASE("regen::accept_pending promotes, records in the lock and removes the .new files, in one batch") {
  test::ScratchDir scratch;
  const fs::path root = make_corpus(scratch);
  auto outcome = accept_pending(root, found(root, {"p/a*"}));
  REQUIRE(outcome.has_value());
  CHECK(outcome->promoted == 1);
  CHECK(outcome->lock_updated);
  CHECK(outcome->unrecorded.empty());
  CHECK(test::read_text(root / "p" / "a.json") == kANew);
  CHECK_FALSE(fs::exists(root / "p" / "a.json.new"));
  CHECK(fs::exists(root / "p" / "b.json.new"));
  LockFile lock = lock_in(root);
  CHECK(lock.find("pocs/p")->find("p/a.json")->sha256 == sha256_hex(kANew));
  CHECK(lock.pending_files() == std::vector<std::string>{"p/b.json"});

  auto rest = accept_pending(root, found(root));
  REQUIRE(rest.has_value());
  CHECK(test::read_text(root / "p" / "b.json") == kBNew);
  lock = lock_in(root);
  CHECK(lock.pending_files().empty());
  CHECK(lock.find("pocs/p")->input_digest == "new-inputs");
  CHECK(listing(root) == std::vector<std::string>{"fixturegen.lock", "p", "p/a.json", "p/b.json", "p/c.json"});
}

TEST_CASE("regen::accept_pending leaves the lock's record of a .new file edited after regen") {
  test::ScratchDir scratch;
  const fs::path root = make_corpus(scratch);
  test::write_text(root / "p" / "a.json.new", R"({"rows": 3})");  // not what regen recorded
  const std::string lock_before = test::read_text(root / kLockFileName);
  auto outcome = accept_pending(root, found(root, {"p/a*"}));
  REQUIRE(outcome.has_value());
  CHECK(outcome->unrecorded == std::vector<std::string>{(root / "p" / "a.json.new").generic_string()});
  CHECK_FALSE(outcome->lock_updated);
  CHECK(test::read_text(root / "p" / "a.json") == R"({"rows": 3})");
  CHECK(test::read_text(root / kLockFileName) == lock_before);
}

TEST_CASE("regen::accept_pending refuses a .new file that is not JSON before anything changes") {
  test::ScratchDir scratch;
  const fs::path root = make_corpus(scratch);
  test::write_text(root / "p" / "b.json.new", R"({"new": tr)");
  const std::string lock_before = test::read_text(root / kLockFileName);
  auto outcome = accept_pending(root, found(root));
  REQUIRE_FALSE(outcome.has_value());
  CHECK_THAT(outcome.error().message, Catch::Contains("b.json.new:1:"));
  CHECK(test::read_text(root / "p" / "a.json") == R"({"rows": 1})");
  CHECK(fs::exists(root / "p" / "a.json.new"));
  CHECK(test::read_text(root / kLockFileName) == lock_before);
}

TEST_CASE("regen::accept_pending whose write fails keeps every .new file and the lock") {
  test::ScratchDir scratch;
  const fs::path root = make_corpus(scratch);
  const std::string lock_before = test::read_text(root / kLockFileName);
  // Between staging and commit (the test-only pause point "accept-commit"),
  // b.json becomes a non-empty directory: its rename fails at commit.
  const fs::path fifo = scratch.path() / "pause";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  REQUIRE(::setenv(io::kTestPauseVariable, ("accept-commit:" + fifo.string()).c_str(), 1) == 0);
  std::thread saboteur([&] {
    const int fd = ::open(fifo.c_str(), O_WRONLY);  // returns once accept waits at the pause
    fs::create_directories(root / "p" / "b.json" / "inside");
    if (fd >= 0) ::close(fd);
  });
  auto outcome = accept_pending(root, found(root));
  saboteur.join();
  ::unsetenv(io::kTestPauseVariable);
  REQUIRE_FALSE(outcome.has_value());
  CHECK(outcome.error().code() == ExitCode::EngineOrIoError);
  CHECK_THAT(outcome.error().message, Catch::Contains("b.json") && Catch::Contains("not attempted"));
  // a.json was promoted before the failure; the lock and both .new files stay,
  // so accept can be run again once the cause is fixed.
  CHECK(test::read_text(root / "p" / "a.json") == kANew);
  CHECK(fs::exists(root / "p" / "a.json.new"));
  CHECK(fs::exists(root / "p" / "b.json.new"));
  CHECK(test::read_text(root / kLockFileName) == lock_before);
  fs::remove_all(root / "p" / "b.json");
  auto again = accept_pending(root, found(root));
  REQUIRE(again.has_value());
  CHECK(lock_in(root).pending_files().empty());
  CHECK(test::read_text(root / "p" / "b.json") == kBNew);
}

TEST_CASE("regen::reject_pending deletes the .new files and their records; the captures stay") {
  test::ScratchDir scratch;
  const fs::path root = make_corpus(scratch);
  auto outcome = reject_pending(root, found(root));
  REQUIRE(outcome.has_value());
  CHECK(outcome->removed == 2);
  CHECK(outcome->lock_updated);
  CHECK(test::read_text(root / "p" / "a.json") == R"({"rows": 1})");
  CHECK_FALSE(fs::exists(root / "p" / "b.json"));
  CHECK(listing(root) == std::vector<std::string>{"fixturegen.lock", "p", "p/a.json", "p/c.json"});
  const LockFile lock = lock_in(root);
  CHECK(lock.pending_files().empty());
  CHECK(lock.find("pocs/p")->find("p/a.json")->sha256 == sha256_hex(R"({"rows": 1})"));
  CHECK(lock.find("pocs/p")->input_digest == "old-inputs");
}

TEST_CASE("regen::accept_pending and reject_pending work without a lock file") {
  test::ScratchDir scratch;
  const fs::path root = make_corpus(scratch);
  fs::remove(root / kLockFileName);
  auto rejected = reject_pending(root, found(root, {"p/b*"}));
  REQUIRE(rejected.has_value());
  CHECK(rejected->unrecorded.size() == 1);
  auto accepted = accept_pending(root, found(root));
  REQUIRE(accepted.has_value());
  CHECK(test::read_text(root / "p" / "a.json") == kANew);
  CHECK_FALSE(fs::exists(root / kLockFileName));  // none is made up
}

TEST_CASE("regen::accept_pending interrupted between two files leaves the captures, the .new files and the lock as they were") {
  test::ScratchDir scratch;
  const fs::path root = make_corpus(scratch);
  // The second pending capture is a FIFO: reading it blocks until the test
  // has sent SIGINT, so the interrupt lands after the first file was staged.
  const fs::path fifo = root / "p" / "b.json.new";
  fs::remove(fifo);
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const std::vector<std::string> before = listing(root);
  const std::string lock_before = test::read_text(root / kLockFileName);
  // find_pending lists regular files only: name the FIFO by hand.
  const std::vector<diff::PendingCapture> pending{
      {(root / "p" / "a.json.new").string(), (root / "p" / "a.json").string(), "p/a.json"},
      {fifo.string(), (root / "p" / "b.json").string(), "p/b.json"}};

  // The interrupt flag is process-wide and sticky: run in a forked copy.
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    install_interrupt_handler();
    std::thread interrupter([&fifo] {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      ::kill(::getpid(), SIGINT);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      // Unblock the reader if the signal went to this thread instead.
      const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
      if (fd >= 0) {
        [[maybe_unused]] const auto written = ::write(fd, "{}", 2);
        ::close(fd);
      }
    });
    auto outcome = accept_pending(root, pending);
    interrupter.join();
    int code = 0;
    if (outcome) code = 10;
    else if (outcome.error().kind != ErrorKind::Interrupted) code = 11;
    ::_exit(code);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);  // 10 accepted anyway, 11 another error
  CHECK(test::read_text(root / "p" / "a.json") == R"({"rows": 1})");
  CHECK(test::read_text(root / "p" / "a.json.new") == kANew);
  CHECK_FALSE(fs::exists(root / "p" / "b.json"));
  CHECK(test::read_text(root / kLockFileName) == lock_before);
  CHECK(listing(root) == before);  // no temp file left behind either
}
