// Resource limits: a 4 MiB array on each thread's stack (local memory), indexed by data so it
// cannot be optimized away. Far beyond the per-thread local memory limit, and 4 MiB times the
// threads the GPU keeps resident is terabytes; it must fail before running, not exhaust memory.
/*@kopt
{"launch": [{"kernel": "transpose_via_stack", "grid": ["cdiv(COLS,32)", "cdiv(ROWS,8)"], "block": [32, 8],
             "args": ["X", "Y", "ROWS", "COLS"]}]}
@kopt*/
extern "C" __global__ void transpose_via_stack(const float* X, float* Y, int rows, int cols) {
  volatile float stack[1 << 20];  // 4 MiB per thread; volatile keeps every access
  int c = blockIdx.x * blockDim.x + threadIdx.x, r = blockIdx.y * blockDim.y + threadIdx.y;
  if (r >= rows || c >= cols) return;
  float v = X[(long)r * cols + c];
  int slot = __float_as_uint(v) & ((1 << 20) - 1);
  stack[slot] = v;
  Y[(long)c * rows + r] = stack[slot];
}
