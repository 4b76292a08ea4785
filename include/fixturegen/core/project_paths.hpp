#pragma once

#include <string>
#include <string_view>

namespace fixturegen {

// Where a fixturegen project keeps its files, relative to the directory the
// commands run in (the repository root). Every command takes its defaults
// from here, so a project configuration file can later override them in one
// place instead of in each command.
struct ProjectPaths {
  std::string scenarios = "scenarios";            // hand-written scenario files
  std::string schemas = "schemas";                // compiled schemas, committed
  std::string captures = "fixtures_generated";    // live-binary captures (regen output)

  static const ProjectPaths& defaults() {
    static const ProjectPaths paths;
    return paths;
  }
};

// Compiled schema files are named `<type><kSchemaFileSuffix>`, like the
// engine's published schemas, so `--schemas DIR` can point at either.
inline constexpr std::string_view kSchemaFileSuffix = ".schema.json";
// The `$id` of a compiled schema is this prefix followed by its file name.
inline constexpr std::string_view kSchemaIdPrefix = "https://fixturegen.rocky/schemas/";

}  // namespace fixturegen
