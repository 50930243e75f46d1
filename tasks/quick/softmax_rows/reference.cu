// Naive row softmax: one thread per row, three passes over the row (max, sum, write).
/*@kopt
{"launch": [{"kernel": "softmax_naive", "grid": ["cdiv(ROWS,128)"], "block": [128],
             "args": ["X", "Y", "ROWS", "COLS"]}]}
@kopt*/
extern "C" __global__ void softmax_naive(const float* X, float* Y, int rows, int cols) {
  int row = blockIdx.x * blockDim.x + threadIdx.x;
  if (row >= rows) return;
  const float* x = X + (long)row * cols;
  float m = -__int_as_float(0x7f800000);
  for (int c = 0; c < cols; ++c) m = fmaxf(m, x[c]);
  float s = 0.f;
  for (int c = 0; c < cols; ++c) s += expf(x[c] - m);
  for (int c = 0; c < cols; ++c) Y[(long)row * cols + c] = expf(x[c] - m) / s;
}
