// SPDX-License-Identifier: Apache-2.0
// CPU references of the fusion tasks (a GEMM or convolution followed by a chain of elementwise
// and reduction ops), in double, each stage written out in full.
#include "tests/gpu/cpu_reference.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace kopt::testing {
namespace {

// LayerNorm(alpha * R + X W^T + bias) * gamma + beta, row by row.
void LinearResidualLayerNorm(CpuCase& c) {
  const std::int64_t m = c.sym("M"), n = c.sym("N"), k = c.sym("K");
  const auto& x = c.in("X");
  const auto& w = c.in("W");
  const auto& bias = c.in("bias");
  const auto& r = c.in("R");
  const auto& gamma = c.in("gamma");
  const auto& beta = c.in("beta");
  auto& y = c.out("Y");
  std::vector<double> h(static_cast<std::size_t>(n));
  for (std::int64_t row = 0; row < m; ++row) {
    for (std::int64_t col = 0; col < n; ++col) {
      double dot = 0;
      for (std::int64_t p = 0; p < k; ++p) dot += x[row * k + p] * w[col * k + p];
      h[col] = c.scalar("alpha") * r[row * n + col] + dot + bias[col];
    }
    double mean = 0;
    for (double v : h) mean += v / static_cast<double>(n);
    double var = 0;
    for (double v : h) var += (v - mean) * (v - mean) / static_cast<double>(n);
    for (std::int64_t col = 0; col < n; ++col) {
      y[row * n + col] =
          (h[col] - mean) / std::sqrt(var + c.scalar("eps")) * gamma[col] + beta[col];
    }
  }
}

// 3x3 convolution (stride 1, zero padding 1) + bias, ReLU, then 2x2 max-pool of stride 2. NCHW.
void ConvReluMaxPool(CpuCase& c) {
  const std::int64_t batch = c.sym("N"), ci = c.sym("CI"), co = c.sym("CO");
  const std::int64_t height = c.sym("H"), width = c.sym("W");
  const auto& x = c.in("X");
  const auto& wt = c.in("Wt");
  const auto& bias = c.in("bias");
  // The full-resolution activation first, then the pooling over it.
  std::vector<double> act(static_cast<std::size_t>(batch * co * height * width));
  for (std::int64_t n = 0; n < batch; ++n) {
    for (std::int64_t o = 0; o < co; ++o) {
      for (std::int64_t y = 0; y < height; ++y) {
        for (std::int64_t xw = 0; xw < width; ++xw) {
          double sum = bias[o];
          for (std::int64_t i = 0; i < ci; ++i) {
            for (std::int64_t dy = -1; dy <= 1; ++dy) {
              for (std::int64_t dx = -1; dx <= 1; ++dx) {
                const std::int64_t sy = y + dy, sx = xw + dx;
                if (sy < 0 || sy >= height || sx < 0 || sx >= width) continue;
                sum += x[((n * ci + i) * height + sy) * width + sx] *
                       wt[((o * ci + i) * 3 + dy + 1) * 3 + dx + 1];
              }
            }
          }
          act[((n * co + o) * height + y) * width + xw] = std::max(sum, 0.0);
        }
      }
    }
  }
  const std::int64_t ph = height / 2, pw = width / 2;
  auto& out = c.out("Y");
  for (std::int64_t plane = 0; plane < batch * co; ++plane) {
    for (std::int64_t i = 0; i < ph; ++i) {
      for (std::int64_t j = 0; j < pw; ++j) {
        const double* a = &act[(plane * height + 2 * i) * width + 2 * j];
        out[(plane * ph + i) * pw + j] = std::max({a[0], a[1], a[width], a[width + 1]});
      }
    }
  }
}

// SiLU(X W_gate^T) * (X W_up^T), where W stacks the gate rows over the up rows.
void GateUpSwiGlu(CpuCase& c) {
  const std::int64_t m = c.sym("M"), k = c.sym("K"), inter = c.sym("I");
  const auto& x = c.in("X");
  const auto& w = c.in("W");
  auto& y = c.out("Y");
  for (std::int64_t row = 0; row < m; ++row) {
    for (std::int64_t j = 0; j < inter; ++j) {
      double gate = 0, up = 0;
      for (std::int64_t p = 0; p < k; ++p) {
        gate += x[row * k + p] * w[j * k + p];
        up += x[row * k + p] * w[(inter + j) * k + p];
      }
      const double sigmoid = 1 / (1 + std::exp(-gate));
      y[row * inter + j] = gate * sigmoid * up;
    }
  }
}

// 3x3 convolution (stride 2, zero padding 1, no bias) in NHWC / OHWI, inference batch norm,
// hard-swish.
void ConvBnHardSwish(CpuCase& c) {
  const std::int64_t batch = c.sym("N"), height = c.sym("H"), width = c.sym("W");
  const std::int64_t ci = c.sym("CI"), co = c.sym("CO");
  const std::int64_t oh = (height + 1) / 2, ow = (width + 1) / 2;
  const auto& x = c.in("X");
  const auto& wt = c.in("Wt");
  const auto& gamma = c.in("bn_gamma");
  const auto& beta = c.in("bn_beta");
  const auto& mean = c.in("bn_mean");
  const auto& var = c.in("bn_var");
  auto& out = c.out("Y");
  for (std::int64_t n = 0; n < batch; ++n) {
    for (std::int64_t y = 0; y < oh; ++y) {
      for (std::int64_t xw = 0; xw < ow; ++xw) {
        for (std::int64_t o = 0; o < co; ++o) {
          double conv = 0;
          for (std::int64_t ky = 0; ky < 3; ++ky) {
            for (std::int64_t kx = 0; kx < 3; ++kx) {
              const std::int64_t sy = 2 * y - 1 + ky, sx = 2 * xw - 1 + kx;
              if (sy < 0 || sy >= height || sx < 0 || sx >= width) continue;
              for (std::int64_t i = 0; i < ci; ++i) {
                conv += x[((n * height + sy) * width + sx) * ci + i] *
                        wt[((o * 3 + ky) * 3 + kx) * ci + i];
              }
            }
          }
          const double z =
              gamma[o] * (conv - mean[o]) / std::sqrt(var[o] + c.scalar("eps")) + beta[o];
          const double ramp = std::min(std::max(z + 3, 0.0), 6.0);
          out[((n * oh + y) * ow + xw) * co + o] = z * ramp / 6;
        }
      }
    }
  }
}

}  // namespace

KOPT_CPU_REFERENCE(fused_linear_residual_layernorm, LinearResidualLayerNorm,
                   {{"M", 33}, {"N", 100}, {"K", 70}});
KOPT_CPU_REFERENCE(fused_conv3x3_relu_maxpool, ConvReluMaxPool,
                   {{"N", 1}, {"CI", 6}, {"CO", 5}, {"H", 13}, {"W", 10}});
KOPT_CPU_REFERENCE(fused_gate_up_swiglu, GateUpSwiGlu, {{"M", 9}, {"K", 130}, {"I", 70}});
KOPT_CPU_REFERENCE(fused_conv_bn_hardswish, ConvBnHardSwish,
                   {{"N", 2}, {"H", 13}, {"W", 10}, {"CI", 12}, {"CO", 5}});

}  // namespace kopt::testing
