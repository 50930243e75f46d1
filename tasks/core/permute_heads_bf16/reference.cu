// Naive head permute: one thread per output element; block (x, h, b) covers 256 consecutive
// elements of Y's (b, h) plane of S x D values.
/*@kopt
{"launch": [{"kernel": "permute_heads_naive", "grid": ["cdiv(S*D,256)", "H", "B"], "block": [256],
             "args": ["X", "Y", "S", "H", "D"]}]}
@kopt*/
#include <cuda_bf16.h>

extern "C" __global__ void permute_heads_naive(const __nv_bfloat16* X, __nv_bfloat16* Y, int seq,
                                               int heads, int dim) {
  long e = blockIdx.x * (long)blockDim.x + threadIdx.x;  // index in the (b, h) plane
  if (e >= (long)seq * dim) return;
  long s = e / dim, d = e % dim;
  long b = blockIdx.z, h = blockIdx.y;
  Y[((b * heads + h) * seq + s) * dim + d] = X[((b * seq + s) * heads + h) * dim + d];
}
