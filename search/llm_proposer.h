// SPDX-License-Identifier: Apache-2.0
// The `llm` proposer, Autocomp's two phases: for each beam member, N planning prompts (each with
// its own menu dropout; a share of them ask for an optimization not on the menu) give N plans,
// and for each plan K implementation prompts give K kernels. A kernel that fails comes back
// once with its compile log or mismatch report (the repair prompt).
//
// Each task gets its own cache-over-budget provider stack over the task's budget (chained to the
// run's), so replayed answers are free and a task's spending is counted against it. Several
// models split the work by giving each proposer a share of the plans (`first_plan`, `plans`).
#pragma once

#include "core/llm_call.h"
#include "llm/budget.h"
#include "llm/prices.h"
#include "llm/provider.h"
#include "prompts/menu.h"
#include "prompts/prompt_facts.h"
#include "prompts/prompts.h"
#include "search/proposer.h"

#include <functional>
#include <map>
#include <memory>
#include <mutex>

namespace kopt {

/// A schedule chosen for a task, with the similarity reasons its prompts quote.
struct ReplaySchedule {
  Schedule schedule;
  std::vector<std::string> reasons;
};

struct LlmProposerConfig {
  int plans = 4;       // plans per beam member and iteration asked of this proposer
  int first_plan = 0;  // its first plan's index among all proposers' (seeds, sample indices)
  int impls = 2;       // K, per plan
  double keep_probability = 0.5;  // menu dropout
  /// Learned dropout (prompts/menu_weights.h): per op class, each option's own keep probability;
  /// an op class not here, or an option not in its map, keeps `keep_probability`.
  std::map<std::string, std::map<std::string, double, std::less<>>> keep_by_op_class;
  double invent_share = 0.125;  // planning prompts that ask for something not on the menu
  std::optional<double> temperature;
  std::int64_t max_tokens = 16384;
  std::string reasoning_effort;
  /// torch.compile's latency on this GPU, by task content hash (absent: not measured).
  std::map<std::string, OutsideLatency> torch_compile;
  /// Schedules to replay on a task (by content hash), best first. At iteration i, each one's
  /// step i is implemented directly (no planning call; proposer "replay"), `replay_impls`
  /// kernels each; an iteration where no schedule has a step with a plan plans freely.
  std::map<std::string, std::vector<ReplaySchedule>> replay;
  int replay_impls = 1;
  /// Replay and nothing else (kopt reuse): an iteration with no step to carry out plans nothing.
  bool replay_only = false;
};

/// A measured kernel as the prompts show it: its code with the tunable values it ran with, its
/// latency and speedups, the latency to beat (`compiled`: torch.compile's, when measured), its
/// profile or resources, roofline and history.
ParentKernel ParentOf(const SearchNode& node, const std::optional<OutsideLatency>& compiled);

/// The planning prompt's inputs for plan `j` of `context` (the index among all proposers'
/// plans): the task's menu for this GPU with plan j's own dropout (learned chances when the
/// config has them), and plan j's draw between choosing from the menu and inventing.
/// `schedules`: ScheduleSummary of the replayed schedules, or "". What Propose sends, and what
/// `kopt prompt` shows.
PlanPromptContext PlanPromptFor(const LlmProposerConfig& config, const Menu& menu,
                                const ProposalContext& context, const ParentKernel& parent, int j,
                                const std::string& schedules = "");

/// The implementation prompt's inputs for `plan` (applying `option`) on `parent`.
ImplementPromptContext ImplementPromptFor(const ProposalContext& context,
                                          const ParentKernel& parent, const MenuEntry& option,
                                          const std::string& plan);

/// The repair prompt's inputs for `failed_code`, written for `plan` (menu option `option`, "" or
/// an unknown id: the invent entry) and failed with `result`: its status, the check that caught
/// it and the message (with the compile log), trimmed. What Repair sends, and `kopt prompt`.
RepairPromptContext RepairPromptFor(const Menu& menu, const ProposalContext& context,
                                    const std::string& option, const std::string& plan,
                                    const std::string& failed_code, const EvalResult& result);

class LlmProposer : public Proposer {
 public:
  /// The call log of one task (so each call is recorded against its task), or null for none.
  using LogFor = std::function<LlmCallLog*(const Task&)>;

  /// `planner` and `coder` (may be the same) are the network providers, not owned; `log_for`
  /// (optional) gives the log that caches and records a task's calls; `budgets` (optional, not
  /// owned) the budget each task's calls spend from.
  LlmProposer(LlmProposerConfig config, Provider& planner, Provider& coder, const Menu& menu,
              const PromptLibrary& prompts, LogFor log_for, TaskBudgets* budgets,
              std::shared_ptr<const PriceTable> prices = nullptr);
  ~LlmProposer() override;

  std::string_view name() const override { return "llm"; }
  void Propose(const ProposalContext& context, const Emit& emit) override;
  std::optional<Proposal> Repair(const ProposalContext& context, const Proposal& failed,
                                 const EvalResult& result) override;
  /// Why this task may make no more calls (its budget or the run's is spent), or "".
  std::string StopReason(const Task& task) override;
  /// What `task`'s calls have used, by every proposer sharing its budget (replays are free).
  BudgetUsage Usage(const Task& task);

 private:
  struct TaskProviders;
  TaskProviders& For(const Task& task);
  CompletionResult Ask(TaskProviders& p, bool planner, const std::string& prompt,
                       const std::string& purpose, int sample_index);
  Proposal MakeProposal(const ProposalContext& context, const std::string& response,
                        const MenuEntry& option, const std::string& plan,
                        std::vector<std::string> call_keys, std::string proposer = "llm");
  /// Implements the replayed schedules' steps of this iteration; false when none has one.
  bool Replay(const ProposalContext& context, const ParentKernel& parent, const Emit& emit);

  LlmProposerConfig config_;
  Provider& planner_;
  Provider& coder_;
  const Menu& menu_;
  const PromptLibrary& prompts_;
  LogFor log_for_;
  TaskBudgets own_budgets_{{}, nullptr};  // when none are given: unlimited
  TaskBudgets* budgets_;
  std::shared_ptr<const PriceTable> prices_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<TaskProviders>> tasks_;  // by task content hash
};

}  // namespace kopt
