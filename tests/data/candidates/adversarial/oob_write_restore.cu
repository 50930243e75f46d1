// Memory safety: a first launch uses the 64 bytes just past the end of Y as scratch and puts the
// old bytes back. The guard zone looks untouched afterwards, so a guard check that only compares
// bytes passes; an out-of-bounds write all the same (memcheck on an exactly sized buffer).
/*@kopt
{"launch": [{"kernel": "rmsnorm_scratch_past_end", "grid": [1], "block": [32], "args": ["X", "W", "Y", "ROWS", "HIDDEN", "eps"]},
            {"kernel": "rmsnorm_rows", "grid": ["ROWS"], "block": [256], "args": ["X", "W", "Y", "ROWS", "HIDDEN", "eps"]}]}
@kopt*/
#include <cuda_bf16.h>
// Borrows Y[rows*hidden .. +32) (64 bytes past the end) and restores it: a write the guards never see.
extern "C" __global__ void rmsnorm_scratch_past_end(const __nv_bfloat16* X, const __nv_bfloat16* W,
                                                    __nv_bfloat16* Y, int rows, int hidden, float eps) {
  __nv_bfloat16* past = Y + (long)rows * hidden;
  __nv_bfloat16 saved = past[threadIdx.x];
  past[threadIdx.x] = X[threadIdx.x % hidden];  // the out-of-bounds write
  __syncwarp();
  past[threadIdx.x] = saved;                     // ...and the cover-up
}
extern "C" __global__ void rmsnorm_rows(const __nv_bfloat16* X, const __nv_bfloat16* W,
                                        __nv_bfloat16* Y, int rows, int hidden, float eps) {
  __shared__ float scratch[8];
  const __nv_bfloat16* x = X + (long)blockIdx.x * hidden;
  __nv_bfloat16* y = Y + (long)blockIdx.x * hidden;
  float ss = 0.f;
  for (int i = threadIdx.x; i < hidden; i += 256) {
    float v = __bfloat162float(x[i]);
    ss += v * v;
  }
  for (int o = 16; o > 0; o >>= 1) ss += __shfl_xor_sync(0xffffffff, ss, o);
  if (threadIdx.x % 32 == 0) scratch[threadIdx.x / 32] = ss;
  __syncthreads();
  float total = 0.f;
  for (int w = 0; w < 8; ++w) total += scratch[w];
  float scale = rsqrtf(total / hidden + eps);
  for (int i = threadIdx.x; i < hidden; i += 256) {
    y[i] = __float2bfloat16(__bfloat162float(x[i]) * scale * __bfloat162float(W[i]));
  }
}
