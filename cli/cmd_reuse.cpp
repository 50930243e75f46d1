// SPDX-License-Identifier: Apache-2.0
// `kopt reuse --schedule ID --task T...`: one stored schedule carried over to chosen tasks, and
// what each of its steps gave there. With a model, its steps are replayed one per iteration on
// each task's current best kernel (no planning call, no free search); without one, its winner's
// kernel and tunable values are transferred and tuned. A search run like `kopt optimize`'s
// (stored, resumable), then a table of the schedule's steps beside their outcomes here.
#include "cli/command.h"
#include "cli/optimize.h"
#include "cli/print.h"
#include "cli/store_access.h"
#include "cli/table.h"
#include "results/schedule_store.h"
#include "search/step_outcomes.h"

#include <algorithm>
#include <cstdio>

namespace kopt::cli {
namespace {

std::string Times(const std::optional<double>& x) {
  if (!x) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2fx", *x);
  return buf;
}

// "correct 2 of 3, compile_error 1".
std::string Verdicts(const StepOutcome& o) {
  std::string text = "correct " + std::to_string(o.correct) + " of " + std::to_string(o.kernels);
  for (const auto& [status, n] : o.failures) text += ", " + status + " " + std::to_string(n);
  return text;
}

// The schedule's step an outcome carries out: a replay of iteration i is step i; a transfer is
// the winner itself; a tuning is no step of it.
std::string StepOf(const StepOutcome& o, const Schedule& s, std::string* there) {
  if (o.proposer == "transfer") {
    *there = Times(s.speedup);
    return "winner";
  }
  auto i = static_cast<std::size_t>(o.iteration);
  if (o.proposer == "replay" && i >= 1 && i <= s.steps.size()) {
    *there = Times(s.steps[i - 1].gain);
    return std::to_string(i) + " " + s.steps[i - 1].option;
  }
  *there = "";
  return o.proposer;
}

void PrintOutcomes(OptimizeSession& session, const Schedule& schedule) {
  Table table({{"task", 0},
               {"iter", 4, true},
               {"step", 0, false, "  "},
               {"there", 6, true},
               {"kernels", 0, false, "  "},
               {"gain here", 9, true},
               {"vs reference", 12, true}});
  for (const TaskOutcome& outcome : session.outcomes()) {
    for (const StepOutcome& o : StepOutcomes(outcome, {"replay", "transfer", "tune"})) {
      std::string there;
      std::string step = StepOf(o, schedule, &there);
      table.Add({outcome.task, std::to_string(o.iteration), step, there, Verdicts(o), Times(o.gain),
                 Times(o.speedup)});
    }
  }
  table.FitWidths();
  Print(
      "\nSchedule %lld (%s on %s) here, step by step (gain: over the kernel it was applied to; "
      "there: the step's gain on %s):\n%s",
      static_cast<long long>(schedule.id), schedule.task.name.c_str(), schedule.gpu.c_str(),
      schedule.task.name.c_str(), table.Aligned().c_str());
}

int RunReuse(OptimizeOptions o, const GlobalOptions& global) {
  std::optional<Schedule> schedule;
  {
    std::unique_ptr<Store> store = OpenStoreForReading(global);  // before any run is begun
    schedule = GetSchedule(*store, *o.reuse_schedule);
  }
  if (!schedule) {
    throw ConfigError("--schedule: no schedule " + std::to_string(*o.reuse_schedule) + " in " +
                      global.db_path + " (kopt schedules lists them)");
  }
  bool llm = !o.models.empty() || !o.code_model.empty();
  o.reuse = llm ? "replay" : "transfer";
  o.llm.replay_only = true;
  int steps = static_cast<int>(schedule->steps.size());
  if (llm) {
    o.search.iterations = steps;
    o.search.patience = steps;  // every step is tried, gain or not
    if (o.tune < 0) o.tune = 0;
  } else {
    o.search.iterations = std::max(o.search.iterations, 1);
  }
  OptimizePlan plan = PlanOptimize(std::move(o));
  OptimizeEvaluatorFactory make = global.optimize_evaluator
                                      ? global.optimize_evaluator
                                      : OptimizeEvaluatorFactory(MakeGpuEvaluator);
  std::unique_ptr<OptimizeEvaluator> evaluator = make(plan.options.gpus);
  OptimizeSession session(std::move(plan), global, std::move(evaluator));
  int code = session.Run();
  PrintOutcomes(session, *schedule);
  return code;
}

}  // namespace

CommandRunner SetupReuse(CLI::App* cmd, GlobalOptions& global) {
  auto o = std::make_shared<OptimizeOptions>();
  o->suite = "";
  o->search.beam_width = 1;
  o->search.iterations = 4;  // tuning a transferred kernel, without a model
  o->reuse_schedule = 0;
  cmd->add_option("--schedule", *o->reuse_schedule, "The schedule (kopt schedules lists them)")
      ->required();
  cmd->add_option("--task", o->tasks, "A task (suite/name, a name, or a folder); repeatable")
      ->required();
  AddModelFlags(cmd, *o);
  cmd->add_option("--impls", o->llm.replay_impls, "Implementations of each step")
      ->check(CLI::Range(1, 16))
      ->capture_default_str();
  cmd->add_option("--beam", o->search.beam_width, "Kernels each step is applied to")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->add_option("--tune", o->tune,
                  "Tunable choices tried per beam member and iteration (default 0 with a model, "
                  "8 without)")
      ->check(CLI::Range(0, 4096));
  cmd->add_option("--iterations", o->search.iterations,
                  "Tuning iterations without a model (with one: the schedule's steps)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--seed", o->search.seed, "Seed of every random choice")->capture_default_str();
  AddEvaluationFlags(cmd, *o);
  return [&global, o] { return RunReuse(*o, global); };
}

}  // namespace kopt::cli
