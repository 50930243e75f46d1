// Naive causal attention: one warp per query row, two passes over the keys 0..i (the row's
// maximum score, then the exponentials' sum and the weighted sum of V), all in fp32. Lane l
// holds elements l, l+32, l+64, l+96 of the row, so any D up to 128 works.
/*@kopt
{"launch": [{"kernel": "attention_causal_naive", "grid": ["cdiv(B*H*S,8)"], "block": [256],
             "args": ["Q", "K", "V", "O", "B", "H", "S", "D", "scale"]}]}
@kopt*/
#include <cuda_bf16.h>

#define MAX_CHUNKS 4  // D <= 32 * MAX_CHUNKS

__device__ float dot_row(const float* q, const __nv_bfloat16* k, int lane, int D) {
  float s = 0.f;
  for (int c = 0; c < MAX_CHUNKS; ++c) {
    int d = lane + 32 * c;
    if (d < D) s += q[c] * __bfloat162float(k[d]);
  }
  for (int offset = 16; offset > 0; offset /= 2) s += __shfl_xor_sync(0xffffffffu, s, offset);
  return s;
}

extern "C" __global__ void attention_causal_naive(const __nv_bfloat16* Q, const __nv_bfloat16* K,
                                                  const __nv_bfloat16* V, __nv_bfloat16* O, int B,
                                                  int H, int S, int D, float scale) {
  long row = (long)blockIdx.x * (blockDim.x / 32) + threadIdx.x / 32;  // (b, h, i) flattened
  int lane = threadIdx.x % 32;
  if (row >= (long)B * H * S) return;  // the whole warp leaves together
  int i = (int)(row % S);
  const __nv_bfloat16* q = Q + row * D;
  const __nv_bfloat16* k = K + (row - i) * D;  // key 0 of this (b, h)
  const __nv_bfloat16* v = V + (row - i) * D;
  float qf[MAX_CHUNKS];
  for (int c = 0; c < MAX_CHUNKS; ++c) {
    int d = lane + 32 * c;
    qf[c] = d < D ? __bfloat162float(q[d]) : 0.f;
  }
  float m = -__int_as_float(0x7f800000);
  for (int j = 0; j <= i; ++j) m = fmaxf(m, dot_row(qf, k + (long)j * D, lane, D) * scale);
  float l = 0.f, acc[MAX_CHUNKS] = {0.f, 0.f, 0.f, 0.f};
  for (int j = 0; j <= i; ++j) {
    float p = expf(dot_row(qf, k + (long)j * D, lane, D) * scale - m);
    l += p;
    for (int c = 0; c < MAX_CHUNKS; ++c) {
      int d = lane + 32 * c;
      if (d < D) acc[c] += p * __bfloat162float(v[(long)j * D + d]);
    }
  }
  for (int c = 0; c < MAX_CHUNKS; ++c) {
    int d = lane + 32 * c;
    if (d < D) O[row * D + d] = __float2bfloat16(acc[c] / l);
  }
}
