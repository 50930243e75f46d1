// Signature: declares the f32 scalar eps as double. The 8-byte slot holds the float's bits in its
// low half and zeros above, a denormal of ~5e-315, so eps is silently 0; with eps = 1e-6 against
// mean(x^2) ~ 1 the outputs still match, and the wrong parameter type goes unseen.
/*@kopt
{"launch": [{"kernel": "rmsnorm_double_eps", "grid": ["ROWS"], "block": [256], "args": ["X", "W", "Y", "ROWS", "HIDDEN", "eps"]}]}
@kopt*/
#include <cuda_bf16.h>
extern "C" __global__ void rmsnorm_double_eps(const __nv_bfloat16* X, const __nv_bfloat16* W,
                                              __nv_bfloat16* Y, int rows, int hidden, double eps) {  // BUG
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
