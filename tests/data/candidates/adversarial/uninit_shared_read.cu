// Memory safety: the block max reads all 32 scratch slots although only blockDim/32 = 8 were
// written this launch. Softmax does not change when the subtracted max is a little too large, so
// the stale slots (other rows' maxima, zeros) go unnoticed; a large leftover value breaks it.
/*@kopt
{"launch": [{"kernel": "softmax_uninit_max", "grid": ["ROWS"], "block": [256], "args": ["X", "Y", "ROWS", "COLS"]}]}
@kopt*/
extern "C" __global__ void softmax_uninit_max(const float* X, float* Y, int rows, int cols) {
  __shared__ float scratch[32];
  __shared__ float stat;
  const float* x = X + (long)blockIdx.x * cols;
  float* y = Y + (long)blockIdx.x * cols;
  int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  float m = -3.4e38f;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) m = fmaxf(m, x[c]);
  for (int o = 16; o > 0; o >>= 1) m = fmaxf(m, __shfl_xor_sync(0xffffffff, m, o));
  if (lane == 0) scratch[warp] = m;
  __syncthreads();
  if (warp == 0) {
    float v = scratch[lane];  // BUG: slots 8..31 were never written by this block
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffff, v, o));
    if (lane == 0) stat = v;
  }
  __syncthreads();
  m = stat;
  float s = 0.f;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) s += expf(x[c] - m);
  for (int o = 16; o > 0; o >>= 1) s += __shfl_xor_sync(0xffffffff, s, o);
  __syncthreads();
  if (lane == 0) scratch[warp] = s;
  __syncthreads();
  if (warp == 0) {
    float v = lane < blockDim.x / 32 ? scratch[lane] : 0.f;
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffff, v, o);
    if (lane == 0) stat = v;
  }
  __syncthreads();
  float inv = 1.f / stat;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) y[c] = expf(x[c] - m) * inv;
}
