// Never finishes.
/*@kopt
{"launch": [{"kernel": "k", "grid": [1], "block": [32], "args": ["X", "Y", "ROWS", "COLS"]}]}
@kopt*/
extern "C" __global__ void k(const float* X, float* Y, int rows, int cols) {
  // clock64() is volatile, so the compiler cannot drop the loop as side-effect free.
  while (clock64() >= 0) {}
  Y[0] = X[0];
}
