// Leaks: includes /etc/passwd. The file is not C++, so the compile fails, and the error log
// quotes its lines: account names and home directories of the machine kopt runs on, returned to
// the LLM as "the NVRTC log". Includes outside the CUDA headers must not be opened at all.
/*@kopt
{"launch": [{"kernel": "transpose_plain", "grid": ["cdiv(COLS,32)", "cdiv(ROWS,8)"], "block": [32, 8],
             "args": ["X", "Y", "ROWS", "COLS"]}]}
@kopt*/
#include "/etc/passwd"
extern "C" __global__ void transpose_plain(const float* X, float* Y, int rows, int cols) {
  int c = blockIdx.x * blockDim.x + threadIdx.x, r = blockIdx.y * blockDim.y + threadIdx.y;
  if (r < rows && c < cols) Y[(long)c * rows + r] = X[(long)r * cols + c];
}
