#include <fixturegen/schema/program_cache.hpp>

#include <fixturegen/core/build_id.hpp>
#include <fixturegen/core/fast_hash.hpp>
#include <fixturegen/core/log.hpp>

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <system_error>
#include <vector>

namespace fixturegen::schema {

namespace fs = std::filesystem;

namespace {

// Entry: magic, key, payload digest, payload size, payload (program_bytes).
constexpr std::string_view kMagic = "FGPROG\x01\n";
constexpr std::size_t kKeyBytes = 16;
constexpr std::size_t kHeaderBytes = kMagic.size() + kKeyBytes + 8 + 8;
constexpr std::size_t kKeptOtherBuilds = 3;

}  // namespace

struct ProgramCache::Key {
  unsigned char bytes[kKeyBytes];
  std::string hex() const { return fmt::format("{:02x}", fmt::join(bytes, "")); }
};

namespace {

using Key = ProgramCache::Key;

// `what` says which of the two keys (the text's digest, or the file's
// identity) `identity` holds; everything else is the same.
Key entry_key(std::string_view what, std::string_view identity, std::string_view uri, const ValidatorOptions& options) {
  // Each part length-prefixed, so that no two splits of the same bytes
  // make the same key.
  std::string material;
  auto add = [&](std::string_view part) {
    const std::uint64_t size = part.size();
    material.append(reinterpret_cast<const char*>(&size), sizeof size);
    material.append(part);
  };
  add("fixturegen compiled schema");
  add(*build_id());
  // Every option, by name: an option added to ValidatorOptions stops this
  // binding from compiling until it is in the key too (else two runs with
  // different options would share entries).
  const auto& [draft, check_formats, pattern_match_limit] = options;
  const unsigned char flags[2] = {static_cast<unsigned char>(draft), static_cast<unsigned char>(check_formats ? 1 : 0)};
  add(std::string_view(reinterpret_cast<const char*>(flags), sizeof flags));
  add(std::string_view(reinterpret_cast<const char*>(&pattern_match_limit), sizeof pattern_match_limit));
  add(uri);
  add(what);
  add(identity);
  const std::array<unsigned char, 16> digest = fast_hash128(material);
  Key key;
  std::memcpy(key.bytes, digest.data(), kKeyBytes);
  return key;
}

Key text_key(std::string_view schema_text, std::string_view uri, const ValidatorOptions& options) {
  const std::array<unsigned char, 16> text_digest = fast_hash128(schema_text);
  return entry_key("text", std::string_view(reinterpret_cast<const char*>(text_digest.data()), text_digest.size()),
                   uri, options);
}

Key file_key(const ProgramCache::FileIdentity& file, std::string_view uri, const ValidatorOptions& options) {
  const std::uint64_t fields[5] = {file.device, file.inode, file.size, static_cast<std::uint64_t>(file.modified_ns),
                                   static_cast<std::uint64_t>(file.changed_ns)};
  return entry_key("file", std::string_view(reinterpret_cast<const char*>(fields), sizeof fields), uri, options);
}

std::uint64_t payload_digest(std::string_view payload) { return fast_hash64(payload); }

bool is_hex(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

// "<32 hex>.fgprog", or that with ".tmp-..." after it (a writer killed
// before its rename): the only names this cache ever creates.
bool is_entry_name(std::string_view name) {
  if (name.size() < 2 * kKeyBytes + ProgramCache::kEntrySuffix.size()) return false;
  if (!is_hex(name.substr(0, 2 * kKeyBytes))) return false;
  name.remove_prefix(2 * kKeyBytes);
  if (!name.starts_with(ProgramCache::kEntrySuffix)) return false;
  name.remove_prefix(ProgramCache::kEntrySuffix.size());
  return name.empty() || name.starts_with(".tmp-");
}

// Leaves this build's directory and the kKeptOtherBuilds most recently
// written others; empties the rest of this cache's own files.
void prune_other_builds(const fs::path& programs, const std::string& current) {
  std::error_code ec;
  std::vector<std::pair<fs::file_time_type, fs::path>> builds;
  for (const fs::directory_entry& entry : fs::directory_iterator(programs, ec)) {
    const std::string name = entry.path().filename().string();
    if (name == current || !is_hex(name) || !entry.is_directory(ec) || entry.is_symlink(ec)) continue;
    builds.emplace_back(entry.last_write_time(ec), entry.path());
  }
  if (builds.size() <= kKeptOtherBuilds) return;
  std::sort(builds.begin(), builds.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t i = kKeptOtherBuilds; i < builds.size(); ++i) {
    for (const fs::directory_entry& entry : fs::directory_iterator(builds[i].second, ec)) {
      // symlink_status: a symlink named like an entry is not one this
      // cache wrote (it writes regular files only), whatever it points at.
      if (is_entry_name(entry.path().filename().string()) && fs::is_regular_file(entry.symlink_status(ec))) {
        fs::remove(entry.path(), ec);
      }
    }
    fs::remove(builds[i].second, ec);  // only when now empty
  }
}

// Whether `dir` is a directory of this user's and not a symlink. In a
// cache directory others can write to (FIXTUREGEN_CACHE_DIR=/tmp/...),
// one of them could plant programs/ or a build's directory as a symlink
// and send this user's entries, and the pruning of old ones, into any
// directory this user can write.
uid_t effective_uid() {
  static const uid_t uid = ::geteuid();  // one syscall per process, not per entry
  return uid;
}

bool own_directory(const fs::path& dir) {
  struct stat info {};
  return ::lstat(dir.c_str(), &info) == 0 && S_ISDIR(info.st_mode) && info.st_uid == effective_uid();
}

// Writes `bytes` to `path` through a temp name and a rename. No fsync: a
// torn entry after a crash fails its digest and is a miss.
bool write_entry(const fs::path& path, std::string_view bytes) {
  static std::atomic<unsigned> counter{0};
  const fs::path temp = path.string() + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  bool ok = true;
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      break;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  ok = (::close(fd) == 0) && ok;
  std::error_code ec;
  if (ok) fs::rename(temp, path, ec);
  if (!ok || ec) {
    fs::remove(temp, ec);
    return false;
  }
  return true;
}

// Why `header` (an entry's first kHeaderBytes) is not this key's entry
// with a payload of `payload_size` bytes; empty when it is.
std::string_view header_mismatch(const char* header, const Key& key, std::uint64_t payload_size) {
  if (std::string_view(header, kMagic.size()) != kMagic) return "not a cache entry";
  if (std::memcmp(header + kMagic.size(), key.bytes, kKeyBytes) != 0) return "written for another key";
  std::uint64_t size = 0;
  std::memcpy(&size, header + kMagic.size() + kKeyBytes + 8, 8);
  if (size != payload_size) return "truncated or extended (its size differs from its header's)";
  return {};
}

// Entries up to this size are read in one go and their header checked
// afterwards (one read, not two: a run reads one entry per schema); a
// larger file in an entry's place is judged by its header first, so a
// huge or sparse one costs a small read.
constexpr off_t kReadWholeBytes = off_t{4} << 20;

struct EntryBytes {
  std::shared_ptr<const char[]> owner;  // what the program keeps alive
  std::string_view bytes;
};

std::string os_message(int error) {
  return std::error_code(error, std::generic_category()).message();  // strerror is not thread-safe
}

// Why the open file `fd` (`info`: its fstat) cannot be `key`'s entry, as
// far as can be told before its payload is read; empty when it may be.
std::string refusal(int fd, const struct stat& info, const Key& key) {
  constexpr off_t kMaxEntryBytes = off_t{1} << 30;
  if (!S_ISREG(info.st_mode)) return "not a regular file";
  if (info.st_size < static_cast<off_t>(kHeaderBytes) || info.st_size > kMaxEntryBytes) {
    return "not a cache entry (size " + std::to_string(info.st_size) + " bytes)";
  }
  // In a directory others can write to (FIXTUREGEN_CACHE_DIR=/tmp/...),
  // an entry someone else wrote is not trusted to say what is valid.
  if (info.st_uid != effective_uid()) return "written by another user";
  if (info.st_size <= kReadWholeBytes) return {};  // its header is checked once read
  char header[kHeaderBytes];
  if (::pread(fd, header, kHeaderBytes, 0) != static_cast<ssize_t>(kHeaderBytes)) return "cannot read its header";
  return std::string(header_mismatch(header, key, static_cast<std::uint64_t>(info.st_size) - kHeaderBytes));
}

// The first `size` bytes of `fd`, or null with `why`. Not zero-filled
// first (the reads overwrite every byte), and from operator new: aligned
// for a tape (Document::view_tape checks, and copies a tape that is not).
std::shared_ptr<char[]> read_whole(int fd, std::size_t size, std::string& why) {
  std::shared_ptr<char[]> bytes = std::make_shared_for_overwrite<char[]>(size);
  for (std::size_t done = 0; done < size;) {
    const ssize_t n = ::pread(fd, bytes.get() + done, size - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      why = n < 0 ? os_message(errno) : std::string("cut while being read");
      return nullptr;
    }
    done += static_cast<std::size_t>(n);
  }
  return bytes;
}

// Reads a whole entry into memory of its own; false with `why` when it
// cannot be used (`why` empty: there is none, the usual miss). Read, not
// mapped: a program's documents read their tapes from these bytes for the
// whole run, and a mapping dies of SIGBUS when the file is cut in place
// meanwhile (`cp` over the cache directory, a cleaner); this cache only
// ever renames entries into place, but not everyone does. What it returns
// has a header naming `key` and the file's own size.
bool read_entry(const fs::path& path, const Key& key, EntryBytes& out, std::string& why) {
  // O_NONBLOCK: a FIFO (or a device) put in an entry's place would
  // otherwise block this open until some writer comes along; a regular
  // file ignores the flag.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    if (errno != ENOENT) why = os_message(errno);
    return false;
  }
  struct stat info {};
  why = ::fstat(fd, &info) != 0 ? os_message(errno) : refusal(fd, info, key);
  if (why.empty()) {
    const auto size = static_cast<std::size_t>(info.st_size);
    if (std::shared_ptr<char[]> bytes = read_whole(fd, size, why)) {
      why = header_mismatch(bytes.get(), key, size - kHeaderBytes);
      if (why.empty()) out = EntryBytes{bytes, std::string_view(bytes.get(), size)};
    }
  }
  ::close(fd);
  return out.owner != nullptr;
}

}  // namespace

ProgramCache::ProgramCache(const fs::path& dir) {
  if (!build_id() || dir.empty()) return;
  m_entries = dir / "programs" / *build_id();
}

ProgramCache ProgramCache::from_environment() {
  if (const char* dir = std::getenv("FIXTUREGEN_CACHE_DIR")) {
    const std::string_view value(dir);
    if (value.empty() || value == "off") return ProgramCache();
    return ProgramCache(fs::path(value));
  }
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && xdg[0] == '/') {
    return ProgramCache(fs::path(xdg) / "fixturegen");
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && home[0] == '/') {
    return ProgramCache(fs::path(home) / ".cache" / "fixturegen");
  }
  return ProgramCache();
}

std::optional<Validator> ProgramCache::load(std::string_view schema_text, std::string_view uri,
                                            const ValidatorOptions& options) const {
  if (!enabled()) return std::nullopt;
  return load_key(text_key(schema_text, uri, options), options);
}

std::optional<Validator> ProgramCache::load_by_file(const FileIdentity& file, std::string_view uri,
                                                    const ValidatorOptions& options) const {
  if (!enabled()) return std::nullopt;
  return load_key(file_key(file, uri, options), options);
}

fs::path ProgramCache::entry_path(const Key& key) const { return m_entries / (key.hex() + std::string(kEntrySuffix)); }

std::optional<Validator> ProgramCache::load_key(const Key& key, const ValidatorOptions& options) const {
  const fs::path path = entry_path(key);
  auto miss = [&](std::string_view why) -> std::optional<Validator> {
    log::detail("compiled-schema cache: ignoring {}: {}", path.string(), why);
    return std::nullopt;
  };
  EntryBytes read;
  if (std::string why; !read_entry(path, key, read, why)) {
    if (why.empty()) return std::nullopt;  // the usual miss: never written
    return miss(why);
  }
  // The header was checked as it was read; the payload's digest now.
  std::uint64_t digest = 0;
  std::memcpy(&digest, read.bytes.data() + kMagic.size() + kKeyBytes, 8);
  const std::string_view payload = read.bytes.substr(kHeaderBytes);
  if (payload_digest(payload) != digest) return miss("damaged (digest mismatch)");
  std::optional<Validator> validator = Validator::from_bytes(payload, options, read.owner);
  if (!validator) return miss("malformed program");
  return validator;
}

void ProgramCache::store(std::string_view schema_text, std::string_view uri, const ValidatorOptions& options,
                         const Validator& validator) const {
  if (!enabled()) return;
  store_key(text_key(schema_text, uri, options), validator);
}

void ProgramCache::remember_file(const FileIdentity& file, std::string_view uri, const ValidatorOptions& options,
                                 const Validator& validator) const {
  if (!enabled()) return;
  timespec now {};
  ::clock_gettime(CLOCK_REALTIME, &now);
  const std::int64_t now_ns = std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
  const std::int64_t last_change = std::max(file.modified_ns, file.changed_ns);
  // Too fresh (or stamped in the future): a write in the same timestamp
  // tick could follow unseen. The text's key still serves such a file.
  if (last_change > now_ns || now_ns - last_change < std::int64_t{kSettledSeconds} * 1'000'000'000) return;
  store_key(file_key(file, uri, options), validator);
}

std::optional<ProgramCache::FileIdentity> ProgramCache::identify(const fs::path& file) {
  struct stat info {};
  if (::stat(file.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return std::nullopt;
  FileIdentity identity;
  identity.device = static_cast<std::uint64_t>(info.st_dev);
  identity.inode = static_cast<std::uint64_t>(info.st_ino);
  identity.size = static_cast<std::uint64_t>(info.st_size);
  identity.modified_ns = std::int64_t{info.st_mtim.tv_sec} * 1'000'000'000 + info.st_mtim.tv_nsec;
  identity.changed_ns = std::int64_t{info.st_ctim.tv_sec} * 1'000'000'000 + info.st_ctim.tv_nsec;
  return identity;
}

void ProgramCache::store_key(const Key& key, const Validator& validator) const {
  const std::optional<std::string> payload = validator.to_bytes();
  if (!payload) return;
  std::error_code ec;
  const bool created = fs::create_directories(m_entries, ec);
  if (ec) {
    log::detail("compiled-schema cache: cannot create {}: {}", m_entries.string(), ec.message());
    return;
  }
  if (!own_directory(m_entries) || !own_directory(m_entries.parent_path())) {
    log::detail("compiled-schema cache: not writing into {}: it or its parent is a symlink or another user's",
                m_entries.string());
    return;
  }
  if (created) prune_other_builds(m_entries.parent_path(), m_entries.filename().string());
  std::string entry;
  entry.reserve(kHeaderBytes + payload->size());
  entry.append(kMagic);
  entry.append(reinterpret_cast<const char*>(key.bytes), kKeyBytes);
  const std::uint64_t digest = payload_digest(*payload);
  const std::uint64_t size = payload->size();
  entry.append(reinterpret_cast<const char*>(&digest), 8);
  entry.append(reinterpret_cast<const char*>(&size), 8);
  entry.append(*payload);
  const fs::path path = entry_path(key);
  if (!write_entry(path, entry)) log::detail("compiled-schema cache: cannot write {}", path.string());
}

}  // namespace fixturegen::schema
