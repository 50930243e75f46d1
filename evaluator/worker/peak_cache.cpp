// SPDX-License-Identifier: Apache-2.0
#include "evaluator/worker/peak_cache.h"

#include "evaluator/worker/peak_probe.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace kopt {
namespace {

namespace fs = std::filesystem;

std::string FileSafe(const std::string& text) {
  std::string out;
  for (char c : text) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    out += ok ? c : '_';
  }
  return out;
}

}  // namespace

std::string PeakCachePath(const std::string& cache_dir, const DeviceInfo& device) {
  std::string id = FileSafe(device.uuid.empty() ? device.name : device.uuid);
  return (fs::path(cache_dir) / "peaks" /
          (id + "-driver" + std::to_string(device.driver_version) + ".json"))
      .string();
}

std::optional<DevicePeaks> LoadCachedPeaks(const std::string& cache_dir, const DeviceInfo& device) {
  if (cache_dir.empty()) return std::nullopt;
  std::ifstream in(PeakCachePath(cache_dir, device));
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, false);
  if (!j.is_object() || j.value("schema_version", 0) != kDevicePeaksSchemaVersion) {
    return std::nullopt;
  }
  DevicePeaks peaks;
  try {
    peaks = DevicePeaksFromJson(j);
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
  if (peaks.device != device.name || peaks.uuid != device.uuid ||
      peaks.driver_version != device.driver_version || peaks.dram_gbps <= 0) {
    return std::nullopt;
  }
  return peaks;
}

bool StoreCachedPeaks(const std::string& cache_dir, const DeviceInfo& device,
                      const DevicePeaks& peaks) {
  if (cache_dir.empty()) return false;
  fs::path path = PeakCachePath(cache_dir, device);
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return false;
  fs::path temp = path;
  temp += ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(temp);
    out << ToJson(peaks).dump(2) << "\n";
    if (!out) return false;
  }
  fs::rename(temp, path, ec);
  if (!ec) return true;
  fs::remove(temp, ec);
  return false;
}

DevicePeaks DevicePeaksFor(const std::string& cache_dir, const DeviceInfo& device,
                           const Module& builtins, CUstream stream, bool measure) {
  if (!measure) {
    if (auto cached = LoadCachedPeaks(cache_dir, device)) return *cached;
  }
  DevicePeaks peaks = MeasureDevicePeaks(device, builtins, stream);
  StoreCachedPeaks(cache_dir, device, peaks);
  return peaks;
}

}  // namespace kopt
