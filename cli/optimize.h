// SPDX-License-Identifier: Apache-2.0
// `kopt optimize` in three steps, which cmd_optimize.cpp calls in order:
//   PlanOptimize      the options resolved into a plan: the tasks, the models, the defaults that
//                     depend on them; every usage error, before any GPU work;
//   OptimizeSession   the builder: the evaluator (the GPU unless one is injected), the store and
//                     the run it resumes or begins, providers, the PyTorch baselines, proposers;
//   Run               the search with progress and Ctrl-C, the run's end in the store, the summary.
#pragma once

#include "cli/command.h"
#include "cli/optimize_evaluator.h"
#include "cli/progress_view.h"
#include "cli/search_report.h"
#include "cli/torch_baselines.h"
#include "core/device_info.h"
#include "core/evaluator.h"
#include "llm/budget.h"
#include "llm/prices.h"
#include "llm/provider.h"
#include "prompts/menu.h"
#include "prompts/prompts.h"
#include "results/llm_call_log.h"
#include "results/recording_evaluator.h"
#include "results/store.h"
#include "search/llm_proposer.h"
#include "search/search.h"
#include "search/tune_proposer.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace kopt::cli {

/// The flags of `kopt optimize`.
struct OptimizeOptions {
  /// "" (kopt reuse): `tasks` are found wherever FindTask finds them, not in one suite.
  std::string suite = "quick";
  std::vector<std::string> tasks;
  std::vector<std::string> models;  // --model, repeatable: each plans and codes a share
  std::string plan_model, code_model;
  std::string api_key_env, prices, menu = "cuda", prompts;
  int llm_concurrency = 8;
  std::optional<double> temperature;
  std::string reasoning_effort;
  std::int64_t max_tokens = 16384;
  LlmProposerConfig llm;
  SearchConfig search;
  int tune = -1;        // proposals per beam member; -1: 8 without an LLM, 2 with one
  std::string profile;  // "", "none", "default", "deep"
  double budget_usd = 0, time_limit_s = 0, task_budget_usd = 0;
  std::int64_t budget_calls = 0, budget_tokens = 0;
  int device = 0;         // the GPU the PyTorch baselines run on: the first of `gpus`
  std::vector<int> gpus;  // --gpus (or --device): empty means every visible GPU
  std::string format = "table";
  Verbosity verbosity = Verbosity::kNormal;  // of the progress shown while the search runs
  TorchOptions torch;
  /// What of the store's most similar schedules a task reuses (docs/schedules.md): "all" (the
  /// default: kernel transfer, and replay when an LLM is configured), "replay", "transfer" or
  /// "none" (--no-reuse); at most `reuse_limit` schedules per task, each scoring at least
  /// `reuse_min_score` (core/task_similarity.h). Transfer takes the best one's kernel.
  std::string reuse = "all";
  int reuse_limit = 2;
  double reuse_min_score = 0.5;
  /// Menu dropout: "uniform" (every option at --keep), or "learned" (weighted by the store's
  /// record of each option on this GPU and op class before the run, none below `menu_floor`).
  std::string menu_weights = "uniform";
  double menu_floor = 0.1;
  /// kopt reuse: this stored schedule on every task, whatever their similarity, and nothing
  /// else (no free planning): replayed with an LLM, its kernel transferred without one.
  std::optional<std::int64_t> reuse_schedule;
};

/// The flags `kopt optimize` and `kopt reuse` share: the models, their prompts, prices and
/// budgets; and how candidates are evaluated (profile, sanitizer, PyTorch, seeds, device).
void AddModelFlags(CLI::App* cmd, OptimizeOptions& o);
void AddEvaluationFlags(CLI::App* cmd, OptimizeOptions& o);

/// Who plans and who codes one share of the plans.
struct ModelPair {
  std::string plan, code;
  std::string flag;  // where it was given, for messages
};

struct OptimizePlan {
  /// The options with what depends on the models resolved (--tune, --profile, the LLM
  /// proposer's sampling settings, the per-task time limit).
  OptimizeOptions options;
  std::vector<Task> tasks;
  std::vector<ModelPair> models;  // empty: the tune proposer alone
  std::shared_ptr<const PriceTable> prices;
  Menu menu;
  PromptLibrary prompts;
  std::chrono::steady_clock::time_point start;  // the command's start, for the wall time
};

/// Loads the suite, menu, prompts and prices and checks every model spec and its API key.
/// Throws ConfigError for a usage error; touches neither the GPU nor the store.
OptimizePlan PlanOptimize(OptimizeOptions options);

/// What identifies a run (for resuming it) and is recorded with it; never a key.
nlohmann::json RunConfig(const OptimizeOptions& options, const std::vector<Task>& tasks);

/// The parts of one search over a suite, assembled from a plan: built in an order that makes the
/// device's absence an error before the store is touched, and the PyTorch baselines measured
/// before the proposers (the planner aims at torch.compile's latency). Prints what it found
/// (the run it resumes or begins, the models). Not copyable: the parts refer to each other.
class OptimizeSession {
 public:
  OptimizeSession(OptimizePlan plan, const GlobalOptions& global,
                  std::unique_ptr<OptimizeEvaluator> evaluator);
  ~OptimizeSession();
  OptimizeSession(const OptimizeSession&) = delete;
  OptimizeSession& operator=(const OptimizeSession&) = delete;

  /// Searches every task (Ctrl-C asks the search to stop; the run is then `interrupted`),
  /// records how the run ended and prints the summary. The exit code.
  int Run();

  /// What Run's search gave, a task each (empty before Run).
  const std::vector<TaskOutcome>& outcomes() const { return outcomes_; }

 private:
  struct RunRow {
    std::int64_t id = 0;
    bool resumed = false;
  };
  RunRow ResumeOrBeginRun();
  Provider& ProviderFor(const std::string& spec);
  void MeasureTorchBaselines();
  /// The schedules each task reuses: chosen when the run begins and recorded beside it, read
  /// back when it resumes; replayed (LlmProposerConfig::replay) and their best's kernel
  /// transferred (SearchConfig::seeds) as `reuse` says.
  void ChooseSchedules();
  /// --menu-weights learned: each op class's keep probabilities from the store's record as it
  /// was when the run began (so a resumed run weighs the menu as before).
  void LearnMenuWeights();
  void MakeProposers();
  LlmCallLog* LogFor(const Task& task);
  /// The LLM spend of `task` (0 without an LLM).
  double Spend(const Task& task);
  /// Writes the HTML report of the run's suite beside the store; its path, or "".
  std::string WriteReport();
  /// Records how the run ended (`status`) and prints the summary.
  void Report(const std::vector<TaskOutcome>& outcomes, const std::string& status);

  OptimizePlan plan_;
  const GlobalOptions& global_;
  std::unique_ptr<OptimizeEvaluator> evaluator_;
  DeviceInfo device_;
  Store store_;
  RunRow run_;
  StoreLlmCallLog replay_log_;  // replay: providers answer from this store
  std::map<std::string, std::unique_ptr<Provider>> providers_;  // one per distinct spec
  RecordingEvaluator recording_;
  std::map<std::string, StoredTorchBaselines> torch_;  // by task content hash
  std::mutex logs_mutex_;
  std::map<std::string, std::unique_ptr<StoreLlmCallLog>> logs_;  // one per task
  std::unique_ptr<Budget> run_budget_;  // made after the baselines: its clock starts there
  std::unique_ptr<TaskBudgets> task_budgets_;
  std::vector<std::unique_ptr<LlmProposer>> llms_;
  std::unique_ptr<TuneProposer> tune_;
  std::vector<Proposer*> proposers_;
  std::vector<TaskOutcome> outcomes_;
};

}  // namespace kopt::cli
