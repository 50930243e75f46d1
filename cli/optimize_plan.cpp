// SPDX-License-Identifier: Apache-2.0
// PlanOptimize and RunConfig (optimize.h): the options of `kopt optimize` resolved and checked.
#include "cli/optimize.h"
#include "cli/task_lookup.h"
#include "llm/provider_factory.h"

#include <algorithm>
#include <cstdio>

namespace kopt::cli {

OptimizePlan PlanOptimize(OptimizeOptions o) {
  OptimizePlan plan;
  plan.start = std::chrono::steady_clock::now();
  if (o.suite.empty()) {
    for (const auto& spec : o.tasks) plan.tasks.push_back(FindTask(spec));
  } else {
    plan.tasks = LoadSuite(SuiteDir(o.suite));
  }
  if (!o.tasks.empty() && !o.suite.empty()) {
    std::vector<Task> chosen;
    for (const auto& name : o.tasks) {
      auto it = std::find_if(plan.tasks.begin(), plan.tasks.end(),
                             [&](const Task& t) { return t.name == name; });
      if (it == plan.tasks.end())
        throw ConfigError("--task: no task '" + name + "' in suite " + o.suite);
      chosen.push_back(*it);
    }
    plan.tasks = std::move(chosen);
  }
  // Who plans and who codes: each --model does both, for its share of the plans; a
  // --plan-model/--code-model pair is one more share.
  std::vector<ModelPair>& pairs = plan.models;
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
  if (o.menu_weights == "learned" && o.menu_floor > o.llm.keep_probability) {
    char floor[64];
    std::snprintf(floor, sizeof floor, "--menu-floor %g is above --keep %g", o.menu_floor,
                  o.llm.keep_probability);
    throw ConfigError(std::string(floor) +
                      ": no option's chance could be below the floor while the mean stays at "
                      "--keep");
  }
  if (o.tune < 0) o.tune = use_llm ? 2 : 8;
  if (!use_llm && o.tune == 0) {
    throw ConfigError("--tune 0 without --model leaves nothing to propose");
  }
  if (o.profile.empty()) o.profile = use_llm ? "default" : "none";
  if (o.profile != "none") o.search.eval.profile = *ParseProfileLevel(o.profile);
  o.llm.temperature = o.temperature;
  o.llm.reasoning_effort = o.reasoning_effort;
  o.llm.max_tokens = o.max_tokens;
  if (o.time_limit_s > 0 && o.search.max_task_s == 0) o.search.max_task_s = o.time_limit_s;
  plan.prices = std::make_shared<const PriceTable>(PriceTable::Load(o.prices));
  plan.menu = LoadMenu(FindMenuFile(o.menu, DataDir()));
  plan.prompts = o.prompts.empty() ? PromptLibrary() : PromptLibrary::WithOverrides(o.prompts);
  plan.options = std::move(o);
  return plan;
}

nlohmann::json RunConfig(const OptimizeOptions& o, const std::vector<Task>& tasks) {
  nlohmann::json names = nlohmann::json::array();
  for (const auto& t : tasks) names.push_back(t.name + "@" + t.content_hash.substr(0, 12));
  const SearchConfig& s = o.search;
  return {
      {"suite", o.suite},
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
      {"reuse", o.reuse},
      {"reuse_schedule", o.reuse_schedule ? nlohmann::json(*o.reuse_schedule) : nlohmann::json()},
      {"menu", o.menu}};
}

}  // namespace kopt::cli
