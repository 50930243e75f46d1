// SPDX-License-Identifier: Apache-2.0
#include "core/host_values.h"

#include <cmath>
#include <cstring>

namespace kopt {
namespace {

template <typename T>
void Convert(std::span<const unsigned char> bytes, std::vector<double>& out) {
  std::size_t n = bytes.size() / sizeof(T);
  out.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    T v;
    std::memcpy(&v, bytes.data() + i * sizeof(T), sizeof(T));
    out[i] = static_cast<double>(v);
  }
}

std::uint32_t FloatBits(float f) {
  std::uint32_t bits;
  std::memcpy(&bits, &f, 4);
  return bits;
}

}  // namespace

double HalfToDouble(std::uint16_t bits) {
  int sign = bits >> 15;
  int exponent = (bits >> 10) & 0x1f;
  int mantissa = bits & 0x3ff;
  double value;
  if (exponent == 0) {
    value = std::ldexp(mantissa, -24);
  } else if (exponent == 31) {
    value = mantissa ? NAN : INFINITY;
  } else {
    value = std::ldexp(mantissa + 1024, exponent - 25);
  }
  return sign ? -value : value;
}

double BFloat16ToDouble(std::uint16_t bits) {
  std::uint32_t wide = std::uint32_t{bits} << 16;
  float f;
  std::memcpy(&f, &wide, 4);
  return f;
}

std::uint16_t DoubleToBFloat16(double value) {
  std::uint32_t bits = FloatBits(static_cast<float>(value));
  if ((bits & 0x7fffffff) > 0x7f800000) return static_cast<std::uint16_t>((bits >> 16) | 0x40);
  bits += 0x7fff + ((bits >> 16) & 1);
  return static_cast<std::uint16_t>(bits >> 16);
}

std::uint16_t DoubleToHalf(double value) {
  if (std::isnan(value)) return 0x7e00;
  std::uint16_t sign = std::signbit(value) ? 0x8000 : 0;
  double a = std::fabs(value);
  if (a >= 65520.0) return sign | 0x7c00;  // rounds to infinity
  if (a < std::ldexp(1.0, -25)) return sign;
  int exponent;
  std::frexp(a, &exponent);  // a = m * 2^exponent, m in [0.5, 1)
  int e = exponent - 1;      // a = 1.x * 2^e
  if (e < -14) {             // subnormal: units of 2^-24
    return sign | static_cast<std::uint16_t>(std::nearbyint(std::ldexp(a, 24)));
  }
  auto m = static_cast<std::uint32_t>(std::nearbyint(std::ldexp(a, 10 - e)));  // in [1024, 2048]
  if (m == 2048) {
    m = 1024;
    ++e;
  }
  if (e > 15) return sign | 0x7c00;
  return sign | static_cast<std::uint16_t>(((e + 15) << 10) | (m - 1024));
}

std::vector<double> ToDoubles(DType dtype, std::span<const unsigned char> bytes) {
  std::vector<double> out;
  switch (dtype) {
    case DType::kF32:
      Convert<float>(bytes, out);
      break;
    case DType::kF64:
      Convert<double>(bytes, out);
      break;
    case DType::kI32:
      Convert<std::int32_t>(bytes, out);
      break;
    case DType::kI64:
      Convert<std::int64_t>(bytes, out);
      break;
    case DType::kI8:
      Convert<std::int8_t>(bytes, out);
      break;
    case DType::kU8:
      Convert<std::uint8_t>(bytes, out);
      break;
    case DType::kF16:
    case DType::kBF16: {
      std::size_t n = bytes.size() / 2;
      out.resize(n);
      for (std::size_t i = 0; i < n; ++i) {
        std::uint16_t bits;
        std::memcpy(&bits, bytes.data() + 2 * i, 2);
        out[i] = dtype == DType::kF16 ? HalfToDouble(bits) : BFloat16ToDouble(bits);
      }
      break;
    }
  }
  return out;
}

std::uint64_t ScalarBits(DType dtype, double value) {
  std::uint64_t bits = 0;
  switch (dtype) {
    case DType::kF32: {
      float f = static_cast<float>(value);
      std::memcpy(&bits, &f, 4);
      break;
    }
    case DType::kF64:
      std::memcpy(&bits, &value, 8);
      break;
    case DType::kF16:
      bits = DoubleToHalf(value);
      break;
    case DType::kBF16:
      bits = DoubleToBFloat16(value);
      break;
    case DType::kI32: {
      auto v = static_cast<std::int32_t>(value);
      std::memcpy(&bits, &v, 4);
      break;
    }
    case DType::kI64: {
      auto v = static_cast<std::int64_t>(value);
      std::memcpy(&bits, &v, 8);
      break;
    }
    case DType::kI8:
    case DType::kU8:
      bits = static_cast<std::uint8_t>(static_cast<std::int64_t>(value));
      break;
  }
  return bits;
}

}  // namespace kopt
