// SPDX-License-Identifier: Apache-2.0
// The seam under `kopt optimize`: what it evaluates candidates on. The GPU by default; a program
// that links kopt_cli may pass another to kopt::cli::Main (tests/support/kopt_fake_gpu.cpp passes
// a fake, for the CPU end-to-end test).
#pragma once

#include "core/device_info.h"
#include "core/evaluator.h"

#include <memory>
#include <vector>

namespace kopt {
class CudaEvaluator;
}

namespace kopt::cli {

/// What `kopt optimize` evaluates candidates on: the GPU (MakeGpuEvaluator) unless a program
/// linking kopt_cli injects another through Main (the CPU end-to-end test injects a fake).
class OptimizeEvaluator {
 public:
  virtual ~OptimizeEvaluator() = default;
  /// Starts the device if needed and describes it; throws kopt::Error when there is none.
  virtual DeviceInfo Device() = 0;
  /// The evaluator the store's RecordingEvaluator wraps.
  virtual Evaluator& evaluator() = 0;
  /// Seconds the device has spent on jobs so far: with the wall time, how busy it was.
  virtual double busy_s() const = 0;
  /// The GPU the PyTorch baselines are timed on; none: they are not measured.
  virtual CudaEvaluator* gpu() = 0;
  /// The devices evaluations spread over (GpuPool), in order.
  virtual std::vector<int> gpus() const { return {0}; }
  /// busy_s of each of gpus(), in the same order.
  virtual std::vector<double> busy_per_gpu_s() const { return {busy_s()}; }
};

/// A CudaEvaluator on each of `gpus` (empty: every visible GPU), behind a GpuPool when there
/// are several. They must all be one model of card: a run compares kernels on one kind of GPU.
std::unique_ptr<OptimizeEvaluator> MakeGpuEvaluator(const std::vector<int>& gpus);

}  // namespace kopt::cli
