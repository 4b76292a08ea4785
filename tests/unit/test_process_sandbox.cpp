// process::Sandbox and process::confine: a POC is copied, never dirtied, and
// nothing a plan names may reach outside the directory it belongs to.

#include <fixturegen/core/interrupt.hpp>
#include <fixturegen/process/child_process.hpp>
#include <fixturegen/process/sandbox.hpp>
#include <fixturegen/process/sandbox_maker.hpp>
#include <fixturegen/process/sandbox_remover.hpp>

#include "support.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;
namespace process = fixturegen::process;
using fixturegen::ErrorKind;
using fixturegen::test::read_text;
using fixturegen::test::ScratchDir;
using fixturegen::test::write_text;

namespace {

// Everything that must not change in a POC: per relative path its type,
// mode, bytes or link target, and modification time.
std::map<std::string, std::string> snapshot(const fs::path& root) {
  std::map<std::string, std::string> entries;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    const fs::path& path = it->path();
    struct stat info {};
    REQUIRE(::lstat(path.c_str(), &info) == 0);
    std::string value = std::to_string(info.st_mode) + " " + std::to_string(info.st_mtim.tv_sec) + "." +
                        std::to_string(info.st_mtim.tv_nsec) + " ";
    if (S_ISREG(info.st_mode)) value += read_text(path);
    if (S_ISLNK(info.st_mode)) value += fs::read_symlink(path).string();
    entries[fs::relative(path, root).generic_string()] = value;
  }
  return entries;
}

// A small POC with what real ones hold, plus awkward names.
fs::path make_poc(const fs::path& where) {
  const fs::path poc = where / "01-replication basics";
  fs::create_directories(poc / "models" / "staging");
  fs::create_directories(poc / "data");
  write_text(poc / "rocky.toml", "[pipeline]\nname = \"x\"\n");
  write_text(poc / "models" / "staging" / "orders.sql", "select 1\n");
  write_text(poc / "data" / "seed.sql", "create table t(a int);\n");
  write_text(poc / "it's a \"quoted\" name $(x).sql", "quoted\n");
  write_text(poc / "run.sh", "#!/bin/sh\necho hi\n");
  fs::permissions(poc / "run.sh", fs::perms(0755), fs::perm_options::replace);
  write_text(poc / "readonly.txt", "ro\n");
  fs::permissions(poc / "readonly.txt", fs::perms(0444), fs::perm_options::replace);
  fs::create_symlink("data/seed.sql", poc / "seed-link.sql");
  fs::create_symlink("../data", poc / "models" / "data-link");
  // State a previous run left: `clean` names these.
  write_text(poc / ".rocky-state.redb", "stale state\n");
  write_text(poc / "poc.duckdb", "stale db\n");
  fs::create_directories(poc / "target" / "cache");
  write_text(poc / "target" / "cache" / "x", "stale\n");
  return poc;
}

const std::vector<std::string> kClean = {".rocky-state.redb", "./poc.duckdb", "target/"};

}  // namespace

TEST_CASE("process::Sandbox copies a POC without its `clean` files and keeps modes and links") {
  ScratchDir scratch;
  const fs::path poc = make_poc(scratch.path());
  auto sandbox = process::Sandbox::create(poc, kClean, scratch.path());
  if (!sandbox) FAIL(sandbox.error().message);
  const fs::path copy = sandbox->path();
  CHECK(copy.is_absolute());
  CHECK(copy.parent_path() == sandbox->root());
  CHECK(fs::is_directory(sandbox->home()));
  CHECK(fs::is_empty(sandbox->home()));
  CHECK(fs::is_directory(sandbox->tmp()));
  CHECK((fs::status(sandbox->root()).permissions() & fs::perms::all) == fs::perms(0700));

  CHECK(read_text(copy / "rocky.toml") == "[pipeline]\nname = \"x\"\n");
  CHECK(read_text(copy / "models" / "staging" / "orders.sql") == "select 1\n");
  CHECK(read_text(copy / "it's a \"quoted\" name $(x).sql") == "quoted\n");
  CHECK((fs::status(copy / "run.sh").permissions() & fs::perms::all) == fs::perms(0755));
  CHECK((fs::status(copy / "readonly.txt").permissions() & fs::perms::all) == fs::perms(0444));
  REQUIRE(fs::is_symlink(copy / "seed-link.sql"));
  CHECK(fs::read_symlink(copy / "seed-link.sql") == "data/seed.sql");
  CHECK(read_text(copy / "seed-link.sql") == "create table t(a int);\n");  // resolves inside the copy
  CHECK(fs::equivalent(copy / "models" / "data-link", copy / "data"));
  CHECK_FALSE(fs::exists(copy / ".rocky-state.redb"));
  CHECK_FALSE(fs::exists(copy / "poc.duckdb"));
  CHECK_FALSE(fs::exists(copy / "target"));
  CHECK(fs::exists(poc / "target" / "cache" / "x"));
}

TEST_CASE("process::Sandbox leaves the POC byte for byte unchanged, whatever the steps do") {
  ScratchDir scratch;
  const fs::path poc = make_poc(scratch.path());
  const auto before = snapshot(poc);
  fs::path root;
  {
    auto sandbox = process::Sandbox::create(poc, kClean, scratch.path());
    REQUIRE(sandbox);
    root = sandbox->root();
    // A step that writes state, edits through a link, deletes and chmods.
    process::ChildSpec spec;
    spec.argv = {"sh", "-c",
                 "echo state > .rocky-state.redb && echo more >> seed-link.sql && rm rocky.toml && "
                 "chmod 000 models/staging && mkdir -p out/deep && chmod 500 out"};
    spec.env = {"PATH=/usr/bin:/bin"};
    spec.working_dir = sandbox->path();
    auto result = process::run_child(spec);
    REQUIRE(result);
    CHECK(result->exit_status == 0);
  }
  CHECK_FALSE(fs::exists(root));  // removed, read-only corners included
  CHECK(snapshot(poc) == before);
}

TEST_CASE("process::Sandbox refuses symlinks that lead out of the POC, and leaves nothing behind") {
  ScratchDir scratch;
  const fs::path sandboxes = scratch.path() / "sandboxes";
  fs::create_directories(sandboxes);
  write_text(scratch.path() / "secret.txt", "secret\n");

  const auto refused = [&](const std::string& link, const std::string& target, const std::string& reason) {
    const fs::path poc = make_poc(scratch.path() / link);
    fs::create_symlink(target, poc / link);
    auto sandbox = process::Sandbox::create(poc, kClean, sandboxes);
    REQUIRE_FALSE(sandbox);
    CHECK(sandbox.error().kind == ErrorKind::Config);
    CHECK_THAT(sandbox.error().message, Catch::Contains((poc / link).string()) && Catch::Contains(reason));
    CHECK(fs::is_empty(sandboxes));
  };
  refused("up", "../../secret.txt", "leads out of the POC");
  refused("absolute", (scratch.path() / "secret.txt").string(), "is absolute");
  refused("self", "../01-replication basics/rocky.toml", "leads out of the POC");  // names the POC's own folder
  {
    // Each link looks harmless alone; together they reach the parent.
    const fs::path poc = make_poc(scratch.path() / "chain");
    fs::create_symlink(".", poc / "d");
    fs::create_symlink("d/..", poc / "e");
    auto sandbox = process::Sandbox::create(poc, kClean, sandboxes);
    REQUIRE_FALSE(sandbox);
    CHECK_THAT(sandbox.error().message, Catch::Contains("resolves to"));
    CHECK(fs::is_empty(sandboxes));
  }
}

TEST_CASE("process::Sandbox refuses bad `clean` entries, a missing POC and odd file types") {
  ScratchDir scratch;
  const fs::path poc = make_poc(scratch.path());
  for (const std::string bad : {"../other", "/etc/passwd", "", ".", "a/../.."}) {
    auto sandbox = process::Sandbox::create(poc, {bad}, scratch.path());
    REQUIRE_FALSE(sandbox);
    CHECK(sandbox.error().kind == ErrorKind::Config);
  }
  auto missing = process::Sandbox::create(scratch.path() / "no-such-poc", {}, scratch.path());
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error().message, Catch::Contains("no-such-poc"));

  auto nested = process::Sandbox::create(poc, kClean, poc / "models");
  REQUIRE_FALSE(nested);
  CHECK_THAT(nested.error().message, Catch::Contains("inside the POC"));
  CHECK(std::distance(fs::directory_iterator(poc / "models"), fs::directory_iterator()) == 2);  // nothing left

  REQUIRE(::mkfifo((poc / "pipe").c_str(), 0600) == 0);
  auto fifo = process::Sandbox::create(poc, {}, scratch.path());
  REQUIRE_FALSE(fifo);
  CHECK_THAT(fifo.error().message, Catch::Contains("pipe"));
  CHECK(process::Sandbox::create(poc, {"pipe"}, scratch.path()));  // unless `clean` drops it
}

TEST_CASE("process::Sandbox removal never follows a symlink out, and keep() keeps it") {
  ScratchDir scratch;
  const fs::path poc = make_poc(scratch.path());
  const fs::path outside = scratch.path() / "outside";
  fs::create_directories(outside / "dir");
  write_text(outside / "dir" / "precious.txt", "precious\n");

  fs::path root;
  {
    auto sandbox = process::Sandbox::create(poc, kClean, scratch.path());
    REQUIRE(sandbox);
    root = sandbox->root();
    // What a rogue step could leave: links to the outside, by both spellings.
    fs::create_symlink(outside / "dir", sandbox->path() / "escape");
    fs::create_symlink("../../outside", sandbox->home() / "relative-escape");
    auto moved = std::move(*sandbox);  // the moved-from one must not remove it
    CHECK(fs::exists(moved.path()));
  }
  CHECK_FALSE(fs::exists(root));
  CHECK(read_text(outside / "dir" / "precious.txt") == "precious\n");

  {
    auto sandbox = process::Sandbox::create(poc, kClean, scratch.path());
    REQUIRE(sandbox);
    sandbox->keep();
    root = sandbox->root();
  }
  CHECK(fs::exists(root / "poc" / "rocky.toml"));
  fs::remove_all(root);
}

TEST_CASE("process::Sandbox::remove refuses a root that was swapped for something else") {
  ScratchDir scratch;
  const fs::path poc = make_poc(scratch.path());
  auto sandbox = process::Sandbox::create(poc, kClean, scratch.path());
  REQUIRE(sandbox);
  const fs::path root = sandbox->root();
  REQUIRE(sandbox->remove());
  CHECK_FALSE(fs::exists(root));
  CHECK(sandbox->remove());  // idempotent

  auto second = process::Sandbox::create(poc, kClean, scratch.path());
  REQUIRE(second);
  const fs::path second_root = second->root();
  fs::rename(second_root, scratch.path() / "moved-away");
  fs::create_directories(second_root);
  write_text(second_root / "not-ours.txt", "x\n");
  auto removed = second->remove();
  REQUIRE_FALSE(removed);
  CHECK_THAT(removed.error().message, Catch::Contains("no longer the sandbox"));
  CHECK(fs::exists(second_root / "not-ours.txt"));
  second->keep();
}

TEST_CASE("process::confine keeps plan paths inside their root") {
  ScratchDir scratch;
  const fs::path root = scratch.path() / "fixtures";
  fs::create_directories(root / "sub");
  fs::create_directories(scratch.path() / "elsewhere");
  fs::create_symlink("../elsewhere", root / "out-link");
  fs::create_symlink("sub", root / "in-link");

  const auto ok = [&](const std::string& relative) {
    auto confined = process::confine(root, relative, "capture name");
    if (!confined) FAIL(confined.error().message);
    return *confined;
  };
  CHECK(ok("plan.json") == root / "plan.json");
  CHECK(ok("sub/./plan.json") == root / "sub" / "plan.json");
  CHECK(ok("sub/../plan.json") == root / "plan.json");
  CHECK(ok("in-link/plan.json") == root / "in-link" / "plan.json");
  CHECK(ok("new/dir/plan.json") == root / "new" / "dir" / "plan.json");
  CHECK(ok("it's \"x\" $(y).json") == root / "it's \"x\" $(y).json");
  CHECK(ok("") == root);
  CHECK(ok(".") == root);

  const auto refused = [&](const std::string& relative, const std::string& reason) {
    auto confined = process::confine(root, relative, "capture name");
    REQUIRE_FALSE(confined);
    CHECK(confined.error().kind == ErrorKind::Config);
    CHECK_THAT(confined.error().message, Catch::Contains("capture name") && Catch::Contains(reason));
  };
  refused("/etc/passwd", "absolute");
  refused("../plan.json", "leads out");
  refused("sub/../../plan.json", "leads out");
  refused("..", "leads out");
  refused("out-link/plan.json", "through a symlink");
  refused("out-link", "through a symlink");
  refused(std::string("a\0b", 3), "NUL");
}

TEST_CASE("process::Sandbox removes directories a step made unreadable and read-only") {
  // Root ignores modes, so as root the scenario runs in a forked copy as
  // `nobody` (uid 65534): the case an unprivileged CI user meets.
  ScratchDir scratch;
  const fs::path base = scratch.path() / "unprivileged";
  fs::create_directories(base);
  const bool as_root = ::geteuid() == 0;
  if (as_root) REQUIRE(::chown(base.c_str(), 65534, 65534) == 0);
  std::fflush(nullptr);  // or the forked copy writes Catch's buffered output again
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    if (as_root && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(10);
    std::error_code ec;
    fs::create_directories(base / "poc" / "a" / "b", ec);
    { std::ofstream(base / "poc" / "a" / "b" / "f") << "x"; }
    { std::ofstream(base / "poc" / "ro.txt") << "x"; }
    fs::permissions(base / "poc" / "ro.txt", fs::perms(0444), ec);
    auto sandbox = process::Sandbox::create(base / "poc", {}, base);
    if (!sandbox) ::_exit(11);
    const fs::path root = sandbox->root();
    fs::permissions(sandbox->path() / "a" / "b", fs::perms(0), ec);
    fs::permissions(sandbox->path() / "a", fs::perms(0500), ec);
    if (::access((sandbox->path() / "a" / "b").c_str(), R_OK) == 0) ::_exit(12);  // modes do bite
    if (!sandbox->remove()) ::_exit(13);
    ::_exit(fs::exists(root) ? 14 : 0);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  // 10 setuid failed, 11 create failed, 12 modes ignored, 13 remove failed, 14 root left
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("process::Sandbox and run_child serve several POC threads at once") {
  // As regen -j N uses them: per thread a sandbox, steps in it, removal.
  ScratchDir scratch;
  const fs::path poc = make_poc(scratch.path());
  const auto before = snapshot(poc);
  std::vector<int> failures(4, 0);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < failures.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        auto sandbox = process::Sandbox::create(poc, kClean, scratch.path());
        if (!sandbox) {
          ++failures[t];
          continue;
        }
        process::ChildSpec spec;
        spec.argv = {"sh", "-c", "echo $1 > .rocky-state.redb && cat .rocky-state.redb rocky.toml", "sh",
                     std::to_string(t)};
        spec.env = {"PATH=/usr/bin:/bin"};
        spec.working_dir = sandbox->path();
        auto result = process::run_child(spec);
        if (!result || result->stdout_bytes != std::to_string(t) + "\n[pipeline]\nname = \"x\"\n") ++failures[t];
        if (!sandbox->remove()) ++failures[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(failures == std::vector<int>(4, 0));
  CHECK(snapshot(poc) == before);
  for (const auto& entry : fs::directory_iterator(scratch.path())) {
    CHECK(entry.path().filename().string().rfind("fixturegen-", 0) != 0);  // no sandbox left
  }
}

namespace {

std::size_t sandboxes_in(const fs::path& dir) {
  std::size_t count = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().filename().string().rfind("fixturegen-", 0) == 0) ++count;
  }
  return count;
}

}  // namespace

TEST_CASE("process::SandboxMaker hands out each POC's own fresh copy, in any order, and cleans up the rest") {
  ScratchDir scratch;
  const fs::path poc_a = make_poc(scratch.path() / "a");
  const fs::path other = scratch.path() / "b" / "other";
  fs::create_directories(other);
  write_text(other / "rocky.toml", "other\n");
  const fs::path parent = scratch.path() / "sandboxes";
  fs::create_directories(parent);
  {
    process::SandboxMaker maker({{poc_a, kClean}, {other, {}}, {poc_a, kClean}, {other, {}}}, parent, 1);
    auto second = maker.take(1);  // before 0: made here or by the maker, either way its own copy
    REQUIRE(second);
    CHECK(read_text(second->path() / "rocky.toml") == "other\n");
    auto first = maker.take(0);
    REQUIRE(first);
    CHECK(read_text(first->path() / "rocky.toml") == "[pipeline]\nname = \"x\"\n");
    CHECK_FALSE(fs::exists(first->path() / ".rocky-state.redb"));  // `clean` applies
    CHECK(first->root() != second->root());
    auto again = maker.take(0);
    REQUIRE_FALSE(again);
    CHECK(again.error().kind == ErrorKind::Internal);
    auto out_of_range = maker.take(4);
    CHECK_FALSE(out_of_range);
    // Index 2 may be made ahead (ahead = 1 past the highest taken); 3 is never taken.
  }
  CHECK(sandboxes_in(parent) == 0);  // taken ones by their owners, the rest by the maker
}

TEST_CASE("process::SandboxMaker reports a POC that cannot be copied as that POC's error") {
  ScratchDir scratch;
  const fs::path parent = scratch.path() / "sandboxes";
  fs::create_directories(parent);
  process::SandboxMaker maker({{scratch.path() / "missing", {}}}, parent, 2);
  auto made = maker.take(0);
  REQUIRE_FALSE(made);
  CHECK(made.error().kind == ErrorKind::Config);
  CHECK(made.error().message.find("missing") != std::string::npos);
  CHECK(sandboxes_in(parent) == 0);
}

TEST_CASE("process::SandboxRemover removes what it is given by finish(), and leaves kept ones") {
  ScratchDir scratch;
  const fs::path poc = make_poc(scratch.path() / "poc");
  const fs::path parent = scratch.path() / "sandboxes";
  fs::create_directories(parent);
  const auto before = snapshot(poc);
  process::SandboxRemover remover;
  fs::path kept_root;
  for (int round = 0; round < 2; ++round) {  // usable again after finish()
    for (int i = 0; i < 3; ++i) {
      auto sandbox = process::Sandbox::create(poc, kClean, parent);
      REQUIRE(sandbox);
      write_text(sandbox->path() / "state.db", "dirtied by a step\n");
      fs::permissions(sandbox->path() / "models", fs::perms(0555), fs::perm_options::replace);
      remover.remove_later(std::move(*sandbox));
    }
    remover.finish();
    CHECK(sandboxes_in(parent) == 0);
  }
  auto kept = process::Sandbox::create(poc, kClean, parent);
  REQUIRE(kept);
  kept->keep();
  kept_root = kept->root();
  remover.remove_later(std::move(*kept));
  remover.finish();
  CHECK(fs::is_directory(kept_root));
  CHECK(snapshot(poc) == before);
}

TEST_CASE("process::Sandbox::create stops copying on SIGINT and leaves no sandbox") {
  // A big POC took seconds to copy, and an interrupted regen waited for every
  // copy in flight (the maker's and each worker's) to finish before it could
  // remove them. The flag is process-wide and sticky: a forked copy.
  ScratchDir scratch;
  const fs::path poc = make_poc(scratch.path() / "poc");
  fs::create_directories(poc / "data");
  for (int i = 0; i < 200; ++i) write_text(poc / "data" / std::to_string(i), "x\n");
  const fs::path parent = scratch.path() / "sandboxes";
  fs::create_directories(parent);
  std::fflush(nullptr);  // or the forked copy writes Catch's buffered output again
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    fixturegen::install_interrupt_handler();
    ::raise(SIGINT);
    int code = 0;
    auto sandbox = process::Sandbox::create(poc, kClean, parent);
    if (sandbox) code = 10;
    else if (sandbox.error().kind != ErrorKind::Interrupted) code = 11;
    if (code == 0) {
      process::SandboxMaker maker({{poc, kClean}, {poc, kClean}}, parent, 2);
      auto taken = maker.take(1);
      if (taken || taken.error().kind != ErrorKind::Interrupted) code = 12;
    }
    if (code == 0 && sandboxes_in(parent) != 0) code = 13;
    ::_exit(code);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  // 10 copied whole, 11 another error, 12 the maker made it, 13 a sandbox left behind
  CHECK(WEXITSTATUS(status) == 0);
}
