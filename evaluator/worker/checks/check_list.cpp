// SPDX-License-Identifier: Apache-2.0
#include "evaluator/worker/checks/checks.h"

namespace kopt {

const std::vector<RunCheck>& RunChecks() {
  // Cheapest and most telling first: a write out of bounds explains wrong values, an unwritten
  // element explains a mismatch.
  static const std::vector<RunCheck> kChecks = {
      {"guards", CheckGuards},
      {"inputs_unchanged", CheckInputsUnchanged},
      {"outputs_written", CheckOutputsWritten},
      {"tolerance", CheckTolerance},
      {"timed_outputs", CheckTimedOutputs},
  };
  return kChecks;
}

std::optional<CheckFailure> ApplyRunChecks(const RunEvidence& run, CheckRecord& record) {
  for (const auto& check : RunChecks()) {
    if (auto failure = check.function(run, record)) {
      failure->check = std::string(check.name);
      return failure;
    }
  }
  return std::nullopt;
}

}  // namespace kopt
