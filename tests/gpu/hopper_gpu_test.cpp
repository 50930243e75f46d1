// SPDX-License-Identifier: Apache-2.0
// TMA tensor maps on a real Hopper GPU: kopt's validator against the driver's own encoder on
// random parameters (the same verdict every time), the hand-written TMA candidates correct on
// every size with the variant that ran recorded, and a wrong box, swizzle or parameter type
// caught as the right status.
#include "core/json_fields.h"
#include "evaluator/cuda_evaluator.h"
#include "evaluator/worker/cuda_driver.h"
#include "evaluator/worker/gpu_runtime.h"
#include "evaluator/worker/tensor_map_encoder.h"
#include "tests/support/require_gpu.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>

namespace kopt {
namespace {

namespace fs = std::filesystem;

const fs::path kRoot = KOPT_SOURCE_DIR;
const fs::path kHopper = kRoot / "tests/data/candidates/hopper";

class HopperGpuTest : public ::testing::Test {
 protected:
  void SetUp() override {
    KOPT_SKIP_WITHOUT_GPU();
    DeviceInfo device = QueryDevice(0);
    if (device.cc_major < 9) GTEST_SKIP() << device.name << " has no TMA (compute capability 9.0)";
  }
};

std::string Describe(const TensorMapParams& p) {
  std::string s = std::string(DTypeName(p.dtype)) + " rank " + std::to_string(p.rank) + " dims";
  for (int i = 0; i < p.rank; ++i) s += " " + std::to_string(p.global_dim[i]);
  s += " box";
  for (int i = 0; i < p.rank; ++i) s += " " + std::to_string(p.box[i]);
  return s + " swizzle " + std::string(TmaSwizzleName(p.swizzle)) + " fill " +
         std::string(TmaOobFillName(p.oob_fill));
}

// The parameters a launch block can produce (dense tensors of any task dtype, any box, every
// swizzle, promotion and fill), drawn with the edges over-represented.
TEST_F(HopperGpuTest, TheValidatorAgreesWithTheDriversEncoder) {
  GpuContext context(0);
  CUdeviceptr buffer = 0;
  KOPT_CU(Driver().cuMemAlloc(&buffer, 1 << 20));
  std::mt19937_64 rng(20261208);
  const std::vector<std::int64_t> dims = {
      1,   2,   3,    7,    8,    16,    33,      64,        100,       128,
      255, 256, 1000, 1001, 4096, 65536, 1 << 24, 1LL << 31, 1LL << 32, (1LL << 32) + 1};
  const std::vector<std::int64_t> boxes = {0,  1,  2,  3,   4,   8,   12,  16,  24,
                                           32, 48, 64, 100, 128, 200, 255, 256, 257};
  const std::vector<DType> dtypes = {DType::kF32, DType::kF16, DType::kBF16, DType::kF64,
                                     DType::kI32, DType::kI64, DType::kI8,   DType::kU8};
  auto pick = [&](const auto& list) { return list[rng() % list.size()]; };
  int agreed_accept = 0, agreed_reject = 0;
  double encode_us = 0;
  std::vector<std::string> disagreements;
  for (int trial = 0; trial < 20000; ++trial) {
    int rank = 1 + static_cast<int>(rng() % 5);
    std::vector<std::int64_t> shape, box;
    for (int d = 0; d < rank; ++d) {
      // Mostly small outer dimensions, so that strides stay in range often enough.
      shape.push_back(d + 1 < rank && rng() % 2 ? pick(std::vector<std::int64_t>{1, 2, 3, 8, 64})
                                                : pick(dims));
      box.push_back(pick(boxes));
    }
    TensorMapParams p = DenseTensorMapParams(
        pick(dtypes), shape, box, static_cast<TmaSwizzle>(rng() % 4),
        static_cast<TmaL2Promotion>(rng() % 4), static_cast<TmaOobFill>(rng() % 2));
    bool kopt_accepts = TensorMapProblem(p).empty();
    alignas(128) CUtensorMap map;
    auto start = std::chrono::steady_clock::now();
    CUresult r = EncodeTensorMap(p, buffer, &map);
    encode_us +=
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
    bool driver_accepts = r == CUDA_SUCCESS;
    if (kopt_accepts == driver_accepts) {
      (kopt_accepts ? agreed_accept : agreed_reject) += 1;
    } else if (disagreements.size() < 20) {
      disagreements.push_back(Describe(p) + ": kopt " + (kopt_accepts ? "accepts" : "rejects") +
                              " (" + TensorMapProblem(p) + "), the driver " + DescribeCuResult(r));
    }
  }
  // The worker encodes every map at every launch, timed runs included: this is what that costs.
  std::printf(
      "tensor maps: %d accepted and %d rejected by both, %zu disagreements; %.2f us per encode\n",
      agreed_accept, agreed_reject, disagreements.size(), encode_us / 20000);
  for (const auto& d : disagreements) std::printf("  %s\n", d.c_str());
  EXPECT_TRUE(disagreements.empty());
  EXPECT_GT(agreed_accept, 1000);
  EXPECT_GT(agreed_reject, 1000);
  KOPT_CU(Driver().cuMemFree(buffer));
}

CudaEvaluator MakeEvaluator() {
  CudaEvaluatorConfig config;
  config.worker_binary = KOPT_BINARY;
  return CudaEvaluator(config);
}

EvalResult Evaluate(CudaEvaluator& evaluator, const Task& task, const std::string& source,
                    bool time) {
  EvalRequest request;
  request.task = &task;
  request.file = "candidate.cu";
  request.candidate = TryMakeCandidate(task, source, {}, request.file);
  request.options.time = time;
  request.options.timeout_s = 120;
  return evaluator.Evaluate(request);
}

std::string Replaced(const std::string& text, const std::string& from, const std::string& to) {
  std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at == std::string::npos) return text;
  return text.substr(0, at) + to + text.substr(at + from.size());
}

void PrintRoofline(const char* name, const EvalResult& r) {
  if (!r.timing || !r.roofline) return;
  std::printf("%-28s %9.4f ms  %7.0f GB/s  %7.1f TFLOP/s  (device copy %6.0f GB/s)  %s\n", name,
              r.timing->event_ms.median, r.roofline->achieved_gbps, r.roofline->achieved_tflops,
              r.roofline->peak_gbps, r.timing->launch_variant.c_str());
}

TEST_F(HopperGpuTest, TheTmaTransposeIsCorrectOnEverySizeAndSaysWhichVariantRan) {
  CudaEvaluator evaluator = MakeEvaluator();
  Task task = LoadTask((kRoot / "tasks/quick/transpose_fp32").string());
  std::string source = ReadFile((kHopper / "transpose_fp32_tma.cu").string());
  EvalResult r = Evaluate(evaluator, task, source, true);
  ASSERT_EQ(r.status, EvalStatus::kCorrect) << r.message;
  ASSERT_TRUE(r.timing);
  EXPECT_EQ(r.timing->launch_variant.rfind("variant 0 of 2", 0), 0u) << r.timing->launch_variant;
  EXPECT_FALSE(r.roofline && r.roofline->suspicious);
  PrintRoofline("transpose_fp32 (TMA)", r);
}

TEST_F(HopperGpuTest, TheTmaGemmIsCorrectOnEverySizeBesideCublas) {
  CudaEvaluator evaluator = MakeEvaluator();
  Task task = LoadTask((kRoot / "tasks/core/gemm_bf16_4096").string());
  std::string source = ReadFile((kHopper / "gemm_bf16_tma_wgmma.cu").string());
  EvalResult r = Evaluate(evaluator, task, source, true);
  ASSERT_EQ(r.status, EvalStatus::kCorrect) << r.message;
  ASSERT_TRUE(r.timing);
  EXPECT_EQ(r.timing->launch_variant.rfind("variant 0 of 2", 0), 0u) << r.timing->launch_variant;
  ASSERT_TRUE(r.roofline);
  EXPECT_FALSE(r.roofline->suspicious);
  PrintRoofline("gemm_bf16_4096 (TMA+wgmma)", r);
  if (r.baseline && r.baseline_speedup) {
    double flops = 2.0 * 4096 * 4096 * 4096;
    std::printf("%-28s %9.4f ms  %7.1f TFLOP/s; the TMA kernel reaches %.0f%% of it\n",
                r.baseline->name.c_str(), r.baseline->timing.event_ms.median,
                flops / (r.baseline->timing.event_ms.median * 1e-3) / 1e12,
                r.baseline_speedup->value * 100);
  }
}

struct WrongCase {
  const char* what;
  std::string from, to;
  EvalStatus expected;
  const char* message;
};

TEST_F(HopperGpuTest, AWrongBoxSwizzleOrParameterIsCaughtWithTheRightStatus) {
  CudaEvaluator evaluator = MakeEvaluator();
  Task task = LoadTask((kRoot / "tasks/quick/transpose_fp32").string());
  std::string source = ReadFile((kHopper / "transpose_fp32_tma.cu").string());
  const std::string x_map = R"("box": [32, 32], "swizzle": "128B")";
  const std::vector<WrongCase> cases = {
      {"an inner box of 10 floats (40 bytes)", x_map, R"("box": [32, 10], "swizzle": "128B")",
       EvalStatus::kLaunchError, "box[1] (the innermost) is 10 elements"},
      {"an inner box wider than the swizzle span", x_map, R"("box": [32, 64], "swizzle": "128B")",
       EvalStatus::kLaunchError, "more than the 128-byte span"},
      {"a box of 300 rows", x_map, R"("box": [300, 32], "swizzle": "128B")",
       EvalStatus::kLaunchError, "box[0] is 300"},
      // Valid for TMA, but not the layout the kernel reads: the checks see wrong answers.
      {"no swizzle where the kernel undoes 128B", x_map, R"("box": [32, 32], "swizzle": "none")",
       EvalStatus::kWrongAnswer, ""},
      {"a pointer parameter for a tensor map", "const __grid_constant__ CUtensorMap x_map",
       "const CUtensorMap* x_map", EvalStatus::kLaunchError, "CUtensorMap passed by value"},
  };
  for (const auto& c : cases) {
    std::string bad = Replaced(source, c.from, c.to);
    if (std::string(c.what).find("pointer") != std::string::npos) {
      bad = Replaced(bad, "kopt_tma_prefetch(&x_map)", "kopt_tma_prefetch(x_map)");
      bad = Replaced(bad, "&x_map, bar", "x_map, bar");
    }
    EvalResult r = Evaluate(evaluator, task, bad, false);
    EXPECT_EQ(r.status, c.expected)
        << c.what << ": " << EvalStatusName(r.status) << ": " << r.message;
    EXPECT_NE(r.message.find(c.message), std::string::npos) << c.what << ": " << r.message;
  }
}

}  // namespace
}  // namespace kopt
