// SPDX-License-Identifier: Apache-2.0
#include "search/llm_proposer.h"

#include "core/profile_text.h"
#include "core/seed_mix.h"
#include "llm/budgeted_provider.h"
#include "llm/cached_provider.h"
#include "prompts/prompt_facts.h"
#include "prompts/response_parser.h"

#include <future>
#include <random>

namespace kopt {

// One task's provider stacks: cache (when there is a log) over budget over the network.
struct LlmProposer::TaskProviders {
  TaskProviders(LlmProposer& owner, const Task& task)
      : budget(owner.budgets_->For(task.content_hash, task.name)),
        planner_budgeted(owner.planner_, budget, owner.prices_),
        coder_budgeted(owner.coder_, budget, owner.prices_) {
    if (LlmCallLog* log = owner.log_for_ ? owner.log_for_(task) : nullptr) {
      planner_cached = std::make_unique<CachedProvider>(planner_budgeted, *log);
      coder_cached = std::make_unique<CachedProvider>(coder_budgeted, *log);
    }
  }
  Provider& planner() {
    return planner_cached ? static_cast<Provider&>(*planner_cached) : planner_budgeted;
  }
  Provider& coder() {
    return coder_cached ? static_cast<Provider&>(*coder_cached) : coder_budgeted;
  }

  Budget& budget;
  BudgetedProvider planner_budgeted, coder_budgeted;
  std::unique_ptr<CachedProvider> planner_cached, coder_cached;
  std::mutex mutex;
  std::string stop_reason;  // set when a budget refused a call
};

namespace {

// The parent as an LLM sees it: its code, with the tunable values it was measured with.
std::string CodeWithChoice(const Candidate& kernel) {
  if (kernel.tunables.empty()) return kernel.source;
  std::string defines;
  for (const auto& d : TunableDefines(kernel.tunables)) defines += " " + d;
  return "// measured with" + defines + "\n" + kernel.source;
}

std::string ModelName(const Provider& provider) { return provider.name() + ":" + provider.model(); }

}  // namespace

ParentKernel ParentOf(const SearchNode& node, const std::optional<OutsideLatency>& compiled) {
  ParentKernel p;
  p.code = CodeWithChoice(node.candidate);
  const EvalResult& r = node.result;
  if (r.timing) p.latency_ms = r.timing->event_ms.median;
  p.speedup = r.speedup;
  p.baseline_speedup = r.baseline_speedup;
  p.latency_to_beat = LatencyToBeat(r, compiled);
  if (r.profile) {
    p.profile = ProfileText(*r.profile, r.roofline);
  } else {
    p.profile = DescribeResources(r.compile.kernels);
  }
  if (r.roofline) p.roofline = DescribeRoofline(*r.roofline);
  p.history = node.history;
  return p;
}

PlanPromptContext PlanPromptFor(const LlmProposerConfig& config, const Menu& menu,
                                const ProposalContext& context, const ParentKernel& parent, int j,
                                const std::string& schedules) {
  const Task& task = *context.task;
  std::uint64_t seed = PromptSeed(context.seed, "plan" + std::to_string(j));
  std::mt19937_64 rng(seed);
  bool invent = std::uniform_real_distribution<double>(0, 1)(rng) < config.invent_share;
  DropoutOptions dropout{.keep_probability = config.keep_probability, .seed = seed};
  if (auto learned = config.keep_by_op_class.find(task.op_class);
      learned != config.keep_by_op_class.end()) {
    dropout.keep_by_option = learned->second;
  }
  PlanPromptContext pc;
  pc.task = &task;
  pc.device = context.device;
  if (context.device.peaks) pc.measured_bandwidth_gbps = context.device.peaks->dram_gbps;
  pc.parent = parent;
  pc.menu = DropoutMenu(FilterMenu(menu, {.op_class = task.op_class, .arch = context.device.arch}),
                        dropout);
  pc.mode = invent ? PlanMode::kInvent : PlanMode::kChoose;
  pc.phase = context.iteration;
  pc.phases = context.iterations;
  pc.schedules = schedules;
  return pc;
}

ImplementPromptContext ImplementPromptFor(const ProposalContext& context,
                                          const ParentKernel& parent, const MenuEntry& option,
                                          const std::string& plan) {
  ImplementPromptContext ic;
  ic.task = context.task;
  ic.device = context.device;
  ic.parent_code = parent.code;
  ic.parent_latency_ms = parent.latency_ms;
  ic.option = &option;
  ic.plan = plan;
  return ic;
}

RepairPromptContext RepairPromptFor(const Menu& menu, const ProposalContext& context,
                                    const std::string& option, const std::string& plan,
                                    const std::string& failed_code, const EvalResult& result) {
  RepairPromptContext rc;
  rc.task = context.task;
  rc.device = context.device;
  rc.option = menu.Find(option);
  if (!rc.option) rc.option = &menu.Invent();
  rc.plan = plan;
  rc.failed_code = failed_code;
  rc.status = std::string(EvalStatusName(result.status));
  // The check that caught it tells the model what kind of fault to look for.
  rc.report =
      (result.check.empty() ? "" : "caught by the " + result.check + " check: ") + result.message;
  if (result.status == EvalStatus::kCompileError && result.message != result.compile.log) {
    rc.report += "\n" + result.compile.log;
  }
  rc.report = TrimReport(rc.report);
  return rc;
}

LlmProposer::LlmProposer(LlmProposerConfig config, Provider& planner, Provider& coder,
                         const Menu& menu, const PromptLibrary& prompts, LogFor log_for,
                         TaskBudgets* budgets, std::shared_ptr<const PriceTable> prices)
    : config_(std::move(config)),
      planner_(planner),
      coder_(coder),
      menu_(menu),
      prompts_(prompts),
      log_for_(std::move(log_for)),
      budgets_(budgets ? budgets : &own_budgets_),
      prices_(std::move(prices)) {}

LlmProposer::~LlmProposer() = default;

LlmProposer::TaskProviders& LlmProposer::For(const Task& task) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& slot = tasks_[task.content_hash];
  if (!slot) slot = std::make_unique<TaskProviders>(*this, task);
  return *slot;
}

CompletionResult LlmProposer::Ask(TaskProviders& p, bool planner, const std::string& prompt,
                                  const std::string& purpose, int sample_index) {
  CompletionRequest request;
  request.messages = {{"user", prompt}};
  request.temperature = config_.temperature;
  request.max_tokens = config_.max_tokens;
  request.reasoning_effort = config_.reasoning_effort;
  request.sample_index = sample_index;
  request.purpose = purpose;
  CompletionResult result = (planner ? p.planner() : p.coder()).Complete(request);
  if (!result.ok() && result.error().kind == LlmErrorKind::kBudget) {
    std::lock_guard<std::mutex> lock(p.mutex);
    if (p.stop_reason.empty()) p.stop_reason = result.error().message;
  }
  return result;
}

Proposal LlmProposer::MakeProposal(const ProposalContext& context, const std::string& response,
                                   const MenuEntry& option, const std::string& plan,
                                   std::vector<std::string> call_keys, std::string proposer) {
  // An answer without usable code is still proposed: the evaluator answers with the reason (no
  // code, cut off, a bad launch block) without compiling, the store keeps it, and a repair may
  // follow.
  Proposal p;
  p.candidate = ParseCodeResponse(response, *context.task).candidate;
  p.provenance.parent_key = context.parent->candidate.key;
  p.provenance.proposer = std::move(proposer);
  p.provenance.plan = plan;
  p.provenance.menu_option = option.id;
  p.provenance.model = ModelName(coder_);
  p.provenance.iteration = context.iteration;
  p.provenance.llm_call_keys = std::move(call_keys);
  return p;
}

void LlmProposer::Propose(const ProposalContext& context, const Emit& emit) {
  const Task& task = *context.task;
  TaskProviders& providers = For(task);
  std::optional<OutsideLatency> compiled;
  if (auto it = config_.torch_compile.find(task.content_hash); it != config_.torch_compile.end()) {
    compiled = it->second;
  }
  ParentKernel parent = ParentOf(*context.parent, compiled);
  if (Replay(context, parent, emit) || config_.replay_only) return;
  std::string schedules;  // what the replayed schedules did, for the free search's plans
  if (auto it = config_.replay.find(task.content_hash); it != config_.replay.end()) {
    for (const ReplaySchedule& r : it->second) {
      schedules += (schedules.empty() ? "" : "\n") + ScheduleSummary(r.schedule, r.reasons);
    }
  }

  auto plan_chain = [&](int j) {
    PlanPromptContext pc = PlanPromptFor(config_, menu_, context, parent, j, schedules);
    CompletionResult planned =
        Ask(providers, /*planner=*/true, RenderPlanPrompt(prompts_, pc), "plan", j);
    if (!planned.ok()) return;
    PlanResponse plan = ParsePlanResponse(planned.value().text, menu_);
    if (!plan.ok()) return;
    const MenuEntry* option = menu_.Find(plan.option_id);
    if (!option) option = &menu_.Invent();

    std::vector<std::future<void>> impls;
    for (int k = 0; k < config_.impls; ++k) {
      impls.push_back(std::async(std::launch::async, [&, k] {
        ImplementPromptContext ic = ImplementPromptFor(context, parent, *option, plan.plan);
        CompletionResult coded =
            Ask(providers, /*planner=*/false, RenderImplementPrompt(prompts_, ic), "code", k);
        if (!coded.ok()) return;
        emit(MakeProposal(context, coded.value().text, *option, plan.plan,
                          {planned.value().cache_key, coded.value().cache_key}));
      }));
    }
    for (auto& f : impls) f.get();
  };

  std::vector<std::future<void>> plans;
  for (int j = config_.first_plan; j < config_.first_plan + config_.plans; ++j) {
    plans.push_back(std::async(std::launch::async, plan_chain, j));
  }
  for (auto& f : plans) f.get();
}

bool LlmProposer::Replay(const ProposalContext& context, const ParentKernel& parent,
                         const Emit& emit) {
  auto found = config_.replay.find(context.task->content_hash);
  if (found == config_.replay.end()) return false;
  TaskProviders& providers = For(*context.task);
  auto step = static_cast<std::size_t>(context.iteration - 1);
  std::vector<std::future<void>> jobs;
  for (std::size_t r = 0; r < found->second.size(); ++r) {
    const ReplaySchedule& chosen = found->second[r];
    if (step >= chosen.schedule.steps.size()) continue;
    const ScheduleStep& s = chosen.schedule.steps[step];
    if (s.plan.empty()) continue;  // a tune or starter step: nothing for a model to carry out
    const MenuEntry* option = menu_.Find(s.option);
    if (!option) option = &menu_.Invent();
    for (int k = 0; k < config_.replay_impls; ++k) {
      jobs.push_back(std::async(std::launch::async, [&, option, r, k] {
        ImplementPromptContext ic = ImplementPromptFor(context, parent, *option, s.plan);
        ic.replay = ReplayNote(chosen.schedule, step, chosen.reasons);
        int sample = static_cast<int>(r) * config_.replay_impls + k;
        CompletionResult coded = Ask(providers, /*planner=*/false,
                                     RenderImplementPrompt(prompts_, ic), "replay", sample);
        if (!coded.ok()) return;
        emit(MakeProposal(context, coded.value().text, *option, s.plan, {coded.value().cache_key},
                          "replay"));
      }));
    }
  }
  for (auto& f : jobs) f.get();
  return !jobs.empty();
}

std::optional<Proposal> LlmProposer::Repair(const ProposalContext& context, const Proposal& failed,
                                            const EvalResult& result) {
  TaskProviders& providers = For(*context.task);
  RepairPromptContext rc =
      RepairPromptFor(menu_, context, failed.provenance.menu_option, failed.provenance.plan,
                      failed.candidate.source(), result);
  CompletionResult fixed =
      Ask(providers, /*planner=*/false, RenderRepairPrompt(prompts_, rc), "repair", failed.repairs);
  if (!fixed.ok()) return std::nullopt;
  std::vector<std::string> keys = failed.provenance.llm_call_keys;
  keys.push_back(fixed.value().cache_key);
  const MenuEntry& option = *rc.option;
  Proposal p = MakeProposal(context, fixed.value().text, option, failed.provenance.plan,
                            std::move(keys), failed.provenance.proposer);
  return p;
}

std::string LlmProposer::StopReason(const Task& task) {
  TaskProviders& p = For(task);
  std::lock_guard<std::mutex> lock(p.mutex);
  return p.stop_reason;
}

BudgetUsage LlmProposer::Usage(const Task& task) { return For(task).budget.Usage(); }

}  // namespace kopt
