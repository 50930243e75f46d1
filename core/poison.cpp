// SPDX-License-Identifier: Apache-2.0
#include "core/poison.h"

#include <cstring>

namespace kopt {
namespace {

std::uint64_t Mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A mantissa in [1, max - 1]: never zero (an infinity) and never all ones (a GPU's canonical NaN).
std::uint32_t Payload(std::uint64_t bits, std::uint32_t max) {
  return 1 + static_cast<std::uint32_t>(bits % (max - 1));
}

template <typename Word>
std::int64_t Scan(std::span<const unsigned char> bytes, Word pattern, bool count_all,
                  std::size_t* count) {
  std::int64_t first = -1;
  std::size_t n = bytes.size() / sizeof(Word);
  for (std::size_t i = 0; i < n; ++i) {
    Word w;
    std::memcpy(&w, bytes.data() + i * sizeof(Word), sizeof(Word));
    if (w != pattern) continue;
    if (first < 0) first = static_cast<std::int64_t>(i);
    ++*count;
    if (!count_all) break;
  }
  return first;
}

std::int64_t ScanPoison(std::span<const unsigned char> bytes, const Poison& p, bool count_all,
                        std::size_t* count) {
  std::uint64_t bits = PoisonElementBits(p);
  switch (DTypeSize(p.dtype)) {
    case 8:
      return Scan<std::uint64_t>(bytes, bits, count_all, count);
    case 4:
      return Scan<std::uint32_t>(bytes, static_cast<std::uint32_t>(bits), count_all, count);
    case 2:
      return Scan<std::uint16_t>(bytes, static_cast<std::uint16_t>(bits), count_all, count);
    default:
      return Scan<std::uint8_t>(bytes, static_cast<std::uint8_t>(bits), count_all, count);
  }
}

}  // namespace

std::uint64_t PoisonElementBits(const Poison& p) {
  switch (DTypeSize(p.dtype)) {
    case 8:
      return (static_cast<std::uint64_t>(p.word) << 32) | p.word;
    case 4:
      return p.word;
    case 2:
      return p.word & 0xFFFFu;
    default:
      return p.word & 0xFFu;
  }
}

Poison MakePoison(DType dtype, std::uint64_t salt) {
  std::uint64_t bits = Mix(salt ^ (static_cast<std::uint64_t>(dtype) + 1) * 0x9E3779B97F4A7C15ULL);
  std::uint32_t sign = static_cast<std::uint32_t>(bits >> 63);
  Poison p;
  p.dtype = dtype;
  switch (dtype) {
    case DType::kF32:
      p.word = (sign << 31) | 0x7F800000u | Payload(bits, 0x800000u);
      p.width = 4;
      break;
    case DType::kF64:  // 0x7FFxxxxx twice: exponent all ones, mantissa not zero
      p.word = (sign << 31) | 0x7FF00000u | Payload(bits, 0x100000u);
      p.width = 4;
      break;
    case DType::kF16: {
      std::uint32_t half = (sign << 15) | 0x7C00u | Payload(bits, 0x400u);
      p.word = half | (half << 16);
      p.width = 2;
      break;
    }
    case DType::kBF16: {
      std::uint32_t half = (sign << 15) | 0x7F80u | Payload(bits, 0x80u);
      p.word = half | (half << 16);
      p.width = 2;
      break;
    }
    case DType::kI32:
    case DType::kI64:
      p.word = static_cast<std::uint32_t>(bits);
      p.width = 4;
      break;
    case DType::kI8:
    case DType::kU8: {
      std::uint32_t byte = static_cast<std::uint32_t>(bits & 0xFF);
      p.word = byte * 0x01010101u;
      p.width = 1;
      break;
    }
  }
  return p;
}

std::size_t CountPoisoned(std::span<const unsigned char> bytes, const Poison& poison) {
  std::size_t count = 0;
  ScanPoison(bytes, poison, /*count_all=*/true, &count);
  return count;
}

std::int64_t FirstPoisoned(std::span<const unsigned char> bytes, const Poison& poison) {
  std::size_t count = 0;
  return ScanPoison(bytes, poison, /*count_all=*/false, &count);
}

}  // namespace kopt
