// One block per row: block-wide max and sum with warp shuffles, the row read from global memory
// (L1/L2) in each pass. Tunable: threads per block.
/*@kopt
{"launch": [{"kernel": "softmax_block", "grid": ["ROWS"], "block": ["THREADS"], "args": ["X", "Y", "ROWS", "COLS"]}],
 "tunables": {"THREADS": [256, 128, 512, 1024]}}
@kopt*/
__device__ float block_reduce(float v, bool is_max, float* scratch) {
  for (int o = 16; o > 0; o >>= 1) {
    float other = __shfl_xor_sync(0xffffffff, v, o);
    v = is_max ? fmaxf(v, other) : v + other;
  }
  int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  v = lane < blockDim.x / 32 ? scratch[lane] : (is_max ? -3.4e38f : 0.f);
  for (int o = 16; o > 0; o >>= 1) {
    float other = __shfl_xor_sync(0xffffffff, v, o);
    v = is_max ? fmaxf(v, other) : v + other;
  }
  __syncthreads();
  return v;
}
extern "C" __global__ void softmax_block(const float* __restrict__ X, float* __restrict__ Y, int rows, int cols) {
  __shared__ float scratch[32];
  const float* x = X + (long)blockIdx.x * cols;
  float* y = Y + (long)blockIdx.x * cols;
  float m = -3.4e38f;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) m = fmaxf(m, x[c]);
  m = block_reduce(m, true, scratch);
  float s = 0.f;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) s += __expf(x[c] - m);
  s = block_reduce(s, false, scratch);
  float inv = 1.f / s;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) y[c] = __expf(x[c] - m) * inv;
}
