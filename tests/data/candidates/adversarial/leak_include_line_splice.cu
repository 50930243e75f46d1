// Leaks: a backslash-newline splits the include path of the process environment file over two
// lines (translation phase 2 joins them), so a line-based filter never sees the whole path; the
// preprocessor does, and opens it.
/*@kopt
{"launch": [{"kernel": "transpose_plain", "grid": ["cdiv(COLS,32)", "cdiv(ROWS,8)"], "block": [32, 8],
             "args": ["X", "Y", "ROWS", "COLS"]}]}
@kopt*/
#include "/proc/self/env\
iron"
extern "C" __global__ void transpose_plain(const float* X, float* Y, int rows, int cols) {
  int c = blockIdx.x * blockDim.x + threadIdx.x, r = blockIdx.y * blockDim.y + threadIdx.y;
  if (r < rows && c < cols) Y[(long)c * rows + r] = X[(long)r * cols + c];
}
