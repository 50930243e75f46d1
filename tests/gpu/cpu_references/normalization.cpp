// SPDX-License-Identifier: Apache-2.0
// CPU references of the normalization tasks (softmax, LayerNorm, RMSNorm and their fusions).
#include "tests/gpu/cpu_reference.h"

#include <algorithm>
#include <cmath>

namespace kopt::testing {
namespace {

void SoftmaxRows(CpuCase& c) {
  const std::int64_t rows = c.sym("ROWS"), cols = c.sym("COLS");
  const auto& x = c.in("X");
  auto& y = c.out("Y");
  for (std::int64_t r = 0; r < rows; ++r) {
    const double* row = &x[r * cols];
    double max = *std::max_element(row, row + cols);
    double sum = 0;
    for (std::int64_t i = 0; i < cols; ++i) sum += std::exp(row[i] - max);
    for (std::int64_t i = 0; i < cols; ++i) y[r * cols + i] = std::exp(row[i] - max) / sum;
  }
}

void RmsNormBf16(CpuCase& c) {
  const std::int64_t rows = c.sym("ROWS"), hidden = c.sym("HIDDEN");
  const auto& x = c.in("X");
  const auto& w = c.in("W");
  const double eps = c.scalar("eps");
  auto& y = c.out("Y");
  for (std::int64_t r = 0; r < rows; ++r) {
    double ss = 0;
    for (std::int64_t i = 0; i < hidden; ++i) ss += x[r * hidden + i] * x[r * hidden + i];
    double scale = 1 / std::sqrt(ss / static_cast<double>(hidden) + eps);
    for (std::int64_t i = 0; i < hidden; ++i) y[r * hidden + i] = x[r * hidden + i] * scale * w[i];
  }
}

}  // namespace

KOPT_CPU_REFERENCE(softmax_rows, SoftmaxRows, {{"ROWS", 37}, {"COLS", 1000}});
KOPT_CPU_REFERENCE(rmsnorm_bf16, RmsNormBf16, {{"ROWS", 37}, {"HIDDEN", 1000}});

}  // namespace kopt::testing
