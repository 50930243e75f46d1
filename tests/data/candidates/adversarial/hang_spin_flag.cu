// Hangs: every block but the first waits for a "partials ready" flag in the workspace before it
// writes, and the code that was meant to set the flag was dropped: they spin forever. The kernel
// never returns; only a deadline on the whole evaluation ends it.
/*@kopt
{"launch": [{"kernel": "transpose_wait_flag", "grid": ["cdiv(COLS,32)", "cdiv(ROWS,8)"], "block": [32, 8],
             "args": ["X", "Y", "ROWS", "COLS", "ready"]}],
 "workspace": [{"name": "ready", "bytes": "4"}]}
@kopt*/
extern "C" __global__ void transpose_wait_flag(const float* X, float* Y, int rows, int cols, int* ready) {
  int c = blockIdx.x * blockDim.x + threadIdx.x, r = blockIdx.y * blockDim.y + threadIdx.y;
  if (blockIdx.x + blockIdx.y > 0) {
    while (atomicAdd(ready, 0) != 1) __nanosleep(1000);  // BUG: nobody ever stores 1
  }
  if (r < rows && c < cols) Y[(long)c * rows + r] = X[(long)r * cols + c];
}
