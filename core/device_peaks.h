// SPDX-License-Identifier: Apache-2.0
// The measured ceilings of one GPU: DRAM bandwidth and compute rates, measured once per device
// and driver (evaluator/worker/peak_probe) and kept in kopt's cache, so every evaluation can place
// its result on the roofline.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace kopt {

inline constexpr int kDevicePeaksSchemaVersion = 1;

struct DevicePeaks {
  std::string device;  // "NVIDIA H100 80GB HBM3"
  std::string uuid;    // "GPU-8f3c..."
  int driver_version = 0;
  double dram_gbps = 0;    // the best of copy_gbps and read_gbps: the bandwidth ceiling
  double copy_gbps = 0;    // device-to-device copies, bytes read + written per second
  double read_gbps = 0;    // a read-only kernel
  double fp32_tflops = 0;  // an FMA kernel, 2 FLOPs per FMA
  double bf16_tflops = 0;  // cuBLASLt GEMM on tensor cores, fp32 accumulation; 0 if not measured
  double fp16_tflops = 0;
  double sm_clock_mhz = 0;  // the SM clock right after the FMA runs; compute rates measured
                            // below the rated clock are scaled up to it
  double measure_ms = 0;    // how long the measurement took
  std::string measured_at;  // UTC, ISO 8601
  std::string note;         // what could not be measured, and why

  // The specification's ceilings (rated clocks x units; core/roofline.h SpecCeilings), which
  // bound the `suspicious` flag: a measured ceiling (a library's GEMM rate) is beaten by honest
  // kernels, a specification's is not. 0: unknown. Not cached: derived from the device.
  double spec_dram_gbps = 0;
  double spec_fp32_tflops = 0;
  double spec_bf16_tflops = 0;
  double spec_fp16_tflops = 0;
};

nlohmann::json ToJson(const DevicePeaks& p);
DevicePeaks DevicePeaksFromJson(const nlohmann::json& j);

}  // namespace kopt
