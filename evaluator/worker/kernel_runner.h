// SPDX-License-Identifier: Apache-2.0
// Loads a compiled kernel (reference or candidate), resolves its launch block at a size, and
// enqueues its launch sequence on the worker's stream. A candidate's fault is thrown as a
// CandidateFailure naming the check that saw it; the reference's as kopt::Error (a broken task).
#pragma once

#include "core/eval_result.h"
#include "core/launch_block.h"
#include "core/task.h"
#include "evaluator/eval_job.h"
#include "evaluator/worker/gpu_runtime.h"

#include <map>
#include <memory>
#include <string>

namespace kopt {

/// A candidate's failure, thrown inside an evaluation and turned into its result.
struct CandidateFailure {
  EvalStatus status;
  std::string message;
  bool restart = false;  // the context is poisoned
  std::string check;     // the check that caught it ("launch", "crash", "tolerance", ...)
};

/// Device pointers by tensor or workspace name.
using Bindings = std::map<std::string, CUdeviceptr, std::less<>>;

/// A kernel ready to run: module, launch block, functions by name.
struct LoadedKernel {
  std::unique_ptr<Module> module;
  LaunchBlock block;
  TunableChoice tunables;
  std::map<std::string, CUfunction> functions;
  std::string file;
  bool is_candidate = false;
};

class KernelRunner {
 public:
  KernelRunner(const Task& task, const DeviceLimits& limits, CUstream stream)
      : task_(task), limits_(limits), stream_(stream) {}

  LoadedKernel Load(const KernelBinary& binary, bool is_candidate) const;
  /// The launches at `size`, with dynamic shared memory above 48 KiB allowed.
  LaunchPlan Resolve(const LoadedKernel& k, const SymbolTable& size) const;
  /// Enqueues every launch of `plan`; a failed launch throws.
  void Enqueue(const LoadedKernel& k, const LaunchPlan& plan, const Bindings& buffers) const;
  /// Waits for the stream; a fault of the kernel throws (`what` names the stage).
  void Synchronize(bool is_candidate, const std::string& what) const;

 private:
  const Task& task_;
  DeviceLimits limits_;
  CUstream stream_;
};

}  // namespace kopt
