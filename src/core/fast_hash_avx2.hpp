#pragma once

#include <array>
#include <cstdint>
#include <string_view>

// fast_hash.cpp's AVX2 variants, compiled with -mavx2 in their own file
// (fast_hash_avx2.cpp); called only when the CPU has AVX2.
namespace fixturegen::detail {

std::uint64_t fast_hash64_avx2(std::string_view bytes);
std::array<unsigned char, 16> fast_hash128_avx2(std::string_view bytes);

}  // namespace fixturegen::detail
