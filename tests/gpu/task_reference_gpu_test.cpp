// SPDX-License-Identifier: Apache-2.0
// Every task's reference.cu, in every suite, compiled and run on the GPU at a small size and
// compared with an independent CPU implementation (cpu_references/): a wrong reference would
// make wrong kernels look right, so this is the root of kopt's correctness.
#include "core/compare.h"
#include "core/host_values.h"
#include "core/task.h"
#include "evaluator/cuda_evaluator.h"
#include "evaluator/worker/cuda_driver.h"
#include "tests/gpu/cpu_reference.h"
#include "tests/support/require_gpu.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>

namespace kopt {
namespace {

namespace fs = std::filesystem;

const fs::path kTasks = fs::path(KOPT_SOURCE_DIR) / "tasks";

std::vector<Task> EveryTask() {
  std::vector<Task> tasks;
  for (const auto& suite : ListSuites(kTasks.string())) {
    for (Task& t : LoadSuite((kTasks / suite).string())) tasks.push_back(std::move(t));
  }
  return tasks;
}

// What the GPU reference would store for an exact value: the output dtype's rounding.
double RoundTo(DType dtype, double v) {
  switch (dtype) {
    case DType::kF32:
      return static_cast<float>(v);
    case DType::kF16:
      return HalfToDouble(DoubleToHalf(v));
    case DType::kBF16:
      return BFloat16ToDouble(DoubleToBFloat16(v));
    case DType::kF64:
      return v;
    default:
      return std::nearbyint(v);
  }
}

TEST(TaskReferenceTest, EveryTaskHasACpuReference) {
  for (const Task& task : EveryTask()) {
    EXPECT_TRUE(testing::CpuReferences().count(task.name))
        << task.dir << ": no CPU reference; add one under tests/gpu/cpu_references/";
  }
}

TEST(TaskReferenceTest, EveryReferenceAgreesWithItsCpuTwin) {
  KOPT_SKIP_WITHOUT_GPU();
  CudaEvaluatorConfig config;
  config.worker_binary = KOPT_BINARY;
  CudaEvaluator evaluator(config);
  int checked = 0;
  for (const Task& task : EveryTask()) {
    auto it = testing::CpuReferences().find(task.name);
    if (it == testing::CpuReferences().end()) continue;  // reported by the test above
    const testing::CpuReference& ref = it->second;
    SCOPED_TRACE(task.dir);
    std::vector<HostTensor> tensors;
    try {
      tensors = evaluator.RunReference(task, ref.size, /*seed=*/20261201);
    } catch (const Error& e) {
      ADD_FAILURE() << e.what();
      continue;
    }
    testing::CpuCase c;
    c.symbols = task.symbols;
    for (const auto& [name, value] : ref.size) c.symbols[name] = value;
    for (const auto& s : task.scalars) c.scalars[s.name] = s.value;
    for (const auto& t : tensors) {
      if (t.role == TensorRole::kInput) {
        c.inputs[t.name] = ToDoubles(
            t.dtype,
            std::span(reinterpret_cast<const unsigned char*>(t.bytes.data()), t.bytes.size()));
      } else {
        c.outputs[t.name].assign(static_cast<std::size_t>(ElementCount(t.shape)), std::nan(""));
      }
    }
    ref.fn(c);
    for (const auto& t : tensors) {
      if (t.role != TensorRole::kOutput) continue;
      std::vector<double> expected = c.outputs.at(t.name);
      for (double& v : expected) v = RoundTo(t.dtype, v);
      std::vector<double> actual = ToDoubles(
          t.dtype,
          std::span(reinterpret_cast<const unsigned char*>(t.bytes.data()), t.bytes.size()));
      CompareReport report = CompareOutputs(expected, actual, task.tolerance);
      EXPECT_TRUE(report.ok) << task.name << ": the GPU reference disagrees with the CPU: "
                             << DescribeMismatch(t.name, t.shape, report, task.tolerance);
      std::printf("%-28s %-6s rel L2 %.2e  max abs %.2e\n", task.name.c_str(), t.name.c_str(),
                  report.rel_l2_error, report.max_abs_error);
    }
    ++checked;
  }
  EXPECT_GT(checked, 0);
}

}  // namespace
}  // namespace kopt
