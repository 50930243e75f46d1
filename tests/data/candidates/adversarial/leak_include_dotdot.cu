// Leaks: a relative include that climbs out of the source's directory with "../" until it reaches
// the root, then descends into /proc/self/environ. A filter on absolute paths misses it; the
// compiler resolves it against the file's directory (or the working directory) and opens it.
/*@kopt
{"launch": [{"kernel": "transpose_plain", "grid": ["cdiv(COLS,32)", "cdiv(ROWS,8)"], "block": [32, 8],
             "args": ["X", "Y", "ROWS", "COLS"]}]}
@kopt*/
#include "../../../../../../../../../../../../../../../../proc/self/environ"
extern "C" __global__ void transpose_plain(const float* X, float* Y, int rows, int cols) {
  int c = blockIdx.x * blockDim.x + threadIdx.x, r = blockIdx.y * blockDim.y + threadIdx.y;
  if (r < rows && c < cols) Y[(long)c * rows + r] = X[(long)r * cols + c];
}
