// SPDX-License-Identifier: Apache-2.0
#include "core/roofline.h"

#include "core/device_info.h"

#include <gtest/gtest.h>

namespace kopt {
namespace {

Task MakeTask(const std::string& op_class, const std::string& dtype, const std::string& flops,
              const std::string& bytes) {
  std::string text =
      R"({"schema_version": 1, "name": "t", "description": "d", "op_class": ")" + op_class +
      R"(", "symbols": {"M": 1024, "N": 1024, "K": 1024},
      "tensors": [{"name": "A", "dtype": ")" +
      dtype +
      R"(", "shape": ["M", "K"], "role": "input", "init": {"dist": "randint", "low": -4, "high": 4}},
                  {"name": "B", "dtype": ")" +
      dtype +
      R"(", "shape": ["K", "N"], "role": "input", "init": {"dist": "randint", "low": -4, "high": 4}},
                  {"name": "C", "dtype": "f32", "shape": ["M", "N"], "role": "output"}],
      "tolerance": {"rtol": 0, "atol": 0}, "flops": ")" +
      flops + R"(", "bytes": ")" + bytes + R"("})";
  return ParseTask(text, "t/task.json");
}

DevicePeaks H100() {
  DevicePeaks p;
  p.dram_gbps = 3000;
  p.fp32_tflops = 60;
  p.bf16_tflops = 700;
  p.fp16_tflops = 720;
  return p;
}

TimingInfo Timed(double event_ms, std::optional<double> kernel_ms) {
  TimingInfo t;
  t.event_ms.median = event_ms;
  if (kernel_ms) {
    t.kernel_ms = Summary{};
    t.kernel_ms->median = *kernel_ms;
  }
  return t;
}

TEST(RooflineTest, MemoryBoundResultAgainstTheBandwidthCeiling) {
  // 3e8 bytes at 3000 GB/s: a floor of 0.1 ms.
  Task task = MakeTask("data_movement", "f32", "0", "300000000");
  auto r = ComputeRoofline(task, Timed(0.13, 0.125), H100());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->bound, "memory");
  EXPECT_DOUBLE_EQ(r->time_ms, 0.125);  // CUPTI kernel time, not the event time
  EXPECT_NEAR(r->floor_ms, 0.1, 1e-12);
  EXPECT_NEAR(r->fraction, 0.8, 1e-12);
  EXPECT_NEAR(r->achieved_gbps, 2400, 1e-9);
  EXPECT_DOUBLE_EQ(r->peak_gbps, 3000);
  EXPECT_EQ(r->compute_peak, "fp32 FMA");
  EXPECT_FALSE(r->suspicious);
}

TEST(RooflineTest, EventTimeIsUsedWithoutKernelTimes) {
  Task task = MakeTask("data_movement", "f32", "0", "300000000");
  auto r = ComputeRoofline(task, Timed(0.2, std::nullopt), H100());
  ASSERT_TRUE(r);
  EXPECT_DOUBLE_EQ(r->time_ms, 0.2);
  EXPECT_NEAR(r->fraction, 0.5, 1e-12);
}

TEST(RooflineTest, FasterThanTheFloorBeyondFivePercentIsSuspicious) {
  Task task = MakeTask("data_movement", "f32", "0", "300000000");
  EXPECT_FALSE(ComputeRoofline(task, Timed(0.1, 0.0960), H100())->suspicious);  // 1.042
  auto r = ComputeRoofline(task, Timed(0.1, 0.0940), H100());                   // 1.064
  EXPECT_TRUE(r->suspicious);
  EXPECT_GT(r->fraction, kSuspiciousFraction);
}

TEST(RooflineTest, BeatingTheMeasuredLibraryRateIsNotSuspiciousWhileTheSpecAllowsIt) {
  // 2*4096^3 FLOPs of bf16 GEMM: the measured ceiling (700 TFLOP/s, a library's rate) gives a
  // floor of 0.196 ms; the H100's rated 132 SMs x 4096 FLOP/clk x 1.98 GHz = 1070 TFLOP/s, 0.128.
  Task task = MakeTask("gemm", "bf16", "2*4096*4096*4096", "0");
  DevicePeaks peaks = H100();
  DeviceInfo d;
  d.cc_major = 9;
  d.sm_count = 132;
  d.sm_clock_khz = 1980000;
  d.memory_clock_khz = 2619000;
  d.memory_bus_bits = 5120;
  AddSpecCeilings(peaks, d);
  EXPECT_NEAR(peaks.spec_bf16_tflops, 1070.5, 1.0);
  EXPECT_NEAR(peaks.spec_dram_gbps, 3352, 1.0);
  auto faster_than_library = ComputeRoofline(task, Timed(0.16, 0.16), peaks);
  ASSERT_TRUE(faster_than_library);
  EXPECT_GT(faster_than_library->fraction, 1.2);  // beyond the measured ceiling
  EXPECT_FALSE(faster_than_library->suspicious);
  EXPECT_NEAR(faster_than_library->spec_floor_ms, 0.1284, 1e-3);
  EXPECT_TRUE(ComputeRoofline(task, Timed(0.11, 0.11), peaks)->suspicious);  // beyond the spec
}

TEST(RooflineTest, Fp32GemmIsBoundByTheFmaRate) {
  Task task = MakeTask("gemm", "f32", "2*M*N*K", "4*(M*K + K*N + M*N)");
  auto r = ComputeRoofline(task, Timed(0.27, 0.26), H100());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->bound, "compute");
  EXPECT_EQ(r->compute_peak, "fp32 FMA");
  EXPECT_NEAR(r->floor_ms, 2.0 * 1024 * 1024 * 1024 / 60e12 * 1e3, 1e-12);
  EXPECT_NEAR(r->achieved_tflops, 2.0 * 1024 * 1024 * 1024 / 0.26e-3 / 1e12, 1e-9);
}

TEST(RooflineTest, TensorCoreRateAppliesToBf16AndF16GemmLikeTasksOnly) {
  DevicePeaks peaks = H100();
  auto bf16 = ComputeCeilingFor(MakeTask("gemm", "bf16", "1", "1"), peaks);
  ASSERT_TRUE(bf16);
  EXPECT_EQ(bf16->name, "bf16 tensor cores");
  EXPECT_DOUBLE_EQ(bf16->tflops, 700);
  auto f16 = ComputeCeilingFor(MakeTask("attention", "f16", "1", "1"), peaks);
  EXPECT_EQ(f16->name, "fp16 tensor cores");
  EXPECT_DOUBLE_EQ(ComputeCeilingFor(MakeTask("conv", "bf16", "1", "1"), peaks)->tflops, 700);
  // A bf16 normalization computes in fp32: the FMA rate.
  EXPECT_EQ(ComputeCeilingFor(MakeTask("normalization", "bf16", "1", "1"), peaks)->name,
            "fp32 FMA");
  // f64 is bounded by the fp32 rate (an upper bound on sm_90), integers by none.
  EXPECT_EQ(ComputeCeilingFor(MakeTask("gemm", "f64", "1", "1"), peaks)->name, "fp32 FMA");
  EXPECT_FALSE(ComputeCeilingFor(MakeTask("gemm", "i8", "1", "1"), peaks));
  // An unmeasured tensor peak gives no compute ceiling rather than the (too low) FMA one.
  peaks.fp16_tflops = 0;
  EXPECT_FALSE(ComputeCeilingFor(MakeTask("gemm", "f16", "1", "1"), peaks));
  Task f16_gemm = MakeTask("gemm", "f16", "2*M*N*K", "2*(M*K + K*N + M*N)");
  auto r = ComputeRoofline(f16_gemm, Timed(0.01, 0.009), peaks);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->bound, "memory");
  EXPECT_DOUBLE_EQ(r->peak_tflops, 0);
}

TEST(RooflineTest, NothingToPlaceGivesNoRoofline) {
  EXPECT_FALSE(ComputeRoofline(MakeTask("x", "f32", "0", "0"), Timed(1, 1), H100()));
  EXPECT_FALSE(ComputeRoofline(MakeTask("x", "f32", "0", "100"), Timed(1, 1), DevicePeaks{}));
  EXPECT_FALSE(ComputeRoofline(MakeTask("x", "f32", "0", "100"), Timed(0, 0), H100()));
}

TEST(DevicePeaksTest, JsonRoundTripAlsoInsideDeviceInfo) {
  DevicePeaks p = H100();
  p.device = "NVIDIA H100 80GB HBM3";
  p.uuid = "GPU-01234567-89ab-cdef-0123-456789abcdef";
  p.driver_version = 13000;
  p.copy_gbps = 2950;
  p.read_gbps = 3000;
  p.measure_ms = 412;
  p.measured_at = "2025-01-01T00:00:00Z";
  p.note = "fp16 tensor peak not measured: x";
  EXPECT_EQ(ToJson(DevicePeaksFromJson(ToJson(p))), ToJson(p));
  EXPECT_EQ(ToJson(p).at("schema_version"), kDevicePeaksSchemaVersion);

  DeviceInfo d;
  d.name = p.device;
  d.uuid = p.uuid;
  EXPECT_FALSE(DeviceInfoFromJson(ToJson(d)).peaks);
  d.peaks = p;
  DeviceInfo back = DeviceInfoFromJson(ToJson(d));
  EXPECT_EQ(back.uuid, p.uuid);
  ASSERT_TRUE(back.peaks);
  EXPECT_DOUBLE_EQ(back.peaks->bf16_tflops, 700);
}

}  // namespace
}  // namespace kopt
