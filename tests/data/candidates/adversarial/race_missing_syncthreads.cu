// Races: the block reduction reuses its scratch slots for the row sum without a barrier after
// everyone has read the row max from them. Warp 0 only overwrites slot 0 after a whole pass over
// the row, so the late read almost never loses; racecheck reports the write-after-read hazard.
/*@kopt
{"launch": [{"kernel": "softmax_racy", "grid": ["ROWS"], "block": [256], "args": ["X", "Y", "ROWS", "COLS"]}]}
@kopt*/
__device__ float block_reduce(float v, bool is_max, float* scratch) {
  for (int o = 16; o > 0; o >>= 1) {
    float other = __shfl_xor_sync(0xffffffff, v, o);
    v = is_max ? fmaxf(v, other) : v + other;
  }
  if (threadIdx.x % 32 == 0) scratch[threadIdx.x / 32] = v;
  __syncthreads();
  int lane = threadIdx.x % 32;
  v = lane < blockDim.x / 32 ? scratch[lane] : (is_max ? -3.4e38f : 0.f);
  for (int o = 16; o > 0; o >>= 1) {
    float other = __shfl_xor_sync(0xffffffff, v, o);
    v = is_max ? fmaxf(v, other) : v + other;
  }
  // BUG: no __syncthreads() here; the next call writes scratch[] while slow warps may still read it.
  return v;
}
extern "C" __global__ void softmax_racy(const float* X, float* Y, int rows, int cols) {
  __shared__ float scratch[32];
  const float* x = X + (long)blockIdx.x * cols;
  float* y = Y + (long)blockIdx.x * cols;
  float m = -3.4e38f;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) m = fmaxf(m, x[c]);
  m = block_reduce(m, true, scratch);
  float s = 0.f;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) s += expf(x[c] - m);
  s = block_reduce(s, false, scratch);
  float inv = 1.f / s;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) y[c] = expf(x[c] - m) * inv;
}
