// SPDX-License-Identifier: Apache-2.0
#include "core/eval_result.h"

#include <gtest/gtest.h>

namespace kopt {
namespace {

TEST(EvalResultTest, JsonRoundTripKeepsEveryMeasurement) {
  EvalResult r;
  r.status = EvalStatus::kCorrect;
  r.message = "correct on 6 checks";
  r.compile.kernels.push_back({"gemm", 96, 4, 4, 16, 2048});
  r.checks.push_back({7, "M=64", true, 1e-6, 2e-6, 3e-7});
  TimingInfo t;
  t.event_ms = Summarize({1.0, 1.1, 1.2});
  t.kernel_ms = Summarize({0.9, 1.0});
  t.sm_clock_mhz = 1755;
  t.input_sets = 3;
  r.reference_timing = t;
  t.launch_variant = "variant 0 of 2 (K % 8 == 0)";
  r.timing = t;
  r.speedup = Speedup{2.0, 1.9, 2.1};
  r.baseline = BaselineTiming{"cuBLASLt gemm bf16", t};
  r.baseline_speedup = Speedup{0.5, 0.49, 0.51};
  r.roofline = Roofline{3000, 12.5, 0.4, 0.8, "memory", true};
  r.device = "NVIDIA H100";

  EvalResult back = EvalResultFromJson(ToJson(r));
  EXPECT_EQ(ToJson(back), ToJson(r));
  ASSERT_TRUE(back.baseline);
  EXPECT_EQ(back.baseline->name, "cuBLASLt gemm bf16");
  ASSERT_TRUE(back.roofline);
  EXPECT_TRUE(back.roofline->suspicious);
  EXPECT_EQ(back.roofline->bound, "memory");
  EXPECT_DOUBLE_EQ(back.baseline_speedup->low, 0.49);
  EXPECT_EQ(back.timing->launch_variant, "variant 0 of 2 (K % 8 == 0)");
  EXPECT_FALSE(ToJson(*back.reference_timing).contains("launch_variant"));
}

TEST(EvalResultTest, StatusNamesAreStableAndParse) {
  EXPECT_EQ(EvalStatusName(EvalStatus::kWrongAnswer), "wrong_answer");
  EXPECT_EQ(ParseEvalStatus("timeout"), EvalStatus::kTimeout);
  EXPECT_FALSE(ParseEvalStatus("fast"));
}

}  // namespace
}  // namespace kopt
