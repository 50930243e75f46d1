// Naive causal depthwise conv1d + SiLU: one thread per output sample (grid x: time steps of one
// channel, y: the channel, z: the sequence); fp32 sum of the bias and the taps at or before t.
/*@kopt
{"launch": [{"kernel": "causal_conv1d_silu_naive", "grid": ["cdiv(L,256)", "D", "B"],
             "block": [256], "args": ["x", "weight", "bias", "y", "D", "L", "WIDTH"]}]}
@kopt*/
#include <cuda_bf16.h>
extern "C" __global__ void causal_conv1d_silu_naive(const __nv_bfloat16* x,
                                                    const __nv_bfloat16* weight,
                                                    const __nv_bfloat16* bias, __nv_bfloat16* y,
                                                    int D, int L, int width) {
  int t = blockIdx.x * blockDim.x + threadIdx.x;
  int d = blockIdx.y;
  long b = blockIdx.z;
  if (t >= L) return;
  const __nv_bfloat16* row = x + (b * D + d) * L;
  const __nv_bfloat16* w = weight + (long)d * width;
  float acc = __bfloat162float(bias[d]);
  for (int j = 0; j < width; ++j) {
    int src = t - (width - 1) + j;
    if (src >= 0) acc += __bfloat162float(w[j]) * __bfloat162float(row[src]);
  }
  y[(b * D + d) * L + t] = __float2bfloat16(acc / (1.f + expf(-acc)));
}
