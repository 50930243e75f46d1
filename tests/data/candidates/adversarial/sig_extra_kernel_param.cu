// Signature: the kernel takes five parameters but the launch block passes four. The driver reads a
// fifth argument pointer from past the end of the host's argument array: whatever lies there
// becomes `scale` (or the worker faults reading it). Nothing checks the count against the kernel.
/*@kopt
{"launch": [{"kernel": "softmax_scaled", "grid": ["ROWS"], "block": [256], "args": ["X", "Y", "ROWS", "COLS"]}]}
@kopt*/
extern "C" __global__ void softmax_scaled(const float* X, float* Y, int rows, int cols, float scale) {  // BUG
  __shared__ float scratch[2];
  const float* x = X + (long)blockIdx.x * cols;
  float* y = Y + (long)blockIdx.x * cols;
  if (threadIdx.x == 0) {
    float m = -3.4e38f, s = 0.f;
    for (int c = 0; c < cols; ++c) m = fmaxf(m, scale * x[c]);
    for (int c = 0; c < cols; ++c) s += expf(scale * x[c] - m);
    scratch[0] = m;
    scratch[1] = s;
  }
  __syncthreads();
  for (int c = threadIdx.x; c < cols; c += blockDim.x) y[c] = expf(scale * x[c] - scratch[0]) / scratch[1];
}
