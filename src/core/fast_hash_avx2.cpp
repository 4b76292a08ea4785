// Built with -mavx2 (CMakeLists.txt): XXH3's AVX2 code path. Only called
// after fast_hash.cpp checked the CPU; XXH_INLINE_ALL keeps every xxHash
// function local to this file, so the SSE2 copies elsewhere do not clash.
#include "fast_hash_avx2.hpp"

#include <cstring>

#define XXH_INLINE_ALL
#define XXH_VECTOR XXH_AVX2
#include <xxhash.h>

namespace fixturegen::detail {

std::uint64_t fast_hash64_avx2(std::string_view bytes) { return XXH3_64bits(bytes.data(), bytes.size()); }

std::array<unsigned char, 16> fast_hash128_avx2(std::string_view bytes) {
  XXH128_canonical_t canonical;
  XXH128_canonicalFromHash(&canonical, XXH3_128bits(bytes.data(), bytes.size()));
  std::array<unsigned char, 16> out;
  std::memcpy(out.data(), canonical.digest, out.size());
  return out;
}

}  // namespace fixturegen::detail
