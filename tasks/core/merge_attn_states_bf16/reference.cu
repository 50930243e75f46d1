// Naive merge of two attention states: one thread per output element; each recomputes its
// (token, head)'s weights from the two log-sum-exps, and the thread of d = 0 also writes the merged
// log-sum-exp.
/*@kopt
{"launch": [{"kernel": "merge_states_naive", "grid": ["cdiv(T*H*D,256)"], "block": [256],
             "args": ["V_a", "S_a", "V_b", "S_b", "V_out", "S_out", "T", "H", "D"]}]}
@kopt*/
#include <cuda_bf16.h>

extern "C" __global__ void merge_states_naive(const __nv_bfloat16* V_a, const float* S_a,
                                              const __nv_bfloat16* V_b, const float* S_b,
                                              __nv_bfloat16* V_out, float* S_out, int T, int H,
                                              int D) {
  long idx = (long)blockIdx.x * blockDim.x + threadIdx.x;
  if (idx >= (long)T * H * D) return;
  long th = idx / D;  // (t, h) flattened
  float sa = S_a[th], sb = S_b[th];
  float m = fmaxf(sa, sb);
  float wa = expf(sa - m), wb = expf(sb - m);
  float sum = wa + wb;
  float out = (__bfloat162float(V_a[idx]) * wa + __bfloat162float(V_b[idx]) * wb) / sum;
  V_out[idx] = __float2bfloat16(out);
  if (idx % D == 0) S_out[th] = m + logf(sum);
}
