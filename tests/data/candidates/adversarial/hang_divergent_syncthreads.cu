// Hangs: __syncthreads() inside a branch only warp 0 takes, while the other warps spin on a shared
// flag warp 0 sets after the barrier. Warp 0 waits at the barrier for warps that never arrive, and
// they wait for warp 0: a deadlock in every block.
/*@kopt
{"launch": [{"kernel": "softmax_deadlock", "grid": ["ROWS"], "block": [256], "args": ["X", "Y", "ROWS", "COLS"]}]}
@kopt*/
extern "C" __global__ void softmax_deadlock(const float* X, float* Y, int rows, int cols) {
  __shared__ float stat[2];
  __shared__ volatile int ready;
  const float* x = X + (long)blockIdx.x * cols;
  float* y = Y + (long)blockIdx.x * cols;
  if (threadIdx.x == 0) ready = 0;
  __syncthreads();
  if (threadIdx.x < 32) {
    if (threadIdx.x == 0) {
      float m = -3.4e38f, s = 0.f;
      for (int c = 0; c < cols; ++c) m = fmaxf(m, x[c]);
      for (int c = 0; c < cols; ++c) s += expf(x[c] - m);
      stat[0] = m;
      stat[1] = s;
    }
    __syncthreads();  // BUG: a barrier in divergent code
    if (threadIdx.x == 0) ready = 1;
  } else {
    while (ready == 0) {}  // waits for warp 0, which waits at the barrier for this warp
  }
  for (int c = threadIdx.x; c < cols; c += blockDim.x) y[c] = expf(x[c] - stat[0]) / stat[1];
}
