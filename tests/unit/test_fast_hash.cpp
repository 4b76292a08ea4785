// core/fast_hash: XXH3's published values, and the AVX2 path (taken on
// CPUs that have it) equal to the portable one this file compiles, for
// every length around XXH3's internal block boundaries.

#include <fixturegen/core/fast_hash.hpp>

#include <catch2/catch.hpp>

#include <cstring>
#include <string>

#define XXH_INLINE_ALL
#define XXH_VECTOR XXH_SCALAR
#include <xxhash.h>

using fixturegen::fast_hash128;
using fixturegen::fast_hash64;

TEST_CASE("fast_hash: XXH3 of the empty input is the published value", "[fast_hash]") {
  CHECK(fast_hash64("") == 0x2D06800538D394C2ULL);
  const std::array<unsigned char, 16> empty = fast_hash128("");
  const std::array<unsigned char, 16> expected = {0x99, 0xAA, 0x06, 0xD3, 0x01, 0x47, 0x98, 0xD8,
                                                  0x60, 0x01, 0xC3, 0x24, 0x46, 0x8D, 0x49, 0x7F};
  CHECK(empty == expected);
}

TEST_CASE("fast_hash: the dispatched code equals scalar XXH3 for every length", "[fast_hash]") {
  std::string data(3 * 1024 * 1024, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 2654435761u) >> 13);
  std::vector<std::size_t> lengths;
  for (std::size_t n = 0; n <= 1100; ++n) lengths.push_back(n);
  for (const std::size_t n : {4095u, 4096u, 4097u, 65536u, 100003u, 1048576u, 3u * 1024u * 1024u}) lengths.push_back(n);
  for (const std::size_t n : lengths) {
    const std::string_view bytes(data.data(), n);
    INFO("length " << n);
    REQUIRE(fast_hash64(bytes) == XXH3_64bits(bytes.data(), bytes.size()));
    XXH128_canonical_t canonical;
    XXH128_canonicalFromHash(&canonical, XXH3_128bits(bytes.data(), bytes.size()));
    const std::array<unsigned char, 16> digest = fast_hash128(bytes);
    REQUIRE(std::memcmp(digest.data(), canonical.digest, 16) == 0);
  }
}
