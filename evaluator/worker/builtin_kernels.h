// SPDX-License-Identifier: Apache-2.0
// kopt's own device code, compiled by NVRTC like any candidate: the counter-based input
// generator, the input checksum, the SM clock probe and the ceiling probes.
#pragma once

#include <string_view>

namespace kopt {

/// extern "C" kernels:
///   kopt_fill_<dtype>(T* out, u64 n, u64 seed, u64 stream, int dist, double a, double b,
///     u64 every): dist 0 normal(a, b), 1 uniform[a, b), 2 randint[a, b), 3 constant a,
///     4 spike (a at every `every`-th element, normal(0, b) elsewhere); element i depends only
///     on (seed, stream, i), so inputs are reproducible and fresh per seed.
///   kopt_verify_<dtype>(actual, expected, u64 n, u64 poison, double rtol, double atol,
///     u64* counters): after a timed sample, counters[0] += wrong, counters[1] += unwritten.
///   kopt_checksum(const unsigned char* p, u64 nbytes, u64* out): an order-free hash of bytes.
///   kopt_clock(u64* out, i64 spin_cycles): out[0] SM cycles, out[1] globaltimer ns.
///   kopt_peak_read(const float4* p, u64 n4, float* out), kopt_peak_copy(const float4* src,
///     float4* dst, u64 n4): DRAM ceilings; kopt_peak_fma(float* out, int iters, float a,
///     float b): 128 FLOPs per thread and iteration, the FP32 ceiling.
extern const std::string_view kBuiltinKernelSource;

}  // namespace kopt
