#pragma once

namespace fixturegen::cli {

// The whole command line: parses flags, dispatches to a subcommand, prints
// any error as "fixturegen: error: ..." on stderr, returns the exit code.
int run(int argc, char** argv);

}  // namespace fixturegen::cli
