// Leaks: opens nothing, but __has_include probes the host's file system and the kernel's behaviour
// (here: whether it compiles) reports the answer; any host-file probe is an information leak and a
// sandbox must make it fail. Compiles only when /etc/shadow is visible to the compiler.
/*@kopt
{"launch": [{"kernel": "transpose_plain", "grid": ["cdiv(COLS,32)", "cdiv(ROWS,8)"], "block": [32, 8],
             "args": ["X", "Y", "ROWS", "COLS"]}]}
@kopt*/
#if __has_include("/etc/shadow")
extern "C" __global__ void transpose_plain(const float* X, float* Y, int rows, int cols) {
  int c = blockIdx.x * blockDim.x + threadIdx.x, r = blockIdx.y * blockDim.y + threadIdx.y;
  if (r < rows && c < cols) Y[(long)c * rows + r] = X[(long)r * cols + c];
}
#else
#error "the compiler cannot see /etc/shadow"
#endif
