// SPDX-License-Identifier: Apache-2.0
// The seam between the search and the GPU: everything above it sees evaluation only through
// this interface, so it is tested with a fake.
#pragma once

#include "core/eval_result.h"
#include "core/launch_block.h"
#include "core/profile.h"
#include "core/task.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kopt {

struct EvalOptions {
  int seeds = 3;
  std::uint64_t base_seed = 0x6b6f7074;  // seeds are base_seed + 0, 1, ...
  bool time = true;
  double noise_target = 0.005;  // relative standard error of the median to stop at
  double max_timing_s = 1.0;    // cap on GPU time spent sampling one kernel
  int min_samples = 10;
  double timeout_s = 60;                       // deadline for one evaluation in the worker
  ProfileLevel profile = ProfileLevel::kNone;  // hardware counters after timing (needs `time`)
  std::vector<std::string> profile_metrics;    // CUPTI metrics beyond the level's set
};

struct EvalRequest {
  const Task* task = nullptr;
  std::string source;
  std::string file = "candidate.cu";  // named in messages
  TunableChoice tunables;
  EvalOptions options;
};

class Evaluator {
 public:
  virtual ~Evaluator() = default;
  /// Never throws for a candidate's failure: that is a status in the result.
  virtual EvalResult Evaluate(const EvalRequest& request) = 0;
};

}  // namespace kopt
