// Naive reference in one kernel: one warp per output element; the lanes split the gate and up
// dot products over K (coalesced reads of X and W), a shuffle reduction adds the partial sums in
// fp32, and lane 0 writes SiLU(gate) * up.
/*@kopt
{"launch": [{"kernel": "gate_up_swiglu_naive", "grid": ["cdiv(M*I,8)"], "block": [256],
             "args": ["X", "W", "Y", "M", "I", "K"]}]}
@kopt*/
#include <cuda_bf16.h>

__device__ float warp_sum(float v) {
  for (int offset = 16; offset > 0; offset /= 2) v += __shfl_xor_sync(0xffffffffu, v, offset);
  return v;
}

extern "C" __global__ void gate_up_swiglu_naive(const __nv_bfloat16* X, const __nv_bfloat16* W,
                                                __nv_bfloat16* Y, int M, int I, int K) {
  long out = (long)blockIdx.x * (blockDim.x / 32) + threadIdx.x / 32;  // (m, i) flattened
  int lane = threadIdx.x % 32;
  if (out >= (long)M * I) return;  // the whole warp leaves together
  int m = (int)(out / I), i = (int)(out % I);
  const __nv_bfloat16* x = X + (long)m * K;
  const __nv_bfloat16* w_gate = W + (long)i * K;      // rows [0, I) of W
  const __nv_bfloat16* w_up = W + ((long)I + i) * K;  // rows [I, 2I)
  float gate = 0.f, up = 0.f;
  for (int k = lane; k < K; k += 32) {
    float xv = __bfloat162float(x[k]);
    gate += xv * __bfloat162float(w_gate[k]);
    up += xv * __bfloat162float(w_up[k]);
  }
  gate = warp_sum(gate);
  up = warp_sum(up);
  if (lane == 0) Y[out] = __float2bfloat16(gate / (1.f + expf(-gate)) * up);
}
