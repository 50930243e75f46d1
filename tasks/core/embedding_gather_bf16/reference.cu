// Naive embedding lookup: one thread per output element copies table[ids[t], d].
/*@kopt
{"launch": [{"kernel": "embedding_naive", "grid": ["cdiv(T*D,256)"], "block": [256],
             "args": ["ids", "table", "out", "T", "D"]}]}
@kopt*/
#include <cuda_bf16.h>

extern "C" __global__ void embedding_naive(const int* ids, const __nv_bfloat16* table,
                                           __nv_bfloat16* out, int T, int D) {
  long idx = (long)blockIdx.x * blockDim.x + threadIdx.x;
  if (idx >= (long)T * D) return;
  long t = idx / D;
  int d = (int)(idx % D);
  out[idx] = table[(long)ids[t] * D + d];
}
