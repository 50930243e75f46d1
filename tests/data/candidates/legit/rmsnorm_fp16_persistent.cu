// Persistent RMSNorm: a fixed grid of 132*4 blocks (four per H100 SM; the launch block has no SM
// count) walks the rows with a grid-stride loop. Rows whose length is a multiple of 8 are read as
// uint4 (8 halves) and kept in registers up to 8192; others (HIDDEN = 8191) go element by element.
/*@kopt
{"launch": [{"kernel": "rmsnorm_fp16_persistent", "grid": [528], "block": [256],
             "args": ["X", "W", "Y", "ROWS", "HIDDEN", "eps"]}]}
@kopt*/
#include <cuda_fp16.h>
#define THREADS 256
#define PER 4  // uint4s per thread kept in registers: 256 * 4 * 8 = 8192 halves

__device__ float block_sum(float v, float* scratch) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffff, v, o);
  if (threadIdx.x % 32 == 0) scratch[threadIdx.x / 32] = v;
  __syncthreads();
  float total = 0.f;
#pragma unroll
  for (int w = 0; w < THREADS / 32; ++w) total += scratch[w];
  __syncthreads();  // scratch is reused for the next row
  return total;
}

__device__ uint4 scale_halves(uint4 xr, uint4 wr, float scale) {
  const __half2* xh = reinterpret_cast<const __half2*>(&xr);
  const __half2* wh = reinterpret_cast<const __half2*>(&wr);
  uint4 out;
  __half2* oh = reinterpret_cast<__half2*>(&out);
#pragma unroll
  for (int k = 0; k < 4; ++k) {
    float2 xf = __half22float2(xh[k]), wf = __half22float2(wh[k]);
    oh[k] = __floats2half2_rn(xf.x * scale * wf.x, xf.y * scale * wf.y);
  }
  return out;
}

extern "C" __global__ void __launch_bounds__(THREADS) rmsnorm_fp16_persistent(
    const __half* __restrict__ X, const __half* __restrict__ W, __half* __restrict__ Y, int rows,
    int hidden, float eps) {
  __shared__ float scratch[THREADS / 32];
  bool vec = hidden % 8 == 0 && hidden <= THREADS * PER * 8;
  for (int row = blockIdx.x; row < rows; row += gridDim.x) {
    const __half* x = X + (long)row * hidden;
    __half* y = Y + (long)row * hidden;
    if (vec) {
      int n8 = hidden / 8;
      const uint4* x8 = reinterpret_cast<const uint4*>(x);
      uint4 v[PER];
      float ss = 0.f;
#pragma unroll
      for (int j = 0; j < PER; ++j) {
        int c = threadIdx.x + j * THREADS;
        v[j] = c < n8 ? x8[c] : make_uint4(0, 0, 0, 0);
        const __half2* h = reinterpret_cast<const __half2*>(&v[j]);
#pragma unroll
        for (int k = 0; k < 4; ++k) {
          float2 f = __half22float2(h[k]);
          ss += f.x * f.x + f.y * f.y;
        }
      }
      float scale = rsqrtf(block_sum(ss, scratch) / hidden + eps);
      const uint4* w8 = reinterpret_cast<const uint4*>(W);
      uint4* y8 = reinterpret_cast<uint4*>(y);
#pragma unroll
      for (int j = 0; j < PER; ++j) {
        int c = threadIdx.x + j * THREADS;
        if (c < n8) y8[c] = scale_halves(v[j], w8[c], scale);
      }
    } else {
      float ss = 0.f;
      for (int i = threadIdx.x; i < hidden; i += THREADS) {
        float f = __half2float(x[i]);
        ss += f * f;
      }
      float scale = rsqrtf(block_sum(ss, scratch) / hidden + eps);
      for (int i = threadIdx.x; i < hidden; i += THREADS)
        y[i] = __float2half(__half2float(x[i]) * scale * __half2float(W[i]));
    }
  }
}
