// SPDX-License-Identifier: Apache-2.0
// The profiler and the roofline on a real GPU: a memory-bound copy runs DRAM near its peak, a
// compute-bound FMA chain does not, a local array shows, several kernels are profiled each,
// and with counters denied a correct timed result still comes back. Every failure prints the
// profile's note (the CUPTI call and status) so one log says what went wrong.
#include "core/json_fields.h"
#include "core/profile_text.h"
#include "evaluator/cuda_evaluator.h"
#include "evaluator/nvrtc_compiler.h"
#include "evaluator/worker/cuda_driver.h"
#include "evaluator/worker/peak_cache.h"
#include "tests/support/require_gpu.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

namespace kopt {
namespace {

namespace fs = std::filesystem;

// The build's paths, unless the environment says the tree or the binary moved.
std::string FromEnv(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

const fs::path kRoot = FromEnv("KOPT_SOURCE_DIR", KOPT_SOURCE_DIR);
const fs::path kData = kRoot / "tests/data";

class ProfileGpuTest : public ::testing::Test {
 protected:
  void SetUp() override { KOPT_SKIP_WITHOUT_GPU(); }
  void TearDown() override { ::unsetenv("KOPT_PROFILER_DENY"); }
};

CudaEvaluator MakeEvaluator() {
  CudaEvaluatorConfig config;
  config.worker_binary = FromEnv("KOPT_BINARY", KOPT_BINARY);
  return CudaEvaluator(config);
}

EvalResult Evaluate(CudaEvaluator& evaluator, const Task& task, const fs::path& file,
                    ProfileLevel level, std::vector<std::string> metrics = {}) {
  EvalRequest request;
  request.task = &task;
  request.file = file.filename().string();
  request.candidate = TryMakeCandidate(task, ReadFile(file.string()), {}, request.file);
  request.options.profile = level;
  request.options.profile_metrics = std::move(metrics);
  request.options.timeout_s = 120;
  return evaluator.Evaluate(request);
}

// Everything about a profile, for failure messages and the log.
std::string Describe(const EvalResult& r) {
  std::string out = std::string(EvalStatusName(r.status)) + ": " + r.message;
  if (r.profile) {
    const Profile& p = *r.profile;
    out += "\n  profile: counters " + std::string(p.counters ? "yes" : "no") + ", chip " + p.chip +
           ", passes " + std::to_string(p.passes) + ", " + std::to_string(p.wall_ms) + " ms";
    if (!p.unavailable.empty()) out += ", unavailable: " + p.unavailable;
    if (!p.note.empty()) out += "\n  note: " + p.note;
    if (!p.error.empty()) out += "\n  error: " + p.error;
    for (const auto& k : p.kernels) {
      out += "\n  kernel " + k.kernel + ":";
      for (const auto& [name, value] : k.metrics) out += " " + name + "=" + std::to_string(value);
    }
    out += "\n  text: " + ProfileText(p, r.roofline);
  }
  if (r.roofline) {
    out += "\n  roofline: " + std::to_string(r.roofline->fraction) + " of the " +
           r.roofline->bound + " floor " + std::to_string(r.roofline->floor_ms) + " ms, time " +
           std::to_string(r.roofline->time_ms) + " ms" +
           (r.roofline->suspicious ? " SUSPICIOUS" : "");
  }
  return out;
}

Task DataTask(const std::string& name) { return LoadTask((kData / "tasks" / name).string()); }

TEST_F(ProfileGpuTest, MemoryBoundCopyRunsDramAboveSeventyPercent) {
  CudaEvaluator evaluator = MakeEvaluator();
  Task task = DataTask("copy_f32");
  EvalResult r =
      Evaluate(evaluator, task, kData / "candidates/profile/copy_vec4.cu", ProfileLevel::kDefault);
  std::printf("%s\n", Describe(r).c_str());
  ASSERT_EQ(r.status, EvalStatus::kCorrect) << Describe(r);
  ASSERT_TRUE(r.profile) << Describe(r);
  const Profile& p = *r.profile;
  ASSERT_TRUE(p.counters) << Describe(r);
  EXPECT_EQ(p.passes, 1) << Describe(r);
  ASSERT_EQ(p.kernels.size(), 1u);
  const KernelProfile& k = p.kernels[0];
  EXPECT_EQ(k.kernel, "copy_vec4");
  ASSERT_TRUE(k.fields.dram_pct && k.fields.duration_ms && k.fields.occupancy_pct &&
              k.fields.l1_hit_pct)
      << Describe(r);
  EXPECT_GT(*k.fields.dram_pct, 70) << Describe(r);
  EXPECT_GT(*k.fields.occupancy_pct, 10) << Describe(r);
  // The profiled duration agrees with the timed kernel duration (same kernel, same size).
  ASSERT_TRUE(r.timing && r.timing->kernel_ms);
  EXPECT_NEAR(*k.fields.duration_ms / r.timing->kernel_ms->median, 1.0, 0.25) << Describe(r);
  EXPECT_GT(k.shape.registers, 0);
  EXPECT_GT(k.shape.theoretical_occupancy_pct, 0);
  EXPECT_EQ(ProfileText(p, r.roofline).rfind("memory-bound: ", 0), 0u) << Describe(r);

  ASSERT_TRUE(r.roofline) << Describe(r);
  EXPECT_EQ(r.roofline->bound, "memory");
  EXPECT_GT(r.roofline->fraction, 0.7) << Describe(r);
  EXPECT_FALSE(r.roofline->suspicious) << Describe(r);

  // The worker's kernel timer still works after a profile, and the profiler runs again.
  EvalResult again =
      Evaluate(evaluator, task, kData / "candidates/profile/copy_vec4.cu", ProfileLevel::kDefault);
  ASSERT_EQ(again.status, EvalStatus::kCorrect) << Describe(again);
  ASSERT_TRUE(again.timing);
  EXPECT_TRUE(again.timing->kernel_ms) << "CUPTI kernel times vanished after profiling";
  ASSERT_TRUE(again.profile);
  EXPECT_TRUE(again.profile->counters) << Describe(again);
}

TEST_F(ProfileGpuTest, ComputeBoundFmaChainRunsDramLowAndTheSmHigh) {
  CudaEvaluator evaluator = MakeEvaluator();
  Task task = DataTask("fma_f32");
  fs::path file = kData / "candidates/profile/fma_chain.cu";
  EvalResult r = Evaluate(evaluator, task, file, ProfileLevel::kDefault);
  std::printf("%s\n", Describe(r).c_str());
  ASSERT_EQ(r.status, EvalStatus::kCorrect) << Describe(r);
  ASSERT_TRUE(r.profile && r.profile->counters) << Describe(r);
  const ProfileFields& f = r.profile->kernels.at(0).fields;
  ASSERT_TRUE(f.dram_pct) << Describe(r);
  EXPECT_LT(*f.dram_pct, 15) << Describe(r);
  ASSERT_TRUE(r.roofline) << Describe(r);
  EXPECT_EQ(r.roofline->bound, "compute");
  EXPECT_EQ(r.roofline->compute_peak, "fp32 FMA");
  EXPECT_GT(r.roofline->fraction, 0.3) << Describe(r);
  EXPECT_FALSE(r.roofline->suspicious) << Describe(r);

  EvalResult deep = Evaluate(evaluator, task, file, ProfileLevel::kDeep);
  std::printf("%s\n", Describe(deep).c_str());
  ASSERT_EQ(deep.status, EvalStatus::kCorrect) << Describe(deep);
  ASSERT_TRUE(deep.profile && deep.profile->counters) << Describe(deep);
  EXPECT_GT(deep.profile->passes, 1);
  const ProfileFields& d = deep.profile->kernels.at(0).fields;
  ASSERT_TRUE(d.sm_pct && d.fma_pct && d.l2_hit_pct && d.tensor_pct) << Describe(deep);
  EXPECT_GT(*d.sm_pct, 50) << Describe(deep);
  EXPECT_GT(*d.fma_pct, 20) << Describe(deep);  // FFMA also issues to the FMA-lite pipe
  EXPECT_LT(*d.tensor_pct, 1) << Describe(deep);
  EXPECT_EQ(ProfileText(*deep.profile).rfind("compute-bound: ", 0), 0u) << Describe(deep);
}

TEST_F(ProfileGpuTest, ForcedLocalArrayShowsLocalMemoryAndItsTraffic) {
  CudaEvaluator evaluator = MakeEvaluator();
  Task task = DataTask("copy_f32");
  fs::path file = kData / "candidates/profile/local_array.cu";
  EvalResult r = Evaluate(evaluator, task, file, ProfileLevel::kDeep);
  std::printf("%s\n", Describe(r).c_str());
  ASSERT_EQ(r.status, EvalStatus::kCorrect) << Describe(r);
  ASSERT_TRUE(r.profile) << Describe(r);
  const KernelProfile& k = r.profile->kernels.at(0);
  EXPECT_GE(k.shape.local_bytes, 256) << Describe(r);
  EXPECT_NE(ProfileText(*r.profile).find("B local memory per thread"), std::string::npos)
      << Describe(r);
  ASSERT_TRUE(r.profile->counters) << Describe(r);
  ASSERT_TRUE(k.fields.local_store_sectors && k.fields.local_load_sectors) << Describe(r);
  EXPECT_GT(*k.fields.local_store_sectors, 0) << Describe(r);
  EXPECT_GT(*k.fields.local_load_sectors, 0) << Describe(r);
}

TEST_F(ProfileGpuTest, DeniedCountersStillGiveACorrectTimedResult) {
  ::setenv("KOPT_PROFILER_DENY", "1", 1);  // inherited by the worker
  CudaEvaluator evaluator = MakeEvaluator();
  Task task = DataTask("copy_f32");
  fs::path file = kData / "candidates/profile/copy_vec4.cu";
  for (int round = 0; round < 2; ++round) {
    EvalResult r = Evaluate(evaluator, task, file, ProfileLevel::kDefault);
    std::printf("%s\n", Describe(r).c_str());
    ASSERT_EQ(r.status, EvalStatus::kCorrect) << Describe(r);
    ASSERT_TRUE(r.timing && r.speedup && r.roofline) << Describe(r);
    EXPECT_GE(r.timing->event_ms.n, 10u);
    ASSERT_TRUE(r.profile) << Describe(r);
    const Profile& p = *r.profile;
    EXPECT_FALSE(p.counters);
    EXPECT_EQ(p.unavailable, "denied") << Describe(r);
    EXPECT_NE(p.note.find("CUPTI_ERROR_INSUFFICIENT_PRIVILEGES"), std::string::npos) << Describe(r);
    ASSERT_EQ(p.kernels.size(), 1u);
    EXPECT_GT(p.kernels[0].shape.registers, 0);  // resources need no counters
    EXPECT_TRUE(p.kernels[0].metrics.empty());
    EXPECT_EQ(ProfileText(p, r.roofline).rfind("no hardware counters: not permitted", 0), 0u)
        << Describe(r);
  }
}

TEST_F(ProfileGpuTest, SeveralKernelsAreProfiledEachAndSummed) {
  CudaEvaluator evaluator = MakeEvaluator();
  Task task = LoadTask((kRoot / "tasks/core/reduce_sum").string());
  EvalResult r =
      Evaluate(evaluator, task, kData / "candidates/good/reduce_sum.cu", ProfileLevel::kDefault);
  std::printf("%s\n", Describe(r).c_str());
  ASSERT_EQ(r.status, EvalStatus::kCorrect) << Describe(r);
  ASSERT_TRUE(r.profile && r.profile->counters) << Describe(r);
  const Profile& p = *r.profile;
  ASSERT_EQ(p.kernels.size(), 2u) << Describe(r);
  EXPECT_EQ(p.kernels[0].kernel, "reduce_partial");
  EXPECT_EQ(p.kernels[1].kernel, "reduce_final");
  ASSERT_TRUE(p.kernels[0].fields.duration_ms && p.kernels[1].fields.duration_ms &&
              p.summary.fields.duration_ms);
  EXPECT_NEAR(*p.summary.fields.duration_ms,
              *p.kernels[0].fields.duration_ms + *p.kernels[1].fields.duration_ms, 1e-9);
  EXPECT_GT(*p.kernels[0].fields.dram_pct, 50) << Describe(r);
  EXPECT_EQ(ProfileText(p).rfind("2 kernels, ", 0), 0u) << Describe(r);
}

TEST_F(ProfileGpuTest, UnknownMetricIsAnErrorNotACrash) {
  CudaEvaluator evaluator = MakeEvaluator();
  Task task = DataTask("copy_f32");
  EvalResult r = Evaluate(evaluator, task, kData / "candidates/profile/copy_vec4.cu",
                          ProfileLevel::kDefault, {"bogus__metric.sum"});
  std::printf("%s\n", Describe(r).c_str());
  ASSERT_EQ(r.status, EvalStatus::kCorrect) << Describe(r);
  ASSERT_TRUE(r.profile);
  EXPECT_FALSE(r.profile->counters);
  EXPECT_NE(r.profile->error.find("'bogus__metric.sum'"), std::string::npos) << Describe(r);
  // An extra metric that exists is collected beside the default set.
  EvalResult extra = Evaluate(evaluator, task, kData / "candidates/profile/copy_vec4.cu",
                              ProfileLevel::kDefault, {"dram__bytes_read.sum"});
  ASSERT_TRUE(extra.profile && extra.profile->counters) << Describe(extra);
  const KernelProfile& k = extra.profile->kernels.at(0);
  ASSERT_TRUE(k.fields.dram_read_bytes) << Describe(extra);
  // 256 MiB read, give or take what L2 held.
  EXPECT_NEAR(*k.fields.dram_read_bytes / (256.0 * 1024 * 1024), 1.0, 0.1) << Describe(extra);
}

TEST_F(ProfileGpuTest, PeaksAreMeasuredOnceAndCached) {
  CudaEvaluator evaluator = MakeEvaluator();
  DeviceInfo device = evaluator.Device();
  ASSERT_TRUE(device.peaks);
  const DevicePeaks& p = *device.peaks;
  std::printf(
      "%s: DRAM %.0f GB/s (copy %.0f, read %.0f), fp32 %.1f, bf16 %.0f, fp16 %.0f TFLOP/s "
      "measured in %.0f ms at %s; %s\n",
      device.name.c_str(), p.dram_gbps, p.copy_gbps, p.read_gbps, p.fp32_tflops, p.bf16_tflops,
      p.fp16_tflops, p.measure_ms, p.measured_at.c_str(), p.note.c_str());
  double theoretical = 2.0 * device.memory_clock_khz * 1e3 * device.memory_bus_bits / 8 / 1e9;
  EXPECT_GT(p.dram_gbps, 0.5 * theoretical);
  EXPECT_LT(p.dram_gbps, 1.05 * theoretical);
  EXPECT_GT(p.fp32_tflops, 1);
  EXPECT_GT(p.bf16_tflops, 2 * p.fp32_tflops) << p.note;
  EXPECT_GT(p.fp16_tflops, 2 * p.fp32_tflops) << p.note;
  EXPECT_LT(p.measure_ms, 3000);
  EXPECT_EQ(p.uuid, device.uuid);
  EXPECT_TRUE(fs::exists(PeakCachePath(DefaultCacheDir(), device)));
  auto cached = LoadCachedPeaks(DefaultCacheDir(), device);
  ASSERT_TRUE(cached);
  EXPECT_DOUBLE_EQ(cached->dram_gbps, p.dram_gbps);
}

}  // namespace
}  // namespace kopt
