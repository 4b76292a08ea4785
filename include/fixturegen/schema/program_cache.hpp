#pragma once

#include <fixturegen/schema/validator.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace fixturegen::schema {

// Compiled schemas kept on disk between runs, so that `validate` reads a
// schema's program instead of parsing and compiling its JSON every time
// (about 60% of a 40-capture run's work).
//
// An entry is keyed by a 128-bit XXH3 digest of this binary's build id,
// the validator options, the schema's URI and every byte of its text: any
// change to the schema or to fixturegen is a different key, so an entry is
// never stale, only unused. A second key, from the schema file's identity
// (load_by_file), lets a warm run skip reading the text of a file that has
// not changed since. Only programs that reach no other document are
// stored (another file's text is not in the key). An entry carries its key
// and a digest of its bytes; a damaged, truncated or foreign one is a miss
// (and is overwritten), never an error and never a verdict.
//
// Layout: DIR/programs/<build id>/<key>.fgprog, written to a temp name and
// renamed into place, so concurrent runs never read half an entry. When a
// build first writes, entries of all but the three most recent other
// builds are removed: only files named as this class names them, in
// directories named as build ids.
class ProgramCache {
public:
  // No cache: load() misses, store() does nothing.
  ProgramCache() = default;
  // A cache under `dir`; none when this binary has no build id.
  explicit ProgramCache(const std::filesystem::path& dir);
  // FIXTUREGEN_CACHE_DIR when set ("" or "off": no cache), else
  // $XDG_CACHE_HOME/fixturegen, else $HOME/.cache/fixturegen.
  static ProgramCache from_environment();

  bool enabled() const { return !m_entries.empty(); }
  // Where this build's entries go (empty when disabled).
  const std::filesystem::path& entries_directory() const { return m_entries; }

  // The program compiled earlier from exactly this text, URI and options.
  std::optional<Validator> load(std::string_view schema_text, std::string_view uri,
                                const ValidatorOptions& options) const;
  // Keeps `validator` for the next run. Best effort: a read-only or full
  // disk only costs the next run its compile (said with --verbose).
  void store(std::string_view schema_text, std::string_view uri, const ValidatorOptions& options,
             const Validator& validator) const;

  // What names a schema file's contents without reading them: device,
  // inode, size, and modification and change times to the nanosecond. A
  // write to the file changes its change time, which no one can set back;
  // replacing it changes the inode. nullopt when `file` is not a regular
  // file (or cannot be stat'ed).
  struct FileIdentity {
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::uint64_t size = 0;
    std::int64_t modified_ns = 0;
    std::int64_t changed_ns = 0;
  };
  static std::optional<FileIdentity> identify(const std::filesystem::path& file);

  // The program recorded for the file as it is now (remember_file), so that
  // a run need not read and hash the schema's text: a second key to the
  // same kind of entry.
  std::optional<Validator> load_by_file(const FileIdentity& file, std::string_view uri,
                                        const ValidatorOptions& options) const;
  // Records `validator` as the program of `file`'s current contents; only
  // for a file unchanged for kSettledSeconds, so that a file system with
  // coarse timestamps cannot show two writes in the same tick as one.
  void remember_file(const FileIdentity& file, std::string_view uri, const ValidatorOptions& options,
                     const Validator& validator) const;
  static constexpr int kSettledSeconds = 2;

  static constexpr std::string_view kEntrySuffix = ".fgprog";

  struct Key;  // an entry's name, a 128-bit digest (program_cache.cpp)

private:
  std::optional<Validator> load_key(const Key& key, const ValidatorOptions& options) const;
  void store_key(const Key& key, const Validator& validator) const;
  std::filesystem::path entry_path(const Key& key) const;

  std::filesystem::path m_entries;
};

}  // namespace fixturegen::schema
