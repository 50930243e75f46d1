// SPDX-License-Identifier: Apache-2.0
#include "core/host_values.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

namespace kopt {
namespace {

TEST(HostValuesTest, HalfConversionsRoundTripAndRound) {
  for (double v : {0.0, 1.0, -2.5, 65504.0, std::ldexp(1.0, -14), std::ldexp(1.0, -24),
                   std::ldexp(3.0, -20)}) {
    EXPECT_EQ(HalfToDouble(DoubleToHalf(v)), v) << v;
  }
  EXPECT_EQ(DoubleToHalf(1.0), 0x3c00);
  EXPECT_EQ(DoubleToHalf(1.0 + 1.0 / 4096), 0x3c00);  // rounds to even
  EXPECT_TRUE(std::isinf(HalfToDouble(DoubleToHalf(1e6))));
  EXPECT_TRUE(std::isnan(HalfToDouble(0x7e00)));
}

TEST(HostValuesTest, BFloat16ConversionsRound) {
  EXPECT_EQ(DoubleToBFloat16(1.0), 0x3f80);
  EXPECT_EQ(BFloat16ToDouble(0x3f80), 1.0);
  EXPECT_EQ(BFloat16ToDouble(DoubleToBFloat16(3.140625)), 3.140625);
  EXPECT_TRUE(std::isnan(BFloat16ToDouble(0x7fc0)));
}

TEST(HostValuesTest, ConvertsRawBytesOfEveryDtype) {
  float f[2] = {1.5f, -2.0f};
  std::vector<unsigned char> bytes(sizeof f);
  std::memcpy(bytes.data(), f, sizeof f);
  EXPECT_EQ(ToDoubles(DType::kF32, bytes), (std::vector<double>{1.5, -2.0}));
  std::int32_t i[2] = {7, -3};
  std::memcpy(bytes.data(), i, sizeof i);
  EXPECT_EQ(ToDoubles(DType::kI32, bytes), (std::vector<double>{7, -3}));
  std::vector<unsigned char> bf = {0x80, 0x3f, 0x00, 0xc0};
  EXPECT_EQ(ToDoubles(DType::kBF16, bf), (std::vector<double>{1.0, -2.0}));
}

TEST(HostValuesTest, ScalarBitsMatchTheKernelParameterLayout) {
  float f = 0.5f;
  std::uint32_t fbits;
  std::memcpy(&fbits, &f, 4);
  EXPECT_EQ(ScalarBits(DType::kF32, 0.5), fbits);
  EXPECT_EQ(ScalarBits(DType::kI32, -1), 0xffffffffu);
  EXPECT_EQ(ScalarBits(DType::kBF16, 1.0), 0x3f80u);
}

}  // namespace
}  // namespace kopt
