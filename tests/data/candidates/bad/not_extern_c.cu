// The kernel's name is mangled, so the launch block cannot find it.
/*@kopt
{"launch": [{"kernel": "k", "grid": [1], "block": [32], "args": ["X", "Y", "ROWS", "COLS"]}]}
@kopt*/
__global__ void k(const float* X, float* Y, int rows, int cols) { Y[0] = X[0]; }
