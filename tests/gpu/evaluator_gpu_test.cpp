// SPDX-License-Identifier: Apache-2.0
// The evaluator on a real GPU: every kind of bad candidate gets the right status while kopt
// carries on, and the starting kernel of every quick task passes with a speedup.
#include "core/json_fields.h"
#include "evaluator/cuda_evaluator.h"
#include "evaluator/worker/cuda_driver.h"
#include "tests/support/require_gpu.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

namespace kopt {
namespace {

namespace fs = std::filesystem;

const fs::path kRoot = KOPT_SOURCE_DIR;

class EvaluatorGpuTest : public ::testing::Test {
 protected:
  void SetUp() override { KOPT_SKIP_WITHOUT_GPU(); }
};

Task Quick(const std::string& name) { return LoadTask((kRoot / "tasks/quick" / name).string()); }

EvalResult Evaluate(CudaEvaluator& evaluator, const Task& task, const fs::path& file, bool time,
                    double timeout_s = 60) {
  EvalRequest request;
  request.task = &task;
  request.file = file.filename().string();
  request.candidate = TryMakeCandidate(task, ReadFile(file.string()), {}, request.file);
  request.options.time = time;
  request.options.timeout_s = timeout_s;
  return evaluator.Evaluate(request);
}

CudaEvaluator MakeEvaluator() {
  CudaEvaluatorConfig config;
  config.worker_binary = KOPT_BINARY;
  return CudaEvaluator(config);
}

struct BadCase {
  const char* file;
  const char* task;
  EvalStatus expected;
  const char* message;  // a piece of the message
};

TEST_F(EvaluatorGpuTest, BadCandidatesAreClassifiedAndKoptCarriesOn) {
  CudaEvaluator evaluator = MakeEvaluator();
  const BadCase cases[] = {
      {"oob_write_far.cu", "transpose_fp32", EvalStatus::kCrashed, "ILLEGAL_ADDRESS"},
      {"oob_write_near.cu", "transpose_fp32", EvalStatus::kWrongAnswer, "wrote outside buffer 'Y'"},
      {"infinite_loop.cu", "transpose_fp32", EvalStatus::kTimeout, "correctness check"},
      {"race_no_syncthreads.cu", "softmax_rows", EvalStatus::kWrongAnswer, "elements differ"},
      {"reads_poisoned_output.cu", "softmax_rows", EvalStatus::kWrongAnswer, "did not write"},
      {"writes_input.cu", "transpose_fp32", EvalStatus::kWrongAnswer, "modified input 'X'"},
      {"ragged_only.cu", "gemm_fp32", EvalStatus::kWrongAnswer, "M=257"},
      {"nan_output.cu", "transpose_fp32", EvalStatus::kWrongAnswer, "got nan"},
      {"too_much_shared_memory.cu", "transpose_fp32", EvalStatus::kCompileError, "shared data"},
      {"too_much_dynamic_shared_memory.cu", "transpose_fp32", EvalStatus::kLaunchError, "smem"},
      {"compile_error.cu", "transpose_fp32", EvalStatus::kCompileError, "error"},
      {"unknown_tensor.cu", "transpose_fp32", EvalStatus::kLaunchError, "unknown name 'Z'"},
      {"caches_result.cu", "transpose_fp32", EvalStatus::kWrongAnswer, "did not write"},
      {"not_extern_c.cu", "transpose_fp32", EvalStatus::kLaunchError, "extern \"C\""},
  };
  for (const auto& c : cases) {
    Task task = Quick(c.task);
    EvalResult r = Evaluate(evaluator, task, kRoot / "tests/data/candidates/bad" / c.file,
                            /*time=*/false, /*timeout_s=*/10);
    EXPECT_EQ(r.status, c.expected)
        << c.file << ": got " << EvalStatusName(r.status) << ": " << r.message;
    EXPECT_NE(r.message.find(c.message), std::string::npos) << c.file << ": " << r.message;
  }
  // The crash and the hang each cost a worker; the evaluator replaced it and still works.
  EXPECT_GE(evaluator.worker_starts(), 3);
  Task task = Quick("transpose_fp32");
  EvalResult good =
      Evaluate(evaluator, task, kRoot / "tasks/quick/transpose_fp32/starter.cu", false);
  EXPECT_EQ(good.status, EvalStatus::kCorrect) << good.message;
}

TEST_F(EvaluatorGpuTest, StartingKernelsPassWithASpeedupOnEveryQuickTask) {
  CudaEvaluator evaluator = MakeEvaluator();
  for (const char* name :
       {"gemm_fp32", "softmax_rows", "rmsnorm_bf16", "reduce_sum", "transpose_fp32"}) {
    Task task = name == std::string("reduce_sum")
                    ? LoadTask((kRoot / "tasks/core/reduce_sum").string())
                    : Quick(name);
    fs::path kernel = task.starter_source.empty()
                          ? kRoot / "tests/data/candidates/good" / (std::string(name) + ".cu")
                          : fs::path(task.dir) / "starter.cu";
    EvalResult r = Evaluate(evaluator, task, kernel, true);
    ASSERT_EQ(r.status, EvalStatus::kCorrect) << name << ": " << r.message;
    ASSERT_TRUE(r.speedup.has_value()) << name;
    EXPECT_GT(r.speedup->low, 1.0) << name << ": speedup " << r.speedup->value;
    // 3 inputs at every size, each input case, input 1 altered, a size drawn from the contract.
    std::size_t extra =
        task.input_cases.size() + 1 /*altered repeat*/ + (task.contract.ragged.empty() ? 0 : 1);
    EXPECT_EQ(r.checks.size(), 3u * task.AllSizes().size() + extra) << name;
    EXPECT_EQ(r.timing->verified_samples, static_cast<int>(r.timing->event_ms.n)) << name;
    ASSERT_TRUE(r.timing.has_value());
    EXPECT_GE(r.timing->event_ms.n, 10u);
    EXPECT_GT(r.timing->sm_clock_mhz, 500);
    std::printf("%-16s %8.4f ms  reference %8.4f ms  speedup %.2fx [%.2f, %.2f]  kernels %s\n",
                name, r.timing->event_ms.median, r.reference_timing->event_ms.median,
                r.speedup->value, r.speedup->low, r.speedup->high,
                r.timing->kernel_ms ? std::to_string(r.timing->kernel_ms->median).c_str() : "-");
  }
}

TEST_F(EvaluatorGpuTest, ReferenceAgainstItselfIsNotASpeedup) {
  CudaEvaluator evaluator = MakeEvaluator();
  Task task = Quick("transpose_fp32");
  EvalResult r = Evaluate(evaluator, task, kRoot / "tasks/quick/transpose_fp32/reference.cu", true);
  ASSERT_EQ(r.status, EvalStatus::kCorrect) << r.message;
  EXPECT_LT(r.speedup->low, 1.0);
  EXPECT_GT(r.speedup->high, 1.0);
}

}  // namespace
}  // namespace kopt
