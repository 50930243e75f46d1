// Naive reference in one kernel: one thread per output element (channel fastest) computes its
// stride-2 3x3 convolution directly in fp32 (zero padding outside the image), applies the
// inference batch norm from the running statistics, then hard-swish.
/*@kopt
{"launch": [{"kernel": "conv_bn_hardswish_naive", "grid": ["cdiv(N*((H+1)/2)*((W+1)/2)*CO,256)"],
             "block": [256],
             "args": ["X", "Wt", "bn_gamma", "bn_beta", "bn_mean", "bn_var", "Y",
                      "N", "H", "W", "CI", "CO", "eps"]}]}
@kopt*/
#include <cuda_bf16.h>

extern "C" __global__ void conv_bn_hardswish_naive(const __nv_bfloat16* X, const __nv_bfloat16* Wt,
                                                   const float* bn_gamma, const float* bn_beta,
                                                   const float* bn_mean, const float* bn_var,
                                                   __nv_bfloat16* Y, int N, int H, int W, int CI,
                                                   int CO, float eps) {
  int OH = (H + 1) / 2, OW = (W + 1) / 2;
  long idx = (long)blockIdx.x * blockDim.x + threadIdx.x;
  if (idx >= (long)N * OH * OW * CO) return;
  int co = (int)(idx % CO);
  int ow = (int)(idx / CO % OW);
  int oh = (int)(idx / ((long)CO * OW) % OH);
  int n = (int)(idx / ((long)CO * OW * OH));
  float acc = 0.f;
  for (int kh = 0; kh < 3; ++kh) {
    int ih = 2 * oh + kh - 1;
    if (ih < 0 || ih >= H) continue;
    for (int kw = 0; kw < 3; ++kw) {
      int iw = 2 * ow + kw - 1;
      if (iw < 0 || iw >= W) continue;
      const __nv_bfloat16* x = X + (((long)n * H + ih) * W + iw) * CI;
      const __nv_bfloat16* w = Wt + (((long)co * 3 + kh) * 3 + kw) * CI;
      for (int ci = 0; ci < CI; ++ci) acc += __bfloat162float(x[ci]) * __bfloat162float(w[ci]);
    }
  }
  float y = (acc - bn_mean[co]) / sqrtf(bn_var[co] + eps) * bn_gamma[co] + bn_beta[co];
  float hs = y * fminf(fmaxf(y + 3.f, 0.f), 6.f) / 6.f;
  Y[idx] = __float2bfloat16(hs);
}
