// SPDX-License-Identifier: Apache-2.0
// What kopt knows about a GPU: read by the worker from the driver, sent to the parent, recorded
// with every evaluation, and used for compile targets and launch limits.
#pragma once

#include "core/device_peaks.h"
#include "core/launch_block.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace kopt {

struct DeviceInfo {
  int index = 0;
  std::string name;  // "NVIDIA H100 80GB HBM3"
  int cc_major = 0;
  int cc_minor = 0;
  std::string arch;  // NVRTC target, "sm_90a"
  int sm_count = 0;
  std::int64_t memory_bytes = 0;
  std::int64_t l2_bytes = 0;
  int sm_clock_khz = 0;  // the device's rated (boost) clock
  int memory_clock_khz = 0;
  int memory_bus_bits = 0;
  int driver_version = 0;  // 13000 for CUDA 13.0
  DeviceLimits limits;
  std::string uuid;                  // "GPU-8f3c...", from the driver
  std::optional<DevicePeaks> peaks;  // measured ceilings, when the worker has them
};

nlohmann::json ToJson(const DeviceInfo& d);

/// (9, 0) for "sm_90a", (10, 0) for "sm_100a", (8, 6) for "sm_86"; ConfigError otherwise.
std::pair<int, int> ComputeCapabilityOf(const std::string& arch);
/// The launch limits of an NVRTC target's GPUs, for checks made without a GPU (`kopt compile
/// --arch`): the opt-in shared memory per block of that compute capability, and clusters from
/// 9.0 on. The grid and block limits are the same on every GPU kopt supports.
DeviceLimits LimitsOfArch(const std::string& arch);
DeviceInfo DeviceInfoFromJson(const nlohmann::json& j);

}  // namespace kopt
