// Benign numerics: sums the squares in fp16 per thread (then fp32 across the block). With N(0,1)
// inputs a thread's 32 squares add up to ~32, well inside fp16, and the error stays under the
// tolerance; activations of a few hundred (x^2 > 65504) overflow to inf and the row becomes zeros.
/*@kopt
{"launch": [{"kernel": "rmsnorm_half_sumsq", "grid": ["ROWS"], "block": [256], "args": ["X", "W", "Y", "HIDDEN", "eps"]}]}
@kopt*/
#include <cuda_fp16.h>
extern "C" __global__ void rmsnorm_half_sumsq(const __half* X, const __half* W, __half* Y, int hidden,
                                              float eps) {
  __shared__ float scratch[8];
  const __half* x = X + (long)blockIdx.x * hidden;
  __half* y = Y + (long)blockIdx.x * hidden;
  __half ss = __float2half(0.f);
  for (int i = threadIdx.x; i < hidden; i += 256) ss = __hfma(x[i], x[i], ss);  // BUG: fp16 sum
  float total = __half2float(ss);
  for (int o = 16; o > 0; o >>= 1) total += __shfl_xor_sync(0xffffffff, total, o);
  if (threadIdx.x % 32 == 0) scratch[threadIdx.x / 32] = total;
  __syncthreads();
  total = 0.f;
  for (int w = 0; w < 8; ++w) total += scratch[w];
  float scale = rsqrtf(total / hidden + eps);
  for (int i = threadIdx.x; i < hidden; i += 256) {
    y[i] = __float2half(__half2float(x[i]) * scale * __half2float(W[i]));
  }
}
