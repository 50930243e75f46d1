// SPDX-License-Identifier: Apache-2.0
// CPU references of the activation tasks (elementwise and gated activations), in double.
#include "tests/gpu/cpu_reference.h"

#include <cmath>

namespace kopt::testing {
namespace {

// The gate is the first half of each row of X, the up projection the second.
void SiluAndMul(CpuCase& c) {
  const std::int64_t tokens = c.sym("T"), d = c.sym("D");
  const auto& x = c.in("X");
  auto& y = c.out("Y");
  for (std::int64_t t = 0; t < tokens; ++t) {
    for (std::int64_t i = 0; i < d; ++i) {
      const double gate = x[t * 2 * d + i];
      const double up = x[t * 2 * d + d + i];
      const double sigmoid = 1 / (1 + std::exp(-gate));
      y[t * d + i] = gate * sigmoid * up;
    }
  }
}

// GELU(x) = x * Phi(x), with the normal CDF written through erfc so that the negative tail keeps
// its relative accuracy.
void GeluErf(CpuCase& c) {
  const auto& x = c.in("X");
  auto& y = c.out("Y");
  for (std::size_t i = 0; i < x.size(); ++i) y[i] = x[i] * 0.5 * std::erfc(-x[i] / std::sqrt(2.0));
}

}  // namespace

KOPT_CPU_REFERENCE(silu_and_mul_bf16, SiluAndMul, {{"T", 37}, {"D", 1001}});
KOPT_CPU_REFERENCE(gelu_erf_bf16, GeluErf, {{"ROWS", 37}, {"COLS", 1001}});

}  // namespace kopt::testing
