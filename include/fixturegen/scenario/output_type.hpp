#pragma once

#include <fixturegen/core/error.hpp>
#include <fixturegen/json/document.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fixturegen::scenario {

// How a capture is recognised as one output type: the `match` object of a
// scenario file (docs/scenario-format.md).
struct MatchRule {
  std::string command;                  // the capture's top-level `command` value
  std::vector<std::string> has_keys;    // top-level keys the capture must have
  std::vector<std::string> lacks_keys;  // top-level keys the capture must not have

  // More discriminators = more specific: `lineage` + `column` beats `lineage`.
  std::size_t discriminators() const { return has_keys.size() + lacks_keys.size(); }
  bool matches(json::Value capture) const;
  // Whether one capture could match both rules: same command, and no key
  // that one rule requires is one the other forbids.
  bool overlaps(const MatchRule& other) const;
};

// The capture's top-level `command` string, when it is an object that has one.
std::optional<std::string_view> capture_command(json::Value capture);

// Whether `name` can be an output type name: [a-z0-9_]+. Type names become
// file names, so a capture's `command` is used as one only when it passes.
bool is_type_name(std::string_view name);

// Capture -> output type name. Built from scenarios (one rule per type), or
// from the engine's own convention when only a directory of foreign schemas
// is at hand (`fixturegen validate --schemas DIR`).
class OutputTypeMatcher {
public:
  struct Entry {
    std::string type;
    MatchRule rule;
  };

  // Adds a type. Fails when its rule would tie with one already added (some
  // capture matches both with as many discriminators), or the type exists.
  Expected<void> add(std::string type, MatchRule rule);

  // The engine's convention (rocky-reference/README.md): the type is the
  // `command` value, except `lineage` with a `column` key (column_lineage)
  // and `history` with a `model` key (model_history). Adds those two rules
  // where they fit beside the existing ones and turns on the fallback.
  void add_engine_convention();

  // When no rule matches, use the capture's `command` as its type name.
  void set_fallback_to_command(bool on) { m_fallback_to_command = on; }

  // The type of `capture`: the matching rule with the most discriminators,
  // else the fallback, else nothing.
  std::optional<std::string> match(json::Value capture) const;

  bool has_type(std::string_view type) const;
  const std::vector<Entry>& entries() const { return m_entries; }

private:
  std::vector<Entry> m_entries;
  bool m_fallback_to_command = false;
};

}  // namespace fixturegen::scenario
