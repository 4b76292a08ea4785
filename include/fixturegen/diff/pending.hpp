#pragma once

// Pending captures: `regen --pending` writes a new capture beside the
// committed one as NAME.json.new instead of replacing it. Here: finding and
// selecting them, and the two sides `fixturegen review` diffs. Accepting
// and rejecting them, together with the lock file, is regen/pending.hpp.

#include <fixturegen/core/error.hpp>
#include <fixturegen/diff/capture_tree.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace fixturegen::diff {

inline constexpr std::string_view kPendingSuffix = ".new";

struct PendingCapture {
  std::string pending;  // "fixtures_generated/poc/run.json.new", as found under the root given
  std::string target;   // "fixtures_generated/poc/run.json": the same without ".new"
  std::string name;     // "poc/run.json": the target relative to the root it was found under
};

// Every regular NAME.json.new file under each of `roots` (a directory, or
// one such file), sorted, hidden entries skipped. A root that does not exist
// is an Error (kind Io).
Expected<std::vector<PendingCapture>> find_pending(const std::vector<std::string>& roots);

// The captures whose pending path, target path or name matches any glob
// (fnmatch, `*` also crossing '/'); all of them when `globs` is empty. A glob that matches
// none is a Config error naming it.
Expected<std::vector<PendingCapture>> select_pending(const std::vector<PendingCapture>& pending,
                                                     const std::vector<std::string>& globs);

// The two sides of `review`: the committed NAME.json files (missing ones
// are absent: the capture is new) and the pending NAME.json.new files, both
// named by the target path, so diff_trees pairs them.
class CommittedSide final : public CaptureTree {
public:
  explicit CommittedSide(std::vector<PendingCapture> pending) : m_pending(std::move(pending)) {}
  Expected<std::vector<std::string>> list() const override;
  Expected<std::string> read(const std::string& relative) const override;
  std::string display(const std::string& relative) const override { return relative; }

private:
  std::vector<PendingCapture> m_pending;
};

class PendingSide final : public CaptureTree {
public:
  explicit PendingSide(std::vector<PendingCapture> pending) : m_pending(std::move(pending)) {}
  Expected<std::vector<std::string>> list() const override;
  Expected<std::string> read(const std::string& relative) const override;
  std::string display(const std::string& relative) const override;

private:
  std::vector<PendingCapture> m_pending;
};

}  // namespace fixturegen::diff
