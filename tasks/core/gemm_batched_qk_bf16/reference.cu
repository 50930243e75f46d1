// Naive batched Q @ K^T: one thread per score, a dot product over D in fp32, one rounding to
// bf16. A warp covers 32 keys of one query (the query row is a broadcast); grid z is the head.
/*@kopt
{"launch": [{"kernel": "qk_scores_naive", "grid": ["cdiv(SKV,32)", "cdiv(SQ,8)", "BH"],
             "block": [32, 8], "args": ["Q", "K", "S", "SQ", "SKV", "D"]}]}
@kopt*/
#include <cuda_bf16.h>
extern "C" __global__ void qk_scores_naive(const __nv_bfloat16* Q, const __nv_bfloat16* K,
                                           __nv_bfloat16* S, int sq, int skv, int d) {
  int i = blockIdx.y * blockDim.y + threadIdx.y;  // query
  int j = blockIdx.x * blockDim.x + threadIdx.x;  // key
  long head = blockIdx.z;
  if (i >= sq || j >= skv) return;
  const __nv_bfloat16* q = Q + (head * sq + i) * d;
  const __nv_bfloat16* k = K + (head * skv + j) * d;
  float acc = 0.f;
  for (int t = 0; t < d; ++t) acc += __bfloat162float(q[t]) * __bfloat162float(k[t]);
  S[(head * sq + i) * skv + j] = __float2bfloat16(acc);
}
