// Naive RMSNorm: one thread per row, two passes, fp32 accumulation.
/*@kopt
{"launch": [{"kernel": "rmsnorm_naive", "grid": ["cdiv(ROWS,128)"], "block": [128],
             "args": ["X", "W", "Y", "ROWS", "HIDDEN", "eps"]}]}
@kopt*/
#include <cuda_bf16.h>
extern "C" __global__ void rmsnorm_naive(const __nv_bfloat16* X, const __nv_bfloat16* W,
                                         __nv_bfloat16* Y, int rows, int hidden, float eps) {
  int row = blockIdx.x * blockDim.x + threadIdx.x;
  if (row >= rows) return;
  const __nv_bfloat16* x = X + (long)row * hidden;
  float ss = 0.f;
  for (int i = 0; i < hidden; ++i) {
    float v = __bfloat162float(x[i]);
    ss += v * v;
  }
  float scale = rsqrtf(ss / hidden + eps);
  for (int i = 0; i < hidden; ++i) {
    Y[(long)row * hidden + i] = __float2bfloat16(__bfloat162float(x[i]) * scale * __bfloat162float(W[i]));
  }
}
