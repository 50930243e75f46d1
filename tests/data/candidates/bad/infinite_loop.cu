// Never finishes.
/*@kopt
{"launch": [{"kernel": "k", "grid": [1], "block": [32], "args": ["X", "Y", "ROWS", "COLS"]}]}
@kopt*/
extern "C" __global__ void k(const float* X, float* Y, int rows, int cols) {
  volatile int spin = 1;
  while (spin) {}
  Y[0] = X[0];
}
