// SPDX-License-Identifier: Apache-2.0
// `kopt prompt TASK [--candidate FILE] [--kind plan|implement|repair] [--plan FILE] ...`: the
// exact prompt the search would send about a kernel, with no GPU and no LLM. The kernel's
// measurements (latency, speedups, profile, roofline, the way it was reached, the latency to
// beat) are the store's latest for it when the store has any (`--gpu` picks the GPU), so users
// can tune prompts (`--prompts`) and menus (`--menu`) against what the search really says. The
// prompt is built by the same functions the LLM proposer calls (search/llm_proposer.h).
#include "cli/command.h"
#include "cli/print.h"
#include "cli/task_lookup.h"
#include "core/seed_mix.h"
#include "prompts/response_parser.h"
#include "results/schedule_extraction.h"
#include "results/store.h"
#include "search/llm_proposer.h"
#include "search/search.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace kopt::cli {
namespace {

struct PromptOptions {
  std::string task;
  std::string candidate;  // default: the task's starter, else its reference
  std::string kind = "plan";
  std::string plan_file;
  std::string menu = "cuda";
  std::string prompts;
  std::string gpu;
  std::string arch = "sm_90a";  // when the store has no measurement to name the GPU
  LlmProposerConfig llm;
  std::uint64_t seed = 1;
  int iteration = 1, iterations = 8, plan_index = 0;
};

std::string ReadFile(const std::string& path, const std::string& flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(flag + " " + path + ": cannot read it");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The kernel as the search holds it after measuring it: its newest evaluation in the store (on
// a GPU whose name contains `gpu`, when given), the device of that run, the way it was reached.
struct Measured {
  SearchNode node;
  DeviceInfo device;
  std::optional<OutsideLatency> compiled;
  bool found = false;
};

Measured ReadMeasurements(const GlobalOptions& global, const Task& task, Candidate kernel,
                          const PromptOptions& o) {
  Measured m;
  m.node.candidate = std::move(kernel);
  m.device.arch = o.arch;
  if (global.db_path == ":memory:" || !std::filesystem::exists(global.db_path)) return m;
  Store store(global.db_path, Store::OpenMode::kExisting);
  std::optional<TaskRecord> row = store.FindTaskByHash(task.content_hash);
  std::optional<std::int64_t> id =
      row ? store.FindCandidate(row->id, m.node.candidate.key) : std::nullopt;
  if (!id) return m;
  std::vector<EvaluationRecord> all = store.EvaluationsOf(*id);
  for (auto e = all.rbegin(); e != all.rend(); ++e) {
    if (!o.gpu.empty() && Lower(e->device).find(Lower(o.gpu)) == std::string::npos) continue;
    m.node.result = e->result;
    m.found = true;
    if (e->run_id) {
      if (std::optional<RunRecord> run = store.GetRun(*e->run_id)) {
        if (run->info.device_info.is_object()) {
          m.device = DeviceInfoFromJson(run->info.device_info);
        }
      }
    }
    if (m.device.name.empty()) m.device.name = e->device;
    if (std::optional<TorchBaselineRecord> b =
            store.FindTorchBaseline(task.content_hash, e->device, "compile");
        b && b->event_ms) {
      m.compiled =
          OutsideLatency{b->event_ms->median, "torch.compile, PyTorch " + b->torch_version};
    }
    // The history the search would carry: each step of its lineage, as Submit words it.
    if (std::optional<Schedule> s = ExtractSchedule(store, *id, e->device)) {
      for (const ScheduleStep& step : s->steps) {
        m.node.history.push_back(HistoryLine(step.option, step.plan, step.gain.value_or(0)));
      }
    }
    break;
  }
  return m;
}

int RunPrompt(const PromptOptions& o, const GlobalOptions& global) {
  Task task = FindTask(o.task);
  std::string file = o.candidate;
  std::string source;
  if (file.empty()) {
    source = task.starter_source.empty() ? task.reference_source : task.starter_source;
    file = task.dir + (task.starter_source.empty() ? "/reference.cu" : "/starter.cu");
  } else {
    source = ReadFile(file, "--candidate");
  }
  Menu menu = LoadMenu(FindMenuFile(o.menu, DataDir()));
  PromptLibrary prompts =
      o.prompts.empty() ? PromptLibrary() : PromptLibrary::WithOverrides(o.prompts);
  CandidateResult made = TryMakeCandidate(task, source, {}, file);
  if (!made.ok() && o.kind != "repair") {
    throw ConfigError("--candidate " + file + ": not a candidate: " + made.error().message);
  }
  Candidate kernel = made.ok() ? made.value() : Candidate{source, {}, made.tunables(), made.key()};
  Measured m = ReadMeasurements(global, task, std::move(kernel), o);
  ProposalContext context;
  context.task = &task;
  context.parent = &m.node;
  context.device = m.device;
  context.iteration = o.iteration;
  context.iterations = o.iterations;
  context.seed = PromptSeed(o.seed, task.name + "/llm/" + std::to_string(o.iteration) + "/0");

  PlanResponse plan;
  if (!o.plan_file.empty()) {
    plan = ParsePlanResponse(ReadFile(o.plan_file, "--plan"), menu);
    if (!plan.ok()) throw ConfigError("--plan " + o.plan_file + ": " + plan.reason);
  } else if (o.kind == "implement") {
    throw ConfigError("--kind implement needs --plan FILE (an answer to a planning prompt)");
  }
  std::string prompt;
  if (o.kind == "plan") {
    prompt = RenderPlanPrompt(
        prompts, PlanPromptFor(o.llm, menu, context, ParentOf(m.node, m.compiled), o.plan_index));
  } else if (o.kind == "implement") {
    const MenuEntry* option = menu.Find(plan.option_id);
    if (!option) option = &menu.Invent();
    prompt = RenderImplementPrompt(
        prompts, ImplementPromptFor(context, ParentOf(m.node, m.compiled), *option, plan.plan));
  } else {
    EvalResult result = m.node.result;
    if (!made.ok()) result = NotACandidateResult(made.error());
    if (!m.found && made.ok()) {
      throw ConfigError("--kind repair: the store has no evaluation of " + file +
                        " (kopt eval records one)");
    }
    if (result.ok()) throw ConfigError("--kind repair: " + file + " is correct; nothing to repair");
    prompt = RenderRepairPrompt(
        prompts, RepairPromptFor(menu, context, plan.option_id, plan.plan, source, result));
  }
  PrintError(
      "kopt prompt: %s prompt for %s (%s; %s)\n", o.kind.c_str(), file.c_str(),
      m.found ? ("measured on " + m.device.name).c_str() : "not measured: no store entry",
      ("seed " + std::to_string(o.seed) + ", iteration " + std::to_string(o.iteration)).c_str());
  Print("%s", prompt.c_str());
  if (prompt.empty() || prompt.back() != '\n') Print("\n");
  return kExitOk;
}

}  // namespace

CommandRunner SetupPrompt(CLI::App* cmd, GlobalOptions& global) {
  auto o = std::make_shared<PromptOptions>();
  cmd->add_option("task", o->task, "The task (suite/name, a name, or a folder)")->required();
  cmd->add_option("--candidate", o->candidate,
                  "The kernel the prompt is about (default: the task's starter, else its "
                  "reference); for --kind repair, the kernel that failed");
  cmd->add_option("--kind", o->kind, "Which prompt: plan, implement, repair")
      ->check(CLI::IsMember({"plan", "implement", "repair"}))
      ->capture_default_str();
  cmd->add_option("--plan", o->plan_file,
                  "A planning answer (\"Option: ...\" then the plan): what implement carries out, "
                  "and the plan a repaired kernel was written for");
  cmd->add_option("--menu", o->menu, "Optimization menu (a name under menus/ or a file)")
      ->capture_default_str();
  cmd->add_option("--prompts", o->prompts,
                  "Folder of prompt templates replacing the built-in ones");
  cmd->add_option("--seed", o->seed, "The search's --seed (dropout and the invent draw)")
      ->capture_default_str();
  cmd->add_option("--iteration", o->iteration, "The iteration the prompt belongs to")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--iterations", o->iterations, "The search's --iterations")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--plan-index", o->plan_index, "Which of the N plans of the iteration")
      ->check(CLI::Range(0, 63))
      ->capture_default_str();
  cmd->add_option("--keep", o->llm.keep_probability, "Menu dropout: chance an option is shown")
      ->capture_default_str();
  cmd->add_option("--gpu", o->gpu, "Use the measurements on this GPU (a name or part of one)");
  cmd->add_option("--arch", o->arch, "The GPU architecture when nothing was measured")
      ->capture_default_str();
  return [&global, o] { return RunPrompt(*o, global); };
}

}  // namespace kopt::cli
