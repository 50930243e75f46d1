// SPDX-License-Identifier: Apache-2.0
#include "core/device_peaks.h"

namespace kopt {

nlohmann::json ToJson(const DevicePeaks& p) {
  return {{"schema_version", kDevicePeaksSchemaVersion},
          {"device", p.device},
          {"uuid", p.uuid},
          {"driver_version", p.driver_version},
          {"dram_gbps", p.dram_gbps},
          {"copy_gbps", p.copy_gbps},
          {"read_gbps", p.read_gbps},
          {"fp32_tflops", p.fp32_tflops},
          {"bf16_tflops", p.bf16_tflops},
          {"fp16_tflops", p.fp16_tflops},
          {"sm_clock_mhz", p.sm_clock_mhz},
          {"measure_ms", p.measure_ms},
          {"measured_at", p.measured_at},
          {"note", p.note}};
}

DevicePeaks DevicePeaksFromJson(const nlohmann::json& j) {
  DevicePeaks p;
  p.device = j.value("device", "");
  p.uuid = j.value("uuid", "");
  p.driver_version = j.value("driver_version", 0);
  p.dram_gbps = j.value("dram_gbps", 0.0);
  p.copy_gbps = j.value("copy_gbps", 0.0);
  p.read_gbps = j.value("read_gbps", 0.0);
  p.fp32_tflops = j.value("fp32_tflops", 0.0);
  p.bf16_tflops = j.value("bf16_tflops", 0.0);
  p.fp16_tflops = j.value("fp16_tflops", 0.0);
  p.sm_clock_mhz = j.value("sm_clock_mhz", 0.0);
  p.measure_ms = j.value("measure_ms", 0.0);
  p.measured_at = j.value("measured_at", "");
  p.note = j.value("note", "");
  return p;
}

}  // namespace kopt
