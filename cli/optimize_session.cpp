// SPDX-License-Identifier: Apache-2.0
// OptimizeSession's construction (optimize.h): the parts of a search assembled from its plan, and
// the GPU evaluator that is the default part.
#include "cli/optimize.h"
#include "cli/print.h"
#include "cli/store_access.h"
#include "core/task_similarity.h"
#include "evaluator/cuda_evaluator.h"
#include "evaluator/gpu_pool.h"
#include "evaluator/worker/cuda_driver.h"
#include "llm/provider_factory.h"
#include "prompts/menu_weights.h"
#include "results/menu_stats.h"
#include "results/schedule_store.h"
#include "search/transfer.h"

#include <algorithm>
#include <cstdio>
#include <set>

namespace kopt::cli {
namespace {

class GpuEvaluator : public OptimizeEvaluator {
 public:
  explicit GpuEvaluator(const CudaEvaluatorConfig& config) : gpu_(config), index_(config.device) {}
  DeviceInfo Device() override { return gpu_.Device(); }
  Evaluator& evaluator() override { return gpu_; }
  double busy_s() const override { return gpu_.gpu_busy_s(); }
  CudaEvaluator* gpu() override { return &gpu_; }
  std::vector<int> gpus() const override { return {index_}; }

 private:
  CudaEvaluator gpu_;
  int index_;
};

// Several GPUs of one host: a CudaEvaluator (and worker) each, behind a GpuPool.
class GpuPoolEvaluator : public OptimizeEvaluator {
 public:
  explicit GpuPoolEvaluator(const std::vector<int>& indices) : indices_(indices) {
    std::vector<GpuPool::Gpu> gpus;
    for (int index : indices) {
      CudaEvaluatorConfig config;
      config.device = index;
      auto gpu = std::make_unique<CudaEvaluator>(config);
      cuda_.push_back(gpu.get());
      gpus.push_back({index, std::move(gpu)});
    }
    pool_ = std::make_unique<GpuPool>(std::move(gpus));
  }
  DeviceInfo Device() override {
    DeviceInfo first = cuda_.front()->Device();
    for (std::size_t i = 1; i < cuda_.size(); ++i) {
      DeviceInfo other = cuda_[i]->Device();
      if (other.name != first.name) {
        throw ConfigError("--gpus: GPU " + std::to_string(indices_.front()) + " is " + first.name +
                          " but GPU " + std::to_string(indices_[i]) + " is " + other.name +
                          "; a run compares kernels on one model of card, so name "
                          "GPUs of one model");
      }
    }
    return first;
  }
  Evaluator& evaluator() override { return *pool_; }
  double busy_s() const override {
    double busy = 0;
    for (const CudaEvaluator* gpu : cuda_) busy += gpu->gpu_busy_s();
    return busy;
  }
  CudaEvaluator* gpu() override { return cuda_.front(); }
  std::vector<int> gpus() const override { return indices_; }
  std::vector<double> busy_per_gpu_s() const override {
    std::vector<double> busy;
    for (const CudaEvaluator* gpu : cuda_) busy.push_back(gpu->gpu_busy_s());
    return busy;
  }

 private:
  std::vector<int> indices_;
  std::vector<CudaEvaluator*> cuda_;  // owned by pool_
  std::unique_ptr<GpuPool> pool_;
};

// Every GPU the driver shows (CUDA_VISIBLE_DEVICES applies); {0} without a driver, so that the
// evaluator's start reports the missing driver in its own words.
std::vector<int> VisibleGpus() {
  int count = 0;
  if (!DriverAvailable() || Driver().cuDeviceGetCount(&count) != CUDA_SUCCESS || count < 1) {
    return {0};
  }
  std::vector<int> all;
  for (int i = 0; i < count; ++i) all.push_back(i);
  return all;
}

BudgetLimits Limits(std::int64_t calls, std::int64_t tokens, double usd, double wall_s) {
  BudgetLimits l;
  if (calls > 0) l.calls = calls;
  if (tokens > 0) l.tokens = tokens;
  if (usd > 0) l.usd = usd;
  if (wall_s > 0) l.wall_s = wall_s;
  return l;
}

RecordingConfig Recording(const std::string& device, std::int64_t run_id) {
  RecordingConfig rc;
  rc.device = device;
  rc.run_id = run_id;
  return rc;
}

}  // namespace

std::unique_ptr<OptimizeEvaluator> MakeGpuEvaluator(const std::vector<int>& gpus) {
  std::vector<int> chosen = gpus.empty() ? VisibleGpus() : gpus;
  if (chosen.size() > 1) return std::make_unique<GpuPoolEvaluator>(chosen);
  CudaEvaluatorConfig config;
  config.device = chosen.front();
  return std::make_unique<GpuEvaluator>(config);
}

OptimizeSession::OptimizeSession(OptimizePlan plan, const GlobalOptions& global,
                                 std::unique_ptr<OptimizeEvaluator> evaluator)
    : plan_(std::move(plan)),
      global_(global),
      evaluator_(std::move(evaluator)),
      device_(evaluator_->Device()),  // no driver: the error says so, before the store is touched
      store_(global.db_path),
      run_(ResumeOrBeginRun()),
      replay_log_(store_, LlmCallContext{run_.id, std::nullopt, ""}),
      recording_(store_, evaluator_->evaluator(), Recording(device_.name, run_.id)) {
  // Every GPU kept busy: at least as many tasks searched at once as GPUs (a task stays on one
  // card); PyTorch's baselines on the first of them.
  std::vector<int> gpus = evaluator_->gpus();
  plan_.options.device = gpus.front();
  plan_.options.search.parallel_tasks =
      std::max(plan_.options.search.parallel_tasks, static_cast<int>(gpus.size()));
  std::string on = device_.name;
  if (gpus.size() > 1) {
    on = std::to_string(gpus.size()) + " x " + device_.name + " (GPUs";
    for (int g : gpus) on += " " + std::to_string(g);
    on += ")";
  }
  const OptimizeOptions& o = plan_.options;
  const std::vector<Task>& tasks = plan_.tasks;
  std::string where = o.suite.empty() ? "" : " of suite " + o.suite;
  Print("kopt %s: %zu task%s%s on %s, run %lld%s\n", o.reuse_schedule ? "reuse" : "optimize",
        tasks.size(), tasks.size() == 1 ? "" : "s", where.c_str(), on.c_str(),
        static_cast<long long>(run_.id),
        run_.resumed ? " (resumed: finished work is replayed from the store)" : "");
  if (plan_.models.empty()) {
    Print(
        "No LLM is configured, so only the tune proposer runs: it tries other values of each "
        "kernel's tunables.\nTo let an LLM write kernels, add --model, e.g. --model "
        "openai:gpt-5-mini (OPENAI_API_KEY), --model anthropic:claude-sonnet-4-5 "
        "(ANTHROPIC_API_KEY),\nor a local server: --model openai:MODEL@http://localhost:8000/v1. "
        "Check a model with `kopt llm test MODEL`.\n");
  } else {
    Print("LLM: beam %d x %d plans x %d implementations, %d iterations;", o.search.beam_width,
          o.llm.plans, o.llm.impls, o.search.iterations);
    for (const auto& pair : plan_.models) {
      Print(" plans by %s, code by %s;", pair.plan.c_str(), pair.code.c_str());
    }
    Print("\n");
  }
  std::fflush(stdout);
  MeasureTorchBaselines();
  ChooseSchedules();
  LearnMenuWeights();
  MakeProposers();
}

OptimizeSession::~OptimizeSession() = default;

OptimizeSession::RunRow OptimizeSession::ResumeOrBeginRun() {
  RunInfo info =
      CurrentRunInfo("optimize", global_, RunConfig(plan_.options, plan_.tasks), &device_);
  info.seed = plan_.options.search.seed;
  std::optional<std::int64_t> resumed = store_.FindUnfinishedRun(info);
  RunRow row{resumed ? *resumed : store_.BeginRun(info), resumed.has_value()};
  plan_.options.search.run_id = std::to_string(row.id);
  return row;
}

void OptimizeSession::ChooseSchedules() {
  OptimizeOptions& o = plan_.options;
  bool replay = (o.reuse == "all" || o.reuse == "replay") && !plan_.models.empty();
  bool transfer = o.reuse == "all" || o.reuse == "transfer";
  if (!replay && !transfer) return;
  std::map<std::string, std::vector<std::int64_t>> chosen = RunSchedules(store_, run_.id);
  bool choose = !run_.resumed;  // a resumed run reuses what it chose when it began
  std::vector<Schedule> available;
  if (o.reuse_schedule) {
    std::optional<Schedule> one = GetSchedule(store_, *o.reuse_schedule);
    if (!one) {
      throw ConfigError("--schedule: no schedule " + std::to_string(*o.reuse_schedule) + " in " +
                        global_.db_path + " (kopt schedules lists them)");
    }
    available.push_back(std::move(*one));
  } else {
    available = ListSchedules(store_, {.arch = device_.arch});
  }
  for (const Task& task : plan_.tasks) {
    TaskProfile to = ProfileOf(task, TaskSuite(task));
    std::vector<ReplaySchedule> matches;
    if (o.reuse_schedule) {  // the one schedule asked for, whatever its score
      Similarity sim = ScoreSimilarity(available[0].task, available[0].arch, to, device_.arch);
      matches.push_back({available[0], sim.reasons});
      if (choose) chosen[task.content_hash].push_back(available[0].id);
    } else if (choose) {
      for (const ScheduleMatch& m :
           MatchSchedules(available, to, device_.arch, static_cast<std::size_t>(o.reuse_limit),
                          o.reuse_min_score)) {
        matches.push_back({*m.schedule, m.similarity.reasons});
        chosen[task.content_hash].push_back(m.schedule->id);
      }
    } else {
      for (std::int64_t id : chosen[task.content_hash]) {
        std::optional<Schedule> s = GetSchedule(store_, id);
        if (!s) continue;
        Similarity sim = ScoreSimilarity(s->task, s->arch, to, device_.arch);
        matches.push_back({std::move(*s), sim.reasons});
      }
    }
    if (matches.empty()) continue;
    if (transfer) {
      const ReplaySchedule& best = matches.front();
      std::vector<SeedKernel> seeds = TransferSeeds(task, best.schedule, ReasonsText(best.reasons));
      if (!seeds.empty()) {
        Print("reuse: %s starts from %s's winner too (schedule %lld, kernel transfer)\n",
              task.name.c_str(), best.schedule.task.name.c_str(),
              static_cast<long long>(best.schedule.id));
        o.search.seeds[task.content_hash] = std::move(seeds);
      }
    }
    if (!replay) continue;
    std::string list;
    for (const auto& r : matches) {
      list += (list.empty() ? "" : ", ") + std::string("schedule ") +
              std::to_string(r.schedule.id) + " (" + r.schedule.task.name + ", " +
              std::to_string(r.schedule.steps.size()) + " steps)";
    }
    Print("reuse: %s replays %s first\n", task.name.c_str(), list.c_str());
    o.llm.replay[task.content_hash] = std::move(matches);
  }
  if (choose && !chosen.empty()) RecordRunSchedules(store_, run_.id, chosen);
}

void OptimizeSession::LearnMenuWeights() {
  OptimizeOptions& o = plan_.options;
  if (o.menu_weights != "learned" || plan_.models.empty()) return;
  std::set<std::string> op_classes;
  for (const Task& task : plan_.tasks) op_classes.insert(task.op_class);
  for (const std::string& op_class : op_classes) {
    std::map<std::string, OptionRecord> records;  // every model's kernels together
    int kernels = 0;
    for (const MenuOptionStats& s : QueryMenuStats(
             store_, {.op_class = op_class, .gpu = device_.name, .before_run = run_.id})) {
      if (s.device != device_.name) continue;  // the filter matches names containing it
      records[s.option].kernels += s.kernels;
      records[s.option].improved += s.improved;
      kernels += s.kernels;
    }
    std::vector<MenuEntry> entries =
        FilterMenu(plan_.menu, {.op_class = op_class, .arch = device_.arch});
    auto keep = LearnedKeepProbabilities(entries, records,
                                         {.keep = o.llm.keep_probability, .floor = o.menu_floor});
    std::vector<std::pair<double, std::string>> ranked;
    for (const auto& [id, p] : keep) ranked.emplace_back(-p, id);
    std::sort(ranked.begin(), ranked.end());
    std::string top;
    for (std::size_t i = 0; i < ranked.size() && i < 3; ++i) {
      char item[96];
      std::snprintf(item, sizeof item, "%s%s %.2f", i ? ", " : "", ranked[i].second.c_str(),
                    -ranked[i].first);
      top += item;
    }
    Print("menu weights: %s, learned from %d kernel%s on this GPU; most shown: %s\n",
          op_class.c_str(), kernels, kernels == 1 ? "" : "s", top.c_str());
    o.llm.keep_by_op_class[op_class] = std::move(keep);
  }
}

Provider& OptimizeSession::ProviderFor(const std::string& spec) {
  auto& p = providers_[spec];
  if (!p) {
    ProviderOptions po;
    po.api_key_env = plan_.options.api_key_env;
    po.max_concurrency = plan_.options.llm_concurrency;
    po.prices = plan_.prices;
    po.notice = [](const std::string& line) { PrintError("kopt: %s\n", line.c_str()); };
    p = MakeProvider(ParseModelSpec(spec), po, &replay_log_);
  }
  return *p;
}

// A task at a time with the GPU to themselves (measured once per task version, GPU and
// PyTorch): the planner aims at torch.compile's latency, and the summary compares every winner
// with eager and compiled PyTorch. Not measured without a GPU to time them on.
void OptimizeSession::MeasureTorchBaselines() {
  OptimizeOptions& o = plan_.options;
  CudaEvaluator* gpu = evaluator_->gpu();
  std::unique_ptr<TorchRunner> torch_runner = gpu ? MakeTorchRunner(o.torch, o.device) : nullptr;
  if (torch_runner && !torch_runner->info().ok()) {
    Print("PyTorch baselines: %s\n", TorchRunnerText(torch_runner.get()).c_str());
  }
  for (const Task& task : plan_.tasks) {
    if (!torch_runner || !torch_runner->info().ok()) break;
    StoredTorchBaselines b =
        EnsureTorchBaselines(store_, run_.id, recording_.AddTask(task).first, task, device_.name,
                             *gpu, torch_runner.get(), /*force=*/false);
    for (const auto& m : {b.eager, b.compiled}) {
      if (m && !m->error.empty()) PrintError("kopt: %s (%s)\n", m->error.c_str(), m->mode.c_str());
    }
    if (b.compiled && b.compiled->event_ms) {
      o.llm.torch_compile[task.content_hash] = {
          b.compiled->event_ms->median, "torch.compile, PyTorch " + b.compiled->torch_version};
    }
    torch_[task.content_hash] = std::move(b);
  }
  torch_runner.reset();  // its CUDA context would hold GPU memory through the whole search
  std::fflush(stdout);
}

void OptimizeSession::MakeProposers() {
  const OptimizeOptions& o = plan_.options;
  run_budget_ = std::make_unique<Budget>(
      "run", Limits(o.budget_calls, o.budget_tokens, o.budget_usd, o.time_limit_s));
  task_budgets_ =
      std::make_unique<TaskBudgets>(Limits(0, 0, o.task_budget_usd, 0), run_budget_.get());
  const std::vector<ModelPair>& pairs = plan_.models;
  int first_plan = 0;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    // An even split of the plans, the first models taking one more when it does not divide.
    LlmProposerConfig share = o.llm;
    if (i > 0) share.replay.clear();  // the first model replays the schedules, once
    share.plans = o.llm.plans / static_cast<int>(pairs.size()) +
                  (static_cast<int>(i) < o.llm.plans % static_cast<int>(pairs.size()) ? 1 : 0);
    share.first_plan = first_plan;
    first_plan += share.plans;
    llms_.push_back(std::make_unique<LlmProposer>(
        share, ProviderFor(pairs[i].plan), ProviderFor(pairs[i].code), plan_.menu, plan_.prompts,
        [this](const Task& task) { return LogFor(task); }, task_budgets_.get(), plan_.prices));
    proposers_.push_back(llms_.back().get());
  }
  tune_ = std::make_unique<TuneProposer>(o.tune);
  if (o.tune > 0) proposers_.push_back(tune_.get());
}

// One call log per task, so every call is stored against its run and task.
LlmCallLog* OptimizeSession::LogFor(const Task& task) {
  std::lock_guard<std::mutex> lock(logs_mutex_);
  auto& log = logs_[task.content_hash];
  if (!log) {
    std::int64_t task_id = recording_.AddTask(task).first;
    log = std::make_unique<StoreLlmCallLog>(store_, LlmCallContext{run_.id, task_id, ""});
  }
  return log.get();
}

// Every proposer spends from the same task budget, so any one of them reports it.
double OptimizeSession::Spend(const Task& task) {
  return llms_.empty() ? 0.0 : llms_[0]->Usage(task).usd;
}

}  // namespace kopt::cli
