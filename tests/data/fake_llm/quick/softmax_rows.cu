// One block of 512 threads per row, the row held in registers (8 values a thread): one read of
// each row from DRAM, one write, and block-wide max and sum through warp shuffles. Rows longer
// than 4096 take a three-pass loop instead.
/*@kopt
{"launch": [{"kernel": "softmax_registers", "grid": ["ROWS"], "block": [512],
             "args": ["X", "Y", "ROWS", "COLS"]}]}
@kopt*/
#define THREADS 512
#define PER_THREAD 8

__device__ float block_reduce(float v, bool is_max, float* scratch) {
  for (int o = 16; o > 0; o >>= 1) {
    float other = __shfl_xor_sync(0xffffffff, v, o);
    v = is_max ? fmaxf(v, other) : v + other;
  }
  int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  v = lane < THREADS / 32 ? scratch[lane] : (is_max ? -3.402823466e38f : 0.f);
  for (int o = 16; o > 0; o >>= 1) {
    float other = __shfl_xor_sync(0xffffffff, v, o);
    v = is_max ? fmaxf(v, other) : v + other;
  }
  __syncthreads();
  return v;
}

extern "C" __global__ void __launch_bounds__(THREADS)
    softmax_registers(const float* __restrict__ X, float* __restrict__ Y, int rows, int cols) {
  __shared__ float scratch[32];
  const float* x = X + (long)blockIdx.x * cols;
  float* y = Y + (long)blockIdx.x * cols;
  if (cols <= THREADS * PER_THREAD) {
    float v[PER_THREAD];
    float m = -3.402823466e38f;
#pragma unroll
    for (int k = 0; k < PER_THREAD; ++k) {
      int c = threadIdx.x + k * THREADS;
      v[k] = c < cols ? x[c] : -3.402823466e38f;
      m = fmaxf(m, v[k]);
    }
    m = block_reduce(m, true, scratch);
    float s = 0.f;
#pragma unroll
    for (int k = 0; k < PER_THREAD; ++k) {
      int c = threadIdx.x + k * THREADS;
      v[k] = c < cols ? __expf(v[k] - m) : 0.f;
      s += v[k];
    }
    s = block_reduce(s, false, scratch);
    float inv = 1.f / s;
#pragma unroll
    for (int k = 0; k < PER_THREAD; ++k) {
      int c = threadIdx.x + k * THREADS;
      if (c < cols) y[c] = v[k] * inv;
    }
    return;
  }
  float m = -3.402823466e38f;
  for (int c = threadIdx.x; c < cols; c += THREADS) m = fmaxf(m, x[c]);
  m = block_reduce(m, true, scratch);
  float s = 0.f;
  for (int c = threadIdx.x; c < cols; c += THREADS) s += __expf(x[c] - m);
  s = block_reduce(s, false, scratch);
  float inv = 1.f / s;
  for (int c = threadIdx.x; c < cols; c += THREADS) y[c] = __expf(x[c] - m) * inv;
}
