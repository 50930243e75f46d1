// SPDX-License-Identifier: Apache-2.0
// What `kopt doctor` checks: driver, devices, NVRTC and CUPTI versions, counter permission, and
// the measured device-to-device copy bandwidth of each GPU.
#pragma once

#include "core/device_info.h"

#include <string>
#include <vector>

namespace kopt {

struct DoctorDevice {
  DeviceInfo info;
  double theoretical_gbps = 0;    // from memory clock and bus width
  double measured_copy_gbps = 0;  // bytes read + written per second, 1 GiB copies
  std::string error;
};

struct DoctorReport {
  std::string nvrtc_version;
  std::string cuda_include_dir;
  std::string cache_dir;
  int cupti_api_version = 0;
  bool driver_ok = false;
  std::string driver_error;
  int driver_version = 0;
  /// "open", "admin only", or "unknown" (from /proc/driver/nvidia/params).
  std::string counter_permission = "unknown";
  std::vector<DoctorDevice> devices;
};

DoctorReport RunDoctor(bool measure);

}  // namespace kopt
