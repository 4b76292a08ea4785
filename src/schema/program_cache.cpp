#include <fixturegen/schema/program_cache.hpp>

#include <fixturegen/core/build_id.hpp>
#include <fixturegen/core/fast_hash.hpp>
#include <fixturegen/core/log.hpp>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
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

struct Key {
  unsigned char bytes[kKeyBytes];
  std::string hex() const {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (const unsigned char b : bytes) {
      out += kHex[b >> 4];
      out += kHex[b & 15];
    }
    return out;
  }
};

Key entry_key(std::string_view schema_text, std::string_view uri, const ValidatorOptions& options) {
  // The text's own digest first (the one long input), then everything
  // else with it, each part length-prefixed so that no two splits of the
  // same bytes make the same key.
  std::string material;
  auto add = [&](std::string_view part) {
    const std::uint64_t size = part.size();
    material.append(reinterpret_cast<const char*>(&size), sizeof size);
    material.append(part);
  };
  add("fixturegen compiled schema");
  add(*build_id());
  const unsigned char flags[2] = {static_cast<unsigned char>(options.draft),
                                 static_cast<unsigned char>(options.check_formats ? 1 : 0)};
  add(std::string_view(reinterpret_cast<const char*>(flags), sizeof flags));
  add(std::string_view(reinterpret_cast<const char*>(&options.pattern_match_limit), sizeof options.pattern_match_limit));
  add(uri);
  const std::array<unsigned char, 16> text_digest = fast_hash128(schema_text);
  add(std::string_view(reinterpret_cast<const char*>(text_digest.data()), text_digest.size()));
  const std::array<unsigned char, 16> digest = fast_hash128(material);
  Key key;
  std::memcpy(key.bytes, digest.data(), kKeyBytes);
  return key;
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
      if (is_entry_name(entry.path().filename().string()) && entry.is_regular_file(ec)) fs::remove(entry.path(), ec);
    }
    fs::remove(builds[i].second, ec);  // only when now empty
  }
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

// A whole entry mapped read-only. The page cache's own pages are mapped,
// not copied into fresh memory: on the machines measured, every page a
// process touches for the first time costs about 2 us, more than decoding
// it. The program's documents read their tapes from here and keep the
// mapping alive. Entries are only ever replaced by rename, never rewritten
// in place, so a mapped one does not change underneath.
class MappedEntry {
public:
  MappedEntry(void* address, std::size_t size) : m_address(address), m_size(size) {}
  MappedEntry(const MappedEntry&) = delete;
  MappedEntry& operator=(const MappedEntry&) = delete;
  ~MappedEntry() { ::munmap(m_address, m_size); }
  std::string_view bytes() const { return {static_cast<const char*>(m_address), m_size}; }

private:
  void* m_address;
  std::size_t m_size;
};

// Maps a whole entry: 0, or the errno that stopped it.
int map_entry(const fs::path& path, std::shared_ptr<const MappedEntry>& out) {
  constexpr off_t kMaxEntryBytes = off_t{1} << 30;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return errno;
  struct stat info {};
  int error = 0;
  if (::fstat(fd, &info) != 0) {
    error = errno;
  } else if (!S_ISREG(info.st_mode) || info.st_size <= 0 || info.st_size > kMaxEntryBytes) {
    error = EINVAL;
  } else if (info.st_uid != ::geteuid()) {
    // In a directory others can write to (FIXTUREGEN_CACHE_DIR=/tmp/...),
    // an entry someone else wrote is not trusted to say what is valid.
    error = EPERM;
  } else {
    const auto size = static_cast<std::size_t>(info.st_size);
    void* address = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (address == MAP_FAILED) error = errno;
    else out = std::make_shared<const MappedEntry>(address, size);
  }
  ::close(fd);
  return error;
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
  const Key key = entry_key(schema_text, uri, options);
  const fs::path path = m_entries / (key.hex() + std::string(kEntrySuffix));
  auto miss = [&](std::string_view why) -> std::optional<Validator> {
    log::detail("compiled-schema cache: ignoring {}: {}", path.string(), why);
    return std::nullopt;
  };
  std::shared_ptr<const MappedEntry> mapped;
  if (const int error = map_entry(path, mapped)) {
    if (error == ENOENT) return std::nullopt;  // the usual miss: never written
    return miss(std::error_code(error, std::generic_category()).message());  // strerror is not thread-safe
  }
  const std::string_view entry = mapped->bytes();
  if (entry.size() < kHeaderBytes || !entry.starts_with(kMagic)) return miss("not a cache entry");
  if (std::memcmp(entry.data() + kMagic.size(), key.bytes, kKeyBytes) != 0) return miss("written for another key");
  std::uint64_t digest = 0;
  std::uint64_t size = 0;
  std::memcpy(&digest, entry.data() + kMagic.size() + kKeyBytes, 8);
  std::memcpy(&size, entry.data() + kMagic.size() + kKeyBytes + 8, 8);
  const std::string_view payload = entry.substr(kHeaderBytes);
  if (payload.size() != size || payload_digest(payload) != digest) return miss("damaged (digest mismatch)");
  std::optional<Validator> validator = Validator::from_bytes(payload, options, mapped);
  if (!validator) return miss("malformed program");
  return validator;
}

void ProgramCache::store(std::string_view schema_text, std::string_view uri, const ValidatorOptions& options,
                         const Validator& validator) const {
  if (!enabled()) return;
  const std::optional<std::string> payload = validator.to_bytes();
  if (!payload) return;
  std::error_code ec;
  const bool created = fs::create_directories(m_entries, ec);
  if (ec) {
    log::detail("compiled-schema cache: cannot create {}: {}", m_entries.string(), ec.message());
    return;
  }
  if (created) prune_other_builds(m_entries.parent_path(), m_entries.filename().string());
  const Key key = entry_key(schema_text, uri, options);
  std::string entry;
  entry.reserve(kHeaderBytes + payload->size());
  entry.append(kMagic);
  entry.append(reinterpret_cast<const char*>(key.bytes), kKeyBytes);
  const std::uint64_t digest = payload_digest(*payload);
  const std::uint64_t size = payload->size();
  entry.append(reinterpret_cast<const char*>(&digest), 8);
  entry.append(reinterpret_cast<const char*>(&size), 8);
  entry.append(*payload);
  const fs::path path = m_entries / (key.hex() + std::string(kEntrySuffix));
  if (!write_entry(path, entry)) log::detail("compiled-schema cache: cannot write {}", path.string());
}

}  // namespace fixturegen::schema
