#pragma once

namespace fixturegen {

// Ctrl-C (SIGINT) and SIGTERM set a flag instead of killing the process, so
// that a command stops between files and never leaves one half-written.
//
// The handlers are installed with sigaction and without SA_RESTART: a read,
// write or wait blocked in the kernel returns EINTR, and the caller checks
// interrupted(). Because a signal wakes only the one thread it is delivered
// to, every blocking wait that must end promptly on any thread (a child's
// pipes, a FIFO) also polls interrupt_fd(), which becomes readable when the
// first interrupt arrives and stays readable.
void install_interrupt_handler();

// True once SIGINT or SIGTERM arrived; safe from any thread.
bool interrupted();

// The first interrupting signal (SIGINT or SIGTERM), or 0.
int interrupt_signal();

// A file descriptor for poll()/ppoll(): readable (POLLIN) from the first
// interrupt on, never drained. -1 until install_interrupt_handler() ran.
int interrupt_fd();

}  // namespace fixturegen
