// Naive reference in one kernel: one thread per pooled output computes the four 3x3 convolution
// outputs of its 2x2 window directly (zero padding outside the image), adds the bias, applies
// ReLU and keeps the maximum. fp32 throughout.
/*@kopt
{"launch": [{"kernel": "conv_relu_pool_naive", "grid": ["cdiv(N*CO*(H/2)*(W/2),256)"],
             "block": [256], "args": ["X", "Wt", "bias", "Y", "N", "CI", "CO", "H", "W"]}]}
@kopt*/
extern "C" __global__ void conv_relu_pool_naive(const float* X, const float* Wt, const float* bias,
                                                float* Y, int N, int CI, int CO, int H, int W) {
  int PH = H / 2, PW = W / 2;
  long idx = (long)blockIdx.x * blockDim.x + threadIdx.x;
  if (idx >= (long)N * CO * PH * PW) return;
  int pw = (int)(idx % PW);
  int ph = (int)(idx / PW % PH);
  int co = (int)(idx / ((long)PW * PH) % CO);
  int n = (int)(idx / ((long)PW * PH * CO));
  float best = 0.f;  // ReLU output is never below zero
  for (int dy = 0; dy < 2; ++dy) {
    for (int dx = 0; dx < 2; ++dx) {
      int oh = 2 * ph + dy, ow = 2 * pw + dx;
      float acc = bias[co];
      for (int ci = 0; ci < CI; ++ci) {
        for (int kh = 0; kh < 3; ++kh) {
          for (int kw = 0; kw < 3; ++kw) {
            int ih = oh + kh - 1, iw = ow + kw - 1;
            if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
            acc +=
                X[(((long)n * CI + ci) * H + ih) * W + iw] * Wt[((co * CI + ci) * 3 + kh) * 3 + kw];
          }
        }
      }
      best = fmaxf(best, fmaxf(acc, 0.f));
    }
  }
  Y[idx] = best;
}
