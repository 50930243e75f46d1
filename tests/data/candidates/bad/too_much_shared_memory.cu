// Asks for 256 KiB of static shared memory; an SM has 228 KiB.
/*@kopt
{"launch": [{"kernel": "k", "grid": [1], "block": [32], "args": ["X", "Y", "ROWS", "COLS"]}]}
@kopt*/
extern "C" __global__ void k(const float* X, float* Y, int rows, int cols) {
  __shared__ float big[65536];
  big[threadIdx.x] = X[threadIdx.x];
  __syncthreads();
  Y[threadIdx.x] = big[31 - threadIdx.x];
}
