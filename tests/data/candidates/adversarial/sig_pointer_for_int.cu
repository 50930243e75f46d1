// Signature: declares the row count as a pointer (const int* rows) where the launch block passes
// the int ROWS; the kernel dereferences the number 4096 as an address and faults. The launch block
// validates against the task, but nothing compares it with the kernel's own parameter list.
/*@kopt
{"launch": [{"kernel": "softmax_ptr_rows", "grid": ["ROWS"], "block": [256], "args": ["X", "Y", "ROWS", "COLS"]}]}
@kopt*/
extern "C" __global__ void softmax_ptr_rows(const float* X, float* Y, const int* rows, int cols) {  // BUG
  if (blockIdx.x >= *rows) return;
  const float* x = X + (long)blockIdx.x * cols;
  float* y = Y + (long)blockIdx.x * cols;
  if (threadIdx.x != 0) return;
  float m = -3.4e38f, s = 0.f;
  for (int c = 0; c < cols; ++c) m = fmaxf(m, x[c]);
  for (int c = 0; c < cols; ++c) s += expf(x[c] - m);
  for (int c = 0; c < cols; ++c) y[c] = expf(x[c] - m) / s;
}
