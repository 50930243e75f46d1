// SPDX-License-Identifier: Apache-2.0
#include "core/device_info.h"

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

}  // namespace kopt
