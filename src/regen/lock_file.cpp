#include <fixturegen/core/sha256.hpp>
#include <fixturegen/io/file.hpp>
#include <fixturegen/regen/lock_file.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>

namespace fixturegen::regen {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

const LockedPoc* LockFile::find(std::string_view poc) const {
  for (const auto& entry : pocs) {
    if (entry.name == poc) return &entry;
  }
  return nullptr;
}

LockedCapture* LockedPoc::find(std::string_view file) {
  for (auto& capture : captures) {
    if (capture.file == file) return &capture;
  }
  return nullptr;
}

const LockedCapture* LockedPoc::find(std::string_view file) const { return const_cast<LockedPoc*>(this)->find(file); }

LockedPoc* LockFile::poc_of(std::string_view file) {
  for (auto& poc : pocs) {
    if (poc.find(file)) return &poc;
  }
  return nullptr;
}

std::vector<std::string> LockFile::files() const {
  std::vector<std::string> out;
  for (const auto& poc : pocs) {
    for (const auto& capture : poc.captures) {
      if (capture.committed()) out.push_back(capture.file);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> LockFile::pending_files() const {
  std::vector<std::string> out;
  for (const auto& poc : pocs) {
    for (const auto& capture : poc.captures) {
      if (capture.pending) out.push_back(capture.file);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> LockFile::written_files() const {
  std::vector<std::string> out = files();
  out.insert(out.end(), earlier_files.begin(), earlier_files.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string render_lock(const LockFile& lock) {
  Json root;
  root["fixturegen_lock"] = 1;
  root["engine"] = lock.engine;
  Json pocs = Json::array();
  for (const auto& poc : lock.pocs) {
    Json captures = Json::array();
    for (const auto& capture : poc.captures) {
      Json entry{{"file", capture.file}};
      if (capture.committed()) {
        entry["step"] = capture.step;
        entry["command"] = capture.command;
        entry["exit_code"] = capture.exit_code;
        entry["sha256"] = capture.sha256;
      }
      if (capture.pending) {
        entry["pending"] = {{"step", capture.pending->step},
                            {"command", capture.pending->command},
                            {"exit_code", capture.pending->exit_code},
                            {"sha256", capture.pending->sha256}};
      }
      captures.push_back(std::move(entry));
    }
    Json entry{{"poc", poc.name},
               {"input_digest", poc.input_digest},
               {"engine_version", poc.engine_version},
               {"rules_digest", poc.rules_digest},
               {"duration_ms", poc.duration_ms},
               {"captures", std::move(captures)}};
    if (poc.pending) {
      entry["pending"] = {{"input_digest", poc.pending->input_digest},
                          {"engine_version", poc.pending->engine_version},
                          {"rules_digest", poc.pending->rules_digest},
                          {"duration_ms", poc.pending->duration_ms}};
    }
    pocs.push_back(std::move(entry));
  }
  root["pocs"] = std::move(pocs);
  std::vector<std::string> earlier = lock.earlier_files;
  std::sort(earlier.begin(), earlier.end());
  root["earlier_files"] = earlier;
  return root.dump(2) + "\n";
}

Expected<LockFile> parse_lock(std::string_view text, std::string_view source) {
  const auto bad = [&](std::string_view what) {
    return Error::config(fmt::format("{}: {}", source, what),
                         "the lock file is written by `fixturegen regen`; run a full regen to rewrite it");
  };
  const Json root = Json::parse(text, nullptr, false);
  if (root.is_discarded() || !root.is_object()) return bad("not a fixturegen lock file (not a JSON object)");
  if (root.value("fixturegen_lock", 0) != 1) return bad("unknown lock file version (expected \"fixturegen_lock\": 1)");
  LockFile lock;
  try {
    lock.engine = root.at("engine").get<std::string>();
    for (const auto& poc : root.at("pocs")) {
      LockedPoc entry;
      entry.name = poc.at("poc").get<std::string>();
      entry.input_digest = poc.at("input_digest").get<std::string>();
      entry.engine_version = poc.at("engine_version").get<std::string>();
      entry.rules_digest = poc.at("rules_digest").get<std::string>();
      entry.duration_ms = poc.at("duration_ms").get<std::int64_t>();
      for (const auto& capture : poc.at("captures")) {
        LockedCapture locked;
        locked.file = capture.at("file").get<std::string>();
        // Only a capture that exists as FILE.new alone has no committed record.
        if (!capture.contains("pending") || capture.contains("sha256")) {
          locked.step = capture.at("step").get<std::size_t>();
          locked.command = capture.at("command").get<std::string>();
          locked.exit_code = capture.at("exit_code").get<int>();
          locked.sha256 = capture.at("sha256").get<std::string>();
          if (locked.sha256.empty()) return bad(fmt::format("capture \"{}\" has an empty sha256", locked.file));
        }
        if (capture.contains("pending")) {
          const auto& pending = capture.at("pending");
          locked.pending = PendingRecord{pending.at("step").get<std::size_t>(), pending.at("command").get<std::string>(),
                                         pending.at("exit_code").get<int>(), pending.at("sha256").get<std::string>()};
        }
        // A lock names files regen may delete as orphans: never one outside
        // the output dir, whatever the file says.
        if (!is_confined_relative_path(locked.file)) return bad(fmt::format("capture file \"{}\" leaves the output dir", locked.file));
        entry.captures.push_back(std::move(locked));
      }
      if (poc.contains("pending")) {
        const auto& pending = poc.at("pending");
        entry.pending = PendingRun{pending.at("input_digest").get<std::string>(), pending.at("engine_version").get<std::string>(),
                                   pending.at("rules_digest").get<std::string>(), pending.at("duration_ms").get<std::int64_t>()};
      }
      lock.pocs.push_back(std::move(entry));
    }
    if (root.contains("earlier_files")) {
      for (const auto& file : root.at("earlier_files")) {
        auto name = file.get<std::string>();
        if (!is_confined_relative_path(name)) return bad(fmt::format("earlier file \"{}\" leaves the output dir", name));
        lock.earlier_files.push_back(std::move(name));
      }
    }
  } catch (const nlohmann::json::exception& error) {
    return bad(fmt::format("malformed lock file: {}", error.what()));
  }
  return lock;
}

Expected<std::optional<LockFile>> load_lock(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::optional<LockFile>();
  auto text = io::read_file(file);
  if (!text) return std::move(text).error();
  auto lock = parse_lock(*text, file.string());
  if (!lock) return std::move(lock).error();
  return std::optional<LockFile>(std::move(*lock));
}

std::int64_t settled_duration(std::int64_t old_ms, std::int64_t new_ms) {
  if (old_ms <= 0) return new_ms;
  if (std::llabs(new_ms - old_ms) < 1000) return old_ms;                // under a second: noise for balancing
  if (new_ms * 2 < old_ms * 3 && new_ms * 3 > old_ms * 2) return old_ms;  // within ±50%
  return new_ms;
}

Expected<std::string> poc_input_digest(const PocPlan& plan) {
  std::error_code ec;
  std::vector<std::pair<std::string, fs::path>> files;
  fs::recursive_directory_iterator it(plan.dir, fs::directory_options::none, ec);
  if (ec) return Error::io(fmt::format("{}: cannot list the POC: {}", plan.dir.string(), ec.message()));
  const auto is_cleaned = [&](const std::string& relative) {
    return std::any_of(plan.clean.begin(), plan.clean.end(), [&](const std::string& clean) {
      return relative == clean || (relative.size() > clean.size() && relative.starts_with(clean) && relative[clean.size()] == '/');
    });
  };
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return Error::io(fmt::format("{}: cannot list the POC: {}", plan.dir.string(), ec.message()));
    const std::string relative = fs::relative(it->path(), plan.dir, ec).generic_string();
    if (is_cleaned(relative)) {
      if (it->is_directory(ec) && !it->is_symlink(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_symlink(ec) || it->is_regular_file(ec)) files.emplace_back(relative, it->path());
  }
  std::sort(files.begin(), files.end());
  Sha256 hash;
  for (const auto& [relative, path] : files) {
    std::string content;
    if (fs::is_symlink(path, ec)) {
      content = "symlink:" + fs::read_symlink(path, ec).string();
    } else {
      auto bytes = io::read_file(path);
      if (!bytes) return std::move(bytes).error();
      content = std::move(*bytes);
    }
    hash.update(fmt::format("{}\n{}\n", relative, content.size()));
    hash.update(content);
  }
  return hash.hex_digest();
}

std::string rules_digest(const normalize::NormalizeRules& rules) {
  // Every field, each list with its length, so no two settings collide.
  std::string text;
  const auto list = [&](std::string_view name, const std::vector<std::string>& values) {
    text += fmt::format("{} {}\n", name, values.size());
    for (const auto& value : values) text += fmt::format("{} {}\n", value.size(), value);
  };
  list("zero_suffixes", rules.zero_suffixes);
  list("zero_keep_type_keys", rules.zero_keep_type_keys);
  list("wall_clock_keys", rules.wall_clock_keys);
  text += fmt::format("wall_clock_sentinel {} {}\n", rules.wall_clock_sentinel.size(), rules.wall_clock_sentinel);
  text += fmt::format("string_sentinels {}\n", rules.string_sentinels.size());
  for (const auto& [key, value] : rules.string_sentinels) text += fmt::format("{} {} {} {}\n", key.size(), key, value.size(), value);
  list("preserve_keys", rules.preserve_keys);
  list("opaque_keys", rules.opaque_keys);
  text += fmt::format("path_rules {}\n", rules.path_rules.size());
  for (const auto& rule : rules.path_rules) {
    text += fmt::format("{} {} {}\n", rule.at.text().size(), rule.at.text(), normalize::action_name(rule.action));
    for (const std::string* field : {&rule.value, &rule.pattern, &rule.replacement, &rule.by}) {
      text += fmt::format("{} {}\n", field->size(), *field);
    }
  }
  return sha256_hex(text);
}

}  // namespace fixturegen::regen
