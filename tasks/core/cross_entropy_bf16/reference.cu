// Naive cross-entropy: one block per token, two passes over its logits (max, sum of exp) with
// shared-memory tree reductions in fp32; thread 0 writes the loss.
/*@kopt
{"launch": [{"kernel": "cross_entropy_naive", "grid": ["T"], "block": [256],
             "args": ["logits", "targets", "loss", "V"]}]}
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

extern "C" __global__ void cross_entropy_naive(const __nv_bfloat16* logits, const int* targets,
                                               float* loss, int vocab) {
  __shared__ float buf[THREADS];
  const __nv_bfloat16* x = logits + (long)blockIdx.x * vocab;
  float m = -__int_as_float(0x7f800000);
  for (int v = threadIdx.x; v < vocab; v += THREADS) m = fmaxf(m, __bfloat162float(x[v]));
  m = block_max(m, buf);
  float s = 0.f;
  for (int v = threadIdx.x; v < vocab; v += THREADS) s += expf(__bfloat162float(x[v]) - m);
  s = block_sum(s, buf);
  if (threadIdx.x == 0) loss[blockIdx.x] = m + logf(s) - __bfloat162float(x[targets[blockIdx.x]]);
}
