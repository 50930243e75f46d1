// SPDX-License-Identifier: Apache-2.0
// CPU references of the reduction tasks (sum, argmax, scan, histogram, top-k).
#include "tests/gpu/cpu_reference.h"

namespace kopt::testing {
namespace {

void ReduceSum(CpuCase& c) {
  const auto& x = c.in("X");
  double sum = 0;
  for (double v : x) sum += v;
  c.out("S")[0] = sum;
}

}  // namespace

KOPT_CPU_REFERENCE(reduce_sum, ReduceSum, {{"N", 1000003}});

}  // namespace kopt::testing
