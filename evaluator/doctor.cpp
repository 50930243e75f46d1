// SPDX-License-Identifier: Apache-2.0
#include "evaluator/doctor.h"

#include "evaluator/cuda_driver.h"
#include "evaluator/gpu_runtime.h"
#include "evaluator/nvrtc_compiler.h"

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

}  // namespace

DoctorReport RunDoctor(bool measure) {
  DoctorReport report;
  report.nvrtc_version = NvrtcVersion();
  report.cuda_include_dir = CudaIncludeDir();
  report.cache_dir = DefaultCacheDir();
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
    } catch (const Error& e) {
      d.error = e.what();
    }
    report.devices.push_back(d);
  }
  return report;
}

}  // namespace kopt
