// SPDX-License-Identifier: Apache-2.0
// The leaderboard: a query over the store, not a table. For each task version and GPU model, the
// fastest correct kernel (by median event time of its latest evaluation on that GPU), with its
// speedups, roofline fraction, origin and the LLM cost spent on the task; and per suite and GPU,
// fast_p and geometric-mean speedups.
#pragma once

#include "core/stats.h"
#include "results/store.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace kopt {

/// Empty strings and an absent run match everything. `gpu` matches any device whose name
/// contains it, ignoring case ("h100").
struct LeaderboardFilter {
  std::string suite;
  std::string task;  // a task name, or a prefix (>= 6 hex digits) of a task's content hash
  std::string gpu;
  std::optional<std::int64_t> run_id;  // only evaluations recorded by this run
};

/// The winning kernel of one (task, GPU).
struct LeaderboardBest {
  std::int64_t candidate_id = 0;
  std::int64_t evaluation_id = 0;
  std::optional<std::int64_t> run_id;
  std::string proposer;
  std::optional<std::string> model;
  Summary event_ms;  // median, p10, p90, n only
  std::optional<double> kernel_median_ms;
  std::optional<double> reference_median_ms;
  std::optional<Speedup> speedup;  // over the reference
  std::optional<std::string> baseline_name;
  std::optional<double> baseline_median_ms;
  std::optional<Speedup> baseline_speedup;
  std::optional<double> roofline_fraction;
  std::string roofline_bound;
  /// Its latest evaluation ran compute-sanitizer's tools over it and they found nothing.
  bool sanitized = false;
  /// The launch variant it ran at the timed size ("" when its block has none).
  std::string launch_variant;
  /// Over the task's PyTorch equivalent on this GPU, eager and torch.compile'd (absent when
  /// not measured, or measured with an error).
  std::optional<Speedup> eager_speedup;
  std::optional<Speedup> compile_speedup;
};

struct LeaderboardEntry {
  std::int64_t task_id = 0;
  std::string task;
  std::string suite;
  std::string task_hash;
  std::string device;
  std::optional<LeaderboardBest> best;  // absent: nothing correct on this GPU yet
  std::int64_t kernels = 0;             // distinct kernels evaluated on this task and GPU
  std::int64_t correct_kernels = 0;     // of them, correct at their latest evaluation
  /// Correct results set aside because they were faster than the roofline allows (Roofline::
  /// suspicious), counting only those faster than the winner: they win only after a recheck.
  std::int64_t suspicious_excluded = 0;
  double cost_usd = 0;  // LLM calls recorded for this task version (in the run, if filtered)
  std::int64_t llm_calls = 0;
  std::int64_t unpriced_llm_calls = 0;  // calls whose model had no known price
  /// The newest measurements of the task's PyTorch equivalent on this GPU (store.h).
  std::optional<TorchBaselineRecord> torch_eager;
  std::optional<TorchBaselineRecord> torch_compile;
};

/// fast_p: the share of tasks with a correct kernel faster than p x the reference beyond the
/// noise (the low end of the speedup's band above p).
struct FastP {
  double p = 1;
  int tasks = 0;
  double fraction = 0;
};

/// fast_p and the geometric mean of the winners' speedups over one comparison point (PyTorch
/// eager or torch.compile), over the tasks that have it measured.
struct SpeedupSummary {
  std::vector<FastP> fast_p;  // p = 1, 1.5, 2; fractions of the tasks that have the figure
  std::optional<double> geomean;
  int tasks = 0;
};

struct SuiteSummary {
  std::string suite;
  std::string device;
  int tasks = 0;              // task versions with at least one evaluation on this GPU
  int correct = 0;            // of them, with a correct kernel
  std::vector<FastP> fast_p;  // p = 1, 1.5, 2
  /// Geometric means over the tasks that have the figure (correct, and a baseline for the second).
  std::optional<double> geomean_speedup;
  int geomean_speedup_tasks = 0;
  std::optional<double> geomean_baseline_speedup;
  int geomean_baseline_tasks = 0;
  SpeedupSummary over_eager;
  SpeedupSummary over_compile;
  double cost_usd = 0;
};

struct Leaderboard {
  std::vector<LeaderboardEntry> entries;  // by suite, task name, task version, device
  std::vector<SuiteSummary> summaries;    // by suite, device
};

inline constexpr double kFastPThresholds[] = {1.0, 1.5, 2.0};

Leaderboard QueryLeaderboard(Store& store, const LeaderboardFilter& filter);

/// Pure: the summaries of a set of entries (exposed for tests).
std::vector<SuiteSummary> SummarizeSuites(const std::vector<LeaderboardEntry>& entries);

nlohmann::json ToJson(const LeaderboardEntry& entry);
nlohmann::json ToJson(const SuiteSummary& summary);
nlohmann::json ToJson(const Leaderboard& board);

}  // namespace kopt
