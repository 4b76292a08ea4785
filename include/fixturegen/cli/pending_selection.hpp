#pragma once

// What `accept` and `reject` share before they change anything: the output
// dir (cli/output_dir.hpp), the pending captures the GLOBs pick in it, and
// the output dir's run lock, held so no regen writes there meanwhile.

#include <fixturegen/cli/output_dir.hpp>
#include <fixturegen/core/error.hpp>
#include <fixturegen/diff/pending.hpp>
#include <fixturegen/regen/run_lock.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fixturegen::cli {

struct PendingSelection {
  std::string dir;
  std::vector<diff::PendingCapture> selected;  // never empty
  regen::RunLock run_lock;
};

// nullopt (after saying "nothing to VERB") when no pending capture is there;
// an error when a GLOB matches none or a regen holds the dir.
Expected<std::optional<PendingSelection>> select_pending_for(const OutputDirChoice& where,
                                                             const std::vector<std::string>& globs,
                                                             std::string_view verb);

}  // namespace fixturegen::cli
