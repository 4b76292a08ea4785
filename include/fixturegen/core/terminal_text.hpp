#pragma once

// Text from outside (file names, an engine's stdout) made safe to print: a
// terminal acts on control characters and escape sequences, and bytes that
// are not UTF-8 garble the line. Used by validate's reports and by regen's
// excerpt of a non-JSON stdout.

#include <string>
#include <string_view>

namespace fixturegen {

// C-style escapes for what a terminal would act on: control characters
// (\n, \r, \t, \xHH), DEL, C1 controls (\u0085), and bytes that are not
// UTF-8 (\xHH). With `escape_backslash` a backslash becomes "\\" so that an
// escaped name reads back unambiguously (file names); messages keep theirs.
// With `keep_layout` line feeds and tabs stay as they are (a report body's
// lines, XML character data).
std::string escape_control(std::string_view text, bool escape_backslash, bool keep_layout = false);

}  // namespace fixturegen
