// SPDX-License-Identifier: Apache-2.0
// What `kopt doctor` checks: driver, devices, NVRTC and CUPTI versions, counter permission, and
// the measured device-to-device copy bandwidth of each GPU; its ceilings for the roofline
// (measured and cached, see peak_cache.h) and whether hardware counters can be collected.
#pragma once

#include "core/device_info.h"
#include "core/device_peaks.h"

#include <optional>
#include <string>
#include <vector>

namespace kopt {

struct DoctorDevice {
  DeviceInfo info;
  double theoretical_gbps = 0;    // from memory clock and bus width
  double measured_copy_gbps = 0;  // bytes read + written per second, 1 GiB copies
  std::string error;

  std::optional<DevicePeaks> peaks;  // measured now, or from the cache (`peaks_cached`)
  bool peaks_cached = false;
  std::string peaks_error;
  std::string chip;        // the profiler's chip name ("GH100")
  int default_passes = 0;  // passes of the default and deep metric sets on this chip
  int deep_passes = 0;
  bool counters = false;      // a real profile of a read kernel collected counters
  double probe_dram_pct = 0;  // its DRAM throughput, % of peak
  std::string counters_note;  // why not, when not
};

struct DoctorReport {
  std::string nvrtc_version;
  std::string cuda_include_dir;
  std::string cache_dir;
  /// How candidates' compiles are confined, as a compile server reported it; or why it failed.
  std::string compile_sandbox;
  bool compile_sandbox_confined = false;
  int cupti_api_version = 0;
  bool driver_ok = false;
  std::string driver_error;
  int driver_version = 0;
  /// "open", "admin only", or "unknown" (from /proc/driver/nvidia/params).
  std::string counter_permission = "unknown";
  std::vector<DoctorDevice> devices;
};

/// `measure`: the copy bandwidth and the ceilings are measured (and cached); otherwise cached
/// ceilings are shown when there are some.
/// `kopt_binary` starts the compile server whose confinement is reported.
DoctorReport RunDoctor(bool measure, const std::string& kopt_binary);

}  // namespace kopt
