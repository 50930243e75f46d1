// Naive fused add + RMSNorm: one block per row; pass 1 forms the bf16 sum, writes it and adds up
// its squares in fp32, pass 2 forms the sum again from the inputs and writes the normalised row.
/*@kopt
{"launch": [{"kernel": "fused_add_rmsnorm_naive", "grid": ["T"], "block": [256],
             "args": ["X", "residual", "W", "residual_out", "Y", "H", "eps"]}]}
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

// X + residual, rounded to bf16 and read back as fp32.
__device__ float rounded_sum(const __nv_bfloat16* x, const __nv_bfloat16* r, long i) {
  return __bfloat162float(__float2bfloat16(__bfloat162float(x[i]) + __bfloat162float(r[i])));
}

extern "C" __global__ void fused_add_rmsnorm_naive(const __nv_bfloat16* X,
                                                   const __nv_bfloat16* residual,
                                                   const __nv_bfloat16* W,
                                                   __nv_bfloat16* residual_out, __nv_bfloat16* Y,
                                                   int hidden, float eps) {
  __shared__ float buf[THREADS];
  const long row = (long)blockIdx.x * hidden;
  float ss = 0.f;
  for (int i = threadIdx.x; i < hidden; i += THREADS) {
    float s = rounded_sum(X, residual, row + i);
    residual_out[row + i] = __float2bfloat16(s);
    ss += s * s;
  }
  float scale = rsqrtf(block_sum(ss, buf) / hidden + eps);
  for (int i = threadIdx.x; i < hidden; i += THREADS) {
    float s = rounded_sum(X, residual, row + i);
    Y[row + i] = __float2bfloat16(s * scale * __bfloat162float(W[i]));
  }
}
