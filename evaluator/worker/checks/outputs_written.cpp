// SPDX-License-Identifier: Apache-2.0
// outputs_written: every output element must be written by this run. Outputs hold a salted
// poison before it (core/poison.h), so an element left alone is found by its bits, even where
// the reference is NaN and even when an earlier run left a right answer there.
#include "evaluator/worker/checks/checks.h"

namespace kopt {

std::optional<CheckFailure> CheckOutputsWritten(const RunEvidence& run, CheckRecord&) {
  for (const auto& out : run.outputs) {
    std::size_t unwritten = CountPoisoned(out.actual, out.poison);
    if (unwritten == 0) continue;
    std::int64_t first = FirstPoisoned(out.actual, out.poison);
    std::size_t count = out.actual.size() / DTypeSize(out.dtype);
    return CheckFailure{"", EvalStatus::kWrongAnswer,
                        run.when + ": " + out.name + ": the kernel did not write " +
                            std::to_string(unwritten) + " of " + std::to_string(count) +
                            " elements (first " + FormatIndex(out.name, first, out.shape) +
                            "); every output element must be written on every call"};
  }
  return std::nullopt;
}

}  // namespace kopt
