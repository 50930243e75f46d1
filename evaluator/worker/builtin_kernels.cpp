// SPDX-License-Identifier: Apache-2.0
#include "evaluator/worker/builtin_kernels.h"

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

// dist: 0 normal(a, b), 1 uniform [a, b), 2 randint [a, b), 3 constant a, 4 spike: a at every
// `every`-th element from a seeded offset, normal(0, b) elsewhere (core/task.h InitDist).
__device__ __forceinline__ double kopt_draw(u64 seed, u64 stream, u64 i, int dist, double a, double b,
                                          u64 every) {
  if (dist == 3) return a;
  if (dist == 4) {
    if ((i + kopt_mix(seed ^ (stream << 32)) % every) % every == 0) return a;
    dist = 0;
    a = 0;
  }
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
__device__ void kopt_fill(T* out, u64 n, u64 seed, u64 stream, int dist, double a, double b,
                          u64 every) {
  for (u64 i = blockIdx.x * (u64)blockDim.x + threadIdx.x; i < n; i += (u64)gridDim.x * blockDim.x) {
    out[i] = kopt_cast<T>(kopt_draw(seed, stream, i, dist, a, b, every));
  }
}

#define KOPT_FILL(name, T) \
  extern "C" __global__ void kopt_fill_##name(T* out, u64 n, u64 seed, u64 stream, int dist, double a, double b, u64 every) { \
    kopt_fill<T>(out, n, seed, stream, dist, a, b, every); }
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

// Timed-output verification (evaluator/worker/checks/timed_outputs.cpp): after a timed sample, its
// output against the reference's under the task's tolerance, with the same rules as the host's
// compare (NaN where the reference has NaN, equal infinities); an element still holding the
// poison bits counts as unwritten. counters[0] += wrong elements, counters[1] += unwritten.
template <typename T> __device__ __forceinline__ double kopt_value(T v) { return (double)v; }
template <> __device__ __forceinline__ double kopt_value<__half>(__half v) { return __half2float(v); }
template <> __device__ __forceinline__ double kopt_value<__nv_bfloat16>(__nv_bfloat16 v) { return __bfloat162float(v); }

template <typename T, typename Bits>
__device__ void kopt_verify(const T* actual, const T* expected, u64 n, Bits poison, double rtol,
                            double atol, u64* counters) {
  u64 wrong = 0, unwritten = 0;
  for (u64 i = blockIdx.x * (u64)blockDim.x + threadIdx.x; i < n; i += (u64)gridDim.x * blockDim.x) {
    Bits bits = ((const Bits*)actual)[i];
    if (bits == poison) { ++unwritten; ++wrong; continue; }
    double a = kopt_value<T>(actual[i]), e = kopt_value<T>(expected[i]);
    bool ok;
    if (isnan(a) || isnan(e)) ok = isnan(a) && isnan(e);
    else if (isinf(a) || isinf(e)) ok = a == e;
    else ok = fabs(a - e) <= atol + rtol * fabs(e);
    if (!ok) ++wrong;
  }
  if (wrong) atomicAdd(&counters[0], wrong);
  if (unwritten) atomicAdd(&counters[1], unwritten);
}

#define KOPT_VERIFY(name, T, Bits) \
  extern "C" __global__ void kopt_verify_##name(const T* actual, const T* expected, u64 n, \
      u64 poison, double rtol, double atol, u64* counters) { \
    kopt_verify<T, Bits>(actual, expected, n, (Bits)poison, rtol, atol, counters); }
KOPT_VERIFY(f32, float, unsigned int)
KOPT_VERIFY(f16, __half, unsigned short)
KOPT_VERIFY(bf16, __nv_bfloat16, unsigned short)
KOPT_VERIFY(f64, double, u64)
KOPT_VERIFY(i32, int, unsigned int)
KOPT_VERIFY(i64, long long, u64)
KOPT_VERIFY(i8, signed char, unsigned char)
KOPT_VERIFY(u8, unsigned char, unsigned char)

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
// Ceiling probes (evaluator/worker/peak_probe): a read-only and a copy kernel over float4, and
// independent FMA chains that keep every FP32 lane busy. The results only feed a branch that
// never holds, so nothing is optimised away.
extern "C" __global__ void kopt_peak_read(const float4* __restrict__ p, u64 n4, float* out) {
  float acc = 0.f;
  u64 stride = (u64)gridDim.x * blockDim.x;
  u64 i = blockIdx.x * (u64)blockDim.x + threadIdx.x;
  for (; i + 3 * stride < n4; i += 4 * stride) {
    float4 a = p[i], b = p[i + stride], c = p[i + 2 * stride], d = p[i + 3 * stride];
    acc += (a.x + a.y + a.z + a.w) + (b.x + b.y + b.z + b.w) + (c.x + c.y + c.z + c.w) +
           (d.x + d.y + d.z + d.w);
  }
  for (; i < n4; i += stride) { float4 a = p[i]; acc += a.x + a.y + a.z + a.w; }
  if (acc == -1.2345e-37f) out[0] = acc;
}

extern "C" __global__ void kopt_peak_copy(const float4* __restrict__ src, float4* __restrict__ dst, u64 n4) {
  u64 stride = (u64)gridDim.x * blockDim.x;
  for (u64 i = blockIdx.x * (u64)blockDim.x + threadIdx.x; i < n4; i += stride) dst[i] = src[i];
}

extern "C" __global__ void kopt_peak_fma(float* out, int iters, float a, float b) {
  float x0 = threadIdx.x, x1 = x0 + 1, x2 = x0 + 2, x3 = x0 + 3, x4 = x0 + 4, x5 = x0 + 5,
        x6 = x0 + 6, x7 = x0 + 7;
  for (int i = 0; i < iters; ++i) {
#pragma unroll
    for (int u = 0; u < 8; ++u) {
      x0 = fmaf(x0, a, b); x1 = fmaf(x1, a, b); x2 = fmaf(x2, a, b); x3 = fmaf(x3, a, b);
      x4 = fmaf(x4, a, b); x5 = fmaf(x5, a, b); x6 = fmaf(x6, a, b); x7 = fmaf(x7, a, b);
    }
  }
  float s = ((x0 + x1) + (x2 + x3)) + ((x4 + x5) + (x6 + x7));
  if (s == -1.2345e-37f) out[blockIdx.x] = s;
}
)kernel";

}  // namespace kopt
