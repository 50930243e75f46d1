// SPDX-License-Identifier: Apache-2.0
// guards: every buffer sits between two 4 KiB zones of a known pattern; a changed byte is a
// write out of bounds (a far one crashes instead).
#include "evaluator/worker/checks/checks.h"

namespace kopt {

std::optional<CheckFailure> CheckGuards(const RunEvidence& run, CheckRecord&) {
  for (const auto& b : run.buffers) {
    if (b.guard_damage == 0) continue;
    return CheckFailure{"", EvalStatus::kWrongAnswer,
                        run.when + ": wrote outside buffer '" + b.name + "' (" +
                            std::to_string(b.guard_damage) +
                            " bytes of its guard zones changed): an out-of-bounds write; check "
                            "the bounds on ragged sizes"};
  }
  return std::nullopt;
}

}  // namespace kopt
