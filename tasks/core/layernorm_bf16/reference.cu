// Naive LayerNorm: one block per row, three passes over the row (mean, variance around the mean,
// write) with shared-memory tree reductions in fp32.
/*@kopt
{"launch": [{"kernel": "layernorm_naive", "grid": ["ROWS"], "block": [256],
             "args": ["X", "W", "B", "Y", "HIDDEN", "eps"]}]}
@kopt*/
#include <cuda_bf16.h>

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

extern "C" __global__ void layernorm_naive(const __nv_bfloat16* X, const __nv_bfloat16* W,
                                           const __nv_bfloat16* B, __nv_bfloat16* Y, int hidden,
                                           float eps) {
  __shared__ float buf[THREADS];
  const __nv_bfloat16* x = X + (long)blockIdx.x * hidden;
  __nv_bfloat16* y = Y + (long)blockIdx.x * hidden;
  float s = 0.f;
  for (int i = threadIdx.x; i < hidden; i += THREADS) s += __bfloat162float(x[i]);
  float mean = block_sum(s, buf) / hidden;
  float ss = 0.f;
  for (int i = threadIdx.x; i < hidden; i += THREADS) {
    float d = __bfloat162float(x[i]) - mean;
    ss += d * d;
  }
  float rstd = rsqrtf(block_sum(ss, buf) / hidden + eps);
  for (int i = threadIdx.x; i < hidden; i += THREADS) {
    float v = (__bfloat162float(x[i]) - mean) * rstd;
    y[i] = __float2bfloat16(v * __bfloat162float(W[i]) + __bfloat162float(B[i]));
  }
}
