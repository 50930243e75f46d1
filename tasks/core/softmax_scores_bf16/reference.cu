// Naive row softmax in bf16: one block per row, three passes over the row (max, sum, write)
// with shared-memory tree reductions in fp32.
/*@kopt
{"launch": [{"kernel": "softmax_scores_naive", "grid": ["ROWS"], "block": [256],
             "args": ["X", "Y", "COLS"]}]}
@kopt*/
#include <cuda_bf16.h>

#define THREADS 256

// Tree reductions over the block; every thread gets the result.
__device__ float block_max(float v, float* buf) {
  buf[threadIdx.x] = v;
  __syncthreads();
  for (int s = THREADS / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) buf[threadIdx.x] = fmaxf(buf[threadIdx.x], buf[threadIdx.x + s]);
    __syncthreads();
  }
  float r = buf[0];
  __syncthreads();
  return r;
}

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

extern "C" __global__ void softmax_scores_naive(const __nv_bfloat16* X, __nv_bfloat16* Y,
                                                int cols) {
  __shared__ float buf[THREADS];
  const __nv_bfloat16* x = X + (long)blockIdx.x * cols;
  __nv_bfloat16* y = Y + (long)blockIdx.x * cols;
  float m = -__int_as_float(0x7f800000);
  for (int c = threadIdx.x; c < cols; c += THREADS) m = fmaxf(m, __bfloat162float(x[c]));
  m = block_max(m, buf);
  float s = 0.f;
  for (int c = threadIdx.x; c < cols; c += THREADS) s += expf(__bfloat162float(x[c]) - m);
  s = block_sum(s, buf);
  for (int c = threadIdx.x; c < cols; c += THREADS) {
    y[c] = __float2bfloat16(expf(__bfloat162float(x[c]) - m) / s);
  }
}
