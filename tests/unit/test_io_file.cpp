// Whole-file reads, atomic writes that keep the mode and leave unchanged
// files alone, and the sorted listing of captures.

#include "support.hpp"

#include <fixturegen/io/file.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

using namespace fixturegen;
namespace fs = std::filesystem;

namespace {

struct stat stat_of(const fs::path& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info;
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("io::read_file") {
  test::ScratchDir dir;
  const fs::path file = dir.path() / "a.json";
  // Binary-safe, including NUL bytes and no trailing newline.
  const std::string content("{\"a\": 1}\0\xFF\r\n", 12);
  test::write_text(file, content);
  auto read = io::read_file(file);
  REQUIRE(read.has_value());
  CHECK(*read == content);

  test::write_text(dir.path() / "empty.json", "");
  auto empty = io::read_file(dir.path() / "empty.json");
  REQUIRE(empty.has_value());
  CHECK(empty->empty());

  // Larger than the read buffer.
  const std::string big(1 << 20, 'x');
  test::write_text(dir.path() / "big.json", big);
  CHECK(io::read_file(dir.path() / "big.json").value() == big);

  auto missing = io::read_file(dir.path() / "missing.json");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code() == ExitCode::EngineOrIoError);
  CHECK_THAT(missing.error().message, Catch::Contains("missing.json") && Catch::Contains("No such file"));

  auto directory = io::read_file(dir.path());
  REQUIRE_FALSE(directory.has_value());
  CHECK(directory.error().code() == ExitCode::EngineOrIoError);
  CHECK_THAT(directory.error().message, Catch::Contains("directory"));
}

TEST_CASE("io::write_file_atomic creates, replaces and reports changes") {
  test::ScratchDir dir;
  const fs::path file = dir.path() / "sub" / "deeper" / "out.json";
  // Missing parent directories are created.
  auto created = io::write_file_atomic(file, "one\n");
  REQUIRE(created.has_value());
  CHECK(*created);
  CHECK(test::read_text(file) == "one\n");
  // A new file gets 0666 minus the umask, like any file the user creates.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  CHECK((stat_of(file).st_mode & 07777) == (0666 & ~mask));

  auto replaced = io::write_file_atomic(file, "two, longer\n");
  REQUIRE(replaced.has_value());
  CHECK(*replaced);
  CHECK(test::read_text(file) == "two, longer\n");

  // Same size, other bytes: still a change.
  auto same_size = io::write_file_atomic(file, "two, LONGER\n");
  REQUIRE(same_size.has_value());
  CHECK(*same_size);
  CHECK(test::read_text(file) == "two, LONGER\n");

  auto emptied = io::write_file_atomic(file, "");
  REQUIRE(emptied.has_value());
  CHECK(*emptied);
  CHECK(test::read_text(file).empty());

  // No temp file is left behind.
  CHECK(names_in(file.parent_path()) == std::vector<std::string>{"out.json"});
}

TEST_CASE("io::write_file_atomic leaves identical content untouched") {
  test::ScratchDir dir;
  const fs::path file = dir.path() / "same.json";
  test::write_text(file, "{}\n");
  // Back-date the file so a rewrite would be visible in mtime.
  const auto old_time = fs::last_write_time(file) - std::chrono::hours(24);
  fs::last_write_time(file, old_time);
  const ino_t inode = stat_of(file).st_ino;

  auto result = io::write_file_atomic(file, "{}\n");
  REQUIRE(result.has_value());
  CHECK_FALSE(*result);
  CHECK(fs::last_write_time(file) == old_time);
  CHECK(stat_of(file).st_ino == inode);

  // Different content: rewritten, mtime moves.
  auto changed = io::write_file_atomic(file, "[]\n");
  REQUIRE(changed.has_value());
  CHECK(*changed);
  CHECK(fs::last_write_time(file) != old_time);
}

TEST_CASE("io::write_file_atomic keeps the mode and replaces by rename") {
  test::ScratchDir dir;
  const fs::path file = dir.path() / "mode.json";
  test::write_text(file, "old contents\n");
  REQUIRE(::chmod(file.c_str(), 0640) == 0);
  const ino_t old_inode = stat_of(file).st_ino;

  // A reader that opened the file before the write keeps seeing the old
  // bytes: the new ones arrive in a new inode, renamed over the name. A
  // reader never sees a half-written file.
  const int reader = ::open(file.c_str(), O_RDONLY);
  REQUIRE(reader >= 0);

  auto written = io::write_file_atomic(file, "new contents, longer than before\n");
  REQUIRE(written.has_value());
  CHECK(*written);
  CHECK(test::read_text(file) == "new contents, longer than before\n");
  CHECK((stat_of(file).st_mode & 07777) == 0640);
  CHECK(stat_of(file).st_ino != old_inode);

  char buffer[64] = {};
  const ssize_t n = ::read(reader, buffer, sizeof buffer);
  ::close(reader);
  CHECK(std::string(buffer, static_cast<std::size_t>(n)) == "old contents\n");

  // Unusual modes survive too.
  REQUIRE(::chmod(file.c_str(), 0604) == 0);
  REQUIRE(io::write_file_atomic(file, "third\n").has_value());
  CHECK((stat_of(file).st_mode & 07777) == 0604);
  CHECK(names_in(dir.path()) == std::vector<std::string>{"mode.json"});
}

TEST_CASE("io::write_file_atomic refuses what it cannot replace") {
  test::ScratchDir dir;
  // A directory where the file should be: an I/O error, nothing changed.
  fs::create_directories(dir.path() / "taken.json" / "inside");
  auto result = io::write_file_atomic(dir.path() / "taken.json", "x");
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code() == ExitCode::EngineOrIoError);
  CHECK_THAT(result.error().message, Catch::Contains("taken.json") && Catch::Contains("not a regular file"));
  CHECK(fs::is_directory(dir.path() / "taken.json" / "inside"));

  // A parent that is a file.
  test::write_text(dir.path() / "plain", "keep\n");
  auto under_file = io::write_file_atomic(dir.path() / "plain" / "x.json", "x");
  REQUIRE_FALSE(under_file.has_value());
  CHECK(under_file.error().code() == ExitCode::EngineOrIoError);
  CHECK(test::read_text(dir.path() / "plain") == "keep\n");
  CHECK(names_in(dir.path()) == std::vector<std::string>{"plain", "taken.json"});
}

TEST_CASE("io::list_json_files") {
  test::ScratchDir dir;
  const fs::path root = dir.path();
  for (const char* name : {"b.json", "a.json", "sub/z.json", "sub/a.json", "sub/deeper/m.json", "notes.txt",
                           "data.json.bak", ".hidden.json", ".git/x.json", "sub/.a.json.fixturegen-123456",
                           "sub/.c.json.fixturegen-tmp.4242.Ab12Zx"}) {
    fs::create_directories((root / name).parent_path());
    test::write_text(root / name, "{}");
  }
  fs::create_directories(root / "dir.json");  // a directory named like a capture

  auto files = io::list_json_files(root);
  REQUIRE(files.has_value());
  std::vector<std::string> relative;
  for (const auto& file : *files) relative.push_back(fs::relative(file, root).generic_string());
  CHECK(relative == std::vector<std::string>{"a.json", "b.json", "sub/a.json", "sub/deeper/m.json", "sub/z.json"});

  // A file is its own listing, whatever its extension.
  auto single = io::list_json_files(root / "notes.txt");
  REQUIRE(single.has_value());
  CHECK(*single == std::vector<fs::path>{root / "notes.txt"});

  auto missing = io::list_json_files(root / "nope");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code() == ExitCode::EngineOrIoError);
  CHECK_THAT(missing.error().message, Catch::Contains("does not exist"));

  fs::create_directories(root / "empty");
  auto none = io::list_json_files(root / "empty");
  REQUIRE(none.has_value());
  CHECK(none->empty());
}

TEST_CASE("io::list_json_file_paths lists as list_json_files, as strings") {
  test::ScratchDir dir;
  const fs::path root = dir.path();
  // Names around '/' in byte order ('-' and '.' sort before it, '0' after):
  // the order must be std::filesystem::path's, component by component.
  for (const char* name : {"a-b.json", "a/b.json", "a/c/d.json", "a.json", "a0.json", "a/b-c.json", "a/b/x.json",
                           "b.json", ".hidden/x.json", "notes.txt", "\xc3\xa9t\xc3\xa9.json"}) {
    fs::create_directories((root / name).parent_path());
    test::write_text(root / name, "{}");
  }
  // A symlink to a capture is listed; one to a directory is not followed;
  // a dangling one is no file.
  fs::create_symlink(root / "b.json", root / "link.json");
  fs::create_symlink(root / "a", root / "linked_dir");
  fs::create_symlink(root / "gone.json", root / "dangling.json");
  REQUIRE(::mkfifo((root / "fifo.json").c_str(), 0600) == 0);

  auto listed = io::list_json_file_paths(root.string());
  REQUIRE(listed.has_value());
  REQUIRE(listed->has_value());
  std::vector<fs::path> expected;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && entry.path().extension() == ".json" &&
        entry.path().string().find("/.hidden/") == std::string::npos)
      expected.push_back(entry.path());
  }
  std::sort(expected.begin(), expected.end());
  REQUIRE(expected.size() == 10);
  std::vector<fs::path> got((*listed)->begin(), (*listed)->end());
  CHECK(got == expected);
  // Joined as operator/ joins, so the strings are the same, not just equal paths.
  for (std::size_t i = 0; i < got.size(); ++i) CHECK((**listed)[i] == expected[i].string());
  CHECK(io::list_json_files(root).value() == expected);

  // A root spelt with a trailing slash: no doubled separator.
  auto slashed = io::list_json_file_paths(root.string() + "/");
  REQUIRE(slashed.has_value());
  REQUIRE(slashed->has_value());
  CHECK((**slashed).front() == expected.front().string());  // a/b/x.json: "a" < "a-b.json"

  // A file is its own listing; a missing root is nullopt, not an error.
  auto single = io::list_json_file_paths((root / "notes.txt").string());
  REQUIRE(single.has_value());
  CHECK(**single == std::vector<std::string>{(root / "notes.txt").string()});
  auto missing = io::list_json_file_paths((root / "nope").string());
  REQUIRE(missing.has_value());
  CHECK_FALSE(missing->has_value());
  // Neither a file nor a directory: an error naming it.
  auto fifo = io::list_json_file_paths((root / "fifo.json").string());
  REQUIRE_FALSE(fifo.has_value());
  CHECK_THAT(fifo.error().message, Catch::Contains("cannot list") && Catch::Contains("fifo.json"));

  if (::geteuid() != 0) {  // root reads every directory
    fs::permissions(root / "a" / "c", fs::perms::none);
    auto unreadable = io::list_json_file_paths(root.string());
    fs::permissions(root / "a" / "c", fs::perms::owner_all);
    REQUIRE_FALSE(unreadable.has_value());
    CHECK_THAT(unreadable.error().message, Catch::Contains("cannot list") && Catch::Contains("Permission denied"));
  }
}

TEST_CASE("io::read_listed_file_into reads as read_file, into a reused buffer") {
  test::ScratchDir dir;
  const std::string content("{\"a\": 1}\0\xFF", 10);
  test::write_text(dir.path() / "a.json", content);
  test::write_text(dir.path() / "long.json", std::string(5000, 'x'));
  std::string buffer;
  REQUIRE(io::read_listed_file_into((dir.path() / "long.json").string(), buffer).has_value());
  CHECK(buffer == std::string(5000, 'x'));
  // A shorter file after a longer one: exactly its bytes, nothing left over.
  REQUIRE(io::read_listed_file_into((dir.path() / "a.json").string(), buffer).has_value());
  CHECK(buffer == content);
  auto missing = io::read_listed_file_into((dir.path() / "missing.json").string(), buffer);
  REQUIRE_FALSE(missing.has_value());
  CHECK_THAT(missing.error().message, Catch::Contains("missing.json") && Catch::Contains("No such file"));
  auto directory = io::read_listed_file_into(dir.path().string(), buffer);
  REQUIRE_FALSE(directory.has_value());
  CHECK_THAT(directory.error().message, Catch::Contains("it is a directory"));
  // Whatever open() gave is checked: a device is still refused (the listing
  // never names one, but the path can change after it).
  auto device = io::read_listed_file_into("/dev/zero", buffer);
  REQUIRE_FALSE(device.has_value());
  CHECK_THAT(device.error().message, Catch::Contains("character device"));
  // /dev/null reads as empty, also into a buffer that held something.
  REQUIRE(io::read_listed_file_into("/dev/null", buffer).has_value());
  CHECK(buffer.empty());
}

TEST_CASE("io::StagedWrites changes nothing until commit") {
  test::ScratchDir dir;
  const auto a = dir.path() / "a.json";
  const auto b = dir.path() / "sub" / "b.json";
  test::write_text(a, "old a\n");
  {
    io::StagedWrites writes;
    REQUIRE(*writes.stage(a, "new a\n"));
    REQUIRE(*writes.stage(b, "new b\n"));
    CHECK(writes.staged() == 2);
    // Staged, not committed: the targets are as they were.
    CHECK(test::read_text(a) == "old a\n");
    CHECK_FALSE(std::filesystem::exists(b));
  }
  // Dropped without commit: the temp files are gone too.
  CHECK(test::read_text(a) == "old a\n");
  std::size_t entries = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path())) {
    if (entry.is_regular_file()) ++entries;
  }
  CHECK(entries == 1);
}

TEST_CASE("io::StagedWrites commits every staged file and skips identical ones") {
  test::ScratchDir dir;
  const auto a = dir.path() / "a.json";
  const auto same = dir.path() / "same.json";
  test::write_text(a, "old a\n");
  test::write_text(same, "same\n");
  io::StagedWrites writes;
  REQUIRE(*writes.stage(a, "new a\n"));
  REQUIRE_FALSE(*writes.stage(same, "same\n"));
  const io::CommitReport report = writes.commit();
  CHECK(report.ok());
  CHECK(report.written() == 1);
  REQUIRE(report.files.size() == 2);
  CHECK(report.files[1].action == io::FileAction::Unchanged);
  CHECK(test::read_text(a) == "new a\n");
  CHECK(test::read_text(same) == "same\n");
  CHECK(writes.staged() == 0);
}

TEST_CASE("io::StagedWrites commit names the file that failed, counts the rest and commits them (issue 6.9)") {
  test::ScratchDir dir;
  std::vector<fs::path> files;
  for (int i = 1; i <= 5; ++i) {
    files.push_back(dir.path() / fmt::format("f{}.json", i));
    test::write_text(files.back(), "old\n");
  }
  io::StagedWrites writes;
  for (const auto& file : files) REQUIRE(*writes.stage(file, "new\n"));
  // f3 turns into a non-empty directory between stage and commit: its rename
  // fails (EISDIR) as it would on an immutable file or a read-only mount.
  fs::remove(files[2]);
  fs::create_directories(files[2] / "inside");

  const io::CommitReport report = writes.commit();
  REQUIRE(report.files.size() == 5);
  CHECK(report.written() == 4);
  CHECK(report.failed() == 1);
  CHECK_FALSE(report.ok());
  CHECK(report.files[2].path == files[2]);
  CHECK(report.files[2].action == io::FileAction::Failed);
  REQUIRE(report.files[2].error.has_value());
  CHECK(report.files[2].error->code() == ExitCode::EngineOrIoError);
  CHECK_THAT(report.files[2].error->message, Catch::Contains("f3.json") && !Catch::Contains("f5.json"));
  REQUIRE(report.errors().size() == 1);
  // The files before and after the failure were all replaced.
  for (std::size_t i : {0u, 1u, 3u, 4u}) {
    CHECK(report.files[i].action == io::FileAction::Written);
    CHECK(test::read_text(files[i]) == "new\n");
  }
  CHECK(fs::is_directory(files[2] / "inside"));
  // No temp file is left behind, not even the failed one's.
  CHECK(names_in(dir.path()) == std::vector<std::string>{"f1.json", "f2.json", "f3.json", "f4.json", "f5.json"});
  CHECK(writes.staged() == 0);
}

TEST_CASE("io::StagedWrites commit with StopAtFirstFailure leaves everything after a failure as it was") {
  test::ScratchDir dir;
  std::vector<fs::path> files;
  for (int i = 1; i <= 4; ++i) {
    files.push_back(dir.path() / fmt::format("f{}.json", i));
    test::write_text(files.back(), "old\n");
  }
  io::StagedWrites writes;
  for (std::size_t i = 0; i < 3; ++i) REQUIRE(*writes.stage(files[i], "new\n"));
  REQUIRE(*writes.stage_removal(files[3]));
  fs::remove(files[1]);
  fs::create_directories(files[1] / "inside");  // its rename fails (EISDIR)

  const io::CommitReport report = writes.commit(io::CommitPolicy::StopAtFirstFailure);
  REQUIRE(report.files.size() == 4);
  CHECK(report.files[0].action == io::FileAction::Written);
  CHECK(report.files[1].action == io::FileAction::Failed);
  CHECK(report.files[2].action == io::FileAction::Failed);
  CHECK(report.files[3].action == io::FileAction::Failed);
  REQUIRE(report.files[3].error.has_value());
  CHECK_THAT(report.files[3].error->message, Catch::Contains("not attempted"));
  CHECK(test::read_text(files[0]) == "new\n");
  CHECK(test::read_text(files[2]) == "old\n");
  CHECK(test::read_text(files[3]) == "old\n");  // its removal was not made either
  CHECK(names_in(dir.path()) == std::vector<std::string>{"f1.json", "f2.json", "f3.json", "f4.json"});
}

TEST_CASE("io::StagedWrites removes at commit only, in the same batch as the writes (issue 6.8)") {
  test::ScratchDir dir;
  const auto keep = dir.path() / "keep.json";
  const auto gone = dir.path() / "gone.json";
  test::write_text(keep, "old\n");
  test::write_text(gone, "stale\n");
  {
    io::StagedWrites batch;
    REQUIRE(*batch.stage(keep, "new\n"));
    REQUIRE(*batch.stage_removal(gone));
    CHECK(batch.staged() == 2);
    // Staged, not committed: nothing changed, and dropping the batch (an
    // interrupt) leaves both files as they were.
    CHECK(test::read_text(gone) == "stale\n");
  }
  CHECK(test::read_text(keep) == "old\n");
  CHECK(test::read_text(gone) == "stale\n");
  CHECK(names_in(dir.path()) == std::vector<std::string>{"gone.json", "keep.json"});

  io::StagedWrites batch;
  REQUIRE(*batch.stage(keep, "new\n"));
  REQUIRE(*batch.stage_removal(gone));
  REQUIRE_FALSE(*batch.stage_removal(dir.path() / "never-there.json"));
  fs::create_directories(dir.path() / "a-dir");
  auto directory = batch.stage_removal(dir.path() / "a-dir");
  REQUIRE_FALSE(directory.has_value());
  CHECK_THAT(directory.error().message, Catch::Contains("a-dir") && Catch::Contains("directory"));

  const io::CommitReport report = batch.commit();
  CHECK(report.ok());
  CHECK(report.written() == 1);
  CHECK(report.removed() == 1);
  REQUIRE(report.files.size() == 3);
  CHECK(report.files[1].action == io::FileAction::Removed);
  CHECK(report.files[2].action == io::FileAction::Unchanged);
  CHECK(test::read_text(keep) == "new\n");
  CHECK(names_in(dir.path()) == std::vector<std::string>{"a-dir", "keep.json"});
}

TEST_CASE("io::StagedWrites creates directories at commit, never for a batch it drops (issue 6.12)") {
  test::ScratchDir dir;
  const auto deep = dir.path() / "new" / "deeper" / "out.json";
  {
    io::StagedWrites batch;
    REQUIRE(*batch.stage(deep, "x\n"));
    // Staged: the temp waits in the nearest directory that exists.
    CHECK_FALSE(fs::exists(dir.path() / "new"));
  }
  // Dropped (an error or an interrupt before commit): no new directory, no temp.
  CHECK(names_in(dir.path()).empty());

  io::StagedWrites batch;
  REQUIRE(*batch.stage(deep, "x\n"));
  CHECK_FALSE(fs::exists(dir.path() / "new"));
  const io::CommitReport report = batch.commit();
  CHECK(report.ok());
  CHECK(test::read_text(deep) == "x\n");
  CHECK(names_in(dir.path()) == std::vector<std::string>{"new"});
  CHECK(names_in(deep.parent_path()) == std::vector<std::string>{"out.json"});
}

TEST_CASE("io::process_umask reads the umask without changing it (issue 6.12)") {
  const mode_t saved = ::umask(027);
  CHECK(io::process_umask() == 027u);
  CHECK(::umask(027) == 027);  // still what the test set
  // New files get 0666 minus the umask read when the batch was made.
  test::ScratchDir dir;
  io::StagedWrites batch;
  ::umask(saved);
  REQUIRE(*batch.stage(dir.path() / "new.json", "{}\n"));
  REQUIRE(batch.commit().ok());
  CHECK((stat_of(dir.path() / "new.json").st_mode & 07777) == 0640);
}

TEST_CASE("io::StagedWrites removes temps left by a killed run, keeps live ones (issue 6.10)") {
  test::ScratchDir dir;
  // A pid that is certainly gone: a child that exited and was reaped.
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) ::_exit(0);
  REQUIRE(::waitpid(child, nullptr, 0) == child);
  const auto dead = dir.path() / fmt::format(".a.json.fixturegen-tmp.{}.Ab12Zx", child);
  // A live process (this one's parent) may still be writing its temp.
  const auto live = dir.path() / fmt::format(".b.json.fixturegen-tmp.{}.Qw34Er", ::getppid());
  // This process's own pid on a file older than this process: an earlier
  // process with the same pid (containers reuse small pids).
  const auto reused = dir.path() / fmt::format(".c.json.fixturegen-tmp.{}.Zx56Cv", ::getpid());
  // Not ours at all.
  const auto other = dir.path() / ".d.json.fixturegen-tmp.notapid.Ab12Zx";
  for (const auto& file : {dead, live, reused, other}) test::write_text(file, "partial");
  fs::last_write_time(reused, fs::last_write_time(reused) - std::chrono::hours(1));
  CHECK(io::is_staging_temp(dead.filename().string()));
  CHECK(io::is_staging_temp(live.filename().string()));
  CHECK_FALSE(io::is_staging_temp(other.filename().string()));
  CHECK_FALSE(io::is_staging_temp("a.json"));
  CHECK_FALSE(io::is_staging_temp(".a.json.fixturegen-tmp.0.Ab12Zx"));

  io::StagedWrites batch;
  REQUIRE(*batch.stage(dir.path() / "out.json", "{}\n"));
  CHECK(batch.stale_temps_removed() == 2);
  CHECK_FALSE(fs::exists(dead));
  CHECK_FALSE(fs::exists(reused));
  CHECK(fs::exists(live));
  CHECK(fs::exists(other));
  // The batch's own temp is named so that the next run can judge it too, and
  // a second batch in this process leaves it alone.
  std::size_t ours = 0;
  for (const auto& name : names_in(dir.path())) {
    if (name.rfind(".out.json.fixturegen-tmp." + std::to_string(::getpid()) + ".", 0) == 0) ++ours;
  }
  CHECK(ours == 1);
  io::StagedWrites second;
  REQUIRE(*second.stage(dir.path() / "other.json", "[]\n"));
  CHECK(second.stale_temps_removed() == 0);
  CHECK(batch.commit().ok());
  CHECK(test::read_text(dir.path() / "out.json") == "{}\n");
}

TEST_CASE("io::StagedWrites keeps the owner and group of a replaced file (issue 6.11)") {
  test::ScratchDir dir;
  const auto file = dir.path() / "owned.json";
  test::write_text(file, "old\n");
  REQUIRE(::chmod(file.c_str(), 0640) == 0);
  if (::geteuid() != 0) {
    // Only root can give a file to another user; a user keeps the group of
    // their own file (covered by every other test here).
    WARN("not root: the owner of another user's file cannot be kept; checking group only");
    REQUIRE(io::write_file_atomic(file, "new\n").has_value());
    CHECK(stat_of(file).st_gid == ::getegid());
    return;
  }
  REQUIRE(::chown(file.c_str(), 4242, 4343) == 0);
  auto written = io::write_file_atomic(file, "new\n");
  REQUIRE(written.has_value());
  CHECK(*written);
  const struct stat after = stat_of(file);
  CHECK(after.st_uid == 4242u);
  CHECK(after.st_gid == 4343u);
  CHECK((after.st_mode & 07777) == 0640);
  CHECK(test::read_text(file) == "new\n");
}

TEST_CASE("io::StagedWrites writes through a symlink to its target; the link stays a link (issue 6.11)") {
  test::ScratchDir dir;
  fs::create_directories(dir.path() / "real");
  const auto target = dir.path() / "real" / "target.json";
  test::write_text(target, "old\n");
  REQUIRE(::chmod(target.c_str(), 0604) == 0);
  const auto link = dir.path() / "link.json";
  const auto chain = dir.path() / "chain.json";
  fs::create_symlink("real/target.json", link);  // relative to the link's directory
  fs::create_symlink(link, chain);                // absolute, to another link

  io::StagedWrites batch;
  REQUIRE(*batch.stage(chain, "new\n"));
  // Staged beside the target, not beside the link.
  CHECK(names_in(dir.path()) == std::vector<std::string>{"chain.json", "link.json", "real"});
  const io::CommitReport report = batch.commit();
  REQUIRE(report.ok());
  CHECK(report.files.at(0).path == chain);
  CHECK(fs::is_symlink(link));
  CHECK(fs::is_symlink(chain));
  CHECK(fs::read_symlink(link) == fs::path("real/target.json"));
  CHECK(test::read_text(target) == "new\n");
  CHECK((stat_of(target).st_mode & 07777) == 0604);
  CHECK(names_in(dir.path() / "real") == std::vector<std::string>{"target.json"});

  // Unchanged bytes through a link: nothing to do.
  REQUIRE_FALSE(*io::write_file_atomic(link, "new\n"));

  // A dangling link: its target is created, the link kept.
  const auto dangling = dir.path() / "dangling.json";
  fs::create_symlink("real/later.json", dangling);
  REQUIRE(*io::write_file_atomic(dangling, "later\n"));
  CHECK(fs::is_symlink(dangling));
  CHECK(test::read_text(dir.path() / "real" / "later.json") == "later\n");

  // A loop is an error, not a hang.
  fs::create_symlink("loop_b.json", dir.path() / "loop_a.json");
  fs::create_symlink("loop_a.json", dir.path() / "loop_b.json");
  auto loop = io::write_file_atomic(dir.path() / "loop_a.json", "x");
  REQUIRE_FALSE(loop.has_value());
  CHECK(loop.error().code() == ExitCode::EngineOrIoError);
  CHECK_THAT(loop.error().message, Catch::Contains("loop_a.json"));
}

TEST_CASE("io::read_file refuses devices and caps pipes and FIFOs (issue 6.13)") {
  for (const char* device : {"/dev/zero", "/dev/urandom"}) {
    auto read = io::read_file(device);
    REQUIRE_FALSE(read.has_value());
    CHECK(read.error().code() == ExitCode::EngineOrIoError);
    CHECK_THAT(read.error().message, Catch::Contains(device) && Catch::Contains("character device"));
  }

  // /dev/null is the usual way to say "empty": it reads as nothing.
  auto null = io::read_file("/dev/null");
  REQUIRE(null.has_value());
  CHECK(null->empty());

  test::ScratchDir dir;
  const auto fifo = dir.path() / "capture.json";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // A writer that comes later and writes more than a pipe holds: read to EOF.
  const std::string big(200000, 'x');
  auto write_all = [&fifo](const std::string& bytes) {
    const int fd = ::open(fifo.c_str(), O_WRONLY);
    if (fd < 0) return;
    for (std::size_t done = 0; done < bytes.size();) {
      const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    ::close(fd);
  };
  {
    std::thread writer(write_all, big);
    auto read = io::read_file(fifo);
    writer.join();
    REQUIRE(read.has_value());
    CHECK(*read == big);
  }
  // More than the cap: an error that names the file and the limit. (The
  // writer's bytes fit in the pipe, so it never waits on the reader.)
  {
    std::thread writer(write_all, std::string(10000, 'y'));
    auto read = io::read_file(fifo, 4096);
    writer.join();
    REQUIRE_FALSE(read.has_value());
    CHECK(read.error().code() == ExitCode::EngineOrIoError);
    CHECK_THAT(read.error().message, Catch::Contains("capture.json") && Catch::Contains("more than 4096 bytes"));
  }
  CHECK(io::kMaxStreamBytes == (std::uint64_t{4} << 30));
}
