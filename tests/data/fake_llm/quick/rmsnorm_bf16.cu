// One block of 256 threads per row, the row held in registers as 16-byte vectors of 8 bf16
// (two a thread cover 4096 values): X is read from DRAM once instead of twice. Rows whose
// length is not a multiple of 8, or longer than 4096, take the two-pass loop.
/*@kopt
{"launch": [{"kernel": "rmsnorm_registers", "grid": ["ROWS"], "block": [256],
             "args": ["X", "W", "Y", "ROWS", "HIDDEN", "eps"]}]}
@kopt*/
#include <cuda_bf16.h>
#define THREADS 256
#define VECS 2

__device__ float block_sum(float v, float* scratch) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffff, v, o);
  if (threadIdx.x % 32 == 0) scratch[threadIdx.x / 32] = v;
  __syncthreads();
  v = threadIdx.x % 32 < THREADS / 32 ? scratch[threadIdx.x % 32] : 0.f;
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffff, v, o);
  __syncthreads();
  return v;
}

extern "C" __global__ void __launch_bounds__(THREADS)
    rmsnorm_registers(const __nv_bfloat16* __restrict__ X, const __nv_bfloat16* __restrict__ W,
                      __nv_bfloat16* __restrict__ Y, int rows, int hidden, float eps) {
  __shared__ float scratch[32];
  const __nv_bfloat16* x = X + (long)blockIdx.x * hidden;
  __nv_bfloat16* y = Y + (long)blockIdx.x * hidden;
  int nvec = hidden / 8;
  if (hidden % 8 == 0 && nvec <= THREADS * VECS) {
    uint4 buf[VECS];
    float ss = 0.f;
#pragma unroll
    for (int k = 0; k < VECS; ++k) {
      int i = threadIdx.x + k * THREADS;
      buf[k] = i < nvec ? reinterpret_cast<const uint4*>(x)[i] : make_uint4(0, 0, 0, 0);
      const __nv_bfloat162* h = reinterpret_cast<const __nv_bfloat162*>(&buf[k]);
#pragma unroll
      for (int j = 0; j < 4; ++j) {
        float2 f = __bfloat1622float2(h[j]);
        ss += f.x * f.x + f.y * f.y;
      }
    }
    float scale = rsqrtf(block_sum(ss, scratch) / hidden + eps);
#pragma unroll
    for (int k = 0; k < VECS; ++k) {
      int i = threadIdx.x + k * THREADS;
      if (i >= nvec) continue;
      uint4 wv = reinterpret_cast<const uint4*>(W)[i];
      const __nv_bfloat162* h = reinterpret_cast<const __nv_bfloat162*>(&buf[k]);
      const __nv_bfloat162* w = reinterpret_cast<const __nv_bfloat162*>(&wv);
      uint4 out;
      __nv_bfloat162* o = reinterpret_cast<__nv_bfloat162*>(&out);
#pragma unroll
      for (int j = 0; j < 4; ++j) {
        float2 f = __bfloat1622float2(h[j]);
        float2 g = __bfloat1622float2(w[j]);
        o[j] = __floats2bfloat162_rn(f.x * scale * g.x, f.y * scale * g.y);
      }
      reinterpret_cast<uint4*>(y)[i] = out;
    }
    return;
  }
  float ss = 0.f;
  for (int i = threadIdx.x; i < hidden; i += THREADS) {
    float v = __bfloat162float(x[i]);
    ss += v * v;
  }
  float scale = rsqrtf(block_sum(ss, scratch) / hidden + eps);
  for (int i = threadIdx.x; i < hidden; i += THREADS) {
    y[i] = __float2bfloat16(__bfloat162float(x[i]) * scale * __bfloat162float(W[i]));
  }
}
