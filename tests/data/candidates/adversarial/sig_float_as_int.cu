// Signature: declares the f32 scalar eps as int and converts it, so the kernel sees eps as
// 897988541.0 (the bits of 1e-6 read as an integer) and every output collapses towards zero. A
// harness that only compares values reports a wrong answer, not the mismatched parameter type.
/*@kopt
{"launch": [{"kernel": "rmsnorm_int_eps", "grid": ["ROWS"], "block": [256], "args": ["X", "W", "Y", "ROWS", "HIDDEN", "eps"]}]}
@kopt*/
#include <cuda_bf16.h>
extern "C" __global__ void rmsnorm_int_eps(const __nv_bfloat16* X, const __nv_bfloat16* W,
                                           __nv_bfloat16* Y, int rows, int hidden, int eps) {  // BUG: f32 passed
  __shared__ float scratch[8];
  const __nv_bfloat16* x = X + (long)blockIdx.x * hidden;
  __nv_bfloat16* y = Y + (long)blockIdx.x * hidden;
  float ss = 0.f;
  for (int i = threadIdx.x; i < hidden; i += 256) {
    float v = __bfloat162float(x[i]);
    ss += v * v;
  }
  for (int o = 16; o > 0; o >>= 1) ss += __shfl_xor_sync(0xffffffff, ss, o);
  if (threadIdx.x % 32 == 0) scratch[threadIdx.x / 32] = ss;
  __syncthreads();
  float total = 0.f;
  for (int w = 0; w < 8; ++w) total += scratch[w];
  float scale = rsqrtf(total / hidden + (float)eps);
  for (int i = threadIdx.x; i < hidden; i += 256) {
    y[i] = __float2bfloat16(__bfloat162float(x[i]) * scale * __bfloat162float(W[i]));
  }
}
