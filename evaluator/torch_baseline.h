// SPDX-License-Identifier: Apache-2.0
// A task's PyTorch equivalent (task.json "torch") as a baseline on one GPU: first checked
// against the task's reference at every size and check seed (a third oracle beside the CPU
// twin: a disagreement is the task's error), then timed eager and torch.compile'd at the timed
// size, on the reference's inputs, with kopt's method (timing_rules.h: the worker's stopping
// rule and L2 flush).
// The GPU's worker stays idle while PyTorch is timed.
#pragma once

#include "core/stats.h"
#include "core/task.h"
#include "evaluator/cuda_evaluator.h"
#include "evaluator/timing_rules.h"
#include "evaluator/torch_runner.h"

#include <optional>
#include <string>

namespace kopt {

/// One mode's measurement, or why there is none.
struct TorchBaseline {
  TorchMode mode = TorchMode::kEager;
  std::optional<Summary> event_ms;
  std::optional<double> compile_ms;  // compile mode: torch.compile's first call, never timed
  int checked = 0;                   // size-and-seed pairs where it matched the reference
  std::string error;                 // "" when timed
};

struct TorchBaselines {
  TorchBaseline eager{TorchMode::kEager};
  TorchBaseline compiled{TorchMode::kCompile};
};

struct TorchBaselineOptions {
  int seeds = 3;  // check seeds per size
  SampleConfig timing;
  double timeout_s = 600;  // per call of the runner (torch.compile's first call included)
};

/// Checks, then times, `task.torch` with `runner` on `gpu`'s device. Never throws for the
/// expression's faults or a runner that cannot start: they are the baselines' `error`. A
/// disagreement with the reference names the task, the size and the seed.
TorchBaselines MeasureTorchBaselines(CudaEvaluator& gpu, TorchRunner& runner, const Task& task,
                                     const TorchBaselineOptions& options = {});

}  // namespace kopt
