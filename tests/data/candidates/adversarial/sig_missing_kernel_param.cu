// Signature: the launch block passes four arguments (X, Y, COLS, ROWS) but the kernel declares only
// three and never sees ROWS. The driver ignores the extra one and the results are right, so the
// mismatch between the launch block and the kernel's parameter list goes unnoticed.
/*@kopt
{"launch": [{"kernel": "softmax_three_params", "grid": ["ROWS"], "block": [256], "args": ["X", "Y", "COLS", "ROWS"]}]}
@kopt*/
extern "C" __global__ void softmax_three_params(const float* X, float* Y, int cols) {  // BUG: 3 of 4
  __shared__ float scratch[2];
  const float* x = X + (long)blockIdx.x * cols;
  float* y = Y + (long)blockIdx.x * cols;
  if (threadIdx.x == 0) {
    float m = -3.4e38f, s = 0.f;
    for (int c = 0; c < cols; ++c) m = fmaxf(m, x[c]);
    for (int c = 0; c < cols; ++c) s += expf(x[c] - m);
    scratch[0] = m;
    scratch[1] = s;
  }
  __syncthreads();
  for (int c = threadIdx.x; c < cols; c += blockDim.x) y[c] = expf(x[c] - scratch[0]) / scratch[1];
}
