// SPDX-License-Identifier: Apache-2.0
#include "core/profile.h"

#include "core/eval_result.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace kopt {
namespace {

// Values recorded from a 256 MiB vectorised copy on an H100 (AutoRange + KernelReplay).
std::map<std::string, double> CopyMetrics() {
  return {{metric::kDuration, 201344},   {metric::kDramPct, 84.63},
          {metric::kOccupancyPct, 88.1}, {metric::kL1HitPct, 0},
          {metric::kSmClockHz, 1.755e9}, {metric::kDramReadBytes, 268435456}};
}

TEST(ProfileTest, DerivedFieldsConvertUnitsAndSkipWhatWasNotCollected) {
  ProfileFields f = DeriveFields(CopyMetrics());
  ASSERT_TRUE(f.duration_ms);
  EXPECT_DOUBLE_EQ(*f.duration_ms, 0.201344);
  EXPECT_DOUBLE_EQ(*f.dram_pct, 84.63);
  EXPECT_DOUBLE_EQ(*f.occupancy_pct, 88.1);
  EXPECT_DOUBLE_EQ(*f.l1_hit_pct, 0);
  EXPECT_DOUBLE_EQ(*f.sm_clock_mhz, 1755);
  EXPECT_DOUBLE_EQ(*f.dram_read_bytes, 268435456);
  EXPECT_FALSE(f.l2_hit_pct);
  EXPECT_FALSE(f.sm_pct);
}

TEST(ProfileTest, DefaultSetIsTheFourOnePassMetricsAndDeepExtendsIt) {
  const auto& def = ProfileMetrics(ProfileLevel::kDefault);
  EXPECT_EQ(def, (std::vector<std::string>{metric::kDuration, metric::kDramPct,
                                           metric::kOccupancyPct, metric::kL1HitPct}));
  const auto& deep = ProfileMetrics(ProfileLevel::kDeep);
  ASSERT_GT(deep.size(), def.size());
  EXPECT_TRUE(std::equal(def.begin(), def.end(), deep.begin()));
  for (const char* m : {metric::kL2HitPct, metric::kSmPct, metric::kTensorPct}) {
    EXPECT_NE(std::find(deep.begin(), deep.end(), m), deep.end()) << m;
  }
  EXPECT_TRUE(ProfileMetrics(ProfileLevel::kNone).empty());
  EXPECT_EQ(ParseProfileLevel("deep"), ProfileLevel::kDeep);
  EXPECT_EQ(ProfileLevelName(ProfileLevel::kDefault), "default");
  EXPECT_FALSE(ParseProfileLevel("full"));
}

KernelProfile Kernel(const std::string& name, double ms, double dram, int registers) {
  KernelProfile k;
  k.kernel = name;
  k.metrics = {
      {metric::kDuration, ms * 1e6}, {metric::kDramPct, dram}, {metric::kDramReadBytes, 1000}};
  k.fields = DeriveFields(k.metrics);
  k.shape.registers = registers;
  k.shape.grid_blocks = 10;
  k.shape.theoretical_occupancy_pct = registers > 64 ? 25 : 100;
  return k;
}

Profile OneKernelProfile() {
  Profile p;
  p.counters = true;
  KernelProfile k = Kernel("k", 0.1, 50, 40);
  k.metrics[metric::kL1HitPct] = 12;
  k.fields = DeriveFields(k.metrics);
  p.kernels = {k};
  p.summary = k;
  return p;
}

TEST(ProfileTest, SequenceSummaryAddsDurationsAndWeighsPercentagesByTime) {
  std::vector<KernelProfile> kernels = {Kernel("partial", 0.3, 80, 32),
                                        Kernel("final", 0.1, 40, 96)};
  kernels[1].launch = 1;
  KernelProfile s = SummarizeKernels(kernels);
  EXPECT_EQ(s.kernel, "partial+final");
  EXPECT_EQ(s.launch, -1);
  EXPECT_NEAR(*s.fields.duration_ms, 0.4, 1e-12);
  EXPECT_NEAR(*s.fields.dram_pct, 70, 1e-9);  // (0.3*80 + 0.1*40) / 0.4
  EXPECT_DOUBLE_EQ(*s.fields.dram_read_bytes, 2000);
  EXPECT_EQ(s.shape.registers, 96);
  EXPECT_EQ(s.shape.grid_blocks, 20);
  EXPECT_NEAR(s.shape.theoretical_occupancy_pct, 81.25, 1e-9);  // (0.3*100 + 0.1*25) / 0.4

  // One kernel: the summary is that kernel.
  EXPECT_EQ(SummarizeKernels({kernels[0]}).kernel, "partial");
}

TEST(ProfileTest, SummaryWithoutDurationsWeighsKernelsEqually) {
  KernelProfile a, b;
  a.kernel = "a";
  b.kernel = "b";
  a.fields.occupancy_pct = 20;
  b.fields.occupancy_pct = 60;
  KernelProfile s = SummarizeKernels({a, b});
  EXPECT_DOUBLE_EQ(*s.fields.occupancy_pct, 40);
  EXPECT_FALSE(s.fields.duration_ms);
}

TEST(ProfileTest, JsonRoundTripKeepsMetricsFieldsShapesAndNotes) {
  Profile p;
  p.level = ProfileLevel::kDeep;
  p.counters = true;
  p.chip = "GH100";
  p.passes = 9;
  p.wall_ms = 412.5;
  p.note = "CUPTI recorded 1 ranges (0 dropped) for 1 launches";
  KernelProfile k = Kernel("copy_vec4", 0.2, 84, 32);
  k.metrics[metric::kL2HitPct] = 0.5;
  k.fields = DeriveFields(k.metrics);
  k.shape.local_bytes = 256;
  k.shape.spill_store_bytes = 8;
  k.shape.dynamic_smem_bytes = 49152;
  k.shape.blocks_per_sm = 8;
  p.kernels = {k};
  p.summary = SummarizeKernels(p.kernels);

  Profile back = ProfileFromJson(ToJson(p));
  EXPECT_EQ(ToJson(back), ToJson(p));
  EXPECT_EQ(back.level, ProfileLevel::kDeep);
  ASSERT_EQ(back.kernels.size(), 1u);
  EXPECT_DOUBLE_EQ(back.kernels[0].metrics.at(metric::kL2HitPct), 0.5);
  EXPECT_DOUBLE_EQ(*back.kernels[0].fields.l2_hit_pct, 0.5);
  EXPECT_EQ(back.kernels[0].shape.local_bytes, 256);
  EXPECT_EQ(back.kernels[0].shape.dynamic_smem_bytes, 49152);

  Profile denied;
  denied.unavailable = "denied";
  denied.note = "cuptiRangeProfilerStart returned CUPTI_ERROR_INSUFFICIENT_PRIVILEGES";
  Profile denied_back = ProfileFromJson(ToJson(denied));
  EXPECT_FALSE(denied_back.counters);
  EXPECT_EQ(denied_back.unavailable, "denied");
  EXPECT_EQ(denied_back.note, denied.note);
}

TEST(ProfileTest, NonNumbersInStoredJsonAreSkippedNotFatal) {
  // nlohmann writes NaN as null; a stored profile with one must still load.
  nlohmann::json j = ToJson(OneKernelProfile());
  j["kernels"][0]["metrics"][metric::kL1HitPct] = nullptr;
  j["kernels"][0]["fields"]["l1_hit_pct"] = nullptr;
  Profile back = ProfileFromJson(j);
  ASSERT_EQ(back.kernels.size(), 1u);
  EXPECT_EQ(back.kernels[0].metrics.count(metric::kL1HitPct), 0u);
  EXPECT_FALSE(back.kernels[0].fields.l1_hit_pct);
  EXPECT_TRUE(back.kernels[0].fields.dram_pct);
}

TEST(ProfileTest, EvalResultCarriesItsProfileAndRooflineThroughJson) {
  EvalResult r;
  r.status = EvalStatus::kCorrect;
  Profile p;
  p.counters = true;
  p.kernels = {Kernel("k", 0.1, 50, 40)};
  p.summary = p.kernels[0];
  r.profile = p;
  Roofline f{2900, 0, 0.18, 0.9, "memory", false};
  f.time_ms = 0.2;
  f.peak_gbps = 3000;
  f.compute_peak = "fp32 FMA";
  r.roofline = f;
  EvalResult back = EvalResultFromJson(ToJson(r));
  ASSERT_TRUE(back.profile);
  EXPECT_EQ(back.profile->kernels[0].kernel, "k");
  EXPECT_DOUBLE_EQ(back.roofline->peak_gbps, 3000);
  EXPECT_DOUBLE_EQ(back.roofline->time_ms, 0.2);
  EXPECT_EQ(back.roofline->compute_peak, "fp32 FMA");
  EXPECT_EQ(ToJson(back), ToJson(r));
  EXPECT_FALSE(EvalResultFromJson(ToJson(EvalResult{})).profile);
}

}  // namespace
}  // namespace kopt
