// One thread per element, the chain of fused multiply-adds in a plain loop.
/*@kopt
{"launch": [{"kernel": "fma_naive", "grid": ["cdiv(N,256)"], "block": [256], "args": ["X", "Y", "N", "ITERS"]}]}
@kopt*/
extern "C" __global__ void fma_naive(const float* X, float* Y, int n, int iters) {
  long i = blockIdx.x * (long)blockDim.x + threadIdx.x;
  if (i >= n) return;
  float y = X[i];
  for (int k = 0; k < iters; ++k) y = fmaf(y, 0.999f, 0.001f);
  Y[i] = y;
}
