// SPDX-License-Identifier: Apache-2.0
// The prompt text of profiles built from recorded metric values.
#include "core/profile_text.h"

#include <gtest/gtest.h>

namespace kopt {
namespace {

KernelProfile Recorded(const std::string& name, std::map<std::string, double> metrics,
                       int registers, double theoretical_pct) {
  KernelProfile k;
  k.kernel = name;
  k.metrics = std::move(metrics);
  k.fields = DeriveFields(k.metrics);
  k.shape.registers = registers;
  k.shape.theoretical_occupancy_pct = theoretical_pct;
  return k;
}

Profile OneKernel(KernelProfile k, bool counters = true) {
  Profile p;
  p.counters = counters;
  p.kernels = {std::move(k)};
  p.summary = SummarizeKernels(p.kernels);
  return p;
}

TEST(ProfileTextTest, MemoryBoundKernel) {
  Profile p = OneKernel(Recorded("rmsnorm",
                                 {{metric::kDuration, 57000},
                                  {metric::kDramPct, 84.4},
                                  {metric::kOccupancyPct, 47.2},
                                  {metric::kL1HitPct, 3.1}},
                                 96, 50));
  EXPECT_EQ(ProfileText(p),
            "memory-bound: DRAM 84% of peak, occupancy 47% (theoretical 50%), L1 hit 3%, 0 spills, "
            "96 registers");
}

TEST(ProfileTextTest, ComputeBoundKernelFromTheDeepSet) {
  Profile p = OneKernel(Recorded("fma_chain",
                                 {{metric::kDuration, 571000},
                                  {metric::kDramPct, 2.2},
                                  {metric::kOccupancyPct, 93.0},
                                  {metric::kL1HitPct, 0},
                                  {metric::kL2HitPct, 51.0},
                                  {metric::kSmPct, 91.4},
                                  {metric::kFmaPct, 88.0},
                                  {metric::kTensorPct, 0}},
                                 11, 100));
  EXPECT_EQ(ProfileText(p),
            "compute-bound: DRAM 2% of peak, occupancy 93% (theoretical 100%), L1 hit 0%, L2 hit "
            "51%, SM 91% of peak, 0 spills, 11 registers");
}

TEST(ProfileTextTest, NothingNearItsPeakIsLatencyBound) {
  Profile p = OneKernel(Recorded("reduce_final",
                                 {{metric::kDuration, 3000},
                                  {metric::kDramPct, 0.4},
                                  {metric::kOccupancyPct, 3.0},
                                  {metric::kL1HitPct, 20}},
                                 24, 100));
  EXPECT_EQ(ProfileText(p).rfind("latency-bound: DRAM 0% of peak, occupancy 3%", 0), 0u)
      << ProfileText(p);
}

TEST(ProfileTextTest, TheRooflineDecidesWhenTheDefaultSetCannot) {
  // The default set has no SM throughput; a compute-bound kernel shows only low DRAM.
  Profile p = OneKernel(Recorded("gemm_tiled",
                                 {{metric::kDuration, 261000},
                                  {metric::kDramPct, 6.0},
                                  {metric::kOccupancyPct, 30.5},
                                  {metric::kL1HitPct, 1.0}},
                                 128, 33.3));
  Roofline r{15.0, 8.2, 0.034, 0.13, "compute", false};
  EXPECT_EQ(ProfileText(p, r).rfind("latency-bound: 13% of the compute roofline, DRAM 6%", 0), 0u)
      << ProfileText(p, r);
  r.fraction = 0.85;
  EXPECT_EQ(ProfileText(p, r).rfind("compute-bound: 85% of the compute roofline, DRAM 6%", 0), 0u)
      << ProfileText(p, r);
}

TEST(ProfileTextTest, LocalMemoryAndSpillsAreNamed) {
  KernelProfile k = Recorded("copy_local_array",
                             {{metric::kDramPct, 71.0}, {metric::kOccupancyPct, 80.0}}, 31, 100);
  k.shape.local_bytes = 256;
  std::string text = ProfileText(OneKernel(k));
  EXPECT_NE(text.find("0 spills, 256 B local memory per thread, 31 registers"), std::string::npos)
      << text;
  k.shape.spill_store_bytes = 64;
  k.shape.spill_load_bytes = 48;
  text = ProfileText(OneKernel(k));
  EXPECT_NE(text.find("64 B spill stores, 48 B spill loads, 256 B local memory per thread"),
            std::string::npos)
      << text;
}

TEST(ProfileTextTest, WithoutCountersItSaysWhyAndKeepsRooflineAndResources) {
  KernelProfile k;
  k.kernel = "transpose_tiled";
  k.shape.registers = 18;
  k.shape.theoretical_occupancy_pct = 100;
  Profile p = OneKernel(k, /*counters=*/false);
  p.unavailable = "denied";
  Roofline r{2700, 0, 0.179, 0.89, "memory", false};
  EXPECT_EQ(ProfileText(p, r),
            "no hardware counters: not permitted on this machine; 89% of the memory roofline, "
            "theoretical occupancy 100%, 0 spills, 18 registers");
  p.unavailable = "busy";
  EXPECT_EQ(ProfileText(p).rfind("no hardware counters: another profiler holds them; ", 0), 0u);
}

TEST(ProfileTextTest, SuspiciousResultsAreCalledSo) {
  Profile p = OneKernel(Recorded("k", {{metric::kDramPct, 99.0}}, 20, 100));
  Roofline r{4000, 0, 0.2, 1.3, "memory", true};
  EXPECT_NE(
      ProfileText(p, r).find("130% of the memory roofline (suspicious: faster than the floor)"),
      std::string::npos)
      << ProfileText(p, r);
}

TEST(ProfileTextTest, SeveralKernelsGiveTheSequenceThenEachWithItsShareOfTime) {
  Profile p;
  p.counters = true;
  p.kernels = {Recorded("reduce_partial",
                        {{metric::kDuration, 97000},
                         {metric::kDramPct, 88.0},
                         {metric::kOccupancyPct, 45.0},
                         {metric::kL1HitPct, 0}},
                        32, 100),
               Recorded("reduce_final",
                        {{metric::kDuration, 3000},
                         {metric::kDramPct, 0.0},
                         {metric::kOccupancyPct, 3.0},
                         {metric::kL1HitPct, 50}},
                        20, 100)};
  p.summary = SummarizeKernels(p.kernels);
  EXPECT_EQ(ProfileText(p),
            "2 kernels, memory-bound: DRAM 85% of peak, occupancy 44% (theoretical 100%), L1 hit "
            "2%, 0 spills, 32 registers; reduce_partial (97% of the time) memory-bound: DRAM 88% "
            "of peak, occupancy 45% (theoretical 100%), L1 hit 0%, 0 spills, 32 registers; "
            "reduce_final (3% of the time) latency-bound: DRAM 0% of peak, occupancy 3% "
            "(theoretical 100%), L1 hit 50%, 0 spills, 20 registers");
}

TEST(ProfileTextTest, BoundLabelNeedsSomethingToJudgeBy) {
  EXPECT_EQ(BoundLabel({}, nullptr), "");
  ProfileFields f;
  f.memory_pct = 75;  // L2-bound: the busiest memory unit counts
  f.dram_pct = 10;
  EXPECT_EQ(BoundLabel(f, nullptr), "memory-bound");
  f.tensor_pct = 80;
  EXPECT_EQ(BoundLabel(f, nullptr), "compute-bound");
}

}  // namespace
}  // namespace kopt
