// Naive SiLU-and-mul: one thread per output element, fp32 math, one bf16 rounding.
/*@kopt
{"launch": [{"kernel": "silu_and_mul_naive", "grid": ["cdiv(D,256)", "T"], "block": [256],
             "args": ["X", "Y", "D"]}]}
@kopt*/
#include <cuda_bf16.h>

extern "C" __global__ void silu_and_mul_naive(const __nv_bfloat16* X, __nv_bfloat16* Y, int d) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= d) return;
  const __nv_bfloat16* x = X + (long)blockIdx.y * 2 * d;
  float gate = __bfloat162float(x[i]);
  float up = __bfloat162float(x[d + i]);
  float silu = gate / (1.f + expf(-gate));
  Y[(long)blockIdx.y * d + i] = __float2bfloat16(silu * up);
}
