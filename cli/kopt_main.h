// SPDX-License-Identifier: Apache-2.0
// kopt as a function: what the kopt binary's main runs, and what a test program linking kopt_cli
// runs with a part replaced (the CPU end-to-end test of `kopt optimize` passes a fake evaluator).
#pragma once

#include "cli/command.h"

namespace kopt::cli {

/// Collects the known secrets, builds the command line from the command table, runs the chosen
/// command and maps errors to exit codes. `optimize_evaluator` (optional) defaults to the GPU.
int Main(int argc, char** argv, OptimizeEvaluatorFactory optimize_evaluator = {});

}  // namespace kopt::cli
