// SPDX-License-Identifier: Apache-2.0
#include "core/device_info.h"

#include <cctype>

namespace kopt {

nlohmann::json ToJson(const DeviceInfo& d) {
  return {{"index", d.index},
          {"name", d.name},
          {"cc_major", d.cc_major},
          {"cc_minor", d.cc_minor},
          {"arch", d.arch},
          {"sm_count", d.sm_count},
          {"memory_bytes", d.memory_bytes},
          {"l2_bytes", d.l2_bytes},
          {"sm_clock_khz", d.sm_clock_khz},
          {"memory_clock_khz", d.memory_clock_khz},
          {"memory_bus_bits", d.memory_bus_bits},
          {"driver_version", d.driver_version},
          {"limits",
           {{"max_threads_per_block", d.limits.max_threads_per_block},
            {"max_block", d.limits.max_block},
            {"max_grid", d.limits.max_grid},
            {"max_smem_per_block", d.limits.max_smem_per_block},
            {"clusters", d.limits.clusters}}},
          {"uuid", d.uuid},
          {"peaks", d.peaks ? ToJson(*d.peaks) : nlohmann::json()}};
}

DeviceInfo DeviceInfoFromJson(const nlohmann::json& j) {
  DeviceInfo d;
  d.index = j.value("index", 0);
  d.name = j.value("name", "");
  d.cc_major = j.value("cc_major", 0);
  d.cc_minor = j.value("cc_minor", 0);
  d.arch = j.value("arch", "");
  d.sm_count = j.value("sm_count", 0);
  d.memory_bytes = j.value("memory_bytes", std::int64_t{0});
  d.l2_bytes = j.value("l2_bytes", std::int64_t{0});
  d.sm_clock_khz = j.value("sm_clock_khz", 0);
  d.memory_clock_khz = j.value("memory_clock_khz", 0);
  d.memory_bus_bits = j.value("memory_bus_bits", 0);
  d.driver_version = j.value("driver_version", 0);
  if (j.contains("limits")) {
    const auto& l = j.at("limits");
    d.limits.max_threads_per_block = l.at("max_threads_per_block");
    d.limits.max_block = l.at("max_block");
    d.limits.max_grid = l.at("max_grid");
    d.limits.max_smem_per_block = l.at("max_smem_per_block");
    d.limits.clusters = l.at("clusters");
  }
  d.uuid = j.value("uuid", "");
  if (j.contains("peaks") && j.at("peaks").is_object()) {
    d.peaks = DevicePeaksFromJson(j.at("peaks"));
  }
  return d;
}

std::pair<int, int> ComputeCapabilityOf(const std::string& arch) {
  std::string digits;
  if (arch.rfind("sm_", 0) == 0) {
    for (std::size_t i = 3; i < arch.size() && std::isdigit(static_cast<unsigned char>(arch[i]));
         ++i) {
      digits += arch[i];
    }
  }
  if (digits.size() < 2 || digits.size() > 3) {
    throw ConfigError("'" + arch + "' is not an NVRTC target such as sm_90a");
  }
  return {std::stoi(digits.substr(0, digits.size() - 1)), digits.back() - '0'};
}

DeviceLimits LimitsOfArch(const std::string& arch) {
  auto [major, minor] = ComputeCapabilityOf(arch);
  DeviceLimits limits;
  int cc = major * 10 + minor;
  // The CUDA programming guide's table of opt-in shared memory per block, in bytes.
  if (cc == 75) {
    limits.max_smem_per_block = 64 * 1024;
  } else if (cc == 80 || cc == 87) {
    limits.max_smem_per_block = 163 * 1024;
  } else if (cc == 86 || cc == 89 || cc >= 120) {
    limits.max_smem_per_block = 99 * 1024;
  } else if (cc >= 90) {
    limits.max_smem_per_block = 227 * 1024;
  } else {
    limits.max_smem_per_block = 96 * 1024;  // 7.0 and 7.2
  }
  limits.clusters = major >= 9;
  return limits;
}

}  // namespace kopt
