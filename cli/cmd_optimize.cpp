// SPDX-License-Identifier: Apache-2.0
// `kopt optimize --suite S`: the search over a suite (search/search.h). Wires the parts together:
// the GPU evaluator under the store's recording evaluator, the tune proposer and, when a model
// is configured, the llm proposer over cached and budgeted providers; shows progress; prints a
// summary. Re-running the same command after a kill resumes its run: the LLM calls and
// evaluations it had finished are answered from the store.
#include "cli/command.h"
#include "cli/print.h"
#include "cli/search_report.h"
#include "cli/store_access.h"
#include "cli/task_lookup.h"
#include "cli/torch_baselines.h"
#include "evaluator/cuda_evaluator.h"
#include "llm/provider_factory.h"
#include "results/llm_call_log.h"
#include "results/recording_evaluator.h"
#include "search/llm_proposer.h"
#include "search/search.h"
#include "search/tune_proposer.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <map>
#include <thread>
#include <unistd.h>

namespace kopt::cli {
namespace {

struct OptimizeOptions {
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
  int device = 0;
  std::string format = "table";
  TorchOptions torch;
};

struct ModelPair {
  std::string plan, code;
  std::string flag;  // where it was given, for messages
};

std::atomic<int> g_interrupts{0};
extern "C" void OnInterrupt(int) { ++g_interrupts; }

BudgetLimits Limits(std::int64_t calls, std::int64_t tokens, double usd, double wall_s) {
  BudgetLimits l;
  if (calls > 0) l.calls = calls;
  if (tokens > 0) l.tokens = tokens;
  if (usd > 0) l.usd = usd;
  if (wall_s > 0) l.wall_s = wall_s;
  return l;
}

// What identifies the run (for resuming it) and is recorded with it; never a key.
nlohmann::json RunConfig(const OptimizeOptions& o, const std::vector<Task>& tasks) {
  nlohmann::json names = nlohmann::json::array();
  for (const auto& t : tasks) names.push_back(t.name + "@" + t.content_hash.substr(0, 12));
  const SearchConfig& s = o.search;
  return {{"suite", o.suite},
          {"tasks", names},
          {"models", o.models},
          {"plan_model", o.plan_model},
          {"code_model", o.code_model},
          {"beam", s.beam_width},
          {"plans", o.llm.plans},
          {"impls", o.llm.impls},
          {"iterations", s.iterations},
          {"patience", s.patience},
          {"keep", o.llm.keep_probability},
          {"invent_share", o.llm.invent_share},
          {"tune", o.tune},
          {"seed", s.seed},
          {"profile", o.profile},
          {"seeds", s.eval.seeds},
          {"sanitize_best", s.sanitize_best},
          {"torch", o.torch.off ? "off" : o.torch.python},
          {"menu", o.menu}};
}

int RunOptimize(OptimizeOptions o, const GlobalOptions& global) {
  auto start = std::chrono::steady_clock::now();
  std::vector<Task> tasks = LoadSuite(SuiteDir(o.suite));
  if (!o.tasks.empty()) {
    std::vector<Task> chosen;
    for (const auto& name : o.tasks) {
      auto it =
          std::find_if(tasks.begin(), tasks.end(), [&](const Task& t) { return t.name == name; });
      if (it == tasks.end())
        throw ConfigError("--task: no task '" + name + "' in suite " + o.suite);
      chosen.push_back(*it);
    }
    tasks = std::move(chosen);
  }
  // Who plans and who codes: each --model does both, for its share of the plans; a
  // --plan-model/--code-model pair is one more share.
  std::vector<ModelPair> pairs;
  for (const auto& m : o.models) pairs.push_back({m, m, "--model"});
  if (!o.plan_model.empty() || !o.code_model.empty()) {
    if (o.plan_model.empty() || o.code_model.empty()) {
      throw ConfigError("--plan-model and --code-model go together (or use --model for both)");
    }
    pairs.push_back({o.plan_model, o.code_model, "--plan-model"});
  }
  bool use_llm = !pairs.empty();
  if (static_cast<int>(pairs.size()) > o.llm.plans) {
    throw ConfigError("--plans " + std::to_string(o.llm.plans) + " cannot be split among " +
                      std::to_string(pairs.size()) + " models; raise --plans");
  }
  // A bad spec or a missing key is a usage error before any GPU work.
  for (const auto& pair : pairs) {
    std::string code_flag = pair.flag == "--model" ? "--model" : "--code-model";
    for (const auto& [text, flag] :
         {std::pair{pair.plan, pair.flag}, std::pair{pair.code, code_flag}}) {
      ModelSpec spec = ParseModelSpec(text, flag);
      if (spec.kind != ProviderKind::kReplay) ResolveApiKey(spec, o.api_key_env);
    }
  }
  if (o.tune < 0) o.tune = use_llm ? 2 : 8;
  if (o.profile.empty()) o.profile = use_llm ? "default" : "none";
  if (o.profile != "none") o.search.eval.profile = *ParseProfileLevel(o.profile);
  auto prices = std::make_shared<const PriceTable>(PriceTable::Load(o.prices));
  Menu menu = LoadMenu(FindMenuFile(o.menu, DataDir()));
  PromptLibrary prompts =
      o.prompts.empty() ? PromptLibrary() : PromptLibrary::WithOverrides(o.prompts);

  CudaEvaluatorConfig ec;
  ec.device = o.device;
  CudaEvaluator gpu(ec);
  DeviceInfo device = gpu.Device();  // no driver: the error says so, before the store is touched

  Store store(global.db_path);
  RunInfo info = CurrentRunInfo("optimize", global, RunConfig(o, tasks), &device);
  info.seed = o.search.seed;
  std::optional<std::int64_t> resumed = store.FindUnfinishedRun(info);
  std::int64_t run_id = resumed ? *resumed : store.BeginRun(info);
  o.search.run_id = std::to_string(run_id);

  Print("kopt optimize: %zu task%s of suite %s on %s, run %lld%s\n", tasks.size(),
        tasks.size() == 1 ? "" : "s", o.suite.c_str(), device.name.c_str(),
        static_cast<long long>(run_id),
        resumed ? " (resumed: finished work is replayed from the store)" : "");
  // Providers, one per distinct spec; replay answers from this store.
  StoreLlmCallLog replay_log(store, LlmCallContext{run_id, std::nullopt, ""});
  ProviderOptions po;
  po.api_key_env = o.api_key_env;
  po.max_concurrency = o.llm_concurrency;
  po.prices = prices;
  po.notice = [](const std::string& line) { PrintError("kopt: %s\n", line.c_str()); };
  std::map<std::string, std::unique_ptr<Provider>> providers;
  auto provider = [&](const std::string& text) -> Provider& {
    auto& p = providers[text];
    if (!p) p = MakeProvider(ParseModelSpec(text), po, &replay_log);
    return *p;
  };
  if (!use_llm) {
    Print(
        "No LLM is configured, so only the tune proposer runs: it tries other values of each "
        "kernel's tunables.\nTo let an LLM write kernels, add --model, e.g. --model "
        "openai:gpt-5-mini (OPENAI_API_KEY), --model anthropic:claude-sonnet-4-5 "
        "(ANTHROPIC_API_KEY),\nor a local server: --model openai:MODEL@http://localhost:8000/v1. "
        "Check a model with `kopt llm test MODEL`.\n");
  } else {
    Print("LLM: beam %d x %d plans x %d implementations, %d iterations;", o.search.beam_width,
          o.llm.plans, o.llm.impls, o.search.iterations);
    for (const auto& pair : pairs) {
      Print(" plans by %s, code by %s;", pair.plan.c_str(), pair.code.c_str());
    }
    Print("\n");
  }
  std::fflush(stdout);

  RecordingConfig rc;
  rc.device = device.name;
  rc.run_id = run_id;
  RecordingEvaluator recording(store, gpu, rc);

  // The PyTorch baselines first, a task at a time with the GPU to themselves (measured once per
  // task version, GPU and PyTorch): the planner aims at torch.compile's latency, and the summary
  // compares every winner with eager and compiled PyTorch.
  std::unique_ptr<TorchRunner> torch_runner = MakeTorchRunner(o.torch, o.device);
  std::map<std::string, StoredTorchBaselines> torch;
  if (torch_runner && !torch_runner->info().ok()) {
    Print("PyTorch baselines: %s\n", TorchRunnerText(torch_runner.get()).c_str());
  }
  for (const Task& task : tasks) {
    if (!torch_runner || !torch_runner->info().ok()) break;
    StoredTorchBaselines b = EnsureTorchBaselines(store, run_id, recording.AddTask(task).first,
                                                  task, device.name, gpu, torch_runner.get(),
                                                  /*force=*/false);
    for (const auto& m : {b.eager, b.compiled}) {
      if (m && !m->error.empty()) PrintError("kopt: %s (%s)\n", m->error.c_str(), m->mode.c_str());
    }
    if (b.compiled && b.compiled->event_ms) {
      o.llm.torch_compile[task.content_hash] = {
          b.compiled->event_ms->median, "torch.compile, PyTorch " + b.compiled->torch_version};
    }
    torch[task.content_hash] = std::move(b);
  }
  torch_runner.reset();  // its CUDA context would hold GPU memory through the whole search
  std::fflush(stdout);

  // One call log per task, so every call is stored against its run and task.
  std::map<std::string, std::unique_ptr<StoreLlmCallLog>> logs;
  std::mutex logs_mutex;
  auto log_for = [&](const Task& task) -> LlmCallLog* {
    std::lock_guard<std::mutex> lock(logs_mutex);
    auto& log = logs[task.content_hash];
    if (!log) {
      std::int64_t task_id = recording.AddTask(task).first;
      log = std::make_unique<StoreLlmCallLog>(store, LlmCallContext{run_id, task_id, ""});
    }
    return log.get();
  };
  Budget run_budget("run", Limits(o.budget_calls, o.budget_tokens, o.budget_usd, o.time_limit_s));
  o.llm.temperature = o.temperature;
  o.llm.reasoning_effort = o.reasoning_effort;
  o.llm.max_tokens = o.max_tokens;
  TaskBudgets task_budgets(Limits(0, 0, o.task_budget_usd, 0), &run_budget);
  std::vector<std::unique_ptr<LlmProposer>> llms;
  std::vector<Proposer*> proposers;
  int first_plan = 0;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    // An even split of the plans, the first models taking one more when it does not divide.
    LlmProposerConfig share = o.llm;
    share.plans = o.llm.plans / static_cast<int>(pairs.size()) +
                  (static_cast<int>(i) < o.llm.plans % static_cast<int>(pairs.size()) ? 1 : 0);
    share.first_plan = first_plan;
    first_plan += share.plans;
    llms.push_back(std::make_unique<LlmProposer>(share, provider(pairs[i].plan),
                                                 provider(pairs[i].code), menu, prompts, log_for,
                                                 &task_budgets, prices));
    proposers.push_back(llms.back().get());
  }
  TuneProposer tune(o.tune);
  if (o.tune > 0) proposers.push_back(&tune);
  if (proposers.empty()) throw ConfigError("--tune 0 without --model leaves nothing to propose");
  if (o.time_limit_s > 0 && o.search.max_task_s == 0) o.search.max_task_s = o.time_limit_s;

  // Every proposer spends from the same task budget, so any one of them reports it.
  auto spend = [&](const Task& task) { return llms.empty() ? 0.0 : llms[0]->Usage(task).usd; };
  std::map<std::string, const Task*> by_name;
  for (const auto& t : tasks) by_name[t.name] = &t;
  ProgressView view(o.format == "table" && ::isatty(1), [&](const std::string& name) {
    if (llms.empty()) return std::string();
    return ", LLM " + Money(spend(*by_name.at(name)));
  });

  Search search(o.search, recording, proposers, device);
  g_interrupts = 0;
  auto previous = std::signal(SIGINT, OnInterrupt);
  std::atomic<bool> finished{false};
  std::thread watcher([&] {
    while (!finished) {
      if (g_interrupts > 0) {
        search.RequestStop("interrupted (Ctrl-C); run the same command again to resume");
        std::signal(SIGINT, previous);  // a second Ctrl-C kills
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  std::vector<TaskOutcome> outcomes;
  try {
    outcomes = search.Run(tasks, [&](const TaskProgress& p) {
      if (o.format == "table") view.Update(p);
    });
  } catch (...) {
    finished = true;
    watcher.join();
    std::signal(SIGINT, previous);
    store.FinishRun(run_id, "failed", "the search stopped on an error");
    throw;
  }
  finished = true;
  watcher.join();
  std::signal(SIGINT, previous);
  view.Clear();

  double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  int candidates = 0, errors = 0;
  for (const auto& out : outcomes) {
    candidates += out.candidates;
    if (out.stop_reason.rfind("error", 0) == 0) ++errors;
  }
  BudgetUsage usage = run_budget.Usage();
  double busy = std::min(1.0, gpu.gpu_busy_s() / std::max(wall_s, 1e-9));
  bool interrupted = g_interrupts > 0;
  std::string status = interrupted ? "interrupted" : errors ? "failed" : "ok";
  char message[160];
  std::snprintf(message, sizeof message, "%d candidates in %.0f s, GPU busy %.0f%%, LLM %s",
                candidates, wall_s, busy * 100, Money(usage.usd).c_str());
  store.FinishRun(run_id, status, message);

  if (o.format == "json") {
    nlohmann::json j = {{"run_id", run_id},
                        {"resumed", resumed.has_value()},
                        {"device", device.name},
                        {"wall_s", wall_s},
                        {"candidates", candidates},
                        {"gpu_busy_fraction", busy},
                        {"llm_calls", usage.calls},
                        {"llm_usd", usage.usd},
                        {"tasks", nlohmann::json::array()}};
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
      nlohmann::json task = OutcomeJson(outcomes[i], spend(tasks[i]));
      auto median = [](const std::optional<TorchBaselineRecord>& b) {
        return b && b->event_ms ? nlohmann::json(b->event_ms->median) : nlohmann::json();
      };
      if (auto it = torch.find(tasks[i].content_hash); it != torch.end()) {
        task["torch_eager_ms"] = median(it->second.eager);
        task["torch_compile_ms"] = median(it->second.compiled);
      }
      j["tasks"].push_back(std::move(task));
    }
    Print("%s\n", j.dump(2).c_str());
  } else {
    PrintSummary(outcomes, tasks, spend, torch);
    Print("\n%d candidates in %.1f s (%.2f s each), GPU busy %.0f%% of the time (idle %.0f%%)",
          candidates, wall_s, candidates ? wall_s / candidates : 0.0, busy * 100, (1 - busy) * 100);
    if (!llms.empty()) {
      Print("; LLM: %lld calls, %s%s", static_cast<long long>(usage.calls),
            Money(usage.usd).c_str(), usage.unpriced_calls ? " (plus unpriced calls)" : "");
    }
    Print(
        "\nrun %lld %s; `kopt leaderboard` shows the best kernels, `kopt show ID` one "
        "kernel's lineage\n",
        static_cast<long long>(run_id), status.c_str());
  }
  if (interrupted) return kExitFailure;
  return errors ? kExitFailure : kExitOk;
}

}  // namespace

CommandRunner SetupOptimize(CLI::App* cmd, GlobalOptions& global) {
  auto o = std::make_shared<OptimizeOptions>();
  cmd->add_option("--suite", o->suite, "Task suite (a name under tasks/ or a folder)")
      ->capture_default_str();
  cmd->add_option("--task", o->tasks, "Only these tasks of the suite (repeatable)");
  cmd->add_option("--model", o->models,
                  "LLM for plans and code: openai:gpt-5-mini, anthropic:claude-sonnet-4-5, "
                  "openai:MODEL@http://host:8000/v1, cmd:\"...\", replay:SPEC; repeat it to split "
                  "the plans among several models (none: tuning only)");
  cmd->add_option("--plan-model", o->plan_model, "LLM for plans (with --code-model)");
  cmd->add_option("--code-model", o->code_model, "LLM for code (with --plan-model)");
  cmd->add_option("--api-key-env", o->api_key_env, "Environment variable holding the API key");
  cmd->add_option("--prices", o->prices, "Price table JSON (default: built in; $KOPT_PRICES)");
  cmd->add_option("--menu", o->menu, "Optimization menu (a name under menus/ or a file)")
      ->capture_default_str();
  cmd->add_option("--prompts", o->prompts,
                  "Folder of prompt templates replacing the built-in ones");
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
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--invent-share", o->llm.invent_share,
                  "Share of plan prompts asking for an optimization not on the menu")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--tune", o->tune,
                  "Tunable choices tried per beam member and iteration (default 8 without an LLM, "
                  "2 with; 0: off)")
      ->check(CLI::Range(0, 4096));
  cmd->add_option("--roofline-stop", o->search.roofline_stop,
                  "Stop a task at this fraction of the roofline (0: never)")
      ->check(CLI::Range(0.0, 2.0))
      ->capture_default_str();
  cmd->add_option("--temperature", o->temperature, "Sampling temperature (default: the API's)");
  cmd->add_option("--reasoning-effort", o->reasoning_effort,
                  "Reasoning effort, as the API spells it");
  cmd->add_option("--max-tokens", o->max_tokens, "Output tokens per call")->capture_default_str();
  cmd->add_option("--llm-concurrency", o->llm_concurrency, "LLM calls in flight per provider")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_option("--budget-usd", o->budget_usd, "Stop making LLM calls after spending this much")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--budget-calls", o->budget_calls, "LLM call limit for the run")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--budget-tokens", o->budget_tokens, "LLM token limit for the run")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--task-budget-usd", o->task_budget_usd, "LLM dollars per task")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--time-limit", o->time_limit_s,
                  "Wall seconds for the run's LLM calls, and per task")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-candidates", o->search.max_task_candidates,
                  "Evaluations per task (0: no limit)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--parallel-tasks", o->search.parallel_tasks, "Tasks searched at once")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->add_option("--seed", o->search.seed, "Seed of every random choice (dropout, tuning order)")
      ->capture_default_str();
  cmd->add_option("--profile", o->profile,
                  "Counters for every candidate: none, default, deep (default: default with an "
                  "LLM, none without)")
      ->check(CLI::IsMember({"none", "default", "deep"}));
  cmd->add_flag("!--no-sanitize", o->search.sanitize_best,
                "Skip compute-sanitizer on each task's winner (by default a finding demotes it)");
  AddTorchOptions(cmd, o->torch);
  cmd->add_option("--seeds", o->search.eval.seeds, "Correctness seeds per size")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  cmd->add_option("--timeout", o->search.eval.timeout_s,
                  "Seconds before a hung candidate is killed")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--device", o->device, "GPU index")->capture_default_str();
  cmd->add_option("--format", o->format, "table or json")->check(CLI::IsMember({"table", "json"}));
  return [&global, o] { return RunOptimize(*o, global); };
}

}  // namespace kopt::cli
