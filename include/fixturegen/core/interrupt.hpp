#pragma once

namespace fixturegen {

// Ctrl-C sets a flag instead of killing the process, so that a command can
// stop between files and never leave one half-written. Long loops poll it.
void install_interrupt_handler();
bool interrupted();

}  // namespace fixturegen
