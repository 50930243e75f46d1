// SPDX-License-Identifier: Apache-2.0
#include "evaluator/cupti_profiler.h"

#include "evaluator/cuda_driver.h"
#include "evaluator/cupti_status.h"

#include <cupti.h>
#include <cupti_profiler_host.h>
#include <cupti_profiler_target.h>
#include <cupti_range_profiler.h>
#include <cupti_target.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <stdexcept>

namespace kopt {
namespace {

// Start/Stop rounds before giving up on "all passes submitted" (KernelReplay needs one).
constexpr int kMaxRounds = 8;

// A failed CUPTI call, with the call's name and CUPTI's own words for the status.
class CuptiFailure : public std::runtime_error {
 public:
  CuptiFailure(const std::string& call, CUptiResult status, const std::string& extra = "")
      : std::runtime_error(call + " returned " + CuptiStatusText(status) + extra),
        status_(status) {}
  CUptiResult status() const { return status_; }

 private:
  CUptiResult status_;
};

void Check(CUptiResult status, const char* call) {
  if (status != CUPTI_SUCCESS) throw CuptiFailure(call, status);
}

// One word for why counters are missing; everything but "failed" lasts for the process.
std::string Classify(CUptiResult status) {
  switch (status) {
    case CUPTI_ERROR_INSUFFICIENT_PRIVILEGES:
    case CUPTI_ERROR_VIRTUALIZED_DEVICE_INSUFFICIENT_PRIVILEGES:
      return "denied";
    case CUPTI_ERROR_MULTIPLE_SUBSCRIBERS_NOT_SUPPORTED:
    case CUPTI_ERROR_OLD_PROFILER_API_INITIALIZED:
      return "busy";
    case CUPTI_ERROR_NOT_SUPPORTED:
    case CUPTI_ERROR_NOT_COMPATIBLE:
    case CUPTI_ERROR_VIRTUALIZED_DEVICE_NOT_SUPPORTED:
    case CUPTI_ERROR_CONFIDENTIAL_COMPUTING_NOT_SUPPORTED:
    case CUPTI_ERROR_CMP_DEVICE_NOT_SUPPORTED:
      return "unsupported";
    default:
      return "failed";
  }
}

std::string Explain(const std::string& unavailable) {
  if (unavailable == "denied") {
    return "; counters need admin rights or NVreg_RestrictProfilingToAdminUsers=0 "
           "(see `kopt doctor`)";
  }
  if (unavailable == "busy") return "; another profiler (Nsight, a debugger) holds CUPTI";
  return "";
}

struct HostObjectDeleter {
  void operator()(CUpti_Profiler_Host_Object* host) const {
    CUpti_Profiler_Host_Deinitialize_Params p{CUpti_Profiler_Host_Deinitialize_Params_STRUCT_SIZE};
    p.pHostObject = host;
    cuptiProfilerHostDeinitialize(&p);
  }
};
using HostObject = std::unique_ptr<CUpti_Profiler_Host_Object, HostObjectDeleter>;

HostObject InitializeHost(const std::string& chip, const std::vector<std::uint8_t>& availability) {
  CUpti_Profiler_Host_Initialize_Params p{CUpti_Profiler_Host_Initialize_Params_STRUCT_SIZE};
  p.profilerType = CUPTI_PROFILER_TYPE_RANGE_PROFILER;
  p.pChipName = chip.c_str();
  p.pCounterAvailabilityImage = availability.empty() ? nullptr : availability.data();
  CUptiResult status = cuptiProfilerHostInitialize(&p);
  if (status != CUPTI_SUCCESS) {
    throw CuptiFailure("cuptiProfilerHostInitialize", status, " for chip " + chip);
  }
  return HostObject(p.pHostObject);
}

// The host side of one metric set on one chip: checked names, config image, pass count, and
// the evaluation of decoded counter data into metric values.
class HostConfig {
 public:
  HostConfig(const std::string& chip, std::vector<std::string> metrics,
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
    Check(cuptiProfilerHostConfigAddMetrics(&add), "cuptiProfilerHostConfigAddMetrics");
    CUpti_Profiler_Host_GetConfigImageSize_Params size{
        CUpti_Profiler_Host_GetConfigImageSize_Params_STRUCT_SIZE};
    size.pHostObject = host_.get();
    Check(cuptiProfilerHostGetConfigImageSize(&size), "cuptiProfilerHostGetConfigImageSize");
    image_.resize(size.configImageSize);
    CUpti_Profiler_Host_GetConfigImage_Params image{
        CUpti_Profiler_Host_GetConfigImage_Params_STRUCT_SIZE};
    image.pHostObject = host_.get();
    image.configImageSize = image_.size();
    image.pConfigImage = image_.data();
    Check(cuptiProfilerHostGetConfigImage(&image), "cuptiProfilerHostGetConfigImage");
    CUpti_Profiler_Host_GetNumOfPasses_Params passes{
        CUpti_Profiler_Host_GetNumOfPasses_Params_STRUCT_SIZE};
    passes.configImageSize = image_.size();
    passes.pConfigImage = image_.data();
    Check(cuptiProfilerHostGetNumOfPasses(&passes), "cuptiProfilerHostGetNumOfPasses");
    passes_ = static_cast<int>(passes.numOfPasses);
  }

  const std::vector<std::string>& metrics() const { return metrics_; }
  std::vector<const char*>& names() { return names_; }
  std::vector<std::uint8_t>& image() { return image_; }
  int passes() const { return passes_; }

  std::map<std::string, double> Evaluate(std::vector<std::uint8_t>& counter_data,
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
    Check(cuptiProfilerHostEvaluateToGpuValues(&p), "cuptiProfilerHostEvaluateToGpuValues");
    // A ratio over nothing (a hit rate without accesses) comes back NaN: leave it out.
    std::map<std::string, double> out;
    for (std::size_t i = 0; i < metrics_.size(); ++i) {
      if (std::isfinite(values[i])) out[metrics_[i]] = values[i];
    }
    return out;
  }

 private:
  HostObject host_;
  std::vector<std::string> metrics_;
  std::vector<const char*> names_;
  std::vector<std::uint8_t> image_;
  int passes_ = 0;
};

// The range profiler enabled on a context; the destructor stops and disables it, whatever
// failed in between, so the next evaluation starts clean. A failure there is kept in `cleanup`
// for the profile's note.
class RangeSession {
 public:
  RangeSession(CUcontext ctx, std::string* cleanup) : cleanup_(cleanup) {
    CUpti_RangeProfiler_Enable_Params p{CUpti_RangeProfiler_Enable_Params_STRUCT_SIZE};
    p.ctx = ctx;
    Check(cuptiRangeProfilerEnable(&p), "cuptiRangeProfilerEnable");
    object_ = p.pRangeProfilerObject;
  }
  ~RangeSession() {
    if (started_) {
      CUpti_RangeProfiler_Stop_Params stop{CUpti_RangeProfiler_Stop_Params_STRUCT_SIZE};
      stop.pRangeProfilerObject = object_;
      CUptiResult status = cuptiRangeProfilerStop(&stop);
      if (status != CUPTI_SUCCESS)
        *cleanup_ += "; cleanup: cuptiRangeProfilerStop returned " + CuptiStatusText(status);
    }
    CUpti_RangeProfiler_Disable_Params p{CUpti_RangeProfiler_Disable_Params_STRUCT_SIZE};
    p.pRangeProfilerObject = object_;
    CUptiResult status = cuptiRangeProfilerDisable(&p);
    if (status != CUPTI_SUCCESS)
      *cleanup_ += "; cleanup: cuptiRangeProfilerDisable returned " + CuptiStatusText(status);
  }
  RangeSession(const RangeSession&) = delete;
  RangeSession& operator=(const RangeSession&) = delete;

  CUpti_RangeProfiler_Object* object() const { return object_; }

  void Start(bool deny) {
    if (deny) {
      throw CuptiFailure("cuptiRangeProfilerStart", CUPTI_ERROR_INSUFFICIENT_PRIVILEGES,
                         " [simulated by KOPT_PROFILER_DENY=1]");
    }
    CUpti_RangeProfiler_Start_Params p{CUpti_RangeProfiler_Start_Params_STRUCT_SIZE};
    p.pRangeProfilerObject = object_;
    Check(cuptiRangeProfilerStart(&p), "cuptiRangeProfilerStart");
    started_ = true;
  }

  /// True when every pass has been submitted.
  bool Stop() {
    CUpti_RangeProfiler_Stop_Params p{CUpti_RangeProfiler_Stop_Params_STRUCT_SIZE};
    p.pRangeProfilerObject = object_;
    started_ = false;
    Check(cuptiRangeProfilerStop(&p), "cuptiRangeProfilerStop");
    return p.isAllPassSubmitted != 0;
  }

 private:
  CUpti_RangeProfiler_Object* object_ = nullptr;
  bool started_ = false;
  std::string* cleanup_;
};

std::int64_t Product(const std::array<std::uint32_t, 3>& d) {
  return static_cast<std::int64_t>(d[0]) * d[1] * d[2];
}

KernelShape ShapeOf(const ProfiledLaunch& l, const std::vector<KernelResources>& resources,
                    int max_threads_per_sm) {
  const DriverApi& cu = Driver();
  KernelShape s;
  int value = 0;
  if (cu.cuFuncGetAttribute(&value, CU_FUNC_ATTRIBUTE_NUM_REGS, l.function) == CUDA_SUCCESS) {
    s.registers = value;
  }
  if (cu.cuFuncGetAttribute(&value, CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES, l.function) ==
      CUDA_SUCCESS) {
    s.local_bytes = value;
  }
  if (cu.cuFuncGetAttribute(&value, CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES, l.function) ==
      CUDA_SUCCESS) {
    s.static_smem_bytes = value;
  }
  s.dynamic_smem_bytes = static_cast<int>(l.smem);
  s.block_threads = static_cast<int>(Product(l.block));
  s.grid_blocks = Product(l.grid);
  int blocks = 0;
  if (cu.cuOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, l.function, s.block_threads,
                                                     l.smem) == CUDA_SUCCESS &&
      max_threads_per_sm > 0) {
    s.blocks_per_sm = blocks;
    int warps = blocks * ((s.block_threads + 31) / 32);
    s.theoretical_occupancy_pct = std::min(100.0, 100.0 * warps / (max_threads_per_sm / 32.0));
  }
  for (const auto& r : resources) {
    if (r.kernel != l.kernel) continue;
    s.spill_store_bytes = r.spill_store_bytes;
    s.spill_load_bytes = r.spill_load_bytes;
  }
  return s;
}

}  // namespace

std::vector<std::string> MetricList(ProfileLevel level, const std::vector<std::string>& extra) {
  std::vector<std::string> metrics = ProfileMetrics(level);
  for (const auto& m : extra) {
    if (std::find(metrics.begin(), metrics.end(), m) == metrics.end()) metrics.push_back(m);
  }
  return metrics;
}

MetricPlan PlanMetrics(const std::string& chip, const std::vector<std::string>& metrics) {
  try {
    HostConfig config(chip, metrics, {});
    return MetricPlan{chip, metrics, config.passes()};
  } catch (const CuptiFailure& e) {
    throw CudaError(e.what());
  }
}

std::vector<std::string> SupportedChips() {
  CUpti_Profiler_Host_GetSupportedChips_Params p{
      CUpti_Profiler_Host_GetSupportedChips_Params_STRUCT_SIZE};
  CUptiResult status = cuptiProfilerHostGetSupportedChips(&p);
  if (status != CUPTI_SUCCESS) {
    throw CudaError("cuptiProfilerHostGetSupportedChips returned " + CuptiStatusText(status));
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
      Check(cuptiProfilerHostGetBaseMetrics(&p), "cuptiProfilerHostGetBaseMetrics");
      for (std::size_t i = 0; i < p.numMetrics; ++i) out.emplace_back(p.ppMetricNames[i]);
    }
    std::sort(out.begin(), out.end());
    return out;
  } catch (const CuptiFailure& e) {
    throw CudaError(e.what());
  }
}

struct CuptiProfiler::State {
  int device_index = 0;
  bool deny = false;
  bool initialized = false;
  std::string chip;
  std::vector<std::uint8_t> availability;
  std::map<std::string, std::unique_ptr<HostConfig>> configs;  // by metric list
  int max_threads_per_sm = 0;
  std::string disabled_unavailable;  // counters are off for the process, and why
  std::string disabled_note;
  std::string cleanup;  // failures while disabling the range profiler, for the note

  ~State() {
    configs.clear();
    if (initialized) {
      CUpti_Profiler_DeInitialize_Params p{CUpti_Profiler_DeInitialize_Params_STRUCT_SIZE};
      cuptiProfilerDeInitialize(&p);
    }
  }

  static CUcontext CurrentContext() {
    CUcontext ctx = nullptr;
    KOPT_CU(Driver().cuCtxGetCurrent(&ctx));
    return ctx;
  }

  // cuptiProfilerInitialize, the chip name and the counter availability image, once.
  void Initialize(CUcontext ctx) {
    if (!initialized) {
      CUpti_Profiler_Initialize_Params init{CUpti_Profiler_Initialize_Params_STRUCT_SIZE};
      Check(cuptiProfilerInitialize(&init), "cuptiProfilerInitialize");
      initialized = true;
    }
    if (chip.empty()) {
      CUpti_Device_GetChipName_Params p{CUpti_Device_GetChipName_Params_STRUCT_SIZE};
      p.deviceIndex = static_cast<std::size_t>(device_index);
      Check(cuptiDeviceGetChipName(&p), "cuptiDeviceGetChipName");
      chip = p.pChipName;
    }
    if (availability.empty()) {
      CUpti_Profiler_GetCounterAvailability_Params p{
          CUpti_Profiler_GetCounterAvailability_Params_STRUCT_SIZE};
      p.ctx = ctx;
      Check(cuptiProfilerGetCounterAvailability(&p), "cuptiProfilerGetCounterAvailability (size)");
      std::vector<std::uint8_t> image(p.counterAvailabilityImageSize);
      p.pCounterAvailabilityImage = image.data();
      Check(cuptiProfilerGetCounterAvailability(&p), "cuptiProfilerGetCounterAvailability");
      availability = std::move(image);
    }
  }

  HostConfig& Config(const std::vector<std::string>& metrics) {
    std::string key;
    for (const auto& m : metrics) key += m + ",";
    auto it = configs.find(key);
    if (it == configs.end()) {
      it = configs.emplace(key, std::make_unique<HostConfig>(chip, metrics, availability)).first;
    }
    return *it->second;
  }

  // Collects the counters of one run into `p.kernels`.
  void Collect(Profile& p, const std::vector<std::string>& metrics, std::size_t launches,
               const std::function<void()>& enqueue, const std::function<void()>& flush_caches,
               CUstream stream) {
    CUcontext ctx = CurrentContext();
    Initialize(ctx);
    p.chip = chip;
    HostConfig& config = Config(metrics);
    p.passes = config.passes();

    // Cold, clean L2, before the profiler is enabled: the flush is no range.
    flush_caches();
    KOPT_CU(Driver().cuStreamSynchronize(stream));

    RangeSession session(ctx, &cleanup);
    CUpti_RangeProfiler_GetCounterDataSize_Params size{
        CUpti_RangeProfiler_GetCounterDataSize_Params_STRUCT_SIZE};
    size.pRangeProfilerObject = session.object();
    size.pMetricNames = config.names().data();
    size.numMetrics = config.names().size();
    size.maxNumOfRanges = launches;
    size.maxNumRangeTreeNodes = static_cast<std::uint32_t>(launches);
    Check(cuptiRangeProfilerGetCounterDataSize(&size), "cuptiRangeProfilerGetCounterDataSize");
    std::vector<std::uint8_t> data(size.counterDataSize);
    CUpti_RangeProfiler_CounterDataImage_Initialize_Params init{
        CUpti_RangeProfiler_CounterDataImage_Initialize_Params_STRUCT_SIZE};
    init.pRangeProfilerObject = session.object();
    init.counterDataSize = data.size();
    init.pCounterData = data.data();
    Check(cuptiRangeProfilerCounterDataImageInitialize(&init),
          "cuptiRangeProfilerCounterDataImageInitialize");

    CUpti_RangeProfiler_SetConfig_Params set{CUpti_RangeProfiler_SetConfig_Params_STRUCT_SIZE};
    set.pRangeProfilerObject = session.object();
    set.configSize = config.image().size();
    set.pConfig = config.image().data();
    set.counterDataImageSize = data.size();
    set.pCounterDataImage = data.data();
    set.range = CUPTI_AutoRange;
    set.replayMode = CUPTI_KernelReplay;
    set.maxRangesPerPass = launches;
    set.numNestingLevels = 1;
    set.minNestingLevel = 1;
    set.passIndex = 0;
    set.targetNestingLevel = 1;
    Check(cuptiRangeProfilerSetConfig(&set), "cuptiRangeProfilerSetConfig");

    bool submitted = false;
    for (int round = 0; round < kMaxRounds && !submitted; ++round) {
      session.Start(deny);
      enqueue();
      KOPT_CU(Driver().cuStreamSynchronize(stream));
      submitted = session.Stop();
    }
    if (!submitted) {
      throw CuptiFailure("cuptiRangeProfilerStop", CUPTI_ERROR_UNKNOWN,
                         ": not every pass was submitted after " + std::to_string(kMaxRounds) +
                             " runs of the sequence");
    }
    CUpti_RangeProfiler_DecodeData_Params decode{CUpti_RangeProfiler_DecodeData_Params_STRUCT_SIZE};
    decode.pRangeProfilerObject = session.object();
    Check(cuptiRangeProfilerDecodeData(&decode), "cuptiRangeProfilerDecodeData");
    CUpti_RangeProfiler_GetCounterDataInfo_Params info{
        CUpti_RangeProfiler_GetCounterDataInfo_Params_STRUCT_SIZE};
    info.pCounterDataImage = data.data();
    info.counterDataImageSize = data.size();
    Check(cuptiRangeProfilerGetCounterDataInfo(&info), "cuptiRangeProfilerGetCounterDataInfo");
    // AutoRange names ranges "0", "1", ... in launch order; fall back to the order itself.
    std::size_t ranges = std::min(info.numTotalRanges, p.kernels.size());
    for (std::size_t r = 0; r < ranges; ++r) {
      std::size_t launch = r;
      CUpti_RangeProfiler_CounterData_GetRangeInfo_Params range{
          CUpti_RangeProfiler_CounterData_GetRangeInfo_Params_STRUCT_SIZE};
      range.pCounterDataImage = data.data();
      range.counterDataImageSize = data.size();
      range.rangeIndex = r;
      range.rangeDelimiter = "/";
      if (cuptiRangeProfilerCounterDataGetRangeInfo(&range) == CUPTI_SUCCESS && range.rangeName) {
        char* end = nullptr;
        unsigned long index = std::strtoul(range.rangeName, &end, 10);
        if (end != range.rangeName && *end == '\0' && index < p.kernels.size()) launch = index;
      }
      p.kernels[launch].metrics = config.Evaluate(data, r);
      p.kernels[launch].fields = DeriveFields(p.kernels[launch].metrics);
    }
    if (info.numTotalRanges != launches || decode.numOfRangeDropped > 0) {
      p.note = "CUPTI recorded " + std::to_string(info.numTotalRanges) + " ranges (" +
               std::to_string(decode.numOfRangeDropped) + " dropped) for " +
               std::to_string(launches) + " launches";
    }
    p.counters = ranges > 0;
  }
};

CuptiProfiler::CuptiProfiler(int device_index) : state_(std::make_unique<State>()) {
  state_->device_index = device_index;
  const char* deny = std::getenv("KOPT_PROFILER_DENY");
  state_->deny = deny && *deny && std::string(deny) != "0";
  if (const char* off = std::getenv("KOPT_NO_CUPTI"); off && *off && std::string(off) != "0") {
    state_->disabled_unavailable = "disabled";
    state_->disabled_note = "CUPTI disabled by KOPT_NO_CUPTI";
  }
}

CuptiProfiler::~CuptiProfiler() = default;

const std::string& CuptiProfiler::disabled_note() const { return state_->disabled_note; }

std::string CuptiProfiler::Chip() {
  if (!state_->disabled_unavailable.empty()) throw CudaError(state_->disabled_note);
  try {
    state_->Initialize(State::CurrentContext());
  } catch (const CuptiFailure& e) {
    throw CudaError(e.what());
  }
  return state_->chip;
}

Profile CuptiProfiler::Run(ProfileLevel level, const std::vector<std::string>& extra_metrics,
                           const std::vector<ProfiledLaunch>& launches,
                           const std::vector<KernelResources>& resources,
                           const std::function<void()>& enqueue,
                           const std::function<void()>& flush_caches, CUstream stream) {
  auto start = std::chrono::steady_clock::now();
  State& s = *state_;
  if (s.max_threads_per_sm == 0) {
    CUdevice device = 0;
    KOPT_CU(Driver().cuDeviceGet(&device, s.device_index));
    KOPT_CU(Driver().cuDeviceGetAttribute(
        &s.max_threads_per_sm, CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR, device));
  }
  Profile p;
  p.level = level;
  for (std::size_t i = 0; i < launches.size(); ++i) {
    KernelProfile k;
    k.kernel = launches[i].kernel;
    k.launch = static_cast<int>(i);
    k.shape = ShapeOf(launches[i], resources, s.max_threads_per_sm);
    p.kernels.push_back(std::move(k));
  }

  if (!s.disabled_unavailable.empty()) {
    p.unavailable = s.disabled_unavailable;
    p.note = s.disabled_note;
  } else if (!launches.empty() && level != ProfileLevel::kNone) {
    try {
      s.Collect(p, MetricList(level, extra_metrics), launches.size(), enqueue, flush_caches,
                stream);
    } catch (const ConfigError& e) {
      p.error = e.what();
      p.note = "no counters collected: " + p.error;
    } catch (const CuptiFailure& e) {
      p.unavailable = Classify(e.status());
      p.note = e.what() + Explain(p.unavailable);
      for (auto& k : p.kernels) {
        k.metrics.clear();
        k.fields = {};
      }
      if (p.unavailable != "failed") {
        s.disabled_unavailable = p.unavailable;
        s.disabled_note = p.note;
        std::fprintf(stderr,
                     "kopt: hardware counters unavailable, evaluations carry on without them: "
                     "%s\n",
                     p.note.c_str());
      } else {
        std::fprintf(stderr, "kopt: profiling failed: %s\n", p.note.c_str());
      }
    }
  }
  if (!s.cleanup.empty()) {
    p.note += s.cleanup;
    std::fprintf(stderr, "kopt: profiler%s\n", s.cleanup.c_str());
    s.cleanup.clear();
  }
  p.summary = SummarizeKernels(p.kernels);
  p.wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return p;
}

}  // namespace kopt
