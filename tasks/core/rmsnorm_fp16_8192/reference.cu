// Naive RMSNorm in fp16: one block per row, two passes over the row (sum of squares, write) with
// a shared-memory tree reduction in fp32.
/*@kopt
{"launch": [{"kernel": "rmsnorm_fp16_naive", "grid": ["ROWS"], "block": [256],
             "args": ["X", "W", "Y", "HIDDEN", "eps"]}]}
@kopt*/
#include <cuda_fp16.h>

#define THREADS 256

// Tree reduction over the block; every thread gets the result.
__device__ float block_sum(float v, float* buf) {
  buf[threadIdx.x] = v;
  __syncthreads();
  for (int s = THREADS / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) buf[threadIdx.x] += buf[threadIdx.x + s];
    __syncthreads();
  }
  float r = buf[0];
  __syncthreads();
  return r;
}

extern "C" __global__ void rmsnorm_fp16_naive(const __half* X, const __half* W, __half* Y,
                                              int hidden, float eps) {
  __shared__ float buf[THREADS];
  const __half* x = X + (long)blockIdx.x * hidden;
  __half* y = Y + (long)blockIdx.x * hidden;
  float ss = 0.f;
  for (int i = threadIdx.x; i < hidden; i += THREADS) {
    float v = __half2float(x[i]);
    ss += v * v;
  }
  float scale = rsqrtf(block_sum(ss, buf) / hidden + eps);
  for (int i = threadIdx.x; i < hidden; i += THREADS) {
    y[i] = __float2half(__half2float(x[i]) * scale * __half2float(W[i]));
  }
}
