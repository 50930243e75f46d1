// SPDX-License-Identifier: Apache-2.0
// The Evaluator on a real GPU: validates the launch block, compiles reference and candidate on
// the compile pool, and hands the job to the GPU's worker process, which it restarts after a
// timeout, a crash or a poisoned context. One worker per GPU, one job at a time on it.
#pragma once

#include "core/device_info.h"
#include "core/evaluator.h"
#include "evaluator/compile_pool.h"
#include "evaluator/eval_job.h"
#include "evaluator/nvrtc_compiler.h"
#include "evaluator/worker_process.h"

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
  explicit CudaEvaluator(CudaEvaluatorConfig config);
  EvalResult Evaluate(const EvalRequest& request) override;
  /// Runs the task's reference alone at `symbols` (missing names take the task's values) on the
  /// inputs of `seed`, and returns every tensor. Throws kopt::Error when the reference fails.
  std::vector<HostTensor> RunReference(const Task& task, const SymbolTable& symbols,
                                       std::uint64_t seed, double timeout_s = 60);
  /// Starts the worker if needed; throws kopt::Error (e.g. NoDriverError's message) if it cannot.
  DeviceInfo Device();
  int worker_starts() const { return worker_.starts(); }

 private:
  NvrtcCompiler compiler_;
  CompilePool pool_;
  WorkerProcess worker_;
  std::mutex gpu_mutex_;  // one job at a time per GPU
};

/// The path of the running executable (/proc/self/exe).
std::string SelfExecutable();

}  // namespace kopt
