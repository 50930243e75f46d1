// Resource limits: asks for 227 KiB + 16 bytes of dynamic shared memory, 16 bytes more than the
// opt-in maximum per block on Hopper (232448 bytes), to cache a whole row. The request must be
// refused as a launch error before anything runs.
/*@kopt
{"launch": [{"kernel": "softmax_smem_row", "grid": ["ROWS"], "block": [256], "smem": "232448 + 16",
             "args": ["X", "Y", "ROWS", "COLS"]}]}
@kopt*/
extern "C" __global__ void softmax_smem_row(const float* X, float* Y, int rows, int cols) {
  extern __shared__ float row[];
  __shared__ float stat[2];
  const float* x = X + (long)blockIdx.x * cols;
  float* y = Y + (long)blockIdx.x * cols;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) row[c] = x[c];
  __syncthreads();
  if (threadIdx.x == 0) {
    float m = -3.4e38f, s = 0.f;
    for (int c = 0; c < cols; ++c) m = fmaxf(m, row[c]);
    for (int c = 0; c < cols; ++c) s += expf(row[c] - m);
    stat[0] = m;
    stat[1] = s;
  }
  __syncthreads();
  for (int c = threadIdx.x; c < cols; c += blockDim.x) y[c] = expf(row[c] - stat[0]) / stat[1];
}
