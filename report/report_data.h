// SPDX-License-Identifier: Apache-2.0
// What `kopt report` shows, read from the store: the leaderboard, and per task and GPU the
// search's progress (best latency against kernels evaluated and against LLM dollars), the
// winner's lineage (each step's plan, gain, source change and counter deltas), the roofline
// fractions of the best kernels and the failure mix; per run, its calls, tokens, dollars and GPU
// time. Plain values: report/html_report renders them.
#pragma once

#include "core/profile.h"
#include "report/line_diff.h"
#include "results/leaderboard.h"
#include "results/store.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kopt {

struct ReportFilter {
  std::string suite;
  std::optional<std::int64_t> run_id;  // only what this run recorded
};

/// One evaluation in recording order, with the best latency so far and the dollars spent so far.
struct ProgressPoint {
  int kernels = 0;     // evaluations so far, this one included
  double best_ms = 0;  // the fastest correct kernel so far
  double dollars = 0;  // the task's LLM spending when this evaluation was recorded
};

struct LineageStep {
  std::string option;
  std::string proposer;
  std::string plan;
  std::optional<double> latency_ms, gain, speedup;
  std::vector<DiffLine> diff;  // the source change from the previous step (hunks)
  /// Counters of this step's kernel and of the one before it (profiled runs only).
  std::optional<ProfileFields> counters, previous_counters;
};

struct RooflinePoint {
  std::int64_t candidate_id = 0;
  std::string proposer;
  double latency_ms = 0;
  double fraction = 0;
  std::string bound;
};

struct TaskSection {
  LeaderboardEntry entry;
  std::vector<ProgressPoint> progress;
  std::map<std::string, int> statuses;  // evaluations by status name
  std::vector<LineageStep> lineage;     // reference (excluded) to the winner
  std::vector<RooflinePoint> roofline;  // the fastest correct kernels, at most 5
};

struct RunSection {
  RunSummary summary;
  std::int64_t input_tokens = 0, output_tokens = 0;
  double gpu_s = 0;  // summed evaluation wall time
};

struct ReportData {
  std::string db_path;
  ReportFilter filter;
  Leaderboard board;
  std::vector<TaskSection> tasks;  // one per leaderboard entry
  std::vector<RunSection> runs;    // newest first (the filtered run alone, when one is)
};

ReportData QueryReport(Store& store, const std::string& db_path, const ReportFilter& filter);

}  // namespace kopt
