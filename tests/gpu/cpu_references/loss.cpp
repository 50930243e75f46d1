// SPDX-License-Identifier: Apache-2.0
// CPU references of the loss tasks, in double.
#include "core/error.h"
#include "tests/gpu/cpu_reference.h"

#include <algorithm>
#include <cmath>

namespace kopt::testing {
namespace {

// loss[t] = -log(softmax(logits[t])[target]) = logsumexp(logits[t]) - logits[t, target].
void CrossEntropy(CpuCase& c) {
  const std::int64_t tokens = c.sym("T"), vocab = c.sym("V");
  const auto& logits = c.in("logits");
  const auto& targets = c.in("targets");
  auto& loss = c.out("loss");
  for (std::int64_t t = 0; t < tokens; ++t) {
    const double* row = &logits[t * vocab];
    const double max = *std::max_element(row, row + vocab);
    double sum = 0;
    for (std::int64_t v = 0; v < vocab; ++v) sum += std::exp(row[v] - max);
    const auto target = static_cast<std::int64_t>(targets[t]);
    KOPT_CHECK(target >= 0 && target < vocab);  // the task's randint bound must fit every size
    loss[t] = max + std::log(sum) - row[target];
  }
}

}  // namespace

KOPT_CPU_REFERENCE(cross_entropy_bf16, CrossEntropy, {{"T", 7}, {"V", 32003}});

}  // namespace kopt::testing
