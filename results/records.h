// SPDX-License-Identifier: Apache-2.0
// The rows of the results store as plain structs: what goes in (RunInfo, NewCandidate, ...) and
// what comes back (RunRecord, CandidateRecord, ...). See migrations/001_initial.sql.
#pragma once

#include "core/candidate.h"
#include "core/eval_result.h"
#include "core/llm_call.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kopt {

/// What a run records about itself when it starts: enough to reproduce and compare it.
struct RunInfo {
  std::string command;  // "eval", "optimize"
  std::vector<std::string> argv;
  nlohmann::json config = nlohmann::json::object();
  std::string kopt_version;
  std::string git_sha;
  std::string device;
  nlohmann::json device_info;  // (optional) the full DeviceInfo; null when unknown
  std::string driver_version;
  std::string cuda_version;
  std::string nvrtc_version;
  std::optional<std::uint64_t> seed;
};

struct RunRecord {
  std::int64_t id = 0;
  RunInfo info;
  std::string started_at;
  std::string finished_at;  // empty while running (or when the process was killed)
  std::string status;       // running, ok, failed, interrupted
  std::string message;
};

/// A run with counts of what it recorded, for `kopt runs`.
struct RunSummary {
  RunRecord run;
  std::int64_t candidates = 0;
  std::int64_t evaluations = 0;
  std::int64_t correct = 0;
  std::int64_t llm_calls = 0;
  double cost_usd = 0;
};

struct TaskRecord {
  std::int64_t id = 0;
  std::string name;
  std::string suite;
  std::string content_hash;
  std::string task_json;
  std::string reference_source;
  std::string created_at;
};

/// The proposer names stored in candidates.proposer.
inline constexpr const char* kProposerReference = "reference";
inline constexpr const char* kProposerUser = "user";

/// A candidate to add: one kernel (source + tunable choice) for one task, and its origin. Made by
/// NewCandidateOf, so its key is the Candidate's.
struct NewCandidate {
  std::int64_t task_id = 0;
  std::optional<std::int64_t> run_id;
  std::optional<std::int64_t> parent_id;  // the reference's candidate for a first generation
  std::string source;
  TunableChoice tunables;  // the full choice (core/candidate.h)
  std::string key;         // CandidateKey(source, tunables): the evaluation key (eval_key)
  std::optional<std::string> plan;
  std::optional<std::string> menu_option_id;
  std::optional<int> iteration;
  std::string proposer;  // reference, starter, user, llm, tune
  std::optional<std::string> model;
  std::optional<std::string> file;
};

/// The row of `kernel` (a Candidate, or a text that is not one: it is recorded with the reason
/// its evaluation gives) under `task_id`, with its source, tunables and key; the origin is the
/// caller's to fill in.
inline NewCandidate NewCandidateOf(std::int64_t task_id, const CandidateResult& kernel,
                                   std::string proposer) {
  NewCandidate c;
  c.task_id = task_id;
  c.source = kernel.source();
  c.tunables = kernel.tunables();
  c.key = kernel.key();
  c.proposer = std::move(proposer);
  return c;
}

struct CandidateRecord {
  std::int64_t id = 0;
  NewCandidate candidate;  // candidate.key is the stored eval_key
  std::string source_hash;
  std::string created_at;
};

/// One stored evaluation with the keys it was stored under.
struct EvaluationRecord {
  std::int64_t id = 0;
  std::int64_t candidate_id = 0;
  std::optional<std::int64_t> run_id;
  std::int64_t task_id = 0;
  std::string device;
  bool timed = false;
  EvalResult result;
  std::string created_at;
};

/// Where an LLM call was made from: stored beside the call, never part of its cache key.
struct LlmCallContext {
  std::optional<std::int64_t> run_id;
  std::optional<std::int64_t> task_id;
  std::string purpose;  // "plan", "code", "repair"
};

struct LlmCallRow {
  std::int64_t id = 0;
  LlmCallRecord call;
  LlmCallContext context;
  std::string created_at;
};

/// A task's PyTorch equivalent timed on one GPU, eager or compiled (torch_baselines).
struct TorchBaselineRecord {
  std::int64_t id = 0;
  std::int64_t task_id = 0;
  std::optional<std::int64_t> run_id;
  std::string device;
  std::string mode;  // eager, compile
  std::string python_version;
  std::string torch_version;
  std::string triton_version;       // "" when PyTorch came without Triton
  std::optional<Summary> event_ms;  // median, p10, p90, mean, stddev, n; absent with an error
  std::optional<double> compile_ms;
  int checked_sizes = 0;  // size-and-seed pairs where its outputs matched the reference's
  std::string error;      // why there is no timing
  std::string created_at;
};

}  // namespace kopt
