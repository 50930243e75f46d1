// Naive decode attention: one warp per (sequence, query head), two passes over the sequence's
// first lens[b] cache slots (maximum score, then the exponentials' sum and the weighted sum of V),
// all in fp32. Query head h reads KV head h / (HQ / HKV). Lane l holds elements l, l+32, ... of a
// row, so any D up to 128 works.
/*@kopt
{"launch": [{"kernel": "attention_decode_naive", "grid": ["cdiv(B*HQ,8)"], "block": [256],
             "args": ["Q", "K", "V", "lens", "O", "B", "HQ", "HKV", "S_MAX", "D", "scale"]}]}
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

extern "C" __global__ void attention_decode_naive(const __nv_bfloat16* Q, const __nv_bfloat16* K,
                                                  const __nv_bfloat16* V, const int* lens,
                                                  __nv_bfloat16* O, int B, int HQ, int HKV,
                                                  int S_MAX, int D, float scale) {
  long row = (long)blockIdx.x * (blockDim.x / 32) + threadIdx.x / 32;  // (b, h) flattened
  int lane = threadIdx.x % 32;
  if (row >= (long)B * HQ) return;  // the whole warp leaves together
  int b = (int)(row / HQ), h = (int)(row % HQ);
  int kv_head = h / (HQ / HKV);
  int len = lens[b];
  const __nv_bfloat16* q = Q + row * D;
  const __nv_bfloat16* k = K + ((long)b * HKV + kv_head) * S_MAX * D;
  const __nv_bfloat16* v = V + ((long)b * HKV + kv_head) * S_MAX * D;
  float qf[MAX_CHUNKS];
  for (int c = 0; c < MAX_CHUNKS; ++c) {
    int d = lane + 32 * c;
    qf[c] = d < D ? __bfloat162float(q[d]) : 0.f;
  }
  float m = -__int_as_float(0x7f800000);
  for (int j = 0; j < len; ++j) m = fmaxf(m, dot_row(qf, k + (long)j * D, lane, D) * scale);
  float l = 0.f, acc[MAX_CHUNKS] = {0.f, 0.f, 0.f, 0.f};
  for (int j = 0; j < len; ++j) {
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
