#include <fixturegen/cli/pending_selection.hpp>

#include <fixturegen/core/log.hpp>

namespace fixturegen::cli {

Expected<std::optional<PendingSelection>> select_pending_for(const OutputDirChoice& where,
                                                             const std::vector<std::string>& globs,
                                                             std::string_view verb) {
  Expected<std::string> dir = resolve_output_dir(where);
  if (!dir) return std::move(dir).error();
  auto found = diff::find_pending({*dir});
  if (!found) return std::move(found).error();
  auto selected = diff::select_pending(*found, globs);
  if (!selected) return std::move(selected).error();
  if (selected->empty()) {
    log::info("nothing to {}: no pending captures (NAME.json.new) under {}", verb, *dir);
    return std::optional<PendingSelection>();
  }
  // The captures and the lock change together: not while a regen runs.
  auto run_lock = regen::RunLock::acquire(*dir, true);
  if (!run_lock) return std::move(run_lock).error();
  return std::optional<PendingSelection>(PendingSelection{std::move(*dir), std::move(*selected), std::move(*run_lock)});
}

}  // namespace fixturegen::cli
