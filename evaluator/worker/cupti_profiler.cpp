// SPDX-License-Identifier: Apache-2.0
#include "evaluator/worker/cupti_profiler.h"

#include "evaluator/worker/cuda_driver.h"
#include "evaluator/worker/cupti_metrics.h"
#include "evaluator/worker/cupti_status.h"

#include <cupti.h>
#include <cupti_profiler_target.h>
#include <cupti_range_profiler.h>
#include <cupti_target.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>

namespace kopt {
namespace {

// Start/Stop rounds before giving up on "all passes submitted" (KernelReplay needs one).
constexpr int kMaxRounds = 8;

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

// The range profiler enabled on a context; the destructor stops and disables it, whatever
// failed in between, so the next evaluation starts clean. A failure there is kept in `cleanup`
// for the profile's note.
class RangeSession {
 public:
  RangeSession(CUcontext ctx, std::string* cleanup) : cleanup_(cleanup) {
    CUpti_RangeProfiler_Enable_Params p{CUpti_RangeProfiler_Enable_Params_STRUCT_SIZE};
    p.ctx = ctx;
    KOPT_CUPTI(cuptiRangeProfilerEnable(&p));
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
    KOPT_CUPTI(cuptiRangeProfilerStart(&p));
    started_ = true;
  }

  /// True when every pass has been submitted.
  bool Stop() {
    CUpti_RangeProfiler_Stop_Params p{CUpti_RangeProfiler_Stop_Params_STRUCT_SIZE};
    p.pRangeProfilerObject = object_;
    started_ = false;
    KOPT_CUPTI(cuptiRangeProfilerStop(&p));
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

struct CuptiProfiler::State {
  int device_index = 0;
  bool deny = false;
  bool initialized = false;
  std::string chip;
  std::vector<std::uint8_t> availability;
  std::map<std::string, std::unique_ptr<MetricConfig>> configs;  // by metric list
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
      KOPT_CUPTI(cuptiProfilerInitialize(&init));
      initialized = true;
    }
    if (chip.empty()) {
      CUpti_Device_GetChipName_Params p{CUpti_Device_GetChipName_Params_STRUCT_SIZE};
      p.deviceIndex = static_cast<std::size_t>(device_index);
      KOPT_CUPTI(cuptiDeviceGetChipName(&p));
      chip = p.pChipName;
    }
    if (availability.empty()) {
      CUpti_Profiler_GetCounterAvailability_Params p{
          CUpti_Profiler_GetCounterAvailability_Params_STRUCT_SIZE};
      p.ctx = ctx;
      KOPT_CUPTI(cuptiProfilerGetCounterAvailability(&p));
      std::vector<std::uint8_t> image(p.counterAvailabilityImageSize);
      p.pCounterAvailabilityImage = image.data();
      KOPT_CUPTI(cuptiProfilerGetCounterAvailability(&p));
      availability = std::move(image);
    }
  }

  MetricConfig& Config(const std::vector<std::string>& metrics) {
    std::string key;
    for (const auto& m : metrics) key += m + ",";
    auto it = configs.find(key);
    if (it == configs.end()) {
      it = configs.emplace(key, std::make_unique<MetricConfig>(chip, metrics, availability)).first;
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
    MetricConfig& config = Config(metrics);
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
    KOPT_CUPTI(cuptiRangeProfilerGetCounterDataSize(&size));
    std::vector<std::uint8_t> data(size.counterDataSize);
    CUpti_RangeProfiler_CounterDataImage_Initialize_Params init{
        CUpti_RangeProfiler_CounterDataImage_Initialize_Params_STRUCT_SIZE};
    init.pRangeProfilerObject = session.object();
    init.counterDataSize = data.size();
    init.pCounterData = data.data();
    KOPT_CUPTI(cuptiRangeProfilerCounterDataImageInitialize(&init));

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
    KOPT_CUPTI(cuptiRangeProfilerSetConfig(&set));

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
    KOPT_CUPTI(cuptiRangeProfilerDecodeData(&decode));
    CUpti_RangeProfiler_GetCounterDataInfo_Params info{
        CUpti_RangeProfiler_GetCounterDataInfo_Params_STRUCT_SIZE};
    info.pCounterDataImage = data.data();
    info.counterDataImageSize = data.size();
    KOPT_CUPTI(cuptiRangeProfilerGetCounterDataInfo(&info));
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
