// SPDX-License-Identifier: Apache-2.0
// CPU references of the matrix tasks (GEMM, GEMV, batched GEMM, GEMM epilogues), in double.
#include "tests/gpu/cpu_reference.h"

namespace kopt::testing {
namespace {

void GemmFp32(CpuCase& c) {
  const std::int64_t m = c.sym("M"), n = c.sym("N"), k = c.sym("K");
  const auto& a = c.in("A");
  const auto& b = c.in("B");
  auto& out = c.out("C");
  for (std::int64_t i = 0; i < m; ++i) {
    for (std::int64_t j = 0; j < n; ++j) {
      double acc = 0;
      for (std::int64_t p = 0; p < k; ++p) acc += a[i * k + p] * b[p * n + j];
      out[i * n + j] = acc;
    }
  }
}

}  // namespace

KOPT_CPU_REFERENCE(gemm_fp32, GemmFp32, {{"M", 67}, {"N", 45}, {"K", 130}});

}  // namespace kopt::testing
