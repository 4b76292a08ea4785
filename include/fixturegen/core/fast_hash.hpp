#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace fixturegen {

// XXH3 (xxHash), a non-cryptographic hash for telling bytes apart where
// nobody chooses them to collide: the compiled-schema cache's keys and
// entry digests. The same values on every machine; the AVX2 code path
// (4-5 times faster than the SSE2 baseline here) is taken when the CPU
// has it. Not for anything an adversary controls: that is core/sha256.
std::uint64_t fast_hash64(std::string_view bytes);
std::array<unsigned char, 16> fast_hash128(std::string_view bytes);  // canonical (big-endian) bytes

}  // namespace fixturegen
