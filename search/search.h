// SPDX-License-Identifier: Apache-2.0
// The beam search over a suite (docs/design.md, Search). For every task: evaluate the roots (the
// reference and, when the task has one, its starter kernel), then for each iteration ask every
// proposer for children of every beam member, evaluate them as they arrive (a failed one may go
// back once for repair), and keep the `beam_width` fastest kernels, a child entering only when it
// beats its parent beyond the noise band. Stops at the iteration limit, after `patience`
// iterations without a faster kernel, near the roofline, or when a budget runs out.
//
// Proposals and evaluations overlap: proposers run on one pool and evaluations on another, and
// several tasks are searched at once, so the GPU has work while an LLM thinks. Every choice is
// seeded and order-independent, so re-running a killed search replays it from the caches (LLM
// calls and evaluations) and carries on where it stopped.
#pragma once

#include "search/proposer.h"

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace kopt {

/// A kernel from elsewhere that joins a task's roots beside its reference and starter: a similar
/// task's winner (reuse by kernel transfer, docs/schedules.md). Evaluated like the starter, it
/// enters the beam when it is correct here, and the tune proposer re-tunes it from there.
struct SeedKernel {
  std::string source;
  /// Tried first; when they do not fit this task (a value the block does not offer, a tile
  /// that does not divide a size) the block's defaults are tried instead.
  TunableChoice tunables;
  std::string proposer = "transfer";
  std::string plan;  // where it comes from, recorded as its plan
};

struct SearchConfig {
  int beam_width = 4;  // B
  int iterations = 8;  // T
  int patience = 3;    // iterations without a faster kernel before a task stops
  /// A task stops once its best kernel reaches this fraction of the roofline (0 never stops).
  double roofline_stop = 0.9;
  int max_repairs = 1;  // repair rounds for one failed proposal
  int parallel_tasks = 2;
  int proposer_threads = 16;  // LLM calls in flight across tasks (providers limit further)
  int eval_threads = 2;       // one compiles while another holds the GPU
  std::uint64_t seed = 1;
  double max_task_s = 0;        // wall time per task, 0 = no limit
  int max_task_candidates = 0;  // evaluations per task, 0 = no limit
  EvalOptions eval;
  std::string run_id;
  /// A task's winner goes through the sanitizer pass (compute-sanitizer) before it is reported;
  /// a finding demotes it, and the next member of the beam is tried.
  bool sanitize_best = true;
  /// Extra roots, by task content hash.
  std::map<std::string, std::vector<SeedKernel>> seeds;
};

/// One kernel a task's search evaluated (the sanitizer's second look at a winner aside).
struct EvaluatedKernel {
  int iteration = 0;  // 0: a root (the reference, the starter, a transferred kernel)
  std::string proposer;
  std::string option;  // the menu option its plan named, if any
  EvalStatus status = EvalStatus::kCorrect;
  std::optional<double> latency_ms;  // median, when correct and timed
  std::optional<double> speedup;     // over the reference
  std::optional<double> parent_ms;   // the median of the kernel it was made from (roots: none)
};

/// What a terminal shows about one task while it runs.
struct TaskProgress {
  std::string task;
  int iteration = 0;
  int iterations = 0;
  std::optional<Speedup> best_speedup;  // over the reference
  int candidates = 0;                   // evaluated so far
  int max_candidates = 0;               // the task's candidate limit; 0: none
  int correct = 0;
  std::string state;  // "roots", "iteration", "done: stagnated", ...
  /// The kernel whose evaluation this report follows, if one does.
  std::optional<EvaluatedKernel> evaluated;
};

/// One line of a kernel's history as the planning prompt shows it: "mem.coalescing: <the plan's
/// first line> (1.80x over its parent)". `step` is the menu option, or the proposer without one.
std::string HistoryLine(const std::string& step, const std::string& plan, double gain);

struct TaskOutcome {
  std::string task;
  std::optional<SearchNode> best;
  std::optional<SearchNode> reference;
  int candidates = 0;
  int correct = 0;
  std::map<std::string, int> statuses;  // evaluations by status name
  int duplicates = 0;  // proposals of a kernel already evaluated, not evaluated again
  int iterations_run = 0;
  std::string stop_reason;
  double wall_s = 0;
  double eval_s = 0;                       // summed evaluation wall time
  std::vector<EvaluatedKernel> evaluated;  // in the order their evaluations finished
};

class Search {
 public:
  using ProgressFn = std::function<void(const TaskProgress&)>;

  /// `proposers` are asked in order for every beam member; none may be null.
  Search(SearchConfig config, Evaluator& evaluator, std::vector<Proposer*> proposers,
         DeviceInfo device);

  /// Searches every task; `progress` (optional) is called from worker threads, serialized.
  std::vector<TaskOutcome> Run(const std::vector<Task>& tasks, const ProgressFn& progress = {});
  /// Lets running evaluations finish, then stops every task (a budget is spent, Ctrl-C).
  void RequestStop(const std::string& why);

 private:
  class TaskSearch;

  SearchConfig config_;
  Evaluator& evaluator_;
  std::vector<Proposer*> proposers_;
  DeviceInfo device_;
  std::atomic<bool> stop_{false};
  std::mutex stop_mutex_;
  std::string stop_reason_;
  std::mutex progress_mutex_;
};

}  // namespace kopt
