// SPDX-License-Identifier: Apache-2.0
// Times a launch sequence the way nvbench's cold measurement does: warm up, then for every
// sample flush L2, record events around the whole sequence, rotate among input sets, and stop
// once the median is pinned down (relative standard error under the target) or the time cap
// is reached. Kernel durations come from CUPTI as well when it is available.
#pragma once

#include "core/eval_result.h"
#include "evaluator/timing_rules.h"
#include "evaluator/worker/cupti_kernel_timer.h"
#include "evaluator/worker/gpu_runtime.h"

#include <cuda.h>

#include <functional>

namespace kopt {

/// Work queued around every timed sample, outside its events: `before` ahead of the L2 flush
/// (re-poisoning the outputs), `after` behind the stop event (verifying them). Each gets the
/// input set and the sample's index. Either may be empty.
struct SampleHooks {
  std::function<void(int set, int sample)> before;
  std::function<void(int set, int sample)> after;
};

struct SampleRun {
  TimingInfo timing;
  int last_set = 0;  // the input set of the last timed sample
  int samples = 0;
};

/// `enqueue(set)` enqueues one launch sequence on `stream` for input set `set` (it throws on a
/// failed launch). `launches` is the sequence length, used to group CUPTI records per sample;
/// 0 when unknown (a library call), then inferred from the records if every run made as many.
SampleRun TimeLaunchSequence(const std::function<void(int)>& enqueue, int sets, int launches,
                             CUstream stream, const GuardedBuffer& flush, CuptiKernelTimer* cupti,
                             const SampleConfig& config, const SampleHooks& hooks = {});

}  // namespace kopt
