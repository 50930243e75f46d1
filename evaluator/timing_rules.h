// SPDX-License-Identifier: Apache-2.0
// The rules both of kopt's timers follow, the worker's (worker/sample_timer.h) and the PyTorch
// runner's (torch_runner.h): when sampling stops, and how many bytes flush L2 before a sample.
#pragma once

#include "core/device_info.h"

#include <algorithm>
#include <cstddef>

namespace kopt {

/// Bytes written before every timed sample to evict L2: twice the L2, at least 64 MiB. kopt's
/// worker and the PyTorch runner flush alike.
inline std::size_t L2FlushBytes(const DeviceInfo& device) {
  return std::max<std::size_t>(2 * static_cast<std::size_t>(device.l2_bytes),
                               std::size_t{64} << 20);
}

/// Sampling stops once the relative standard error of the median is under `noise_target` with
/// at least `min_samples`, or at `max_timing_s` of GPU time or `max_samples`.
struct SampleConfig {
  double noise_target = 0.005;
  double max_timing_s = 1.0;
  int min_samples = 10;
  int max_samples = 10000;
};

}  // namespace kopt
