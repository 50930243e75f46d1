// Naive long-row softmax: one block of 1024 threads per row, three passes over the row (max, sum,
// write) with shared-memory tree reductions.
/*@kopt
{"launch": [{"kernel": "softmax_vocab_naive", "grid": ["ROWS"], "block": [1024],
             "args": ["X", "Y", "COLS"]}]}
@kopt*/
#define THREADS 1024

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

extern "C" __global__ void softmax_vocab_naive(const float* X, float* Y, int cols) {
  __shared__ float buf[THREADS];
  const float* x = X + (long)blockIdx.x * cols;
  float* y = Y + (long)blockIdx.x * cols;
  float m = -__int_as_float(0x7f800000);
  for (int c = threadIdx.x; c < cols; c += THREADS) m = fmaxf(m, x[c]);
  m = block_max(m, buf);
  float s = 0.f;
  for (int c = threadIdx.x; c < cols; c += THREADS) s += expf(x[c] - m);
  s = block_sum(s, buf);
  for (int c = threadIdx.x; c < cols; c += THREADS) y[c] = expf(x[c] - m) / s;
}
