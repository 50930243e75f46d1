// Leaks: includes the compiling process's environment (API keys live there). NVRTC reads files
// from the host's file system, and its error log quotes the lines it could not parse, so the
// compile log that goes back to the LLM (and into the store) would carry the secrets.
/*@kopt
{"launch": [{"kernel": "transpose_plain", "grid": ["cdiv(COLS,32)", "cdiv(ROWS,8)"], "block": [32, 8],
             "args": ["X", "Y", "ROWS", "COLS"]}]}
@kopt*/
#include "/proc/self/environ"
extern "C" __global__ void transpose_plain(const float* X, float* Y, int rows, int cols) {
  int c = blockIdx.x * blockDim.x + threadIdx.x, r = blockIdx.y * blockDim.y + threadIdx.y;
  if (r < rows && c < cols) Y[(long)c * rows + r] = X[(long)r * cols + c];
}
