// Naive GEMV: one block of 256 threads per output row. Thread t adds k = t, t + 256, ... in fp32,
// then a fixed shared-memory tree sums the 256 partial sums; one rounding to bf16.
/*@kopt
{"launch": [{"kernel": "gemv_row_naive", "grid": ["N"], "block": [256],
             "args": ["W", "x", "y", "N", "K"]}]}
@kopt*/
#include <cuda_bf16.h>
extern "C" __global__ void gemv_row_naive(const __nv_bfloat16* W, const __nv_bfloat16* x,
                                          __nv_bfloat16* y, int N, int K) {
  __shared__ float partial[256];
  int n = blockIdx.x;
  const __nv_bfloat16* w = W + (long)n * K;
  float acc = 0.f;
  for (int k = threadIdx.x; k < K; k += 256) acc += __bfloat162float(w[k]) * __bfloat162float(x[k]);
  partial[threadIdx.x] = acc;
  __syncthreads();
  for (int stride = 128; stride > 0; stride /= 2) {
    if (threadIdx.x < stride) partial[threadIdx.x] += partial[threadIdx.x + stride];
    __syncthreads();
  }
  if (threadIdx.x == 0) y[n] = __float2bfloat16(partial[0]);
}
