// SPDX-License-Identifier: Apache-2.0
// The checks a candidate's run must pass, as plain functions over what the run left behind
// (downloaded to the host), so each is tested with CPU data. The worker gathers the evidence of
// every run (each correctness check, each input case, the timing loop) and applies the list in
// order; the first failure is the verdict. Adding a check: one file here, one line in
// check_list.cpp, one row in evaluator/README.md.
#pragma once

#include "core/compare.h"
#include "core/eval_result.h"
#include "core/poison.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kopt {

struct BufferEvidence {
  std::string name;
  std::size_t guard_damage = 0;  // bytes of the guard zones around it that changed
};

struct InputEvidence {
  std::string name;
  std::uint64_t checksum_before = 0;
  std::uint64_t checksum_after = 0;
};

struct OutputEvidence {
  std::string name;
  DType dtype = DType::kF32;
  std::vector<std::int64_t> shape;
  std::vector<unsigned char> actual;
  const std::vector<unsigned char>* expected = nullptr;  // the reference's, same layout
  Poison poison;                                         // what it held before the run
};

/// The timing loop's own verification: every timed sample's outputs were compared with the
/// reference on the device, after the sample and outside its events.
struct TimedEvidence {
  std::uint64_t samples = 0;
  std::uint64_t bad_samples = 0;     // samples with any wrong element
  std::uint64_t wrong_elements = 0;  // summed over samples
  std::uint64_t unwritten_elements = 0;
  std::int64_t first_bad_sample = -1;
};

struct RunEvidence {
  std::string when;  // "correctness check (seed 3, size ROWS=37 COLS=1000)"
  Tolerance tolerance;
  std::vector<BufferEvidence> buffers;  // inputs, outputs and workspace
  std::vector<InputEvidence> inputs;
  std::vector<OutputEvidence> outputs;  // empty for the timing loop
  std::optional<TimedEvidence> timed;
};

struct CheckFailure {
  std::string check;  // the name in the list
  EvalStatus status = EvalStatus::kWrongAnswer;
  std::string message;
};

/// A check reads the evidence and may add what it measured to the run's record.
using CheckFunction = std::optional<CheckFailure> (*)(const RunEvidence&, CheckRecord&);

struct RunCheck {
  std::string_view name;
  CheckFunction function;
};

std::optional<CheckFailure> CheckGuards(const RunEvidence& run, CheckRecord& record);
std::optional<CheckFailure> CheckInputsUnchanged(const RunEvidence& run, CheckRecord& record);
std::optional<CheckFailure> CheckOutputsWritten(const RunEvidence& run, CheckRecord& record);
std::optional<CheckFailure> CheckTolerance(const RunEvidence& run, CheckRecord& record);
std::optional<CheckFailure> CheckTimedOutputs(const RunEvidence& run, CheckRecord& record);

/// Every check of a run, in the order they apply.
const std::vector<RunCheck>& RunChecks();

/// The first failure of `RunChecks()` on `run`, named after its check; nullopt when it passes.
std::optional<CheckFailure> ApplyRunChecks(const RunEvidence& run, CheckRecord& record);

}  // namespace kopt
