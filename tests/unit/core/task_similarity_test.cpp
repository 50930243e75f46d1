// SPDX-License-Identifier: Apache-2.0
// Similarity between tasks for schedule reuse, on the real core suite: the architecture filters,
// then op class and dtypes lead, then the size regime, then aspect and shared dimensions.
#include "core/task_similarity.h"

#include "core/task.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace kopt {
namespace {

TaskProfile Core(const std::string& name) {
  return ProfileOf(LoadTask(std::string(KOPT_SOURCE_DIR) + "/tasks/core/" + name), "core");
}

double Score(const std::string& from, const std::string& to) {
  return ScoreSimilarity(Core(from), "sm_90a", Core(to), "sm_90a").score;
}

TEST(TaskSimilarityTest, ATaskIsFullySimilarToItselfOnItsArchitecture) {
  for (const char* name : {"gemm_bf16_4096", "reduce_sum", "softmax_vocab_fp32", "gemv_bf16"}) {
    EXPECT_DOUBLE_EQ(Score(name, name), 1.0) << name;
  }
}

TEST(TaskSimilarityTest, AnotherArchitectureIsNeverSimilar) {
  Similarity s = ScoreSimilarity(Core("gemm_bf16_4096"), "sm_80", Core("gemm_bf16_4096"), "sm_90a");
  EXPECT_EQ(s.score, 0);
  ASSERT_FALSE(s.reasons.empty());
  EXPECT_EQ(s.reasons[0], "made for sm_80, this GPU is sm_90a");
  Similarity unchecked =
      ScoreSimilarity(Core("gemm_bf16_4096"), "sm_80", Core("gemm_bf16_4096"), "");
  EXPECT_DOUBLE_EQ(unchecked.score, 1.0);
  EXPECT_EQ(unchecked.reasons[0], "architecture not checked (sm_80)");
}

TEST(TaskSimilarityTest, RegimesOfTheCoreGemms) {
  EXPECT_TRUE(RegimeOf(Core("gemm_decode_qkv_bf16")).decode_like);  // M = 16
  EXPECT_TRUE(RegimeOf(Core("gemv_bf16")).decode_like);             // no M at all
  EXPECT_FALSE(RegimeOf(Core("gemm_bf16_4096")).decode_like);
  EXPECT_FALSE(RegimeOf(Core("gemm_bf16_4096")).memory_bound);
  EXPECT_TRUE(RegimeOf(Core("gemm_moe_router_bf16")).tall_skinny);  // M 16384, N 256
  EXPECT_TRUE(RegimeOf(Core("reduce_sum")).memory_bound);
  EXPECT_DOUBLE_EQ(RegimeOf(Core("gemm_bf16_4096")).aspect, 1.0);
}

// The ranking a user would expect for a bf16 GEMM: GEMMs first, bf16 ones before fp16 and fp32,
// square before decode-like; a memory-bound reduction last.
TEST(TaskSimilarityTest, TheSquareBf16GemmRanksItsNeighbours) {
  const std::string to = "gemm_bf16_4096";
  EXPECT_GT(Score("gemm_bias_relu_bf16", to), Score("gemm_fp16_4096", to));
  EXPECT_GT(Score("gemm_fp16_4096", to), Score("gemm_fp32_4096", to));
  EXPECT_GT(Score("gemm_fp16_4096", to), Score("gemm_decode_qkv_bf16", to));
  EXPECT_GT(Score("gemm_decode_qkv_bf16", to), Score("layernorm_bf16", to));
  EXPECT_GT(Score("layernorm_bf16", to), Score("reduce_sum", to));
}

// A decode-like GEMM is closer to the GEMV than to the square GEMM of the same dtype.
TEST(TaskSimilarityTest, ADecodeGemmIsCloserToTheGemvThanToTheSquareGemm) {
  EXPECT_GT(Score("gemv_bf16", "gemm_decode_qkv_bf16"),
            Score("gemm_bf16_4096", "gemm_decode_qkv_bf16"));
  Similarity s =
      ScoreSimilarity(Core("gemm_bf16_4096"), "sm_90a", Core("gemm_decode_qkv_bf16"), "sm_90a");
  EXPECT_NE(std::find(s.reasons.begin(), s.reasons.end(), "no special shape vs decode-like"),
            s.reasons.end());
}

TEST(TaskSimilarityTest, ScoresStayBetweenZeroAndOneOverTheWholeSuite) {
  std::vector<Task> suite = LoadSuite(std::string(KOPT_SOURCE_DIR) + "/tasks/core");
  for (const Task& a : suite) {
    for (const Task& b : suite) {
      double s =
          ScoreSimilarity(ProfileOf(a, "core"), "sm_90a", ProfileOf(b, "core"), "sm_90a").score;
      EXPECT_GE(s, 0) << a.name << " -> " << b.name;
      EXPECT_LE(s, 1) << a.name << " -> " << b.name;
      if (&a != &b) {
        EXPECT_LT(s, 1.0) << a.name << " and " << b.name << " are not one task";
      }
    }
  }
}

Schedule ScheduleOf(const std::string& task, std::int64_t id, double speedup,
                    const std::string& arch = "sm_90a") {
  Schedule s;
  s.id = id;
  s.task = Core(task);
  s.arch = arch;
  s.speedup = speedup;
  return s;
}

// The schedules worth replaying: not the task's own, not another architecture's, not below the
// floor; the most similar first, then the larger speedup, then the older; at most the limit.
TEST(TaskSimilarityTest, MatchingPicksTheMostSimilarOthersAboveTheFloor) {
  std::vector<Schedule> available = {
      ScheduleOf("gemm_bf16_4096", 1, 9.0),           // the task's own: never
      ScheduleOf("gemm_fp16_4096", 2, 3.0),           // 0.9
      ScheduleOf("gemm_bias_relu_bf16", 3, 2.0),      // above fp16
      ScheduleOf("gemm_bias_relu_bf16", 4, 5.0),      // the same task, a larger speedup
      ScheduleOf("gemm_fp16_4096", 5, 3.0, "sm_80"),  // another architecture: 0
      ScheduleOf("reduce_sum", 6, 40.0),              // below the floor
  };
  TaskProfile to = Core("gemm_bf16_4096");
  std::vector<ScheduleMatch> m = MatchSchedules(available, to, "sm_90a", 3, 0.5);
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].schedule->id, 4);
  EXPECT_EQ(m[1].schedule->id, 3);
  EXPECT_EQ(m[2].schedule->id, 2);
  EXPECT_EQ(MatchSchedules(available, to, "sm_90a", 1, 0.5).size(), 1u);
  EXPECT_TRUE(MatchSchedules(available, to, "sm_90a", 3, 0.99).empty());
  for (const auto& match : MatchSchedules(available, to, "sm_90a", 10, 0.0)) {
    EXPECT_NE(match.schedule->id, 1) << "a task's own schedule";
    EXPECT_NE(match.schedule->id, 5) << "another architecture's";
  }
}

}  // namespace
}  // namespace kopt
