// Correct transpose, plus a write just past the end of the output.
/*@kopt
{"launch": [{"kernel": "k", "grid": ["cdiv(COLS,32)", "cdiv(ROWS,8)"], "block": [32, 8], "args": ["X", "Y", "ROWS", "COLS"]}]}
@kopt*/
extern "C" __global__ void k(const float* X, float* Y, int rows, int cols) {
  int c = blockIdx.x * blockDim.x + threadIdx.x, r = blockIdx.y * blockDim.y + threadIdx.y;
  if (r < rows && c < cols) Y[(long)c * rows + r] = X[(long)r * cols + c];
  if (r == 0 && c == 0) Y[(long)rows * cols + 5] = 1.f;
}
