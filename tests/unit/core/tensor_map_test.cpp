// SPDX-License-Identifier: Apache-2.0
// TMA's rules as kopt applies them before compiling. The GPU test tests/gpu/tensor_map_gpu_test
// holds the same function to the driver's own verdicts on random parameters.
#include "core/tensor_map.h"

#include <gtest/gtest.h>

namespace kopt {
namespace {

TensorMapParams Bf16Matrix(std::int64_t rows, std::int64_t cols, std::int64_t box_rows,
                           std::int64_t box_cols, TmaSwizzle swizzle = TmaSwizzle::k128B) {
  return DenseTensorMapParams(DType::kBF16, {rows, cols}, {box_rows, box_cols}, swizzle,
                              TmaL2Promotion::k256B, TmaOobFill::kZero);
}

TEST(TensorMapTest, DerivesDriverOrderFromTheShape) {
  TensorMapParams p = DenseTensorMapParams(DType::kF32, {3, 5, 8}, {1, 2, 4}, TmaSwizzle::kNone,
                                           TmaL2Promotion::kNone, TmaOobFill::kZero);
  EXPECT_EQ(p.rank, 3);
  EXPECT_EQ(p.global_dim[0], 8u);  // innermost first
  EXPECT_EQ(p.global_dim[1], 5u);
  EXPECT_EQ(p.global_dim[2], 3u);
  EXPECT_EQ(p.global_stride_bytes[0], 8u * 4);
  EXPECT_EQ(p.global_stride_bytes[1], 8u * 5 * 4);
  EXPECT_EQ(p.box[0], 4u);
  EXPECT_EQ(p.box[2], 1u);
  EXPECT_EQ(TensorMapProblem(p), "");
}

TEST(TensorMapTest, AcceptsTheGemmTilesOfHopperKernels) {
  EXPECT_EQ(TensorMapProblem(Bf16Matrix(4096, 4096, 128, 64)), "");
  EXPECT_EQ(TensorMapProblem(Bf16Matrix(4096, 4096, 256, 64)), "");
  EXPECT_EQ(TensorMapProblem(Bf16Matrix(4096, 4096, 64, 32, TmaSwizzle::k64B)), "");
  // A box may be larger than the tensor: TMA fills what lies outside.
  EXPECT_EQ(TensorMapProblem(Bf16Matrix(3, 8, 128, 64)), "");
}

TEST(TensorMapTest, NamesTheBrokenRuleInTheShapesOrder) {
  std::vector<std::string> names = {"M", "K"};
  // A row of 1001 bf16 is 2002 bytes: no 16-byte aligned rows, and the hint says how to avoid it.
  std::string stride = TensorMapProblem(Bf16Matrix(333, 1001, 128, 64), names);
  EXPECT_NE(stride.find("stride of dimension 0 (M) is 2002 bytes"), std::string::npos) << stride;
  EXPECT_NE(stride.find("% 8 == 0"), std::string::npos) << stride;
  // The inner box is box[1] in the tensor's order.
  std::string inner = TensorMapProblem(Bf16Matrix(4096, 4096, 128, 12), names);
  EXPECT_NE(inner.find("box[1] (the innermost) is 12 elements of 2 bytes = 24 bytes"),
            std::string::npos)
      << inner;
  std::string span = TensorMapProblem(Bf16Matrix(4096, 4096, 128, 128), names);
  EXPECT_NE(span.find("more than the 128-byte span"), std::string::npos) << span;
  std::string big = TensorMapProblem(Bf16Matrix(4096, 4096, 257, 64), names);
  EXPECT_NE(big.find("box[0] is 257"), std::string::npos) << big;
  EXPECT_NE(TensorMapProblem(Bf16Matrix(4096, 4096, 0, 64)), "");
  TensorMapParams nan_int = DenseTensorMapParams(DType::kI32, {64, 64}, {8, 8}, TmaSwizzle::kNone,
                                                 TmaL2Promotion::kNone, TmaOobFill::kNan);
  EXPECT_NE(TensorMapProblem(nan_int).find("floating-point"), std::string::npos);
  TensorMapParams rank6 =
      DenseTensorMapParams(DType::kF32, {2, 2, 2, 2, 2, 4}, {1, 1, 1, 1, 1, 4}, TmaSwizzle::kNone,
                           TmaL2Promotion::kNone, TmaOobFill::kZero);
  EXPECT_NE(TensorMapProblem(rank6).find("rank 1 to 5"), std::string::npos);
}

TEST(TensorMapTest, HugeTensorsHitTheDriversLimitsNotAWrappedNumber) {
  // 2^33 elements in the inner dimension, and strides beyond 2^40 bytes.
  EXPECT_NE(TensorMapProblem(Bf16Matrix(1, std::int64_t{1} << 33, 1, 64)).find("2^32"),
            std::string::npos);
  TensorMapParams wide =
      DenseTensorMapParams(DType::kF64, {4, std::int64_t{1} << 31, 1 << 20}, {1, 1, 2},
                           TmaSwizzle::kNone, TmaL2Promotion::kNone, TmaOobFill::kZero);
  EXPECT_NE(TensorMapProblem(wide).find("2^40"), std::string::npos) << TensorMapProblem(wide);
}

TEST(TensorMapTest, SpellingsRoundTrip) {
  for (auto s : {TmaSwizzle::kNone, TmaSwizzle::k32B, TmaSwizzle::k64B, TmaSwizzle::k128B}) {
    EXPECT_EQ(ParseTmaSwizzle(TmaSwizzleName(s)), s);
  }
  EXPECT_FALSE(ParseTmaSwizzle("128"));
  EXPECT_EQ(ParseTmaL2Promotion("256B"), TmaL2Promotion::k256B);
  EXPECT_EQ(ParseTmaOobFill("nan"), TmaOobFill::kNan);
  EXPECT_FALSE(ParseTmaOobFill("NaN"));
}

}  // namespace
}  // namespace kopt
