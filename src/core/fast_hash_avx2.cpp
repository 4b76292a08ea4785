// Built with -mavx2 (CMakeLists.txt): XXH3's AVX2 code path. Only called
// after fast_hash.cpp checked the CPU. Nothing here may be an inline
// function another file also uses (see fast_hash_avx2.hpp): xxHash with
// XXH_INLINE_ALL is all `static`, and memcpy is the C library's.
#include "fast_hash_avx2.hpp"

#include <string.h>

#define XXH_INLINE_ALL
#define XXH_VECTOR XXH_AVX2
#include <xxhash.h>

namespace fixturegen::detail {

std::uint64_t fast_hash64_avx2(const void* data, std::size_t size) { return XXH3_64bits(data, size); }

void fast_hash128_avx2(const void* data, std::size_t size, unsigned char out[16]) {
  XXH128_canonical_t canonical;
  XXH128_canonicalFromHash(&canonical, XXH3_128bits(data, size));
  memcpy(out, canonical.digest, 16);
}

}  // namespace fixturegen::detail
