// Does no work: "computes" the output from the output buffer itself.
/*@kopt
{"launch": [{"kernel": "k", "grid": ["cdiv(ROWS*COLS,256)"], "block": [256], "args": ["X", "Y", "ROWS", "COLS"]}]}
@kopt*/
extern "C" __global__ void k(const float* X, float* Y, int rows, int cols) {
  long i = blockIdx.x * (long)blockDim.x + threadIdx.x;
  if (i < (long)rows * cols) Y[i] = Y[i] * 1.0f;
}
