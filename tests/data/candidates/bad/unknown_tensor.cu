// The launch block names a tensor the task does not have.
/*@kopt
{"launch": [{"kernel": "k", "grid": [1], "block": [32], "args": ["X", "Z", "ROWS", "COLS"]}]}
@kopt*/
extern "C" __global__ void k(const float* X, float* Y, int rows, int cols) { Y[0] = X[0]; }
