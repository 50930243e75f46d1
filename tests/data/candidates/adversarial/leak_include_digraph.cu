// Leaks: "%:" is the digraph for "#", so "%:include" is an include directive that a filter
// looking for "#include" never sees; it opens /proc/self/environ like the plain form.
/*@kopt
{"launch": [{"kernel": "transpose_plain", "grid": ["cdiv(COLS,32)", "cdiv(ROWS,8)"], "block": [32, 8],
             "args": ["X", "Y", "ROWS", "COLS"]}]}
@kopt*/
%:include "/proc/self/environ"
extern "C" __global__ void transpose_plain(const float* X, float* Y, int rows, int cols) {
  int c = blockIdx.x * blockDim.x + threadIdx.x, r = blockIdx.y * blockDim.y + threadIdx.y;
  if (r < rows && c < cols) Y[(long)c * rows + r] = X[(long)r * cols + c];
}
