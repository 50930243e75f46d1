// SPDX-License-Identifier: Apache-2.0
// The seam between the search and the GPU: everything above it sees evaluation only through
// this interface, so it is tested with a fake.
#pragma once

#include "core/candidate.h"
#include "core/eval_result.h"
#include "core/profile.h"
#include "core/task.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kopt {

struct EvalOptions {
  int seeds = 3;
  /// The run's secret: every evaluation draws its check and timing seeds from the pool of
  /// `pool_size` seeds it names (so reference outputs are cached within the pool), and records
  /// them in its result. 0: the evaluator draws a secret of its own.
  std::uint64_t seed_pool = 0;
  int pool_size = 16;
  bool time = true;
  double noise_target = 0.005;  // relative standard error of the median to stop at
  double max_timing_s = 1.0;    // cap on GPU time spent sampling one kernel
  int min_samples = 10;
  double timeout_s = 60;                       // deadline for one evaluation in the worker
  ProfileLevel profile = ProfileLevel::kNone;  // hardware counters after timing (needs `time`)
  std::vector<std::string> profile_metrics;    // CUPTI metrics beyond the level's set
  /// After a correct result: compute-sanitizer's tools over the checks at the check sizes.
  bool sanitize = false;
  double sanitize_timeout_s = 600;  // per tool
  /// Only the task's check sizes (the sanitizer pass); the main size is skipped.
  bool check_sizes_only = false;
};

/// Where a candidate came from, for whoever records evaluations (the store); the GPU ignores it.
/// Candidates are named by their key (CandidateKey), so a lineage survives a restart.
struct Provenance {
  std::string parent_key;   // "" for the roots (reference, starter, a user's file)
  std::string proposer;     // "reference", "starter", "user", "tune", "llm"
  std::string plan;         // the plan text the code carries out
  std::string menu_option;  // the menu entry id the plan applies
  std::string model;        // the code model, for "llm"
  int iteration = 0;
  std::string run_id;
  std::vector<std::string> llm_call_keys;  // the calls that produced it (plan, code, repair)
};

struct EvalRequest {
  const Task* task = nullptr;
  /// The kernel, made for `task` (TryMakeCandidate with it), or the text that is not one.
  CandidateResult candidate;
  std::string file = "candidate.cu";  // named in messages
  EvalOptions options;
  Provenance provenance;
  bool force = false;  // evaluate again even when a recorded result exists
};

class Evaluator {
 public:
  virtual ~Evaluator() = default;
  /// Never throws for a candidate's failure: that is a status in the result. A request whose text
  /// is not a candidate is answered with NotACandidateResult, without compiling anything.
  virtual EvalResult Evaluate(const EvalRequest& request) = 0;
};

}  // namespace kopt
