// SPDX-License-Identifier: Apache-2.0
#include "search/step_outcomes.h"

#include <algorithm>
#include <tuple>

namespace kopt {

std::vector<StepOutcome> StepOutcomes(const TaskOutcome& outcome,
                                      const std::vector<std::string>& proposers) {
  std::vector<const EvaluatedKernel*> kernels;
  for (const EvaluatedKernel& e : outcome.evaluated) {
    if (std::find(proposers.begin(), proposers.end(), e.proposer) != proposers.end()) {
      kernels.push_back(&e);
    }
  }
  std::stable_sort(kernels.begin(), kernels.end(), [](const auto* a, const auto* b) {
    return std::tie(a->iteration, a->proposer) < std::tie(b->iteration, b->proposer);
  });
  std::vector<StepOutcome> out;
  for (const EvaluatedKernel* e : kernels) {
    if (out.empty() || std::tie(out.back().iteration, out.back().proposer) !=
                           std::tie(e->iteration, e->proposer)) {
      out.push_back({.iteration = e->iteration, .proposer = e->proposer, .option = e->option});
    }
    StepOutcome& step = out.back();
    ++step.kernels;
    if (!e->latency_ms) {
      ++step.failures[e->status == EvalStatus::kCorrect ? "untimed"
                                                        : std::string(EvalStatusName(e->status))];
      continue;
    }
    ++step.correct;
    if (step.latency_ms && *step.latency_ms <= *e->latency_ms) continue;
    step.latency_ms = e->latency_ms;
    step.option = e->option;
    step.speedup = e->speedup;
    step.gain.reset();
    if (e->parent_ms) step.gain = *e->parent_ms / *e->latency_ms;
  }
  return out;
}

}  // namespace kopt
