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

}  // namespace
}  // namespace kopt
