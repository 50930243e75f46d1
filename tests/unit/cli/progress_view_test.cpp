// SPDX-License-Identifier: Apache-2.0
// The progress lines of `kopt optimize`: the bar follows whichever limit is nearest.
#include "cli/progress_view.h"

#include <gtest/gtest.h>

namespace kopt::cli {
namespace {

TaskProgress Progress(int iteration, int iterations, int candidates, int max_candidates) {
  TaskProgress p;
  p.task = "gemm_fp32";
  p.iteration = iteration;
  p.iterations = iterations;
  p.candidates = candidates;
  p.correct = candidates - 1;
  p.max_candidates = max_candidates;
  p.best_speedup = Speedup{2.41, 2.37, 2.47};
  return p;
}

TEST(ProgressViewTest, TheBarFillsToTheNearestLimit) {
  EXPECT_EQ(ProgressBar(0, 10), "[..........]");
  EXPECT_EQ(ProgressBar(0.5, 10), "[#####.....]");
  EXPECT_EQ(ProgressBar(1.7, 4), "[####]");
  EXPECT_EQ(ProgressBar(-1, 4), "[....]");
  TaskSpend none;
  EXPECT_DOUBLE_EQ(LimitFraction(Progress(2, 8, 10, 0), none), 0.25) << "iterations";
  EXPECT_DOUBLE_EQ(LimitFraction(Progress(2, 8, 15, 20), none), 0.75) << "candidates";
  TaskSpend dollars{true, 0.9, 1.0, false};
  EXPECT_DOUBLE_EQ(LimitFraction(Progress(2, 8, 15, 20), dollars), 0.9) << "dollars";
}

TEST(ProgressViewTest, ALineNamesTheTaskItsLimitsAndTheBestSoFar) {
  std::string line = ProgressLine(Progress(3, 8, 15, 0), TaskSpend{true, 0.12, 1.0, false});
  EXPECT_EQ(line,
            "gemm_fp32                 [########............] it 3/8  best 2.41x (2.37-2.47)  "
            "14/15 correct  LLM $0.12 of $1.00");
  std::string run_wide = ProgressLine(Progress(3, 8, 15, 40), TaskSpend{true, 2.5, 10, true});
  EXPECT_NE(run_wide.find("14/15 correct (limit 40)  run LLM $2.50 of $10.00"), std::string::npos)
      << run_wide;
  EXPECT_EQ(ProgressLine(Progress(3, 8, 15, 0), TaskSpend{}).find("LLM"), std::string::npos);
}

TEST(ProgressViewTest, AKernelLineSaysWhatItGave) {
  EvaluatedKernel k;
  k.iteration = 2;
  k.proposer = "llm";
  k.option = "mem.coalescing";
  k.latency_ms = 0.183;
  k.speedup = 2.41;
  k.parent_ms = 0.2105;
  EXPECT_EQ(KernelLine("gemm_fp32", k),
            "gemm_fp32 it 2 llm [mem.coalescing]: correct 0.1830 ms, 2.41x over the reference, "
            "1.15x over its parent");
  EvaluatedKernel failed;
  failed.proposer = "tune";
  failed.status = EvalStatus::kCompileError;
  EXPECT_EQ(KernelLine("gemm_fp32", failed), "gemm_fp32 it 0 tune: compile_error");
}

}  // namespace
}  // namespace kopt::cli
