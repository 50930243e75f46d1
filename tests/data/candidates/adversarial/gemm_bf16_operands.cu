// Precision: an "fp32" GEMM that rounds A and B to bf16 (8-bit mantissa) as it loads them, as a
// tensor-core kernel would, and accumulates in fp32. The task is fp32 with rtol 1e-4 / atol 1e-3;
// a harness with a loose tolerance, or one that compares against a bf16 reference, passes it.
/*@kopt
{"launch": [{"kernel": "gemm_bf16_inputs", "grid": ["cdiv(N,16)", "cdiv(M,16)"], "block": [16, 16],
             "args": ["A", "B", "C", "M", "N", "K"]}]}
@kopt*/
#include <cuda_bf16.h>
extern "C" __global__ void gemm_bf16_inputs(const float* A, const float* B, float* C, int M, int N, int K) {
  __shared__ __nv_bfloat16 As[16][16], Bs[16][16];
  int row = blockIdx.y * 16 + threadIdx.y, col = blockIdx.x * 16 + threadIdx.x;
  float acc = 0.f;
  for (int k0 = 0; k0 < K; k0 += 16) {
    int ka = k0 + threadIdx.x, kb = k0 + threadIdx.y;
    As[threadIdx.y][threadIdx.x] = __float2bfloat16(row < M && ka < K ? A[(long)row * K + ka] : 0.f);
    Bs[threadIdx.y][threadIdx.x] = __float2bfloat16(kb < K && col < N ? B[(long)kb * N + col] : 0.f);
    __syncthreads();
    for (int k = 0; k < 16; ++k)
      acc += __bfloat162float(As[threadIdx.y][k]) * __bfloat162float(Bs[k][threadIdx.x]);
    __syncthreads();
  }
  if (row < M && col < N) C[(long)row * N + col] = acc;
}
