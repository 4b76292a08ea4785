#include <fixturegen/core/version.hpp>

namespace fixturegen {

std::string_view version() { return FIXTUREGEN_VERSION; }

}  // namespace fixturegen
