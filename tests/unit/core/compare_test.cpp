// SPDX-License-Identifier: Apache-2.0
#include "core/compare.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace kopt {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(CompareTest, AcceptsWithinAtolPlusRtol) {
  Tolerance tol{1e-2, 1e-3};
  std::vector<double> ref = {1.0, 100.0, 0.0};
  std::vector<double> out = {1.0105, 100.9, 0.0009};
  CompareReport r = CompareOutputs(ref, out, tol);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.mismatches, 0u);
  EXPECT_NEAR(r.max_abs_error, 0.9, 1e-9);
  EXPECT_NEAR(r.max_rel_error, 0.0105, 1e-9);
}

TEST(CompareTest, RejectsJustOutsideTolerance) {
  Tolerance tol{1e-2, 1e-3};
  CompareReport r =
      CompareOutputs(std::vector<double>{1.0, 2.0}, std::vector<double>{1.0, 2.0211}, tol);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.mismatches, 1u);
  EXPECT_EQ(r.first_bad, 1);
  EXPECT_DOUBLE_EQ(r.first_bad_expected, 2.0);
}

TEST(CompareTest, NanAndInfMustMatch) {
  Tolerance tol{1, 1};
  EXPECT_TRUE(CompareOutputs(std::vector<double>{kNaN, kInf, -kInf},
                             std::vector<double>{kNaN, kInf, -kInf}, tol)
                  .ok);
  EXPECT_FALSE(CompareOutputs(std::vector<double>{kInf}, std::vector<double>{-kInf}, tol).ok);
  EXPECT_FALSE(CompareOutputs(std::vector<double>{1.0}, std::vector<double>{kInf}, tol).ok);
  EXPECT_FALSE(CompareOutputs(std::vector<double>{kNaN}, std::vector<double>{0.0}, tol).ok);
}

TEST(CompareTest, CountsPoisonLeftUnwritten) {
  CompareReport r =
      CompareOutputs(std::vector<double>{1, 2, 3}, std::vector<double>{1, kNaN, kNaN}, Tolerance{});
  EXPECT_EQ(r.unwritten, 2u);
  std::string msg = DescribeMismatch("C", {3}, r, Tolerance{});
  EXPECT_NE(msg.find("2 of 3 elements differ"), std::string::npos) << msg;
  EXPECT_NE(msg.find("first C[1]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("did not write"), std::string::npos) << msg;
}

TEST(CompareTest, RelativeL2Error) {
  CompareReport r =
      CompareOutputs(std::vector<double>{3, 4}, std::vector<double>{3, 4.5}, Tolerance{1, 1});
  EXPECT_NEAR(r.rel_l2_error, 0.5 / 5.0, 1e-12);
}

TEST(CompareTest, FormatsMultiDimensionalIndex) {
  EXPECT_EQ(FormatIndex("C", 391, {32, 32}), "C[12, 7]");
  EXPECT_EQ(FormatIndex("X", 5, {2, 3, 4}), "X[0, 1, 1]");
}

}  // namespace
}  // namespace kopt
