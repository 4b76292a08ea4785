#pragma once

// Which output dir `review`, `accept` and `reject` work on when --dir is not
// given: the capture plan's `output` (fixturegen.toml, or --config FILE),
// so they find what `regen --pending` wrote in a project whose output is not
// the default; without a plan, ProjectPaths' default.

#include <fixturegen/core/error.hpp>

#include <string>

namespace fixturegen::cli {

struct OutputDirChoice {
  std::string dir;     // --dir as given ("" = not given)
  std::string config;  // --config as given ("" = fixturegen.toml when it exists)
};

Expected<std::string> resolve_output_dir(const OutputDirChoice& choice);

}  // namespace fixturegen::cli
