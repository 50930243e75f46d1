// SPDX-License-Identifier: Apache-2.0
// inputs_unchanged: inputs are read-only; a kernel that writes them (scratch space, or an
// answer left for its next call) changes their checksum.
#include "evaluator/worker/checks/checks.h"

namespace kopt {

std::optional<CheckFailure> CheckInputsUnchanged(const RunEvidence& run, CheckRecord&) {
  for (const auto& in : run.inputs) {
    if (in.checksum_before == in.checksum_after) continue;
    return CheckFailure{
        "", EvalStatus::kWrongAnswer,
        run.when + ": the kernel modified input '" + in.name + "'; inputs are read-only"};
  }
  return std::nullopt;
}

}  // namespace kopt
