// SPDX-License-Identifier: Apache-2.0
// What reuse gave in one task's search: per iteration and proposer ("replay", "transfer",
// "tune"), the kernels evaluated, how many were correct, and the best of them against the kernel
// it was made from and the reference. `kopt reuse` prints it beside the schedule's own steps.
#pragma once

#include "search/search.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kopt {

struct StepOutcome {
  int iteration = 0;  // 0: the roots (a transferred kernel)
  std::string proposer;
  std::string option;  // the best kernel's menu option (the first kernel's, when none is correct)
  int kernels = 0;
  int correct = 0;
  std::map<std::string, int> failures;  // status name -> kernels, of those not correct and timed
  std::optional<double> latency_ms;     // the best correct kernel's median
  std::optional<double> speedup;        // that kernel over the reference
  std::optional<double> gain;           // the median of the kernel it was made from over its own
};

/// The outcome's kernels of `proposers`, by iteration then proposer.
std::vector<StepOutcome> StepOutcomes(const TaskOutcome& outcome,
                                      const std::vector<std::string>& proposers);

}  // namespace kopt
