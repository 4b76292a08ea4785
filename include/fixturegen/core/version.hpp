#pragma once

#include <string_view>

namespace fixturegen {

std::string_view version();

}  // namespace fixturegen
