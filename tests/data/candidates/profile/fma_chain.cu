// Compute-bound: the task's chain of fused multiply-adds, unrolled; 8 bytes of DRAM traffic per
// 2*ITERS FLOPs, so the profiler's tests expect DRAM throughput near zero.
/*@kopt
{"launch": [{"kernel": "fma_chain", "grid": ["cdiv(N,256)"], "block": [256], "args": ["X", "Y", "N", "ITERS"]}]}
@kopt*/
extern "C" __global__ void fma_chain(const float* __restrict__ X, float* __restrict__ Y, int n, int iters) {
  long i = blockIdx.x * (long)blockDim.x + threadIdx.x;
  if (i >= n) return;
  float y = X[i];
#pragma unroll 16
  for (int k = 0; k < iters; ++k) y = fmaf(y, 0.999f, 0.001f);
  Y[i] = y;
}
