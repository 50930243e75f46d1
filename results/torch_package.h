// SPDX-License-Identifier: Apache-2.0
// `kopt export --format torch`: a winning kernel as a Python package that registers it as a
// PyTorch custom operator (torch.library) with the task's tensor signature. The package holds
// the compiled cubin, the source, a generated __init__.py (the task's tensors, sizes and launch
// block as Python) and kopt's runtime (torch_runtime.py: checks, cubin loading, launches through
// the CUDA driver). Forward only: no autograd formula is registered.
#pragma once

#include "core/device_info.h"
#include "core/task.h"
#include "results/export.h"

#include <string>
#include <utility>
#include <vector>

namespace kopt {

struct TorchPackage {
  std::string name;  // the Python package, "kopt_rmsnorm_bf16"
  std::string op;    // the operator, "kopt::rmsnorm_bf16"
  std::vector<std::pair<std::string, std::string>> files;  // file name -> content
};

/// The package of `item`, whose kernel `cubin` was compiled for `arch` ("sm_90a") with the
/// options the evaluator uses. `task` is the item's task version (parsed from the store). Throws
/// ConfigError when the kernel's launch block does not resolve at the task's size.
TorchPackage MakeTorchPackage(const ExportItem& item, const Task& task, const std::string& arch,
                              const std::string& cubin);

/// Writes the package as `out_dir/<name>/` (replacing the files it holds) and returns that
/// folder. Throws Error when a file cannot be written.
std::string WriteTorchPackage(const TorchPackage& package, const std::string& out_dir);

/// The text of torch_runtime.py, built into kopt.
std::string_view TorchRuntimeScript();

}  // namespace kopt
