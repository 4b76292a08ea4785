#include <fixturegen/core/sha256.hpp>
#include <fixturegen/io/file.hpp>
#include <fixturegen/regen/pending.hpp>
#include <fixturegen/regen/regen.hpp>
#include <fixturegen/regen/status.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace fixturegen::regen {

namespace fs = std::filesystem;

std::string_view capture_state_name(CaptureState state) {
  switch (state) {
    case CaptureState::Current: return "current";
    case CaptureState::Stale: return "stale";
    case CaptureState::New: return "new";
    case CaptureState::Missing: return "missing";
    case CaptureState::Modified: return "modified";
    case CaptureState::Orphan: return "orphan";
    case CaptureState::Pending: return "pending";
  }
  return "?";
}

Expected<std::vector<CaptureStatus>> capture_status(const ResolvedPlan& plan) {
  std::vector<CaptureStatus> out;
  for (const PocPlan& poc : plan.pocs) {
    const LockedPoc* locked = plan.lock ? plan.lock->find(poc.name) : nullptr;
    // Why this POC's captures are stale, if they are.
    std::vector<std::string> reasons;
    if (locked) {
      auto digest = poc_input_digest(poc);
      if (!digest) return std::move(digest).error();
      if (*digest != locked->input_digest) reasons.push_back("the POC's files changed");
      if (locked->rules_digest != plan.rules_digest) reasons.push_back("the normalizer rules changed");
      if (!plan.engine_version.empty() && locked->engine_version != plan.engine_version) {
        reasons.push_back(fmt::format("the engine is \"{}\", was \"{}\"", plan.engine_version, locked->engine_version));
      }
    }
    for (const Step& step : poc.steps) {
      if (step.capture.empty()) continue;
      CaptureStatus status{poc.capture_file(step), poc.name, CaptureState::Current, ""};
      const LockedCapture* record = locked ? locked->find(status.file) : nullptr;
      // The committed capture's record; a capture that exists only as
      // FILE.new has none yet.
      const LockedCapture* entry = record && record->committed() ? record : nullptr;
      const fs::path path = plan.output_dir / status.file;
      std::error_code ec;
      if (fs::exists(plan.output_dir / pending_file(status.file), ec)) {
        status.state = CaptureState::Pending;
        status.reason = record && record->pending
                            ? fmt::format("regen --pending left {}: `fixturegen review`, then `accept` or `reject`",
                                          pending_file(status.file))
                            : fmt::format("{} is there, but regen --pending did not record it: `fixturegen review`, "
                                          "then `accept` or `reject`",
                                          pending_file(status.file));
      } else if (!entry) {
        status.state = CaptureState::New;
        status.reason = locked ? "the step is new since the lock" : "the POC was never captured (not in the lock file)";
      } else if (!fs::exists(path, ec)) {
        status.state = CaptureState::Missing;
        status.reason = "the lock lists it but the file is gone";
      } else if (!reasons.empty()) {
        status.state = CaptureState::Stale;
        status.reason = fmt::format("{}", fmt::join(reasons, "; "));
      } else {
        auto bytes = io::read_file(path);
        if (!bytes) return std::move(bytes).error();
        if (sha256_hex(*bytes) != entry->sha256) {
          status.state = CaptureState::Modified;
          status.reason = "its bytes are not the ones regen wrote (edited by hand?)";
        }
      }
      out.push_back(std::move(status));
    }
  }
  auto orphans = find_orphans(plan);
  if (!orphans) return std::move(orphans).error();
  for (auto& orphan : *orphans) {
    out.push_back({std::move(orphan), "", CaptureState::Orphan, "no step of the plan produces it"});
  }
  return out;
}

}  // namespace fixturegen::regen
