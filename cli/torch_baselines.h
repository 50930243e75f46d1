// SPDX-License-Identifier: Apache-2.0
// The PyTorch baselines of the tasks a command evaluates: --python and --no-torch, the runner,
// and the store as their cache (measured once per task version, GPU and PyTorch; --force
// measures again).
#pragma once

#include "evaluator/cuda_evaluator.h"
#include "evaluator/torch_runner.h"
#include "results/store.h"

#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>

namespace kopt::cli {

struct TorchOptions {
  std::string python;  // --python: the interpreter; "" = python3 on PATH
  bool off = false;    // --no-torch
};

void AddTorchOptions(CLI::App* command, TorchOptions& options);

/// The runner, or none with --no-torch. Throws ConfigError naming --python for a bad path.
std::unique_ptr<TorchRunner> MakeTorchRunner(const TorchOptions& options, int device);

struct StoredTorchBaselines {
  std::optional<TorchBaselineRecord> eager;
  std::optional<TorchBaselineRecord> compiled;
};

/// The task's baselines on `device` from the store, measured first when the store has none for
/// this PyTorch (or `force`). Without a usable runner only stored ones are returned.
StoredTorchBaselines EnsureTorchBaselines(Store& store, std::int64_t run_id, std::int64_t task_id,
                                          const Task& task, const std::string& device,
                                          CudaEvaluator& gpu, TorchRunner* runner, bool force);

/// "PyTorch 2.9.0 (Triton 3.5.0) in /usr/bin/python3", or why there is no runner.
std::string TorchRunnerText(TorchRunner* runner);

}  // namespace kopt::cli
