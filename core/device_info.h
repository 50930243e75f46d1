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
DeviceInfo DeviceInfoFromJson(const nlohmann::json& j);

}  // namespace kopt
