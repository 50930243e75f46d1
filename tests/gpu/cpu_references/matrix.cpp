// SPDX-License-Identifier: Apache-2.0
// CPU references of the matrix tasks (GEMM, GEMV, batched GEMM, GEMM epilogues), in double.
#include "tests/gpu/cpu_reference.h"

#include <algorithm>
#include <cmath>
#include <numbers>

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

// A product of row-major a [m, k] and b, which is [k, n], or [n, k] when `b_rows_are_columns`
// (a weight matrix in nn.Linear layout).
struct MatrixProduct {
  std::int64_t m, n, k;
  bool b_rows_are_columns = false;
};

// Element [i, j] of the product: sum_q a[i, q] * b[q, j], the matrices starting at the offsets.
double Dot(const MatrixProduct& p, const std::vector<double>& a, std::int64_t a_offset,
           const std::vector<double>& b, std::int64_t b_offset, std::int64_t i, std::int64_t j) {
  double acc = 0;
  for (std::int64_t q = 0; q < p.k; ++q) {
    double bv = p.b_rows_are_columns ? b[b_offset + j * p.k + q] : b[b_offset + q * p.n + j];
    acc += a[a_offset + i * p.k + q] * bv;
  }
  return acc;
}

// Y = act(A @ B + bias) over the whole output; `bias` may be null, `act` maps a pre-activation.
template <typename Act>
void Product(CpuCase& c, const MatrixProduct& p, const char* a, const char* b, const char* out,
             const char* bias, Act act) {
  const auto& av = c.in(a);
  const auto& bv = c.in(b);
  const std::vector<double>* biasv = bias ? &c.in(bias) : nullptr;
  auto& y = c.out(out);
  for (std::int64_t i = 0; i < p.m; ++i) {
    for (std::int64_t j = 0; j < p.n; ++j) {
      double v = Dot(p, av, 0, bv, 0, i, j) + (biasv ? (*biasv)[j] : 0.0);
      y[i * p.n + j] = act(v);
    }
  }
}

double Identity(double v) { return v; }
double Relu(double v) { return std::max(v, 0.0); }
// GELU, tanh approximation: 0.5 v (1 + tanh(sqrt(2/pi) (v + 0.044715 v^3))).
double GeluTanh(double v) {
  const double sqrt_2_over_pi = std::sqrt(2.0 / std::numbers::pi);
  return 0.5 * v * (1.0 + std::tanh(sqrt_2_over_pi * (v + 0.044715 * v * v * v)));
}

MatrixProduct Mnk(const CpuCase& c, bool b_rows_are_columns) {
  return {c.sym("M"), c.sym("N"), c.sym("K"), b_rows_are_columns};
}

void GemmAB(CpuCase& c) { Product(c, Mnk(c, false), "A", "B", "C", nullptr, Identity); }
void RouterLogits(CpuCase& c) { Product(c, Mnk(c, true), "X", "W", "logits", nullptr, Identity); }
void GemmXWt(CpuCase& c) { Product(c, Mnk(c, true), "X", "W", "Y", nullptr, Identity); }
void GemmBiasRelu(CpuCase& c) { Product(c, Mnk(c, true), "X", "W", "Y", "bias", Relu); }
void GemmBiasGelu(CpuCase& c) { Product(c, Mnk(c, true), "X", "W", "Y", "bias", GeluTanh); }

// y[n] = sum_k W[n, k] x[k].
void Gemv(CpuCase& c) {
  const std::int64_t n = c.sym("N"), k = c.sym("K");
  const auto& w = c.in("W");
  const auto& x = c.in("x");
  auto& y = c.out("y");
  for (std::int64_t row = 0; row < n; ++row) {
    double acc = 0;
    for (std::int64_t q = 0; q < k; ++q) acc += w[row * k + q] * x[q];
    y[row] = acc;
  }
}

// S[h, i, j] = sum_d Q[h, i, d] K[h, j, d], one independent product per head.
void QkScores(CpuCase& c) {
  const std::int64_t heads = c.sym("BH"), sq = c.sym("SQ"), skv = c.sym("SKV"), d = c.sym("D");
  const MatrixProduct p{sq, skv, d, true};
  const auto& q = c.in("Q");
  const auto& k = c.in("K");
  auto& s = c.out("S");
  for (std::int64_t h = 0; h < heads; ++h) {
    for (std::int64_t i = 0; i < sq; ++i) {
      for (std::int64_t j = 0; j < skv; ++j) {
        s[(h * sq + i) * skv + j] = Dot(p, q, h * sq * d, k, h * skv * d, i, j);
      }
    }
  }
}

}  // namespace

KOPT_CPU_REFERENCE(gemm_fp32, GemmFp32, {{"M", 67}, {"N", 45}, {"K", 130}});
KOPT_CPU_REFERENCE(gemm_fp32_4096, GemmAB, {{"M", 37}, {"N", 53}, {"K", 301}});
KOPT_CPU_REFERENCE(gemm_fp16_4096, GemmAB, {{"M", 37}, {"N", 53}, {"K", 301}});
KOPT_CPU_REFERENCE(gemm_bf16_4096, GemmAB, {{"M", 37}, {"N", 53}, {"K", 301}});
KOPT_CPU_REFERENCE(gemm_moe_router_bf16, RouterLogits, {{"M", 41}, {"N", 24}, {"K", 333}});
KOPT_CPU_REFERENCE(gemm_decode_qkv_bf16, GemmXWt, {{"M", 5}, {"N", 77}, {"K", 1001}});
KOPT_CPU_REFERENCE(gemm_batched_qk_bf16, QkScores, {{"BH", 3}, {"SQ", 19}, {"SKV", 27}, {"D", 72}});
KOPT_CPU_REFERENCE(gemv_bf16, Gemv, {{"N", 133}, {"K", 2049}});
KOPT_CPU_REFERENCE(gemm_bias_relu_bf16, GemmBiasRelu, {{"M", 29}, {"N", 67}, {"K", 300}});
KOPT_CPU_REFERENCE(gemm_bias_gelu_bf16, GemmBiasGelu, {{"M", 29}, {"N", 67}, {"K", 300}});

}  // namespace kopt::testing
