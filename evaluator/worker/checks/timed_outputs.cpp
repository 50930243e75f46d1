// SPDX-License-Identifier: Apache-2.0
// timed_outputs: the outputs of every timed sample, re-poisoned before it and compared with the
// reference on the device after it. A kernel that skips work on later calls (remembered
// results, call counters, clocks, inputs it saw before) is right in the checks and wrong here.
#include "evaluator/worker/checks/checks.h"

namespace kopt {

std::optional<CheckFailure> CheckTimedOutputs(const RunEvidence& run, CheckRecord&) {
  if (!run.timed || run.timed->bad_samples == 0) return std::nullopt;
  const TimedEvidence& t = *run.timed;
  std::string what = t.unwritten_elements > 0
                         ? std::to_string(t.unwritten_elements) + " elements left unwritten"
                         : std::to_string(t.wrong_elements) + " elements out of tolerance";
  return CheckFailure{
      "", EvalStatus::kWrongAnswer,
      run.when + ": " + std::to_string(t.bad_samples) + " of " + std::to_string(t.samples) +
          " timed runs produced a wrong output (first: run " + std::to_string(t.first_bad_sample) +
          "; " + what +
          ") although the correctness checks passed: the kernel behaves differently on later "
          "calls. It must compute every output from its inputs on every call, without state "
          "kept across launches, call counts, clocks or earlier inputs"};
}

}  // namespace kopt
