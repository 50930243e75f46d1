// SPDX-License-Identifier: Apache-2.0
// Handmade tasks, candidates and results for store tests, the crash-test writer and the store
// benchmark: real Task values (parsed by core) and EvalResults shaped like the evaluator's.
#pragma once

#include "core/eval_result.h"
#include "core/schedule.h"
#include "core/task.h"
#include "results/records.h"

#include <string>

namespace kopt::testing {

/// A temporary folder, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

/// A valid one-kernel task `name` in `suite` (dir "/data/tasks/<suite>/<name>"). A different
/// `version` changes task.json, hence the content hash.
Task MakeTask(const std::string& name, const std::string& suite = "s1", int version = 1);

/// A candidate source for MakeTask's tasks: one kernel with tunable BS in {128, 256}; `variant`
/// makes distinct sources. `padding` bytes of comment make it larger.
std::string CandidateSource(int variant, std::size_t padding = 0);

/// The row of `source` (TryMakeCandidate with `overrides`) under `task_id`, proposed by
/// `proposer`, with no origin otherwise: how tests add a candidate to a store.
NewCandidate TestCandidate(std::int64_t task_id, const std::string& source,
                           const TunableChoice& overrides = {},
                           const std::string& proposer = kProposerUser);

/// A correct, timed result: `median_ms` with a small spread, against a reference of
/// `reference_ms`; speedup bands from CompareMedians. With `baseline_ms` > 0, a vendor baseline.
EvalResult CorrectResult(const std::string& device, double median_ms, double reference_ms,
                         double baseline_ms = 0, bool suspicious = false);
/// A result that stopped at `status` with a message (and a compile log for compile_error).
EvalResult FailedResult(const std::string& device, EvalStatus status);

/// A two-step schedule of MakeTask(task_name) on `gpu` (sm_90a), with one failed alternative
/// at its first step; `variant` changes its plans, hence its fingerprint.
Schedule SampleSchedule(const std::string& task_name, const std::string& gpu, int variant = 0);

}  // namespace kopt::testing
