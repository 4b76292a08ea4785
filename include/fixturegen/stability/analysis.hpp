#pragma once

// `fixturegen stability`, the comparison half: given the captures of N runs
// of the same plan (the later ones in a varied environment), which fields
// the normalize rules miss, what kind of values they hold, and which rules
// redact values that never moved. Pure: captures in, findings out; running
// the engine is the command's business (src/cli/cmd_stability.cpp).

#include <fixturegen/core/error.hpp>
#include <fixturegen/json/document.hpp>
#include <fixturegen/normalize/rules.hpp>
#include <fixturegen/stability/value_class.hpp>

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace fixturegen::stability {

struct CaptureSample {
  std::string raw;         // stdout as the engine printed it
  std::string normalized;  // after the rules
};

// One run of the plan.
struct StabilityRun {
  std::string label;                              // "run 2: TZ=Asia/Kolkata, ..."
  std::map<std::string, CaptureSample> captures;  // by file, relative to the output dir
  normalize::RuleFirings firings;                 // with locations (file, pointer)
};

// One place a finding was seen, with the value each run had there (compact
// JSON; "" where that run has no value).
struct Occurrence {
  std::string file;
  std::string pointer;
  std::vector<std::string> values;
};

enum class FindingKind {
  Varies,           // the normalized value differs between runs: the rules miss it
  MachineDependent, // equal in every run here, but this machine's host name or the engine's version
  Structure,        // a member or element only some runs have, another type or length: no rule fixes it
};

// Fields of one kind, grouped: by member name where there is one (so a key
// rule can cover them), else by pointer pattern.
struct Finding {
  FindingKind kind = FindingKind::Varies;
  ValueClass value_class = ValueClass::Other;
  std::string key;                   // the member name ("" for array elements and the root)
  json::Kind value_kind = json::Kind::Null;  // of the first run's value
  std::vector<std::string> patterns; // pointers with indices folded to *, sorted
  std::vector<Occurrence> occurrences;
  // Whether every member named `key` in every run's captures holds this
  // class of value (or is one of the occurrences), so a key rule is safe;
  // otherwise `counterexample` is one that does not ("state.json#/schema/version: \"1\"").
  bool key_unambiguous = false;
  std::string counterexample;
};

// A rule that redacted only values that were the same in every run: it may
// hide a real regression (or the runs did not vary what moves it).
struct QuietRule {
  std::string rule;                  // CompiledRules::rule_name
  std::size_t locations = 0;         // how many values it replaced in the first run
  std::vector<Occurrence> samples;   // up to three
};

struct Analysis {
  std::size_t runs = 0;
  std::size_t captures = 0;          // per run
  std::vector<Finding> findings;     // varying first, then machine-dependent, then structure
  std::vector<QuietRule> quiet_rules;
  bool stable() const { return findings.empty(); }
};

// Compares the runs (at least two, same files). Errors: a capture that is not
// JSON (kind Check, naming the run and file).
Expected<Analysis> analyze_runs(const std::vector<StabilityRun>& runs, const normalize::CompiledRules& rules,
                                const ClassifyContext& context);

}  // namespace fixturegen::stability
