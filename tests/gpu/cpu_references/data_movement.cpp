// SPDX-License-Identifier: Apache-2.0
// CPU references of the data-movement tasks (transpose, gathers, copies).
#include "tests/gpu/cpu_reference.h"

namespace kopt::testing {
namespace {

void TransposeFp32(CpuCase& c) {
  const std::int64_t rows = c.sym("ROWS"), cols = c.sym("COLS");
  const auto& x = c.in("X");
  auto& y = c.out("Y");
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t col = 0; col < cols; ++col) y[col * rows + r] = x[r * cols + col];
  }
}

// [B, S, H, D] -> [B, H, S, D].
void PermuteHeads(CpuCase& c) {
  const std::int64_t batch = c.sym("B"), seq = c.sym("S"), heads = c.sym("H"), dim = c.sym("D");
  const auto& x = c.in("X");
  auto& y = c.out("Y");
  for (std::int64_t b = 0; b < batch; ++b) {
    for (std::int64_t s = 0; s < seq; ++s) {
      for (std::int64_t h = 0; h < heads; ++h) {
        for (std::int64_t d = 0; d < dim; ++d) {
          y[((b * heads + h) * seq + s) * dim + d] = x[((b * seq + s) * heads + h) * dim + d];
        }
      }
    }
  }
}

}  // namespace

KOPT_CPU_REFERENCE(transpose_fp32, TransposeFp32, {{"ROWS", 123}, {"COLS", 77}});
KOPT_CPU_REFERENCE(permute_heads_bf16, PermuteHeads, {{"B", 2}, {"S", 77}, {"H", 5}, {"D", 80}});

}  // namespace kopt::testing
