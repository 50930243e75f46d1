// SPDX-License-Identifier: Apache-2.0
// The metric catalogue, on the host through CUPTI's profiler host API (no GPU needed): which
// metrics a profile level asks for, the chips and their base metrics, and a metric set checked
// and turned into the configuration image the range profiler takes, with its pass count and the
// evaluation of collected counter data into values. cupti_profiler.h runs the profiling.
#pragma once

#include "core/error.h"
#include "core/profile.h"

#include <cupti_profiler_host.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kopt {

/// The metrics of `level` followed by `extra` ones, without duplicates.
std::vector<std::string> MetricList(ProfileLevel level, const std::vector<std::string>& extra);

/// A metric set checked on the host for a chip.
struct MetricPlan {
  std::string chip;
  std::vector<std::string> metrics;
  int passes = 0;
};

/// Validates every name and counts the passes. Throws ConfigError naming an unknown metric and
/// the chip, CudaError (with the CUPTI call and status) for any other failure.
MetricPlan PlanMetrics(const std::string& chip, const std::vector<std::string>& metrics);
/// The chips CUPTI's host API supports ("GH100", ...).
std::vector<std::string> SupportedChips();
/// Every base metric of `chip` (counters, ratios, throughputs), sorted.
std::vector<std::string> BaseMetrics(const std::string& chip);

/// One metric set on one chip: the names checked, the configuration image, the pass count, and
/// the evaluation of decoded counter data into metric values.
class MetricConfig {
 public:
  /// `availability` is the device's counter availability image (empty: the whole chip). Throws
  /// ConfigError naming an unknown metric and the chip, CuptiFailure for any other failure.
  MetricConfig(const std::string& chip, std::vector<std::string> metrics,
               const std::vector<std::uint8_t>& availability);

  const std::vector<std::string>& metrics() const { return metrics_; }
  /// The metric names as CUPTI takes them.
  std::vector<const char*>& names() { return names_; }
  std::vector<std::uint8_t>& image() { return image_; }
  int passes() const { return passes_; }

  /// The values of range `range` of decoded counter data; a ratio over nothing (NaN) is left
  /// out. Throws CuptiFailure.
  std::map<std::string, double> Evaluate(std::vector<std::uint8_t>& counter_data,
                                         std::size_t range);

 private:
  std::unique_ptr<CUpti_Profiler_Host_Object, void (*)(CUpti_Profiler_Host_Object*)> host_;
  std::vector<std::string> metrics_;
  std::vector<const char*> names_;
  std::vector<std::uint8_t> image_;
  int passes_ = 0;
};

}  // namespace kopt
