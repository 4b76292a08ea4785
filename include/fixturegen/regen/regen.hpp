#pragma once

// What regen does with finished POC runs: write them (all or nothing per POC,
// everything committed at the end), remove orphans it wrote earlier, and
// update the lock file; or, for --check, compare them with the committed
// corpus and write nothing.

#include <fixturegen/core/error.hpp>
#include <fixturegen/regen/preflight.hpp>
#include <fixturegen/regen/runner.hpp>

#include <map>
#include <string>
#include <vector>

namespace fixturegen::regen {

// .json files in the output dir that no step of the whole plan produces,
// relative, sorted.
Expected<std::vector<std::string>> find_orphans(const ResolvedPlan& plan);

struct WriteSummary {
  std::size_t captures = 0;       // written or already identical
  std::size_t changed = 0;        // files whose bytes changed
  std::vector<std::string> orphans_removed;
  std::vector<std::string> orphans_kept;  // reported, not removed (see the log)
  std::size_t pending = 0;        // --pending: captures left as FILE.new for review
  // FILE.new files a regen removed: it rewrote their capture, and the lock
  // says an earlier --pending wrote them (regen/pending.hpp).
  std::vector<std::string> pending_removed;
  // FILE.new files beside rewritten captures that the lock does not know:
  // left alone (reported).
  std::vector<std::string> pending_kept;
  bool committed = false;         // false after an interrupt: nothing was changed
};

// Stages every successful POC's captures (one io::StagedWrites per POC) and,
// unless interrupted meanwhile, commits them all, then removes the orphans a
// full regen may remove (those the previous lock lists) and writes the lock.
Expected<WriteSummary> write_captures(const ResolvedPlan& plan, const std::vector<PocRun>& runs);

// The lock after `runs`: run POCs get new entries, the others keep theirs.
LockFile next_lock(const ResolvedPlan& plan, const std::vector<PocRun>& runs);

// Records in `lock.earlier_files` what the previous lock says regen wrote,
// that `lock` no longer lists and that is still there (possible orphans).
void keep_earlier_files(const ResolvedPlan& plan, LockFile& lock);

struct DriftReport {
  bool differs = false;
  std::size_t files = 0;   // compared
  std::string text;        // the report (empty when nothing differs)
};

// Files keyed by their path relative to the output dir.
using CorpusFiles = std::map<std::string, std::string>;

// The comparison --check prints, per file and per JSON Pointer: files only the
// fresh capture has ("missing" from the corpus), files only the corpus has
// ("orphan"), and changed files with each added, removed or changed value.
Expected<DriftReport> compare_corpus(const CorpusFiles& committed, const CorpusFiles& fresh, std::string_view corpus_label);

// --check: the committed side is the captures the run POCs should have made
// (and, with `with_orphans`, the orphans), read from the output dir.
Expected<DriftReport> check_against_corpus(const ResolvedPlan& plan, const std::vector<PocRun>& runs, bool with_orphans);

}  // namespace fixturegen::regen
