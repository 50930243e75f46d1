// SPDX-License-Identifier: Apache-2.0
#include "evaluator/builtin_kernels.h"

namespace kopt {

const std::string_view kBuiltinKernelSource = R"kernel(
#include <cuda_fp16.h>
#include <cuda_bf16.h>

typedef unsigned long long u64;

__device__ __forceinline__ u64 kopt_mix(u64 x) {
  x ^= x >> 30; x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27; x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// Uniform in (0, 1]: never exactly zero, so the logarithm below is finite.
__device__ __forceinline__ double kopt_uniform(u64 seed, u64 stream, u64 i) {
  u64 bits = kopt_mix(kopt_mix(seed * 0x9E3779B97F4A7C15ULL + stream) ^ (i * 0xD1B54A32D192ED03ULL));
  return ((bits >> 11) + 1) * (1.0 / 9007199254740992.0);
}

__device__ __forceinline__ double kopt_draw(u64 seed, u64 stream, u64 i, int dist, double a, double b) {
  if (dist == 0) {
    double u1 = kopt_uniform(seed, stream, 2 * i);
    double u2 = kopt_uniform(seed, stream, 2 * i + 1);
    return a + b * sqrt(-2.0 * log(u1)) * cospi(2.0 * u2);
  }
  double u = kopt_uniform(seed, stream, i) - 0x1p-53;  // [0, 1)
  double v = a + u * (b - a);
  return dist == 2 ? floor(v) : v;
}

template <typename T> __device__ __forceinline__ T kopt_cast(double v) { return (T)v; }
template <> __device__ __forceinline__ __half kopt_cast<__half>(double v) { return __double2half((float)v); }
template <> __device__ __forceinline__ __nv_bfloat16 kopt_cast<__nv_bfloat16>(double v) { return __float2bfloat16_rn((float)v); }

template <typename T>
__device__ void kopt_fill(T* out, u64 n, u64 seed, u64 stream, int dist, double a, double b) {
  for (u64 i = blockIdx.x * (u64)blockDim.x + threadIdx.x; i < n; i += (u64)gridDim.x * blockDim.x) {
    out[i] = kopt_cast<T>(kopt_draw(seed, stream, i, dist, a, b));
  }
}

#define KOPT_FILL(name, T) \
  extern "C" __global__ void kopt_fill_##name(T* out, u64 n, u64 seed, u64 stream, int dist, double a, double b) { \
    kopt_fill<T>(out, n, seed, stream, dist, a, b); }
KOPT_FILL(f32, float)
KOPT_FILL(f16, __half)
KOPT_FILL(bf16, __nv_bfloat16)
KOPT_FILL(f64, double)
KOPT_FILL(i32, int)
KOPT_FILL(i64, long long)
KOPT_FILL(i8, signed char)
KOPT_FILL(u8, unsigned char)

extern "C" __global__ void kopt_checksum(const unsigned char* p, u64 nbytes, u64* out) {
  u64 words = nbytes / 4;
  const unsigned int* w = (const unsigned int*)p;
  u64 acc = 0;
  for (u64 i = blockIdx.x * (u64)blockDim.x + threadIdx.x; i < words; i += (u64)gridDim.x * blockDim.x) {
    acc += kopt_mix(((u64)w[i] << 32) ^ (i + 1));
  }
  if (blockIdx.x == 0 && threadIdx.x == 0) {
    for (u64 i = words * 4; i < nbytes; ++i) acc += kopt_mix(((u64)p[i] << 40) ^ (i + 7));
  }
  atomicAdd(out, acc);
}

extern "C" __global__ void kopt_clock(u64* out, long long spin_cycles) {
  u64 t0, t1;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t0));
  long long c0 = clock64();
  while (clock64() - c0 < spin_cycles) {}
  long long c1 = clock64();
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t1));
  out[0] = (u64)(c1 - c0);
  out[1] = t1 - t0;
}
)kernel";

}  // namespace kopt
