// Leaks: the include path is built by the preprocessor (stringizing a macro argument), so a
// filter that greps the source for "/proc" in an #include line finds nothing; the compiler still
// opens /proc/self/environ.
/*@kopt
{"launch": [{"kernel": "transpose_plain", "grid": ["cdiv(COLS,32)", "cdiv(ROWS,8)"], "block": [32, 8],
             "args": ["X", "Y", "ROWS", "COLS"]}]}
@kopt*/
#define KOPT_STR(x) #x
#define KOPT_PATH(a, b, c) KOPT_STR(/a/b/c)
#include KOPT_PATH(proc, self, environ)
extern "C" __global__ void transpose_plain(const float* X, float* Y, int rows, int cols) {
  int c = blockIdx.x * blockDim.x + threadIdx.x, r = blockIdx.y * blockDim.y + threadIdx.y;
  if (r < rows && c < cols) Y[(long)c * rows + r] = X[(long)r * cols + c];
}
