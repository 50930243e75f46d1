// SPDX-License-Identifier: Apache-2.0
// Hardware counters of one run of a launch sequence, from the CUPTI range profiler (CUDA 13.0:
// cupti_range_profiler.h, with the metric sets of cupti_metrics.h) in AutoRange + KernelReplay
// mode: every kernel is a range, and CUPTI replays it as often as the metric set needs passes.
// Runs apart from timing. When counters are not permitted, or another profiler holds CUPTI, the
// profile says so and the evaluation carries on without them.
//
// Order inside Run: host config for the metric set (cached per set) -> flush caches -> Enable ->
// counter data image -> SetConfig -> Start, launches, Stop (until all passes are submitted) ->
// DecodeData -> evaluate each range -> Disable.
#pragma once

#include "core/error.h"
#include "core/eval_result.h"
#include "core/profile.h"

#include <cuda.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace kopt {

/// One launch of the profiled sequence, as enqueued.
struct ProfiledLaunch {
  std::string kernel;
  CUfunction function = nullptr;
  std::array<std::uint32_t, 3> grid{};
  std::array<std::uint32_t, 3> block{};
  std::uint32_t smem = 0;  // dynamic shared memory
};

class CuptiProfiler {
 public:
  /// Cheap: CUPTI is set up on the first Run. KOPT_PROFILER_DENY=1 makes the profiler report
  /// CUPTI_ERROR_INSUFFICIENT_PRIVILEGES where a machine without permission would;
  /// KOPT_NO_CUPTI=1 turns it off (as it does the kernel timer).
  explicit CuptiProfiler(int device_index);
  ~CuptiProfiler();
  CuptiProfiler(const CuptiProfiler&) = delete;
  CuptiProfiler& operator=(const CuptiProfiler&) = delete;

  /// Profiles one run of `enqueue` (the whole sequence, on `stream`) after `flush_caches` (which
  /// enqueues work that leaves L2 cold and clean, as Nsight Compute's cache control does).
  /// CUPTI failures become the profile's note (never an exception); an unknown metric becomes
  /// its error. Exceptions of the callbacks and of stream synchronisation propagate.
  /// `resources` (from the compile log, by kernel name) supply the spill counts.
  Profile Run(ProfileLevel level, const std::vector<std::string>& extra_metrics,
              const std::vector<ProfiledLaunch>& launches,
              const std::vector<KernelResources>& resources, const std::function<void()>& enqueue,
              const std::function<void()>& flush_caches, CUstream stream);

  /// The chip name ("GH100"); sets CUPTI up. Throws CudaError if it cannot or is turned off.
  std::string Chip();
  /// Why counters are off for the rest of this process ("" while they are not).
  const std::string& disabled_note() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace kopt
