// Naive X @ W^T with W stored [N, K]: one warp per output element, since both operands are read
// along K. Lane l adds k = l, l + 32, ... in fp32, then a fixed butterfly of shuffles sums the 32
// partial sums. Eight warps per block take eight consecutive experts of one token, and the next
// block the next eight: each token row is read from DRAM once, the 3.7 MB weight stays in L2.
/*@kopt
{"launch": [{"kernel": "router_logits_naive", "grid": ["cdiv(N,8)", "M"], "block": [256],
             "args": ["X", "W", "logits", "M", "N", "K"]}]}
@kopt*/
#include <cuda_bf16.h>
extern "C" __global__ void router_logits_naive(const __nv_bfloat16* X, const __nv_bfloat16* W,
                                               float* logits, int M, int N, int K) {
  int lane = threadIdx.x % 32;
  int n = blockIdx.x * (blockDim.x / 32) + threadIdx.x / 32;
  int m = blockIdx.y;
  if (n >= N) return;  // the whole warp leaves together
  const __nv_bfloat16* x = X + (long)m * K;
  const __nv_bfloat16* w = W + (long)n * K;
  float acc = 0.f;
  for (int k = lane; k < K; k += 32) acc += __bfloat162float(x[k]) * __bfloat162float(w[k]);
  for (int offset = 16; offset > 0; offset /= 2) acc += __shfl_xor_sync(0xffffffffu, acc, offset);
  if (lane == 0) logits[(long)m * N + n] = acc;
}
