// Resource limits: a block of 2048 threads (64 warps), twice the hardware's 1024 per block. A
// harness that hands the launch to the driver and only looks at the output would see a buffer
// never written (or an error it misreads); the launch must be refused up front.
/*@kopt
{"launch": [{"kernel": "softmax_2048", "grid": ["ROWS"], "block": [2048], "args": ["X", "Y", "ROWS", "COLS"]}]}
@kopt*/
extern "C" __global__ void softmax_2048(const float* X, float* Y, int rows, int cols) {
  __shared__ float stat[2];
  const float* x = X + (long)blockIdx.x * cols;
  float* y = Y + (long)blockIdx.x * cols;
  if (threadIdx.x == 0) {
    float m = -3.4e38f, s = 0.f;
    for (int c = 0; c < cols; ++c) m = fmaxf(m, x[c]);
    for (int c = 0; c < cols; ++c) s += expf(x[c] - m);
    stat[0] = m;
    stat[1] = s;
  }
  __syncthreads();
  for (int c = threadIdx.x; c < cols; c += blockDim.x) y[c] = expf(x[c] - stat[0]) / stat[1];
}
