#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace fixturegen {

// SHA-256 (FIPS 180-4), for the lock file's digests of captures and POC
// inputs. Small and dependency-free: one digest per capture is nowhere near a
// hot path, so a library (OpenSSL) would only add a dependency.
class Sha256 {
public:
  Sha256();
  void update(std::string_view bytes);
  // The digest as 64 lowercase hex digits; the object is spent afterwards.
  std::string hex_digest();

private:
  void block(const unsigned char* data);
  std::array<std::uint32_t, 8> m_state;
  std::array<unsigned char, 64> m_buffer{};
  std::size_t m_buffered = 0;
  std::uint64_t m_length = 0;
};

// The digest of `bytes` as 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);

}  // namespace fixturegen
