// SPDX-License-Identifier: Apache-2.0
// CPU references of the convolution tasks (2-D direct and depthwise, causal 1-D), in double.
#include "tests/gpu/cpu_reference.h"

#include <cmath>

namespace kopt::testing {
namespace {

// Y[n,k,h,w] = sum over c, r, s of X[n, c, h+r-1, w+s-1] * weight[k, c, r, s]; samples outside
// the H x W image are zero (padding 1, stride 1, so the output keeps the input's size).
void Conv2d3x3(CpuCase& c) {
  const std::int64_t batch = c.sym("N"), channels = c.sym("C"), filters = c.sym("K");
  const std::int64_t height = c.sym("H"), width = c.sym("W");
  const auto& x = c.in("X");
  const auto& weight = c.in("weight");
  auto& y = c.out("Y");
  auto sample = [&](std::int64_t n, std::int64_t ch, std::int64_t h, std::int64_t w) {
    if (h < 0 || h >= height || w < 0 || w >= width) return 0.0;
    return x[((n * channels + ch) * height + h) * width + w];
  };
  for (std::int64_t n = 0; n < batch; ++n) {
    for (std::int64_t k = 0; k < filters; ++k) {
      for (std::int64_t h = 0; h < height; ++h) {
        for (std::int64_t w = 0; w < width; ++w) {
          double acc = 0;
          for (std::int64_t ch = 0; ch < channels; ++ch) {
            for (std::int64_t r = 0; r < 3; ++r) {
              for (std::int64_t s = 0; s < 3; ++s) {
                acc += sample(n, ch, h + r - 1, w + s - 1) *
                       weight[((k * channels + ch) * 3 + r) * 3 + s];
              }
            }
          }
          y[((n * filters + k) * height + h) * width + w] = acc;
        }
      }
    }
  }
}

// Y[n,c,h,w] = sum over r, s of X[n, c, h+r-1, w+s-1] * weight[c, r, s], zero outside the image.
void DepthwiseConv2d(CpuCase& c) {
  const std::int64_t batch = c.sym("N"), channels = c.sym("C");
  const std::int64_t height = c.sym("H"), width = c.sym("W");
  const auto& x = c.in("X");
  const auto& weight = c.in("weight");
  auto& y = c.out("Y");
  for (std::int64_t plane = 0; plane < batch * channels; ++plane) {
    const std::int64_t ch = plane % channels;
    for (std::int64_t h = 0; h < height; ++h) {
      for (std::int64_t w = 0; w < width; ++w) {
        double acc = 0;
        for (std::int64_t dh = -1; dh <= 1; ++dh) {
          for (std::int64_t dw = -1; dw <= 1; ++dw) {
            const std::int64_t hi = h + dh, wi = w + dw;
            if (hi < 0 || hi >= height || wi < 0 || wi >= width) continue;
            acc += x[(plane * height + hi) * width + wi] * weight[(ch * 3 + dh + 1) * 3 + dw + 1];
          }
        }
        y[(plane * height + h) * width + w] = acc;
      }
    }
  }
}

// y[b,d,t] = silu(bias[d] + sum_j weight[d, j] * x[b, d, t - (WIDTH-1) + j]): a filter that looks
// back WIDTH-1 steps, with zeros before the sequence starts; silu(v) = v * sigmoid(v).
void CausalConv1dSilu(CpuCase& c) {
  const std::int64_t batch = c.sym("B"), dim = c.sym("D"), len = c.sym("L");
  const std::int64_t taps = c.sym("WIDTH");
  const auto& x = c.in("x");
  const auto& weight = c.in("weight");
  const auto& bias = c.in("bias");
  auto& y = c.out("y");
  for (std::int64_t row = 0; row < batch * dim; ++row) {
    const std::int64_t d = row % dim;
    for (std::int64_t t = 0; t < len; ++t) {
      double v = bias[d];
      for (std::int64_t lag = 0; lag < taps; ++lag) {  // lag 0 is the current sample
        if (t - lag >= 0) v += weight[d * taps + (taps - 1 - lag)] * x[row * len + t - lag];
      }
      y[row * len + t] = v / (1.0 + std::exp(-v));
    }
  }
}

}  // namespace

KOPT_CPU_REFERENCE(conv2d_3x3_bf16, Conv2d3x3, {{"N", 2}, {"C", 7}, {"K", 5}, {"H", 6}, {"W", 9}});
KOPT_CPU_REFERENCE(depthwise_conv2d_fp32, DepthwiseConv2d,
                   {{"N", 2}, {"C", 5}, {"H", 7}, {"W", 9}});
KOPT_CPU_REFERENCE(causal_conv1d_silu_bf16, CausalConv1dSilu, {{"B", 2}, {"D", 7}, {"L", 50}});

}  // namespace kopt::testing
