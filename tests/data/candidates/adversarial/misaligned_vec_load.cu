// Memory safety: loads each row as uint4 (8 halves) without checking alignment. Rows start on a
// 16-byte boundary when HIDDEN is a multiple of 8 (the main size and 1000), but at HIDDEN = 8191
// the second row starts 2 bytes off: a misaligned vector load, a sticky error that kills the context.
/*@kopt
{"launch": [{"kernel": "rmsnorm_fp16_vec", "grid": ["ROWS"], "block": [256], "args": ["X", "W", "Y", "HIDDEN", "eps"]}]}
@kopt*/
#include <cuda_fp16.h>
extern "C" __global__ void rmsnorm_fp16_vec(const __half* X, const __half* W, __half* Y, int hidden,
                                            float eps) {
  __shared__ float scratch[8];
  const __half* x = X + (long)blockIdx.x * hidden;
  __half* y = Y + (long)blockIdx.x * hidden;
  int n8 = hidden / 8;
  float ss = 0.f;
  for (int i = threadIdx.x; i < n8; i += 256) {
    uint4 raw = reinterpret_cast<const uint4*>(x)[i];  // BUG: x is only 2-byte aligned in general
    const __half2* h = reinterpret_cast<const __half2*>(&raw);
    for (int j = 0; j < 4; ++j) {
      float2 f = __half22float2(h[j]);
      ss += f.x * f.x + f.y * f.y;
    }
  }
  for (int i = 8 * n8 + threadIdx.x; i < hidden; i += 256) {
    float v = __half2float(x[i]);
    ss += v * v;
  }
  for (int o = 16; o > 0; o >>= 1) ss += __shfl_xor_sync(0xffffffff, ss, o);
  if (threadIdx.x % 32 == 0) scratch[threadIdx.x / 32] = ss;
  __syncthreads();
  float total = 0.f;
  for (int w = 0; w < 8; ++w) total += scratch[w];
  float scale = rsqrtf(total / hidden + eps);
  for (int i = threadIdx.x; i < hidden; i += 256) {
    y[i] = __float2half(__half2float(x[i]) * scale * __half2float(W[i]));
  }
}
