#include <fixturegen/core/fast_hash.hpp>

#include "fast_hash_avx2.hpp"

#include <cstring>

// xxHash as a header-only library (nothing to link), SSE2 baseline here;
// fast_hash_avx2.cpp compiles the same code for AVX2.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace fixturegen {

namespace {

bool has_avx2() {
  static const bool yes = __builtin_cpu_supports("avx2");
  return yes;
}

}  // namespace

std::uint64_t fast_hash64(std::string_view bytes) {
  if (has_avx2()) return detail::fast_hash64_avx2(bytes);
  return XXH3_64bits(bytes.data(), bytes.size());
}

std::array<unsigned char, 16> fast_hash128(std::string_view bytes) {
  if (has_avx2()) return detail::fast_hash128_avx2(bytes);
  XXH128_canonical_t canonical;
  XXH128_canonicalFromHash(&canonical, XXH3_128bits(bytes.data(), bytes.size()));
  std::array<unsigned char, 16> out;
  std::memcpy(out.data(), canonical.digest, out.size());
  return out;
}

}  // namespace fixturegen
