// SPDX-License-Identifier: Apache-2.0
// `kopt optimize --suite S`: the flags of the search over a suite. The work is in optimize.h:
// the plan, the session that assembles the parts (the evaluator is the GPU unless a program
// linking kopt_cli injects another), and its run. Re-running the same command after a kill
// resumes its run: the LLM calls and evaluations it had finished are answered from the store.
#include "cli/command.h"
#include "cli/optimize.h"
#include "cli/validators.h"

namespace kopt::cli {
namespace {

int RunOptimize(const OptimizeOptions& options, const GlobalOptions& global) {
  OptimizePlan plan = PlanOptimize(options);
  OptimizeEvaluatorFactory make = global.optimize_evaluator
                                      ? global.optimize_evaluator
                                      : OptimizeEvaluatorFactory(MakeGpuEvaluator);
  std::unique_ptr<OptimizeEvaluator> evaluator = make(plan.options.gpus);
  OptimizeSession session(std::move(plan), global, std::move(evaluator));
  return session.Run();
}

}  // namespace

void AddModelFlags(CLI::App* cmd, OptimizeOptions& o) {
  cmd->add_option("--model", o.models,
                  "LLM for plans and code: openai:gpt-5-mini, anthropic:claude-sonnet-4-5, "
                  "openai:MODEL@http://host:8000/v1, cmd:\"...\", replay:SPEC; repeat it to split "
                  "the plans among several models (none: tuning only)");
  cmd->add_option("--plan-model", o.plan_model, "LLM for plans (with --code-model)");
  cmd->add_option("--code-model", o.code_model, "LLM for code (with --plan-model)");
  cmd->add_option("--api-key-env", o.api_key_env, "Environment variable holding the API key");
  cmd->add_option("--prices", o.prices, "Price table JSON (default: built in; $KOPT_PRICES)");
  cmd->add_option("--menu", o.menu, "Optimization menu (a name under menus/ or a file)")
      ->capture_default_str();
  cmd->add_option("--prompts", o.prompts, "Folder of prompt templates replacing the built-in ones");
  cmd->add_option("--temperature", o.temperature, "Sampling temperature (default: the API's)");
  cmd->add_option("--reasoning-effort", o.reasoning_effort,
                  "Reasoning effort, as the API spells it");
  cmd->add_option("--max-tokens", o.max_tokens, "Output tokens per call")->capture_default_str();
  cmd->add_option("--llm-concurrency", o.llm_concurrency, "LLM calls in flight per provider")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_option("--budget-usd", o.budget_usd, "Stop making LLM calls after spending this much")
      ->check(AtLeast(0));
  cmd->add_option("--budget-calls", o.budget_calls, "LLM call limit for the run")
      ->check(AtLeast(0));
  cmd->add_option("--budget-tokens", o.budget_tokens, "LLM token limit for the run")
      ->check(AtLeast(0));
  cmd->add_option("--task-budget-usd", o.task_budget_usd, "LLM dollars per task")
      ->check(AtLeast(0));
  cmd->add_option("--time-limit", o.time_limit_s,
                  "Wall seconds for the run's LLM calls, and per task")
      ->check(AtLeast(0));
}

void AddEvaluationFlags(CLI::App* cmd, OptimizeOptions& o) {
  cmd->add_option("--profile", o.profile,
                  "Counters for every candidate: none, default, deep (default: default with an "
                  "LLM, none without)")
      ->check(CLI::IsMember({"none", "default", "deep"}));
  cmd->add_flag("!--no-sanitize", o.search.sanitize_best,
                "Skip compute-sanitizer on each task's winner (by default a finding demotes it)");
  AddTorchOptions(cmd, o.torch);
  cmd->add_option("--seeds", o.search.eval.seeds, "Correctness seeds per size")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  cmd->add_option("--timeout", o.search.eval.timeout_s, "Seconds before a hung candidate is killed")
      ->check(Positive())
      ->capture_default_str();
  CLI::Option* device = cmd->add_option_function<int>(
      "--device", [&o](int d) { o.gpus = {d}; }, "One GPU, by index (the same as --gpus D)");
  cmd->add_option("--gpus", o.gpus,
                  "GPUs to evaluate on, e.g. 0,2,3 (default: every visible GPU, one worker each; "
                  "a task stays on one card)")
      ->delimiter(',')
      ->check(CLI::NonNegativeNumber)
      ->excludes(device);
  cmd->add_option("--format", o.format, "table or json")->check(CLI::IsMember({"table", "json"}));
  CLI::Option* quiet = cmd->add_flag_callback(
      "-q,--quiet", [&o] { o.verbosity = Verbosity::kQuiet; },
      "No progress while the search runs: the summary only");
  cmd->add_flag_callback(
         "-v,--verbose", [&o] { o.verbosity = Verbosity::kVerbose; },
         "A line per evaluated kernel too")
      ->excludes(quiet);
}

CommandRunner SetupOptimize(CLI::App* cmd, GlobalOptions& global) {
  auto o = std::make_shared<OptimizeOptions>();
  cmd->add_option("--suite", o->suite, "Task suite (a name under tasks/ or a folder)")
      ->capture_default_str();
  cmd->add_option("--task", o->tasks, "Only these tasks of the suite (repeatable)");
  AddModelFlags(cmd, *o);
  cmd->add_option("--beam", o->search.beam_width, "Beam width B")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->add_option("--plans", o->llm.plans, "Plans per beam member N")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->add_option("--impls", o->llm.impls, "Implementations per plan K")
      ->check(CLI::Range(1, 16))
      ->capture_default_str();
  cmd->add_option("--iterations", o->search.iterations, "Iterations T")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--patience", o->search.patience,
                  "Stop a task after this many iterations without a faster kernel")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--keep", o->llm.keep_probability, "Menu dropout: chance an option is shown")
      ->check(Between(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--menu-weights", o->menu_weights,
                  "Menu dropout: uniform (every option at --keep), or learned (options that beat "
                  "their parents more often in this store's record shown more often)")
      ->check(CLI::IsMember({"uniform", "learned"}))
      ->capture_default_str();
  cmd->add_option("--menu-floor", o->menu_floor,
                  "With --menu-weights learned: no option's chance below this")
      ->check(Between(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--invent-share", o->llm.invent_share,
                  "Share of plan prompts asking for an optimization not on the menu")
      ->check(Between(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--tune", o->tune,
                  "Tunable choices tried per beam member and iteration (default 8 without an LLM, "
                  "2 with; 0: off)")
      ->check(CLI::Range(0, 4096));
  cmd->add_option("--roofline-stop", o->search.roofline_stop,
                  "Stop a task at this fraction of the roofline (0: never)")
      ->check(Between(0.0, 2.0))
      ->capture_default_str();
  cmd->add_option("--max-candidates", o->search.max_task_candidates,
                  "Evaluations per task (0: no limit)")
      ->check(AtLeast(0));
  cmd->add_option("--parallel-tasks", o->search.parallel_tasks, "Tasks searched at once")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->add_option("--seed", o->search.seed, "Seed of every random choice (dropout, tuning order)")
      ->capture_default_str();
  cmd->add_option("--reuse", o->reuse,
                  "What to reuse of the store's schedules of similar tasks: all (kernel transfer, "
                  "and replay with an LLM), replay, transfer, none (docs/schedules.md)")
      ->check(CLI::IsMember({"all", "replay", "transfer", "none"}))
      ->capture_default_str();
  cmd->add_flag_callback(
      "--no-reuse", [o] { o->reuse = "none"; }, "The same as --reuse none");
  AddEvaluationFlags(cmd, *o);
  return [&global, o] { return RunOptimize(*o, global); };
}

}  // namespace kopt::cli
