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

}  // namespace

KOPT_CPU_REFERENCE(transpose_fp32, TransposeFp32, {{"ROWS", 123}, {"COLS", 77}});

}  // namespace kopt::testing
