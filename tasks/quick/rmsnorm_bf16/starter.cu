// One block per row, fp32 accumulation, a block-wide sum of squares with warp shuffles.
// Tunable: threads per block.
/*@kopt
{"launch": [{"kernel": "rmsnorm_block", "grid": ["ROWS"], "block": ["THREADS"],
             "args": ["X", "W", "Y", "ROWS", "HIDDEN", "eps"]}],
 "tunables": {"THREADS": [256, 128, 512, 1024]}}
@kopt*/
#include <cuda_bf16.h>
extern "C" __global__ void rmsnorm_block(const __nv_bfloat16* __restrict__ X, const __nv_bfloat16* __restrict__ W,
                                         __nv_bfloat16* __restrict__ Y, int rows, int hidden, float eps) {
  __shared__ float scratch[32];
  const __nv_bfloat16* x = X + (long)blockIdx.x * hidden;
  __nv_bfloat16* y = Y + (long)blockIdx.x * hidden;
  float ss = 0.f;
  for (int i = threadIdx.x; i < hidden; i += blockDim.x) {
    float v = __bfloat162float(x[i]);
    ss += v * v;
  }
  for (int o = 16; o > 0; o >>= 1) ss += __shfl_xor_sync(0xffffffff, ss, o);
  if (threadIdx.x % 32 == 0) scratch[threadIdx.x / 32] = ss;
  __syncthreads();
  if (threadIdx.x < 32) {
    float v = threadIdx.x < blockDim.x / 32 ? scratch[threadIdx.x] : 0.f;
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffff, v, o);
    if (threadIdx.x == 0) scratch[0] = rsqrtf(v / hidden + eps);
  }
  __syncthreads();
  float scale = scratch[0];
  for (int i = threadIdx.x; i < hidden; i += blockDim.x) {
    y[i] = __float2bfloat16(__bfloat162float(x[i]) * scale * __bfloat162float(W[i]));
  }
}
