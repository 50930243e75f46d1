// SPDX-License-Identifier: Apache-2.0
// Raw tensor bytes as doubles (for comparison) and scalars as kernel-argument bits, for every
// dtype, including the 16-bit floats that have no host type.
#pragma once

#include "core/dtype.h"

#include <cstdint>
#include <span>
#include <vector>

namespace kopt {

std::vector<double> ToDoubles(DType dtype, std::span<const unsigned char> bytes);
double HalfToDouble(std::uint16_t bits);
double BFloat16ToDouble(std::uint16_t bits);
/// Round-to-nearest-even conversions.
std::uint16_t DoubleToHalf(double value);
std::uint16_t DoubleToBFloat16(double value);
/// The bits a kernel parameter of `dtype` holding `value` has, in the low bytes.
std::uint64_t ScalarBits(DType dtype, double value);

}  // namespace kopt
