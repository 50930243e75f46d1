// SPDX-License-Identifier: Apache-2.0
#include "core/stats.h"

#include <gtest/gtest.h>

#include <cmath>

namespace kopt {
namespace {

TEST(StatsTest, SummarizesLiteralSamples) {
  Summary s = Summarize({5, 1, 4, 2, 3});
  EXPECT_DOUBLE_EQ(s.median, 3);
  EXPECT_DOUBLE_EQ(s.min, 1);
  EXPECT_DOUBLE_EQ(s.max, 5);
  EXPECT_DOUBLE_EQ(s.mean, 3);
  EXPECT_NEAR(s.stddev, 1.5811388, 1e-6);
  EXPECT_DOUBLE_EQ(s.p10, 1.4);
  EXPECT_DOUBLE_EQ(s.p90, 4.6);
  EXPECT_EQ(s.n, 5u);
}

TEST(StatsTest, MedianOfEvenCountInterpolates) {
  EXPECT_DOUBLE_EQ(Summarize({1, 2, 3, 10}).median, 2.5);
  EXPECT_EQ(Summarize({}).n, 0u);
}

TEST(StatsTest, RelativeMedianErrorShrinksWithSamples) {
  std::vector<double> few = {1.0, 1.1, 0.9, 1.05};
  std::vector<double> many;
  for (int i = 0; i < 100; ++i) many.insert(many.end(), few.begin(), few.end());
  EXPECT_GT(RelativeMedianError(Summarize(few)), RelativeMedianError(Summarize(many)));
  EXPECT_TRUE(std::isinf(RelativeMedianError(Summarize({1.0}))));
}

TEST(StatsTest, SpeedupBandNeverNarrowerThanNoiseFloor) {
  std::vector<double> base(200, 2.0), cand(200, 1.0);
  Speedup s = CompareMedians(Summarize(base), Summarize(cand));
  EXPECT_DOUBLE_EQ(s.value, 2.0);
  EXPECT_NEAR(s.low, 2.0 / (1 + kSpeedupNoiseFloor), 1e-12);
  EXPECT_NEAR(s.high, 2.0 * (1 + kSpeedupNoiseFloor), 1e-12);
}

// A placement or timing bias of the size measured between identical kernels (1.1%) is never a
// speedup, however many samples pin the medians down.
TEST(StatsTest, ABiasOfTheSizeSeenBetweenIdenticalKernelsIsNotASpeedup) {
  std::vector<double> base(500, 1.015), cand(500, 1.0);
  Speedup s = CompareMedians(Summarize(base), Summarize(cand));
  EXPECT_LT(s.low, 1.0);
  EXPECT_GT(s.high, 1.0);
}

TEST(StatsTest, EqualKernelsAreNotASpeedup) {
  std::vector<double> a, b;
  for (int i = 0; i < 50; ++i) {
    a.push_back(1.0 + 0.01 * (i % 5));
    b.push_back(1.0 + 0.01 * ((i + 2) % 5));
  }
  Speedup s = CompareMedians(Summarize(a), Summarize(b));
  EXPECT_LT(s.low, 1.0);
  EXPECT_GT(s.high, 1.0);
}

}  // namespace
}  // namespace kopt
