// Naive exact GELU: one thread per element, 0.5 * x * (1 + erf(x / sqrt(2))) in fp32.
/*@kopt
{"launch": [{"kernel": "gelu_erf_naive", "grid": ["cdiv(COLS,256)", "ROWS"], "block": [256],
             "args": ["X", "Y", "COLS"]}]}
@kopt*/
#include <cuda_bf16.h>

extern "C" __global__ void gelu_erf_naive(const __nv_bfloat16* X, __nv_bfloat16* Y, int cols) {
  int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= cols) return;
  long i = (long)blockIdx.y * cols + c;
  float x = __bfloat162float(X[i]);
  Y[i] = __float2bfloat16(0.5f * x * (1.f + erff(x * 0.70710678118654752f)));
}
