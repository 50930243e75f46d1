// SPDX-License-Identifier: Apache-2.0
// CPU references of the normalization tasks (softmax, LayerNorm, RMSNorm and their fusions).
#include "core/host_values.h"
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

void LayerNormBf16(CpuCase& c) {
  const std::int64_t rows = c.sym("ROWS"), hidden = c.sym("HIDDEN");
  const auto& x = c.in("X");
  const auto& w = c.in("W");
  const auto& b = c.in("B");
  const double eps = c.scalar("eps");
  auto& y = c.out("Y");
  for (std::int64_t r = 0; r < rows; ++r) {
    const double* row = &x[r * hidden];
    double mean = 0;
    for (std::int64_t i = 0; i < hidden; ++i) mean += row[i];
    mean /= static_cast<double>(hidden);
    double var = 0;
    for (std::int64_t i = 0; i < hidden; ++i) var += (row[i] - mean) * (row[i] - mean);
    var /= static_cast<double>(hidden);
    const double inv_std = 1 / std::sqrt(var + eps);
    for (std::int64_t i = 0; i < hidden; ++i) {
      y[r * hidden + i] = (row[i] - mean) * inv_std * w[i] + b[i];
    }
  }
}

// The new residual is the sum rounded to bf16, and the norm is taken of that rounded sum.
void FusedAddRmsNormBf16(CpuCase& c) {
  const std::int64_t tokens = c.sym("T"), hidden = c.sym("H");
  const auto& x = c.in("X");
  const auto& residual = c.in("residual");
  const auto& w = c.in("W");
  const double eps = c.scalar("eps");
  auto& residual_out = c.out("residual_out");
  auto& y = c.out("Y");
  for (std::int64_t t = 0; t < tokens; ++t) {
    double mean_square = 0;
    for (std::int64_t i = 0; i < hidden; ++i) {
      const std::int64_t e = t * hidden + i;
      residual_out[e] = BFloat16ToDouble(DoubleToBFloat16(x[e] + residual[e]));
      mean_square += residual_out[e] * residual_out[e];
    }
    mean_square /= static_cast<double>(hidden);
    const double scale = 1 / std::sqrt(mean_square + eps);
    for (std::int64_t i = 0; i < hidden; ++i) {
      y[t * hidden + i] = residual_out[t * hidden + i] * scale * w[i];
    }
  }
}

}  // namespace

KOPT_CPU_REFERENCE(softmax_rows, SoftmaxRows, {{"ROWS", 37}, {"COLS", 1000}});
KOPT_CPU_REFERENCE(rmsnorm_bf16, RmsNormBf16, {{"ROWS", 37}, {"HIDDEN", 1000}});
KOPT_CPU_REFERENCE(softmax_scores_bf16, SoftmaxRows, {{"ROWS", 37}, {"COLS", 1000}});
KOPT_CPU_REFERENCE(softmax_vocab_fp32, SoftmaxRows, {{"ROWS", 3}, {"COLS", 100003}});
KOPT_CPU_REFERENCE(layernorm_bf16, LayerNormBf16, {{"ROWS", 37}, {"HIDDEN", 1000}});
// The same definition as rmsnorm_bf16; the test rounds to each task's output dtype.
KOPT_CPU_REFERENCE(rmsnorm_fp16_8192, RmsNormBf16, {{"ROWS", 37}, {"HIDDEN", 1000}});
KOPT_CPU_REFERENCE(fused_add_rmsnorm_bf16, FusedAddRmsNormBf16, {{"T", 37}, {"H", 1000}});

}  // namespace kopt::testing
