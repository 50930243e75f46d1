// One thread per output element, fp32 accumulation.
/*@kopt
{"launch": [{"kernel": "gemm_naive", "grid": ["cdiv(N,16)", "cdiv(M,16)"], "block": [16, 16],
             "args": ["A", "B", "C", "M", "N", "K", "alpha"]}]}
@kopt*/
#include <cuda_bf16.h>
extern "C" __global__ void gemm_naive(const __nv_bfloat16* A, const __nv_bfloat16* B,
                                      __nv_bfloat16* C, int M, int N, int K, float alpha) {
  int row = blockIdx.y * 16 + threadIdx.y, col = blockIdx.x * 16 + threadIdx.x;
  if (row >= M || col >= N) return;
  float acc = 0.f;
  for (int k = 0; k < K; ++k)
    acc += __bfloat162float(A[(long)row * K + k]) * __bfloat162float(B[(long)k * N + col]);
  C[(long)row * N + col] = __float2bfloat16(alpha * acc);
}
