// Asks for 240 KiB of dynamic shared memory, above the device's per-block limit.
/*@kopt
{"launch": [{"kernel": "k", "grid": [1], "block": [32], "smem": "240*1024", "args": ["X", "Y", "ROWS", "COLS"]}]}
@kopt*/
extern "C" __global__ void k(const float* X, float* Y, int rows, int cols) {
  extern __shared__ float big[];
  big[threadIdx.x] = X[threadIdx.x];
  Y[threadIdx.x] = big[threadIdx.x];
}
