// SPDX-License-Identifier: Apache-2.0
// The GPU side of an evaluation, run inside a worker process that owns the CUDA context:
// correctness runs on inputs drawn from the run's secret seed pool at every size, then timing
// of reference and candidate on seeds no check used, every timed output verified; each run
// judged by the check list (checks/checks.h). Candidate failures become statuses; a poisoned
// context asks for a restart.
#pragma once

#include "core/eval_result.h"
#include "evaluator/eval_job.h"
#include "evaluator/worker/gpu_runtime.h"

#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace kopt {

class CuptiKernelTimer;
class CuptiProfiler;

struct WorkerReply {
  EvalResult result;
  bool restart = false;  // the context is poisoned: replace this process
  std::string error;     // kopt's own failure (for example the reference kernel broke)
};

struct ReferenceRunReply {
  std::vector<HostTensor> tensors;
  bool restart = false;
  std::string error;
};

class GpuWorker {
 public:
  using Progress = std::function<void(const std::string& stage)>;

  /// Creates the context and compiles kopt's built-in kernels (`cache_dir` as for NvrtcCompiler).
  GpuWorker(int device_index, const std::string& cache_dir);
  ~GpuWorker();
  const DeviceInfo& device() const { return context_.device(); }
  /// The device's measured ceilings (cached per device and driver; zeros when unmeasured).
  const DevicePeaks& peaks() const { return peaks_; }

  WorkerReply Evaluate(const EvalJob& job, const Progress& progress);
  ReferenceRunReply RunReference(const ReferenceRunJob& job, const Progress& progress);

 private:
  friend class Evaluation;

  GpuContext context_;
  std::unique_ptr<Module> builtins_;
  std::unique_ptr<GuardedBuffer> flush_;  // written before every timed sample: evicts L2
  std::unique_ptr<CuptiKernelTimer> cupti_;
  // Reference outputs (raw bytes per output tensor), by task hash, size and seed.
  std::map<std::string, std::vector<std::vector<unsigned char>>> reference_outputs_;
  std::size_t reference_output_bytes_ = 0;
  std::map<std::string, TimingInfo> reference_timing_;     // by task hash
  std::map<std::string, BaselineTiming> baseline_timing_;  // by task hash
  std::unique_ptr<CuptiProfiler> profiler_;
  DevicePeaks peaks_;
  std::mt19937_64 random_;       // draws each evaluation's seeds and poisons
  std::uint64_t seed_pool_ = 0;  // the pool of jobs that name none
};

}  // namespace kopt
