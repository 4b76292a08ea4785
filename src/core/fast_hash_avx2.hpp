#pragma once

#include <cstddef>
#include <cstdint>

// fast_hash.cpp's AVX2 variants, compiled with -mavx2 in their own file
// (fast_hash_avx2.cpp); called only when the CPU has AVX2. Plain pointers
// and sizes, no C++ library types: an inline library function compiled in
// that file could be the one copy the linker keeps for the whole program,
// and then run with AVX2 instructions on a CPU without them.
namespace fixturegen::detail {

std::uint64_t fast_hash64_avx2(const void* data, std::size_t size);
void fast_hash128_avx2(const void* data, std::size_t size, unsigned char out[16]);

}  // namespace fixturegen::detail
