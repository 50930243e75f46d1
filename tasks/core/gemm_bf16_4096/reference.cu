// Naive bf16 GEMM: one thread per output element, a dot product over K accumulated in fp32, one
// rounding to bf16 at the end. A warp covers 32 columns of one row (coalesced B, broadcast A).
/*@kopt
{"launch": [{"kernel": "gemm_bf16_naive", "grid": ["cdiv(N,32)", "cdiv(M,8)"], "block": [32, 8],
             "args": ["A", "B", "C", "M", "N", "K"]}]}
@kopt*/
#include <cuda_bf16.h>
extern "C" __global__ void gemm_bf16_naive(const __nv_bfloat16* A, const __nv_bfloat16* B,
                                           __nv_bfloat16* C, int M, int N, int K) {
  int row = blockIdx.y * blockDim.y + threadIdx.y;
  int col = blockIdx.x * blockDim.x + threadIdx.x;
  if (row >= M || col >= N) return;
  float acc = 0.f;
  for (int k = 0; k < K; ++k) {
    acc += __bfloat162float(A[(long)row * K + k]) * __bfloat162float(B[(long)k * N + col]);
  }
  C[(long)row * N + col] = __float2bfloat16(acc);
}
