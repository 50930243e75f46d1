// SPDX-License-Identifier: Apache-2.0
// Seeds: every evaluation sees other inputs, timing never reuses a check's, all from the pool.
#include "evaluator/worker/seed_plan.h"

#include <gtest/gtest.h>

#include <set>

namespace kopt {
namespace {

TEST(SeedPlanTest, TimingSeedsAreNeverACheckSeedAndAllComeFromThePool) {
  std::mt19937_64 random(1);
  std::set<std::uint64_t> pool;
  for (int i = 0; i < 16; ++i) pool.insert(PoolSeed(77, i));
  for (int trial = 0; trial < 50; ++trial) {
    SeedPlan plan = DrawSeeds(77, 16, 3, 3, random);
    ASSERT_EQ(plan.check_seeds.size(), 3u);
    ASSERT_EQ(plan.timing_seeds.size(), 3u);
    std::set<std::uint64_t> all(plan.check_seeds.begin(), plan.check_seeds.end());
    all.insert(plan.timing_seeds.begin(), plan.timing_seeds.end());
    EXPECT_EQ(all.size(), 6u);
    for (auto s : all) EXPECT_TRUE(pool.count(s));
  }
}

TEST(SeedPlanTest, EvaluationsDrawDifferentSeedsAndPoisons) {
  std::mt19937_64 random(2);
  SeedPlan a = DrawSeeds(77, 16, 3, 3, random), b = DrawSeeds(77, 16, 3, 3, random);
  EXPECT_NE(a.check_seeds, b.check_seeds);
  EXPECT_NE(a.poison_salt, b.poison_salt);
}

TEST(SeedPlanTest, AnotherSecretIsAnotherPool) {
  EXPECT_NE(PoolSeed(1, 0), PoolSeed(2, 0));
  EXPECT_NE(PoolSeed(1, 0), PoolSeed(1, 1));
}

TEST(SeedPlanTest, ThePoolGrowsToHoldEverySeedAnEvaluationNeeds) {
  std::mt19937_64 random(3);
  SeedPlan plan = DrawSeeds(5, 2, 3, 3, random);
  std::set<std::uint64_t> all(plan.check_seeds.begin(), plan.check_seeds.end());
  all.insert(plan.timing_seeds.begin(), plan.timing_seeds.end());
  EXPECT_EQ(all.size(), 6u);
}

}  // namespace
}  // namespace kopt
