#include <fixturegen/core/fast_hash.hpp>

#include "fast_hash_avx2.hpp"

#include <cstring>

// glibc's header is C (it uses _Bool, which g++ accepts and clang++ does
// not); clang builds (the fuzz targets) ask libgcc instead.
#if defined(__GNUC__) && !defined(__clang__) && __has_include(<sys/platform/x86.h>)
#define FIXTUREGEN_GLIBC_CPU_FEATURES 1
#include <sys/platform/x86.h>  // glibc 2.33
#endif

// xxHash as a header-only library (nothing to link), SSE2 baseline here;
// fast_hash_avx2.cpp compiles the same code for AVX2.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace fixturegen {

namespace {

// From the features glibc found at start-up (and that the OS enables):
// __builtin_cpu_supports links libgcc's own CPU probe, a constructor that
// runs cpuid a dozen more times in every process, and in a VM each cpuid
// traps to the hypervisor (1.7% of validate's time on the 40 reference
// captures).
bool has_avx2() {
#ifdef FIXTUREGEN_GLIBC_CPU_FEATURES
  static const bool yes = CPU_FEATURE_ACTIVE(AVX2);
#else
  static const bool yes = __builtin_cpu_supports("avx2");
#endif
  return yes;
}

}  // namespace

std::uint64_t fast_hash64(std::string_view bytes) {
  if (has_avx2()) return detail::fast_hash64_avx2(bytes.data(), bytes.size());
  return XXH3_64bits(bytes.data(), bytes.size());
}

std::array<unsigned char, 16> fast_hash128(std::string_view bytes) {
  if (has_avx2()) {
    std::array<unsigned char, 16> out;
    detail::fast_hash128_avx2(bytes.data(), bytes.size(), out.data());
    return out;
  }
  XXH128_canonical_t canonical;
  XXH128_canonicalFromHash(&canonical, XXH3_128bits(bytes.data(), bytes.size()));
  std::array<unsigned char, 16> out;
  std::memcpy(out.data(), canonical.digest, out.size());
  return out;
}

}  // namespace fixturegen
