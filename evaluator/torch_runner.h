// SPDX-License-Identifier: Apache-2.0
// The PyTorch baseline runner's client: starts evaluator/torch_runner.py (built into kopt) under
// a Python interpreter as a worker process and has it run a task's PyTorch expression once, or
// time it eagerly or torch.compile'd the way sample_timer times kernels, on tensors kopt gives.
// The caller compares the outputs with the reference's (core/compare).
//
// Call order: construct, info() (optional), Run/Time, ...; one call at a time.
#pragma once

#include "core/expr.h"
#include "core/stats.h"
#include "evaluator/eval_job.h"
#include "evaluator/timing_rules.h"
#include "evaluator/worker_process.h"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kopt {

/// The interpreter for the runner: `explicit_path` (kopt's --python) when given, else `python3`
/// on PATH; "" when PATH has none. A name without a '/' is looked up on PATH too. Throws
/// ConfigError naming --python when `explicit_path` is not an executable file.
std::string FindPython(const std::string& explicit_path);

/// evaluator/torch_runner.py as built into kopt.
std::string_view TorchRunnerScript();

/// What the runner runs on (its greeting), or why it cannot run anything.
struct TorchInfo {
  std::string python;  // the interpreter's path
  std::string python_version;
  std::string torch_version;
  std::string triton_version;  // "" without triton
  std::string device;          // torch.cuda.get_device_name()
  std::string error;  // no interpreter, no torch, no CUDA...: one sentence; "" when it runs
  bool ok() const { return error.empty(); }
};

enum class TorchMode { kEager, kCompile };
std::string_view TorchModeName(TorchMode mode);  // "eager", "compile"

/// Why a call gave no answer. None of these throws: a baseline that cannot run is reported, and
/// kopt carries on.
enum class TorchFailure {
  kNone,
  kUnavailable,  // no interpreter, torch or CUDA: info().error
  kExpression,   // the expression raised, or returned other than the task's outputs
  kTimeout,      // the deadline passed; the runner was killed (the next call starts another)
  kCrashed,      // the runner died or broke the protocol
};

struct TorchRun {
  std::vector<HostTensor> outputs;  // one per output asked for, in that order, role kOutput
  TorchFailure failure = TorchFailure::kNone;
  std::string error;
  bool ok() const { return failure == TorchFailure::kNone; }
};

struct TorchTiming {
  Summary event_ms;                  // the samples (CUDA events around the call), summarized
  std::optional<double> compile_ms;  // compile mode: the wall time of the first call
  double warmup_ms = 0;              // GPU time of the warm-up calls
  int warmup_runs = 0;
  TorchFailure failure = TorchFailure::kNone;
  std::string error;
  bool ok() const { return failure == TorchFailure::kNone; }
};

struct TorchRunnerOptions {
  std::string python;            // FindPython's answer; "" = none was found
  int device = 0;                // torch's CUDA device index
  double start_timeout_s = 120;  // importing torch and triton and starting CUDA can take long
};

class TorchRunner {
 public:
  explicit TorchRunner(TorchRunnerOptions options);
  ~TorchRunner();
  TorchRunner(const TorchRunner&) = delete;
  TorchRunner& operator=(const TorchRunner&) = delete;

  /// Starts the runner on first use; a start that fails is not tried again.
  const TorchInfo& info();

  /// Runs `torch_src` once on `inputs` (parameters by name, in this order, then `symbols` as
  /// ints) and returns its results as the tensors `outputs` describes (their bytes are ignored).
  TorchRun Run(const std::string& torch_src, const SymbolTable& symbols,
               const std::vector<HostTensor>& inputs, const std::vector<HostTensor>& outputs,
               double timeout_s = 300);

  /// Times `torch_src` under kopt's timing rules (timing_rules.h: `config`, L2 flushed with a
  /// buffer of `flush_bytes` before every sample). Its results are checked against `outputs` first.
  TorchTiming Time(const std::string& torch_src, TorchMode mode, const SymbolTable& symbols,
                   const std::vector<HostTensor>& inputs, const std::vector<HostTensor>& outputs,
                   const SampleConfig& config, std::size_t flush_bytes, double timeout_s = 600);

 private:
  struct Call;  // one job's files and outcome
  /// Writes the inputs, sends `job` (to which the tensor fields are added) and waits.
  Call Send(nlohmann::json job, const std::vector<HostTensor>& inputs,
            const std::vector<HostTensor>& outputs, std::string_view mode, double timeout_s);

  TorchRunnerOptions options_;
  std::string dir_;  // private (0700): the script and each call's tensor files
  std::unique_ptr<WorkerProcess> worker_;
  std::optional<TorchInfo> info_;
};

}  // namespace kopt
