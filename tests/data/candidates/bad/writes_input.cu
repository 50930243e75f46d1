// Correct transpose that also overwrites the input after reading it.
/*@kopt
{"launch": [{"kernel": "k", "grid": ["cdiv(COLS,32)", "cdiv(ROWS,8)"], "block": [32, 8], "args": ["X", "Y", "ROWS", "COLS"]}]}
@kopt*/
extern "C" __global__ void k(float* X, float* Y, int rows, int cols) {
  int c = blockIdx.x * blockDim.x + threadIdx.x, r = blockIdx.y * blockDim.y + threadIdx.y;
  if (r < rows && c < cols) {
    float v = X[(long)r * cols + c];
    Y[(long)c * rows + r] = v;
    X[(long)r * cols + c] = 0.f;
  }
}
