// process::run_child and friends against real programs (/bin/sh, coreutils):
// exit statuses, signals, pipes that must not deadlock, process groups that
// must die whole, interrupts, and an environment nothing leaks into.

#include <fixturegen/core/interrupt.hpp>
#include <fixturegen/process/child_process.hpp>

#include "support.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <chrono>
#include <csignal>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace process = fixturegen::process;
using fixturegen::ErrorKind;
using namespace std::chrono_literals;

namespace {

process::ChildSpec spec_for(std::vector<std::string> argv) {
  process::ChildSpec spec;
  spec.argv = std::move(argv);
  spec.env = {"PATH=/usr/bin:/bin"};
  spec.timeout = 20s;
  return spec;
}

process::ChildResult run_ok(const process::ChildSpec& spec) {
  auto result = process::run_child(spec);
  if (!result) FAIL("run_child failed: " << result.error().message);
  return std::move(result).value();
}

// Gone, or a zombie waiting for init to reap it: either way not running.
bool process_gone(pid_t pid) {
  const auto until = std::chrono::steady_clock::now() + 3s;
  while (std::chrono::steady_clock::now() < until) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    if (!stat) return true;
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const auto paren = text.rfind(')');
    if (paren != std::string::npos && paren + 2 < text.size() && text[paren + 2] == 'Z') return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

}  // namespace

TEST_CASE("process::run_child reports the exit status and what the child printed") {
  const auto result = run_ok(spec_for({"sh", "-c", "printf out; printf err >&2; exit 3"}));
  CHECK(result.exit_status == 3);
  CHECK_FALSE(result.signal.has_value());
  CHECK(result.stdout_bytes == "out");
  CHECK(result.stderr_tail == "err");
  CHECK(result.stderr_total_bytes == 3);
  CHECK_FALSE(result.timed_out);
  CHECK_FALSE(result.interrupted);
  CHECK_FALSE(result.stdout_overflow);
  CHECK(result.elapsed > 0ns);
}

TEST_CASE("process::run_child reports the signal that killed the child") {
  const auto result = run_ok(spec_for({"sh", "-c", "kill -USR1 $$"}));
  CHECK_FALSE(result.exit_status.has_value());
  CHECK(result.signal == SIGUSR1);
}

TEST_CASE("process::run_child drains 200 MB of stdout while stderr floods, without deadlock") {
  // Both pipes fill at once: reading one to EOF before the other would hang.
  const auto result = run_ok(spec_for(
      {"sh", "-c", "head -c 50000000 /dev/zero >&2 & head -c 200000000 /dev/zero; wait"}));
  CHECK(result.exit_status == 0);
  CHECK(result.stdout_bytes.size() == 200000000);
  CHECK(result.stdout_bytes.find_first_not_of('\0') == std::string::npos);
  CHECK(result.stderr_total_bytes == 50000000);
  CHECK(result.stderr_tail.size() == std::size_t{64} << 10);
}

TEST_CASE("process::run_child keeps exactly the tail of stderr") {
  auto spec = spec_for({"sh", "-c", "seq 1 100000 >&2"});
  spec.stderr_keep_bytes = 20;
  const auto result = run_ok(spec);
  CHECK(result.stderr_tail == "\n99998\n99999\n100000\n");  // 20 bytes
  CHECK(result.stderr_total_bytes == 588895);  // wc -c of `seq 1 100000`
}

TEST_CASE("process::run_child kills the child after max_stdout_bytes") {
  auto spec = spec_for({"sh", "-c", "yes"});
  spec.max_stdout_bytes = 100000;
  const auto result = run_ok(spec);
  CHECK(result.stdout_overflow);
  CHECK(result.stdout_bytes.size() == 100000);
  CHECK(result.signal.has_value());
  CHECK_FALSE(result.timed_out);
}

TEST_CASE("process::run_child on timeout kills the whole process group, grandchildren too") {
  auto spec = spec_for({"sh", "-c", "sleep 100 & echo $!; sleep 100"});
  spec.timeout = 300ms;
  const auto started = std::chrono::steady_clock::now();
  const auto result = run_ok(spec);
  CHECK(std::chrono::steady_clock::now() - started < 5s);
  CHECK(result.timed_out);
  CHECK(result.signal == SIGTERM);
  const pid_t grandchild = static_cast<pid_t>(std::stol(result.stdout_bytes));
  CHECK(process_gone(grandchild));
}

TEST_CASE("process::run_child sends SIGKILL when the group ignores SIGTERM") {
  auto spec = spec_for({"sh", "-c", "trap '' TERM; sleep 100 & echo $!; sleep 100"});
  spec.timeout = 200ms;
  const auto result = run_ok(spec);
  CHECK(result.timed_out);
  CHECK(result.signal == SIGKILL);
  CHECK(process_gone(static_cast<pid_t>(std::stol(result.stdout_bytes))));
}

TEST_CASE("process::run_child ends a stopped child on timeout with SIGTERM (sent with SIGCONT)") {
  auto spec = spec_for({"sh", "-c", "kill -STOP $$"});
  spec.timeout = 200ms;
  const auto result = run_ok(spec);
  CHECK(result.timed_out);
  CHECK(result.signal == SIGTERM);
}

TEST_CASE("process::run_child takes a huge timeout as none and a zero one as already over") {
  auto spec = spec_for({"sh", "-c", "echo ok"});
  spec.timeout = std::chrono::milliseconds::max();
  const auto unbounded = run_ok(spec);
  CHECK(unbounded.exit_status == 0);
  CHECK(unbounded.stdout_bytes == "ok\n");
  spec.argv = {"sleep", "100"};
  spec.timeout = 0ms;
  CHECK(run_ok(spec).timed_out);
}

TEST_CASE("process::run_child returns when the child exits, killing what it left in the background") {
  // The background sleep holds the pipes open; waiting for EOF would take 100 s.
  const auto started = std::chrono::steady_clock::now();
  const auto result = run_ok(spec_for({"sh", "-c", "sleep 100 & echo $!"}));
  CHECK(std::chrono::steady_clock::now() - started < 5s);
  CHECK(result.exit_status == 0);
  CHECK_FALSE(result.timed_out);
  CHECK(process_gone(static_cast<pid_t>(std::stol(result.stdout_bytes))));
}

TEST_CASE("process::run_child ends promptly on SIGINT from another thread") {
  // The interrupt flag is process-wide and sticky: run in a forked copy so
  // the other tests still see an uninterrupted process.
  std::fflush(nullptr);  // or the forked copy writes Catch's buffered output again
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    fixturegen::install_interrupt_handler();
    std::thread interrupter([] {
      std::this_thread::sleep_for(200ms);
      ::kill(::getpid(), SIGINT);
    });
    auto spec = spec_for({"sh", "-c", "sleep 100 & echo $!; sleep 100"});
    const auto started = std::chrono::steady_clock::now();
    auto result = process::run_child(spec);
    const auto took = std::chrono::steady_clock::now() - started;
    interrupter.join();
    int code = 0;
    if (!result) code = 10;
    else if (!result->interrupted) code = 11;
    else if (result->timed_out) code = 12;
    else if (took > 3s) code = 13;
    else if (!process_gone(static_cast<pid_t>(std::stol(result->stdout_bytes)))) code = 14;
    if (code == 0) {
      auto after = process::run_child(spec_for({"true"}));
      if (after || after.error().kind != ErrorKind::Interrupted) code = 15;
    }
    ::_exit(code);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  // 10 start failed, 11 not interrupted, 12 timed out, 13 slow, 14 grandchild alive, 15 later run started
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("process::run_child gives the child exactly the environment in the spec") {
  auto spec = spec_for({"/usr/bin/env"});
  spec.env = {"A=1", "B=two words", "EMPTY="};
  CHECK(run_ok(spec).stdout_bytes == "A=1\nB=two words\nEMPTY=\n");
  spec.env.clear();
  CHECK(run_ok(spec).stdout_bytes.empty());
}

TEST_CASE("process::run_child feeds stdin from a file, else /dev/null") {
  fixturegen::test::ScratchDir dir;
  const auto input = dir.path() / "seed data.sql";
  fixturegen::test::write_text(input, "select 1;\nselect 2;\n");
  auto spec = spec_for({"cat"});
  spec.stdin_file = input;
  CHECK(run_ok(spec).stdout_bytes == "select 1;\nselect 2;\n");

  spec.stdin_file.reset();
  const auto from_null = run_ok(spec);
  CHECK(from_null.stdout_bytes.empty());
  CHECK(from_null.exit_status == 0);

  spec.stdin_file = dir.path() / "missing.sql";
  auto missing = process::run_child(spec);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().kind == ErrorKind::Io);
  CHECK_THAT(missing.error().message, Catch::Contains("missing.sql"));
}

TEST_CASE("process::run_child reports a program that cannot start as an Error, not exit 127") {
  auto missing = process::run_child(spec_for({"no-such-engine-xyz", "compile"}));
  REQUIRE_FALSE(missing);
  CHECK(missing.error().kind == ErrorKind::Engine);
  CHECK_THAT(missing.error().message, Catch::Contains("no-such-engine-xyz"));
  REQUIRE(missing.error().process.has_value());
  CHECK(missing.error().process->command_line == "no-such-engine-xyz compile");
  CHECK_FALSE(missing.error().process->exit_status.has_value());

  fixturegen::test::ScratchDir dir;
  const auto not_a_binary = dir.path() / "engine";
  fixturegen::test::write_text(not_a_binary, "echo no shebang\n");
  ::chmod(not_a_binary.c_str(), 0755);
  auto no_exec = process::run_child(spec_for({not_a_binary.string()}));
  REQUIRE_FALSE(no_exec);
  CHECK(no_exec.error().kind == ErrorKind::Engine);
  CHECK_THAT(no_exec.error().message, Catch::Contains(not_a_binary.string()));

  auto nul = process::run_child(spec_for({"printf", std::string("a\0b", 3)}));
  REQUIRE_FALSE(nul);
  CHECK_THAT(nul.error().message, Catch::Contains("NUL"));

  auto spec = spec_for({"true"});
  spec.working_dir = dir.path() / "no-such-dir";
  auto bad_dir = process::run_child(spec);
  REQUIRE_FALSE(bad_dir);
  CHECK_THAT(bad_dir.error().message, Catch::Contains("no-such-dir"));
}

TEST_CASE("process::run_child runs the child in working_dir") {
  fixturegen::test::ScratchDir dir;
  auto spec = spec_for({"/bin/pwd", "-P"});
  spec.working_dir = dir.path();
  CHECK(run_ok(spec).stdout_bytes == std::filesystem::canonical(dir.path()).string() + "\n");
}

TEST_CASE("process::run_child passes shell metacharacters to the program literally") {
  const std::vector<std::string> args = {"$(touch pwned)", "*", "a'b", "; rm -rf /", "`id`", "a\nb", "", "\"q\""};
  std::vector<std::string> argv = {"printf", "[%s]"};
  argv.insert(argv.end(), args.begin(), args.end());
  fixturegen::test::ScratchDir dir;
  auto spec = spec_for(argv);
  spec.working_dir = dir.path();
  std::string expected;
  for (const auto& arg : args) expected += "[" + arg + "]";
  CHECK(run_ok(spec).stdout_bytes == expected);
  CHECK(std::filesystem::is_empty(dir.path()));
}

TEST_CASE("process::run_child is safe from several threads at once") {
  std::vector<std::thread> threads;
  std::vector<int> wrong(6, 0);
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([t, &wrong] {
      for (int i = 0; i < 15; ++i) {
        const std::string word = std::to_string(t) + "-" + std::to_string(i);
        auto result = process::run_child(spec_for({"sh", "-c", "printf %s \"$1\"; printf %s \"$1\" >&2", "sh", word}));
        if (!result || result->stdout_bytes != word || result->stderr_tail != word || result->exit_status != 0) {
          ++wrong[static_cast<std::size_t>(t)];
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(wrong == std::vector<int>(6, 0));
}

TEST_CASE("process::shell_quote gives a line a POSIX shell reads back as the same argv") {
  CHECK(process::shell_quote({"rocky", "compile", "--models", "models"}) == "rocky compile --models models");
  CHECK(process::shell_quote({"rocky", "a b", "", "it's"}) == "rocky 'a b' '' 'it'\\''s'");
  CHECK(process::shell_quote({"A=1", "x=y"}) == "'A=1' x=y");
  const std::vector<std::string> args = {"$HOME", "*", "a'b\"c", "x\ny", "", "~", "#c", "semi;colon", "plain"};
  const auto result = run_ok(spec_for({"sh", "-c", "printf '[%s]' " + process::shell_quote(args)}));
  std::string expected;
  for (const auto& arg : args) expected += "[" + arg + "]";
  CHECK(result.stdout_bytes == expected);
}

TEST_CASE("process::find_program searches PATH like execvp") {
  auto sh = process::find_program("sh", "/no/such/dir::relative:/bin");
  REQUIRE(sh);
  CHECK(*sh == std::filesystem::path("/bin/sh"));

  auto missing = process::find_program("no-such-engine-xyz", "/bin:/usr/bin");
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error().message, Catch::Contains("no-such-engine-xyz") && Catch::Contains("/bin:/usr/bin"));

  fixturegen::test::ScratchDir dir;
  fixturegen::test::write_text(dir.path() / "tool", "#!/bin/sh\n");
  ::chmod((dir.path() / "tool").c_str(), 0644);
  auto not_executable = process::find_program("tool", dir.path().string());
  REQUIRE_FALSE(not_executable);
  CHECK_THAT(not_executable.error().message, Catch::Contains("not an executable"));
  ::chmod((dir.path() / "tool").c_str(), 0755);
  auto found = process::find_program("tool", "/no/such:" + dir.path().string());
  REQUIRE(found);
  CHECK(*found == dir.path() / "tool");

  CHECK(process::find_program("/bin/sh", ""));
  CHECK_FALSE(process::find_program("/no/such/program", "/bin"));
  CHECK_FALSE(process::find_program(dir.path().string() + "/", "/bin"));  // a directory
  CHECK_FALSE(process::find_program("", "/bin"));
}
