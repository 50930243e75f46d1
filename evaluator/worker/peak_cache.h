// SPDX-License-Identifier: Apache-2.0
// The measured ceilings of each GPU, kept as a small JSON file in kopt's cache folder
// (<cache>/peaks/<uuid>-driver<version>.json), so they are measured once per device and driver:
// by `kopt doctor`, or by the first worker that finds none.
#pragma once

#include "core/device_info.h"
#include "core/device_peaks.h"
#include "evaluator/worker/gpu_runtime.h"

#include <optional>
#include <string>

namespace kopt {

/// The file for a device; the UUID (else the name, made file-safe) and the driver version key it.
std::string PeakCachePath(const std::string& cache_dir, const DeviceInfo& device);
/// The cached peaks of `device`: same name, UUID and driver version, current schema, a DRAM
/// figure. None when missing, stale or unreadable (a bad file is never an error: it is measured
/// again and replaced).
std::optional<DevicePeaks> LoadCachedPeaks(const std::string& cache_dir, const DeviceInfo& device);
/// Writes the file atomically (temporary file, then rename). False when it cannot be written.
bool StoreCachedPeaks(const std::string& cache_dir, const DeviceInfo& device,
                      const DevicePeaks& peaks);

/// Cached peaks, or measured ones (then cached); `measure` forces a new measurement.
DevicePeaks DevicePeaksFor(const std::string& cache_dir, const DeviceInfo& device,
                           const Module& builtins, CUstream stream, bool measure = false);

}  // namespace kopt
