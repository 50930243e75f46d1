// Naive fp16 GEMM: one thread per output element, a dot product over K accumulated in fp32, one
// rounding to fp16 at the end. A warp covers 32 columns of one row (coalesced B, broadcast A).
/*@kopt
{"launch": [{"kernel": "gemm_fp16_naive", "grid": ["cdiv(N,32)", "cdiv(M,8)"], "block": [32, 8],
             "args": ["A", "B", "C", "M", "N", "K"]}]}
@kopt*/
#include <cuda_fp16.h>
extern "C" __global__ void gemm_fp16_naive(const __half* A, const __half* B, __half* C, int M,
                                           int N, int K) {
  int row = blockIdx.y * blockDim.y + threadIdx.y;
  int col = blockIdx.x * blockDim.x + threadIdx.x;
  if (row >= M || col >= N) return;
  float acc = 0.f;
  for (int k = 0; k < K; ++k) {
    acc += __half2float(A[(long)row * K + k]) * __half2float(B[(long)k * N + col]);
  }
  C[(long)row * N + col] = __float2half_rn(acc);
}
