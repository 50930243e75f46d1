// Naive copy: one thread per element.
/*@kopt
{"launch": [{"kernel": "copy_naive", "grid": ["cdiv(N,256)"], "block": [256], "args": ["X", "Y", "N"]}]}
@kopt*/
extern "C" __global__ void copy_naive(const float* X, float* Y, int n) {
  long i = blockIdx.x * (long)blockDim.x + threadIdx.x;
  if (i < n) Y[i] = X[i];
}
