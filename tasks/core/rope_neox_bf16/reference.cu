// Naive rotary embedding, half-split (NeoX / LLaMA) form: one thread per rotated pair
// (x[d], x[d + D/2]), cos and sin computed in fp32 from the token's position. Two launches of the
// same kernel, for Q and for K.
/*@kopt
{"launch": [{"kernel": "rope_naive", "grid": ["cdiv(T*HQ*(D/2),256)"], "block": [256],
             "args": ["Q", "positions", "Q_out", "T", "HQ", "D", "base"]},
            {"kernel": "rope_naive", "grid": ["cdiv(T*HKV*(D/2),256)"], "block": [256],
             "args": ["K", "positions", "K_out", "T", "HKV", "D", "base"]}]}
@kopt*/
#include <cuda_bf16.h>

extern "C" __global__ void rope_naive(const __nv_bfloat16* X, const int* positions,
                                      __nv_bfloat16* Y, int T, int H, int D, float base) {
  long idx = (long)blockIdx.x * blockDim.x + threadIdx.x;
  int half = D / 2;
  if (idx >= (long)T * H * half) return;
  int d = (int)(idx % half);
  long row = idx / half;  // (t, h) flattened
  int t = (int)(row / H);
  float inv_freq = 1.0f / powf(base, (float)(2 * d) / (float)D);
  float angle = (float)positions[t] * inv_freq;
  float s, c;
  sincosf(angle, &s, &c);
  float x1 = __bfloat162float(X[row * D + d]);
  float x2 = __bfloat162float(X[row * D + d + half]);
  Y[row * D + d] = __float2bfloat16(x1 * c - x2 * s);
  Y[row * D + d + half] = __float2bfloat16(x2 * c + x1 * s);
}
