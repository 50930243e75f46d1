// SPDX-License-Identifier: Apache-2.0
// The Evaluator on a real GPU: validates the launch block, compiles reference and candidate on
// the compile pool, and hands the job to the GPU's worker process, which it restarts after a
// timeout, a crash or a poisoned context. One worker per GPU, one job at a time on it.
#pragma once

#include "core/device_info.h"
#include "core/evaluator.h"
#include "core/stage_clock.h"
#include "evaluator/compile_pool.h"
#include "evaluator/eval_job.h"
#include "evaluator/nvrtc_compiler.h"
#include "evaluator/worker_process.h"

#include <atomic>
#include <mutex>
#include <string>

namespace kopt {

struct CudaEvaluatorConfig {
  int device = 0;
  std::string worker_binary;  // the kopt executable; "" = this process's own
  std::string cache_dir;      // cubin cache; "" = DefaultCacheDir()
  int compile_threads = 0;
};

class CudaEvaluator : public Evaluator {
 public:
  explicit CudaEvaluator(const CudaEvaluatorConfig& config);
  EvalResult Evaluate(const EvalRequest& request) override;
  /// Runs the task's reference alone at `symbols` (missing names take the task's values) on the
  /// inputs of `seed`, and returns every tensor. Throws kopt::Error when the reference fails.
  std::vector<HostTensor> RunReference(const Task& task, const SymbolTable& symbols,
                                       std::uint64_t seed, double timeout_s = 60);
  /// Runs `f` while no job runs on this GPU: for another process that times on it (PyTorch).
  template <typename F>
  decltype(auto) WithIdleGpu(F&& f) {
    std::lock_guard<std::mutex> lock(gpu_mutex_);
    return f();
  }
  /// Starts the worker if needed; throws kopt::Error (e.g. NoDriverError's message) if it cannot.
  DeviceInfo Device();
  int worker_starts() const { return worker_.starts(); }
  /// Seconds the GPU's worker has spent on jobs (checks, timing, profiling) since construction:
  /// with a wall time, how busy the GPU was.
  double gpu_busy_s() const { return static_cast<double>(gpu_busy_us_.load()) / 1e6; }

 private:
  /// The job on this GPU's worker; `clock` gets the wait for the GPU and the round trip.
  JobOutcome RunOnGpu(const nlohmann::json& job, double timeout_s, StageClock& clock);
  /// The sanitizer pass over a correct candidate; a finding demotes `result`.
  void Sanitize(const EvalJob& job, const EvalOptions& options, EvalResult& result);

  NvrtcCompiler compiler_;
  CompilePool pool_;
  std::vector<std::string> worker_argv_;
  WorkerProcess worker_;

  std::mutex gpu_mutex_;  // one job at a time per GPU
  std::atomic<std::int64_t> gpu_busy_us_{0};
};

/// The compile the evaluator makes of a kernel for `arch`: the tunables as -D flags, the task's
/// fast math, and the signature checks of signature_check.h appended to the source. `kopt
/// compile` and `kopt export` use it too, so they compile the very cubin that was measured.
CompileRequest CandidateCompileRequest(const Task& task, const std::string& arch,
                                       const std::string& source, const std::string& file,
                                       const LaunchBlock& block, const TunableChoice& choice,
                                       const DeviceLimits& limits);

/// The sanitizer pass runs the check sizes only (compute-sanitizer at the main size takes too
/// long): when a launch variant only the main size chooses was never under it, `result`'s
/// sanitizer report says so and does not count as clean.
void NoteUnsanitizedVariants(const Task& task, const Candidate& kernel, const DeviceLimits& limits,
                             EvalResult& result);

/// The path of the running executable (/proc/self/exe).
std::string SelfExecutable();

}  // namespace kopt
