// GEMV, a warp per output row: when K is a multiple of 8 each lane reads W and x as uint4 (8 bf16),
// four loads in flight per step, and accumulates in fp32; other K (3001, 100) take a scalar path.
// A shuffle reduction and one rounding to bf16, as the reference; only the summation order differs.
/*@kopt
{"launch": [{"kernel": "gemv_warp_rows", "grid": ["cdiv(N,8)"], "block": [256], "args": ["W", "x", "y", "N", "K"]}]}
@kopt*/
#include <cuda_bf16.h>

__device__ float dot8(uint4 w, uint4 v) {
  const __nv_bfloat162* wh = reinterpret_cast<const __nv_bfloat162*>(&w);
  const __nv_bfloat162* vh = reinterpret_cast<const __nv_bfloat162*>(&v);
  float acc = 0.f;
#pragma unroll
  for (int k = 0; k < 4; ++k) {
    float2 a = __bfloat1622float2(wh[k]), b = __bfloat1622float2(vh[k]);
    acc += a.x * b.x + a.y * b.y;
  }
  return acc;
}

extern "C" __global__ void __launch_bounds__(256) gemv_warp_rows(const __nv_bfloat16* __restrict__ W,
                                                                 const __nv_bfloat16* __restrict__ x,
                                                                 __nv_bfloat16* __restrict__ y, int N, int K) {
  int lane = threadIdx.x % 32;
  int n = blockIdx.x * 8 + threadIdx.x / 32;
  if (n >= N) return;  // whole warps leave together
  const __nv_bfloat16* w = W + (long)n * K;
  float acc = 0.f;
  if (K % 8 == 0) {  // rows then start 16-byte aligned
    const uint4* w8 = reinterpret_cast<const uint4*>(w);
    const uint4* x8 = reinterpret_cast<const uint4*>(x);
    int k8 = K / 8;
    int c = lane;
    for (; c + 96 < k8; c += 128) {
      uint4 w0 = __ldg(w8 + c), w1 = __ldg(w8 + c + 32), w2 = __ldg(w8 + c + 64), w3 = __ldg(w8 + c + 96);
      acc += dot8(w0, __ldg(x8 + c)) + dot8(w1, __ldg(x8 + c + 32)) + dot8(w2, __ldg(x8 + c + 64)) +
             dot8(w3, __ldg(x8 + c + 96));
    }
    for (; c < k8; c += 32) acc += dot8(__ldg(w8 + c), __ldg(x8 + c));
  } else {
    for (int k = lane; k < K; k += 32) acc += __bfloat162float(w[k]) * __bfloat162float(x[k]);
  }
  for (int o = 16; o > 0; o >>= 1) acc += __shfl_xor_sync(0xffffffff, acc, o);
  if (lane == 0) y[n] = __float2bfloat16(acc);
}
