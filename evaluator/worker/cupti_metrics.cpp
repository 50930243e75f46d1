// SPDX-License-Identifier: Apache-2.0
#include "evaluator/worker/cupti_metrics.h"

#include "core/error.h"
#include "evaluator/worker/cupti_status.h"

#include <algorithm>
#include <cmath>

namespace kopt {
namespace {

void DeinitializeHost(CUpti_Profiler_Host_Object* host) {
  CUpti_Profiler_Host_Deinitialize_Params p{CUpti_Profiler_Host_Deinitialize_Params_STRUCT_SIZE};
  p.pHostObject = host;
  cuptiProfilerHostDeinitialize(&p);
}

using HostObject =
    std::unique_ptr<CUpti_Profiler_Host_Object, void (*)(CUpti_Profiler_Host_Object*)>;

HostObject InitializeHost(const std::string& chip, const std::vector<std::uint8_t>& availability) {
  CUpti_Profiler_Host_Initialize_Params p{CUpti_Profiler_Host_Initialize_Params_STRUCT_SIZE};
  p.profilerType = CUPTI_PROFILER_TYPE_RANGE_PROFILER;
  p.pChipName = chip.c_str();
  p.pCounterAvailabilityImage = availability.empty() ? nullptr : availability.data();
  CUptiResult status = cuptiProfilerHostInitialize(&p);
  if (status != CUPTI_SUCCESS) {
    throw CuptiFailure("cuptiProfilerHostInitialize", status, " for chip " + chip);
  }
  return HostObject(p.pHostObject, DeinitializeHost);
}

}  // namespace

MetricConfig::MetricConfig(const std::string& chip, std::vector<std::string> metrics,
                           const std::vector<std::uint8_t>& availability)
    : host_(InitializeHost(chip, availability)), metrics_(std::move(metrics)) {
  for (const auto& m : metrics_) names_.push_back(m.c_str());
  for (const auto& m : metrics_) {
    CUpti_Profiler_Host_GetMetricProperties_Params p{
        CUpti_Profiler_Host_GetMetricProperties_Params_STRUCT_SIZE};
    p.pHostObject = host_.get();
    p.pMetricName = m.c_str();
    CUptiResult status = cuptiProfilerHostGetMetricProperties(&p);
    if (status == CUPTI_ERROR_INVALID_METRIC_NAME) {
      throw ConfigError("unknown metric '" + m + "' on " + chip + " (" + CuptiStatusText(status) +
                        "); `kopt doctor --metrics` lists the chip's base metrics");
    }
    if (status != CUPTI_SUCCESS) {
      throw CuptiFailure("cuptiProfilerHostGetMetricProperties(" + m + ")", status);
    }
  }
  CUpti_Profiler_Host_ConfigAddMetrics_Params add{
      CUpti_Profiler_Host_ConfigAddMetrics_Params_STRUCT_SIZE};
  add.pHostObject = host_.get();
  add.ppMetricNames = names_.data();
  add.numMetrics = names_.size();
  KOPT_CUPTI(cuptiProfilerHostConfigAddMetrics(&add));
  CUpti_Profiler_Host_GetConfigImageSize_Params size{
      CUpti_Profiler_Host_GetConfigImageSize_Params_STRUCT_SIZE};
  size.pHostObject = host_.get();
  KOPT_CUPTI(cuptiProfilerHostGetConfigImageSize(&size));
  image_.resize(size.configImageSize);
  CUpti_Profiler_Host_GetConfigImage_Params image{
      CUpti_Profiler_Host_GetConfigImage_Params_STRUCT_SIZE};
  image.pHostObject = host_.get();
  image.configImageSize = image_.size();
  image.pConfigImage = image_.data();
  KOPT_CUPTI(cuptiProfilerHostGetConfigImage(&image));
  CUpti_Profiler_Host_GetNumOfPasses_Params passes{
      CUpti_Profiler_Host_GetNumOfPasses_Params_STRUCT_SIZE};
  passes.configImageSize = image_.size();
  passes.pConfigImage = image_.data();
  KOPT_CUPTI(cuptiProfilerHostGetNumOfPasses(&passes));
  passes_ = static_cast<int>(passes.numOfPasses);
}

std::map<std::string, double> MetricConfig::Evaluate(std::vector<std::uint8_t>& counter_data,
                                                     std::size_t range) {
  std::vector<double> values(names_.size(), 0.0);
  CUpti_Profiler_Host_EvaluateToGpuValues_Params p{
      CUpti_Profiler_Host_EvaluateToGpuValues_Params_STRUCT_SIZE};
  p.pHostObject = host_.get();
  p.pCounterDataImage = counter_data.data();
  p.counterDataImageSize = counter_data.size();
  p.rangeIndex = range;
  p.ppMetricNames = names_.data();
  p.numMetrics = names_.size();
  p.pMetricValues = values.data();
  KOPT_CUPTI(cuptiProfilerHostEvaluateToGpuValues(&p));
  // A ratio over nothing (a hit rate without accesses) comes back NaN: leave it out.
  std::map<std::string, double> out;
  for (std::size_t i = 0; i < metrics_.size(); ++i) {
    if (std::isfinite(values[i])) out[metrics_[i]] = values[i];
  }
  return out;
}

std::vector<std::string> MetricList(ProfileLevel level, const std::vector<std::string>& extra) {
  std::vector<std::string> metrics = ProfileMetrics(level);
  for (const auto& m : extra) {
    if (std::find(metrics.begin(), metrics.end(), m) == metrics.end()) metrics.push_back(m);
  }
  return metrics;
}

MetricPlan PlanMetrics(const std::string& chip, const std::vector<std::string>& metrics) {
  try {
    MetricConfig config(chip, metrics, {});
    return MetricPlan{chip, metrics, config.passes()};
  } catch (const CuptiFailure& e) {
    throw CudaError(e.what());
  }
}

std::vector<std::string> SupportedChips() {
  CUpti_Profiler_Host_GetSupportedChips_Params p{
      CUpti_Profiler_Host_GetSupportedChips_Params_STRUCT_SIZE};
  try {
    KOPT_CUPTI(cuptiProfilerHostGetSupportedChips(&p));
  } catch (const CuptiFailure& e) {
    throw CudaError(e.what());
  }
  return std::vector<std::string>(p.ppChipNames, p.ppChipNames + p.numChips);
}

std::vector<std::string> BaseMetrics(const std::string& chip) {
  try {
    HostObject host = InitializeHost(chip, {});
    std::vector<std::string> out;
    for (int type = 0; type < CUPTI_METRIC_TYPE__COUNT; ++type) {
      CUpti_Profiler_Host_GetBaseMetrics_Params p{
          CUpti_Profiler_Host_GetBaseMetrics_Params_STRUCT_SIZE};
      p.pHostObject = host.get();
      p.metricType = static_cast<CUpti_MetricType>(type);
      KOPT_CUPTI(cuptiProfilerHostGetBaseMetrics(&p));
      for (std::size_t i = 0; i < p.numMetrics; ++i) out.emplace_back(p.ppMetricNames[i]);
    }
    std::sort(out.begin(), out.end());
    return out;
  } catch (const CuptiFailure& e) {
    throw CudaError(e.what());
  }
}

}  // namespace kopt
