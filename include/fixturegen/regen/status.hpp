#pragma once

// `fixturegen status`: which captures a regen would change, judged from the
// lock file alone: no step runs (only `ENGINE --version`, to see whether the
// engine changed).

#include <fixturegen/regen/preflight.hpp>

#include <string>
#include <vector>

namespace fixturegen::regen {

enum class CaptureState {
  Current,   // inputs, rules and engine as locked, file as written
  Stale,     // the POC's inputs, the rules or the engine changed since the lock
  New,       // the plan has it, the lock does not (never captured)
  Missing,   // locked, but the file is gone
  Modified,  // the file's bytes are not the ones regen wrote (edited by hand?)
  Orphan,    // a .json file in the output dir no step produces
  Pending,   // a FILE.new waits beside it for review (regen --pending; accept or reject)
};

std::string_view capture_state_name(CaptureState state);

struct CaptureStatus {
  std::string file;    // relative to the output dir
  std::string poc;     // "" for orphans
  CaptureState state = CaptureState::Current;
  std::string reason;  // why, for anything but Current
};

// One entry per planned capture (plan order), then the orphans.
Expected<std::vector<CaptureStatus>> capture_status(const ResolvedPlan& plan);

}  // namespace fixturegen::regen
