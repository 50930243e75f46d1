// Naive relu(X @ W^T + bias) with W stored [N, K]: one warp per output element, since both
// operands are read along K. Lane l adds k = l, l + 32, ... in fp32, a fixed butterfly of
// shuffles sums the partial sums, then bias and ReLU in fp32 and one rounding to bf16.
// Eight warps per block take eight rows of W; consecutive blocks take the same rows for the
// next token, so W streams from DRAM once while X stays in L2.
/*@kopt
{"launch": [{"kernel": "gemm_bias_relu_naive", "grid": ["M", "cdiv(N,8)"], "block": [256],
             "args": ["X", "W", "bias", "Y", "M", "N", "K"]}]}
@kopt*/
#include <cuda_bf16.h>
extern "C" __global__ void gemm_bias_relu_naive(const __nv_bfloat16* X, const __nv_bfloat16* W,
                                                const __nv_bfloat16* bias, __nv_bfloat16* Y,
                                                int M, int N, int K) {
  int lane = threadIdx.x % 32;
  int m = blockIdx.x;
  int n = blockIdx.y * (blockDim.x / 32) + threadIdx.x / 32;
  if (n >= N) return;  // the whole warp leaves together
  const __nv_bfloat16* x = X + (long)m * K;
  const __nv_bfloat16* w = W + (long)n * K;
  float acc = 0.f;
  for (int k = lane; k < K; k += 32) acc += __bfloat162float(x[k]) * __bfloat162float(w[k]);
  for (int offset = 16; offset > 0; offset /= 2) acc += __shfl_xor_sync(0xffffffffu, acc, offset);
  if (lane == 0) {
    float v = acc + __bfloat162float(bias[n]);
    Y[(long)m * N + n] = __float2bfloat16(fmaxf(v, 0.f));
  }
}
