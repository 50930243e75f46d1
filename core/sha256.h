// SPDX-License-Identifier: Apache-2.0
// SHA-256 (FIPS 180-4) for content hashes: task hashes, source hashes, cache keys.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace kopt {

class Sha256 {
 public:
  Sha256();
  Sha256& Update(std::string_view bytes);
  /// Lowercase hex of the digest. The object must not be updated afterwards.
  std::string HexDigest();

 private:
  void Block(const std::uint8_t* block);

  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t total_bytes_ = 0;
};

/// Hex SHA-256 of `bytes`.
std::string Sha256Hex(std::string_view bytes);

}  // namespace kopt
