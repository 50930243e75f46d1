// SPDX-License-Identifier: Apache-2.0
#include "prompts/prompt_facts.h"

#include <gtest/gtest.h>

namespace kopt {
namespace {

TEST(PromptFactsTest, FormatsLatenciesSpeedupsAndBytesWithUnits) {
  EXPECT_EQ(FormatLatency(1.234), "1.234 ms");
  EXPECT_EQ(FormatLatency(0.261), "261 us");
  EXPECT_EQ(FormatLatency(0.0054321), "5.43 us");
  EXPECT_EQ(FormatLatency(12.5), "12.5 ms");
  EXPECT_EQ(FormatSpeedup({19.4, 19.1, 19.7}), "19.4x (noise band 19.1x to 19.7x)");
  EXPECT_EQ(FormatSpeedup({1, 0.99, 1.01}), "1.00x (noise band 0.990x to 1.01x)");
  EXPECT_EQ(FormatSpeedup({0.08, 0.079, 0.081}), "0.080x (noise band 0.079x to 0.081x)");
  EXPECT_EQ(FormatSpeedup({123.4, 120, 127}), "123x (noise band 120x to 127x)");
  EXPECT_EQ(FormatBytes(512), "512 bytes");
  EXPECT_EQ(FormatBytes(232448), "227 KiB");
  EXPECT_EQ(FormatBytes(50.0 * 1024 * 1024), "50 MiB");
}

TEST(PromptFactsTest, TheLatencyToBeatIsTheFasterOfTheVendorLibraryAndTorchCompile) {
  EvalResult r;
  EXPECT_EQ(LatencyToBeat(r, std::nullopt), "");
  OutsideLatency compiled{0.028, "torch.compile, PyTorch 2.9.0"};
  EXPECT_EQ(LatencyToBeat(r, compiled), "28 us (torch.compile, PyTorch 2.9.0)");
  TimingInfo vendor;
  vendor.event_ms.median = 0.0963;
  r.baseline = BaselineTiming{"cuBLASLt bf16 GEMM", vendor};
  EXPECT_EQ(LatencyToBeat(r, compiled), "28 us (torch.compile, PyTorch 2.9.0)");
  EXPECT_EQ(LatencyToBeat(r, std::nullopt), "96.3 us (cuBLASLt bf16 GEMM)");
  compiled.median_ms = 0.2;
  EXPECT_EQ(LatencyToBeat(r, compiled), "96.3 us (cuBLASLt bf16 GEMM)");
}

TEST(PromptFactsTest, TaskSummaryEvaluatesShapesAtTheTimedSize) {
  Task task = LoadTask(std::string(KOPT_SOURCE_DIR) + "/tasks/quick/rmsnorm_bf16");
  std::string s = TaskSummary(task);
  EXPECT_EQ(s.rfind("Task rmsnorm_bf16 (op class: normalization)\n", 0), 0u) << s;
  EXPECT_NE(s.find("Sizes: HIDDEN=4096 ROWS=4096 (timed); HIDDEN=1000 ROWS=5 (checked for "
                   "correctness). The kernel must be correct on every one of these sizes."),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("- X: input, bf16 (const __nv_bfloat16*), [ROWS, HIDDEN] = [4096, 4096], "
                   "32 MiB, values normal(mean 0, std 1)\n"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("- W: input, bf16 (const __nv_bfloat16*), [HIDDEN] = [4096], 8 KiB, values "
                   "uniform in [0.5, 1.5)\n"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("- Y: output, bf16 (__nv_bfloat16*)"), std::string::npos) << s;
  EXPECT_NE(s.find("- eps: f32 (float) = 1e-06\n"), std::string::npos) << s;
  EXPECT_NE(s.find("|out - ref| <= 0.01 + 0.01 * |ref|"), std::string::npos) << s;
  EXPECT_NE(s.find("Work at the timed size: 67.1 MFLOP, at least 67.1 MB of memory traffic"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("Fast math: not allowed"), std::string::npos);
  // The input cases and the contract, so a kernel is written to survive them.
  EXPECT_NE(s.find("Also checked on these inputs (a kernel right only on the values above "
                   "fails):\n- zero_rows: all-zero inputs"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("so any value of HIDDEN, ROWS must work, tails included"), std::string::npos)
      << s;
  EXPECT_NE(s.find("Precision: the sum of squares in fp32.\n"), std::string::npos) << s;
}

TEST(PromptFactsTest, TaskSummaryOfAPureCopySaysThereIsNoArithmetic) {
  Task task = LoadTask(std::string(KOPT_SOURCE_DIR) + "/tasks/quick/transpose_fp32");
  EXPECT_NE(TaskSummary(task).find("no floating-point arithmetic to speak of"), std::string::npos);
}

TEST(PromptFactsTest, DeviceFactsPreferTheMeasuredBandwidth) {
  DeviceInfo d;
  d.name = "GPU";
  d.cc_major = 8;
  d.arch = "sm_80";
  d.sm_count = 108;
  d.memory_clock_khz = 1215000;
  d.memory_bus_bits = 5120;
  d.limits.clusters = false;
  std::string theoretical = DeviceFacts(d);
  EXPECT_NE(theoretical.find("1555 GB/s theoretical peak"), std::string::npos) << theoretical;
  EXPECT_NE(theoretical.find("Thread-block clusters: no"), std::string::npos);
  EXPECT_NE(DeviceFacts(d, 1400.0).find("1400 GB/s measured"), std::string::npos);
}

TEST(PromptFactsTest, DescribesRooflineAndResources) {
  Roofline r;
  r.fraction = 0.412;
  r.bound = "memory";
  r.floor_ms = 0.107;
  r.achieved_gbps = 1370;
  r.achieved_tflops = 0.02;
  EXPECT_EQ(DescribeRoofline(r),
            "41% of the memory-bound floor of 107 us (achieved 1370 GB/s, 0.02 TFLOP/s)");
  r.suspicious = true;
  EXPECT_NE(DescribeRoofline(r).find("re-checking"), std::string::npos);
  EXPECT_EQ(DescribeResources({{"k", 128, 8, 4, 24, 8192}}),
            "k: 128 registers/thread, 8 bytes spill stores, 4 bytes spill loads, 24 bytes local "
            "memory/thread, 8 KiB static shared memory\n");
}

TEST(PromptFactsTest, TrimReportKeepsTheFirstLinesAndSaysWhatWasCut) {
  EXPECT_EQ(TrimReport("a\nb\nc\n", 2, 10), "a\nb\n[1 more lines not shown]\n");
  EXPECT_EQ(TrimReport("a\nb", 5, 10), "a\nb\n");
  EXPECT_EQ(TrimReport(std::string(12, 'x'), 5, 10), "xxxxxxxxxx [2 more characters]\n");
  EXPECT_EQ(TrimReport("", 5, 10), "");
}

}  // namespace
}  // namespace kopt
