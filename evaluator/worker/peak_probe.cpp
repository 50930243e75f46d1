// SPDX-License-Identifier: Apache-2.0
#include "evaluator/worker/peak_probe.h"

#include "evaluator/worker/cublas_baseline.h"
#include "evaluator/worker/cuda_driver.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <functional>
#include <vector>

namespace kopt {
namespace {

constexpr int kRuns = 5;  // timed runs per figure; the best counts

class Events {
 public:
  Events() {
    KOPT_CU(Driver().cuEventCreate(&start_, CU_EVENT_DEFAULT));
    KOPT_CU(Driver().cuEventCreate(&stop_, CU_EVENT_DEFAULT));
  }
  ~Events() {
    Driver().cuEventDestroy(start_);
    Driver().cuEventDestroy(stop_);
  }
  Events(const Events&) = delete;
  Events& operator=(const Events&) = delete;

  /// The shortest of kRuns timed calls of `work` (after one untimed call), in ms.
  double BestMs(const std::function<void()>& work, CUstream stream) {
    work();
    double best = 1e30;
    for (int i = 0; i < kRuns; ++i) {
      KOPT_CU(Driver().cuEventRecord(start_, stream));
      work();
      KOPT_CU(Driver().cuEventRecord(stop_, stream));
      KOPT_CU(Driver().cuEventSynchronize(stop_));
      float ms = 0;
      KOPT_CU(Driver().cuEventElapsedTime(&ms, start_, stop_));
      best = std::min(best, static_cast<double>(ms));
    }
    return best;
  }

 private:
  CUevent start_ = nullptr;
  CUevent stop_ = nullptr;
};

std::string UtcNow() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

// The SM clock now, in MHz: a single thread spins ~1 ms reading clock64 and %globaltimer.
double ClockMhz(const Module& builtins, CUstream stream) {
  const DriverApi& cu = Driver();
  GuardedBuffer out(16);
  CUfunction f = builtins.Find("kopt_clock");
  CUdeviceptr ptr = out.ptr();
  long long spin = 1'000'000;
  void* params[] = {&ptr, &spin};
  KOPT_CU(cu.cuLaunchKernel(f, 1, 1, 1, 1, 1, 1, 0, stream, params, nullptr));
  KOPT_CU(cu.cuStreamSynchronize(stream));
  std::vector<unsigned char> host = out.Download();
  std::uint64_t cycles = 0, ns = 0;
  std::memcpy(&cycles, host.data(), 8);
  std::memcpy(&ns, host.data() + 8, 8);
  return ns > 0 ? static_cast<double>(cycles) / static_cast<double>(ns) * 1000.0 : 0;
}

// Compute rates scale with the SM clock; one measured below the rated clock (still ramping, or
// held down by power) is scaled up to it, so the ceiling is never below what a kernel that
// runs at the rated clock reaches.
double AtRatedClock(double rate, double clock_mhz, const DeviceInfo& device) {
  double rated = device.sm_clock_khz / 1000.0;
  if (clock_mhz <= 0 || rated <= 0 || clock_mhz >= rated) return rate;
  return rate * rated / clock_mhz;
}

void MeasureDram(DevicePeaks& peaks, const DeviceInfo& device, const Module& builtins,
                 CUstream stream, Events& events) {
  const DriverApi& cu = Driver();
  std::size_t free_bytes = 0, total = 0;
  KOPT_CU(cu.cuMemGetInfo(&free_bytes, &total));
  // Far beyond L2 (50 MiB on an H100), and at most a quarter of what is free for both buffers.
  std::size_t bytes =
      std::clamp<std::size_t>(free_bytes / 8, std::size_t{64} << 20, std::size_t{512} << 20);
  bytes = bytes / 4096 * 4096;
  GuardedBuffer a(bytes), b(bytes), sink(64);
  KOPT_CU(cu.cuMemsetD32(a.ptr(), 0x3F800000u, bytes / 4));  // 1.0f
  auto n4 = static_cast<std::uint64_t>(bytes / 16);
  unsigned blocks = static_cast<unsigned>(std::max(device.sm_count, 1)) * 8;
  CUfunction read = builtins.Find("kopt_peak_read");
  CUfunction copy = builtins.Find("kopt_peak_copy");
  CUdeviceptr src = a.ptr(), dst = b.ptr(), out = sink.ptr();

  double memcpy_ms =
      events.BestMs([&] { KOPT_CU(cu.cuMemcpyDtoDAsync(dst, src, bytes, stream)); }, stream);
  double copy_ms = events.BestMs(
      [&] {
        void* params[] = {&src, &dst, &n4};
        KOPT_CU(cu.cuLaunchKernel(copy, blocks, 1, 1, 256, 1, 1, 0, stream, params, nullptr));
      },
      stream);
  double read_ms = events.BestMs(
      [&] {
        void* params[] = {&src, &n4, &out};
        KOPT_CU(cu.cuLaunchKernel(read, blocks, 1, 1, 256, 1, 1, 0, stream, params, nullptr));
      },
      stream);
  auto gbps = [](double moved, double ms) { return moved / (ms * 1e-3) / 1e9; };
  peaks.copy_gbps = std::max(gbps(2.0 * bytes, memcpy_ms), gbps(2.0 * bytes, copy_ms));
  peaks.read_gbps = gbps(static_cast<double>(bytes), read_ms);
  peaks.dram_gbps = std::max(peaks.copy_gbps, peaks.read_gbps);
}

void MeasureFma(DevicePeaks& peaks, const DeviceInfo& device, const Module& builtins,
                CUstream stream, Events& events) {
  const DriverApi& cu = Driver();
  CUfunction fma = builtins.Find("kopt_peak_fma");
  GuardedBuffer sink(1 << 20);
  CUdeviceptr out = sink.ptr();
  unsigned blocks = static_cast<unsigned>(std::max(device.sm_count, 1)) * 8;
  float a = 0.999f, b = 0.001f;
  int iters = 256;
  auto launch = [&] {
    void* params[] = {&out, &iters, &a, &b};
    KOPT_CU(cu.cuLaunchKernel(fma, blocks, 1, 1, 256, 1, 1, 0, stream, params, nullptr));
  };
  // Calibrate to about 5 ms per launch, warm up for about 50 ms (clocks ramp up from idle),
  // then take the best of the timed runs.
  double ms = events.BestMs(launch, stream);
  iters = static_cast<int>(std::clamp(iters * 5.0 / std::max(ms, 1e-3), 256.0, 1e7));
  for (int i = 0; i < 10; ++i) launch();
  ms = events.BestMs(launch, stream);
  peaks.sm_clock_mhz = ClockMhz(builtins, stream);
  double flops = 128.0 * iters * blocks * 256;
  peaks.fp32_tflops = AtRatedClock(flops / (ms * 1e-3) / 1e12, peaks.sm_clock_mhz, device);
}

double MeasureTensor(DType dtype, const DeviceInfo& device, const Module& builtins, CUstream stream,
                     Events& events) {
  const DriverApi& cu = Driver();
  std::size_t free_bytes = 0, total = 0;
  KOPT_CU(cu.cuMemGetInfo(&free_bytes, &total));
  std::int64_t n = free_bytes > (std::size_t{2} << 30) ? 8192 : 4096;
  Task task;
  task.name = "kopt_peak_gemm";
  task.op_class = "gemm";
  task.symbols = {{"M", n}, {"N", n}, {"K", n}};
  task.tensors = {{"A", dtype, {"M", "K"}, TensorRole::kInput, {}},
                  {"B", dtype, {"K", "N"}, TensorRole::kInput, {}},
                  {"C", dtype, {"M", "N"}, TensorRole::kOutput, {}}};
  task.baseline = BaselineSpec{};
  CublasLtGemm gemm(task, task.symbols);
  auto elements = static_cast<std::uint64_t>(n * n);
  std::size_t bytes = elements * DTypeSize(dtype);
  GuardedBuffer a(bytes), b(bytes), c(bytes);
  CUfunction fill = builtins.Find("kopt_fill_" + std::string(DTypeName(dtype)));
  for (const GuardedBuffer* buffer : {&a, &b}) {
    CUdeviceptr ptr = buffer->ptr();
    std::uint64_t seed = 7, stream_id = buffer == &a ? 1 : 2;
    int dist = 0;
    double mean = 0, stddev = 1;
    std::uint64_t every = 0;
    void* params[] = {&ptr, &elements, &seed, &stream_id, &dist, &mean, &stddev, &every};
    KOPT_CU(cu.cuLaunchKernel(fill, 1024, 1, 1, 256, 1, 1, 0, stream, params, nullptr));
  }
  std::map<std::string, CUdeviceptr, std::less<>> tensors = {
      {"A", a.ptr()}, {"B", b.ptr()}, {"C", c.ptr()}};
  double ms = events.BestMs([&] { gemm.Enqueue(tensors, stream); }, stream);
  double clock_mhz = ClockMhz(builtins, stream);
  return AtRatedClock(2.0 * static_cast<double>(n) * n * n / (ms * 1e-3) / 1e12, clock_mhz, device);
}

}  // namespace

DevicePeaks MeasureDevicePeaks(const DeviceInfo& device, const Module& builtins, CUstream stream) {
  auto start = std::chrono::steady_clock::now();
  DevicePeaks peaks;
  peaks.device = device.name;
  peaks.uuid = device.uuid;
  peaks.driver_version = device.driver_version;
  peaks.measured_at = UtcNow();
  Events events;
  MeasureFma(peaks, device, builtins, stream, events);  // first: it also ramps the clocks up
  MeasureDram(peaks, device, builtins, stream, events);
  for (DType dtype : {DType::kBF16, DType::kF16}) {
    try {
      double tflops = MeasureTensor(dtype, device, builtins, stream, events);
      (dtype == DType::kBF16 ? peaks.bf16_tflops : peaks.fp16_tflops) = tflops;
    } catch (const CuResultError&) {
      throw;
    } catch (const Error& e) {
      peaks.note += std::string(peaks.note.empty() ? "" : "; ") + std::string(DTypeName(dtype)) +
                    " tensor peak not measured: " + e.what();
    }
  }
  for (double* v : {&peaks.dram_gbps, &peaks.copy_gbps, &peaks.read_gbps, &peaks.fp32_tflops,
                    &peaks.bf16_tflops, &peaks.fp16_tflops}) {
    if (!std::isfinite(*v)) *v = 0;
  }
  peaks.measure_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return peaks;
}

}  // namespace kopt
