// SPDX-License-Identifier: Apache-2.0
#include "evaluator/worker/doctor.h"

#include "core/profile.h"
#include "evaluator/nvrtc_compiler.h"
#include "evaluator/worker/builtin_kernels.h"
#include "evaluator/worker/cuda_driver.h"
#include "evaluator/worker/cupti_metrics.h"
#include "evaluator/worker/cupti_profiler.h"
#include "evaluator/worker/gpu_runtime.h"
#include "evaluator/worker/peak_cache.h"

#include <cupti.h>

#include <fstream>
#include <unistd.h>

namespace kopt {
namespace {

std::string CounterPermission() {
  std::ifstream params("/proc/driver/nvidia/params");
  std::string line;
  while (std::getline(params, line)) {
    if (line.rfind("RmProfilingAdminOnly:", 0) != 0) continue;
    bool admin_only = line.find('1') != std::string::npos;
    if (!admin_only) return "open";
    return ::geteuid() == 0 ? "admin only (running as root: allowed)" : "admin only (denied)";
  }
  return "unknown";
}

double MeasureCopyGbps(CUstream stream) {
  const DriverApi& cu = Driver();
  constexpr std::size_t kBytes = std::size_t{1} << 30;
  constexpr int kCopies = 20;
  GuardedBuffer a(kBytes), b(kBytes);
  CUevent start, stop;
  KOPT_CU(cu.cuEventCreate(&start, CU_EVENT_DEFAULT));
  KOPT_CU(cu.cuEventCreate(&stop, CU_EVENT_DEFAULT));
  KOPT_CU(cu.cuMemcpyDtoDAsync(b.ptr(), a.ptr(), kBytes, stream));  // warm-up
  KOPT_CU(cu.cuEventRecord(start, stream));
  for (int i = 0; i < kCopies; ++i) KOPT_CU(cu.cuMemcpyDtoDAsync(b.ptr(), a.ptr(), kBytes, stream));
  KOPT_CU(cu.cuEventRecord(stop, stream));
  KOPT_CU(cu.cuEventSynchronize(stop));
  float ms = 0;
  KOPT_CU(cu.cuEventElapsedTime(&ms, start, stop));
  cu.cuEventDestroy(start);
  cu.cuEventDestroy(stop);
  return 2.0 * kBytes * kCopies / (ms * 1e-3) / 1e9;
}

// Ceilings and counters: needs kopt's built-in kernels.
void CheckProfiling(DoctorDevice& d, const GpuContext& context, bool measure,
                    const std::string& cache_dir) {
  NvrtcCompiler compiler(cache_dir, /*sandbox_binary=*/"");  // kopt's own kernels
  CompileRequest request;
  request.source = std::string(kBuiltinKernelSource);
  request.file = "kopt_builtins.cu";
  request.arch = d.info.arch;
  CompileOutput out = compiler.Compile(request);
  if (!out.ok) throw CudaError("kopt's built-in kernels did not compile:\n" + out.info.log);
  Module builtins(out.cubin);
  try {
    if (measure) {
      d.peaks = DevicePeaksFor(cache_dir, d.info, builtins, context.stream(), /*measure=*/true);
    } else {
      d.peaks = LoadCachedPeaks(cache_dir, d.info);
      d.peaks_cached = d.peaks.has_value();
    }
  } catch (const Error& e) {
    d.peaks_error = e.what();
  }

  CuptiProfiler profiler(d.info.index);
  try {
    d.chip = profiler.Chip();
    d.default_passes = PlanMetrics(d.chip, ProfileMetrics(ProfileLevel::kDefault)).passes;
    d.deep_passes = PlanMetrics(d.chip, ProfileMetrics(ProfileLevel::kDeep)).passes;
  } catch (const Error& e) {
    d.counters_note = e.what();
    return;
  }
  // A real profile of a read kernel over 256 MiB: the same path as every evaluation.
  constexpr std::uint64_t kBytes = std::uint64_t{256} << 20;
  GuardedBuffer data(kBytes), sink(64);
  GuardedBuffer flush(
      std::max<std::size_t>(2 * static_cast<std::size_t>(d.info.l2_bytes), std::size_t{64} << 20));
  KOPT_CU(Driver().cuMemsetD32(data.ptr(), 0x3F800000u, kBytes / 4));
  CUfunction read = builtins.Find("kopt_peak_read");
  ProfiledLaunch launch{"kopt_peak_read",
                        read,
                        {static_cast<std::uint32_t>(d.info.sm_count) * 8, 1, 1},
                        {256, 1, 1},
                        0};
  Profile p = profiler.Run(
      ProfileLevel::kDefault, {}, {launch}, {},
      [&] {
        CUdeviceptr ptr = data.ptr(), out = sink.ptr();
        std::uint64_t n4 = kBytes / 16;
        void* params[] = {&ptr, &n4, &out};
        KOPT_CU(Driver().cuLaunchKernel(read, launch.grid[0], 1, 1, 256, 1, 1, 0, context.stream(),
                                        params, nullptr));
      },
      [&] {
        CUdeviceptr ptr = flush.ptr(), out = sink.ptr();
        std::uint64_t n4 = flush.bytes() / 16;
        void* params[] = {&ptr, &n4, &out};
        KOPT_CU(Driver().cuLaunchKernel(read, launch.grid[0], 1, 1, 256, 1, 1, 0, context.stream(),
                                        params, nullptr));
      },
      context.stream());
  d.counters = p.counters;
  d.probe_dram_pct = p.summary.fields.dram_pct.value_or(0);
  d.counters_note = p.note;
}

}  // namespace

DoctorReport RunDoctor(bool measure, const std::string& kopt_binary) {
  DoctorReport report;
  report.nvrtc_version = NvrtcVersion();
  report.cuda_include_dir = CudaIncludeDir();
  report.cache_dir = DefaultCacheDir();
  try {
    NvrtcCompiler sandboxed("", kopt_binary);
    sandboxed.Compile({"__global__ void kopt_doctor() {}", "kopt_doctor.cu"});
    SandboxState state = sandboxed.sandbox();
    report.compile_sandbox = state.how;
    report.compile_sandbox_confined = state.confined;
  } catch (const Error& e) {
    report.compile_sandbox = std::string("the compile server failed: ") + e.what();
  }
  uint32_t cupti_version = 0;
  if (cuptiGetVersion(&cupti_version) == CUPTI_SUCCESS)
    report.cupti_api_version = static_cast<int>(cupti_version);
  report.counter_permission = CounterPermission();
  report.driver_ok = DriverAvailable(&report.driver_error);
  if (!report.driver_ok) return report;
  KOPT_CU(Driver().cuDriverGetVersion(&report.driver_version));
  int count = 0;
  KOPT_CU(Driver().cuDeviceGetCount(&count));
  for (int i = 0; i < count; ++i) {
    DoctorDevice d;
    try {
      GpuContext context(i);
      d.info = context.device();
      d.theoretical_gbps = 2.0 * d.info.memory_clock_khz * 1e3 * d.info.memory_bus_bits / 8 / 1e9;
      if (measure) d.measured_copy_gbps = MeasureCopyGbps(context.stream());
      try {
        CheckProfiling(d, context, measure, report.cache_dir);
      } catch (const Error& e) {
        d.counters_note = std::string("profiling check failed: ") + e.what();
      }
    } catch (const Error& e) {
      d.error = e.what();
    }
    report.devices.push_back(d);
  }
  return report;
}

}  // namespace kopt
