// SPDX-License-Identifier: Apache-2.0
// The prompts of the search: planning (choose one menu option and plan it), implementation (write
// the kernel for a plan) and repair (fix a failed kernel once). Their text lives in template files
// (prompts/templates/*.md), built into kopt and replaceable from a folder at run time; this file
// turns plain structs into the variables those templates use.
#pragma once

#include "core/device_info.h"
#include "core/schedule.h"
#include "core/stats.h"
#include "core/task.h"
#include "prompts/menu.h"
#include "prompts/prompt_template.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kopt {

/// Every template kopt renders, parsed and checked against the variables its prompt supplies.
/// Immutable once built, so one library can serve many threads.
class PromptLibrary {
 public:
  /// The built-in templates.
  PromptLibrary();
  /// The built-in templates, each replaced by `<dir>/<name>.md` where that file exists. Every
  /// template is checked now, so an override with an unknown variable, a malformed tag or an
  /// unknown file name (not one of Names()) throws ConfigError naming the file.
  static PromptLibrary WithOverrides(const std::string& dir);

  const PromptTemplate& Get(std::string_view name) const;
  /// "candidate_format", "implement", "plan", "repair", "rules".
  std::vector<std::string> Names() const;
  std::string Render(std::string_view name, const TemplateVars& vars) const;

 private:
  void CheckAll() const;

  std::map<std::string, PromptTemplate, std::less<>> templates_;
};

/// The kernel a plan starts from, as measured. Empty texts render as "not measured".
struct ParentKernel {
  std::string code;
  std::optional<double> latency_ms;
  std::optional<Speedup> speedup;           // over the task's reference
  std::optional<Speedup> baseline_speedup;  // over the vendor baseline, when there is one
  /// The fastest of the vendor library and torch.compile on this GPU, with what it is
  /// ("0.0280 ms (torch.compile, PyTorch 2.9.0)"); "" when neither was measured.
  std::string latency_to_beat;
  std::string profile;   // profiler metrics and resources, already text (DescribeResources, ...)
  std::string roofline;  // DescribeRoofline, or ""
  /// What earlier steps did to reach this kernel, oldest first, one line each
  /// ("mem.vectorized_loads: float4 loads of X, 1.8x").
  std::vector<std::string> history;
};

/// How the planning prompt asks.
enum class PlanMode {
  kChoose,  // apply exactly one option of the menu
  kForced,  // apply the option `forced_option` (a replayed schedule, an exhaustive pass)
  kInvent,  // invent an optimization that is not on the menu
};

/// Inputs of the planning prompt.
struct PlanPromptContext {
  const Task* task = nullptr;
  DeviceInfo device;
  std::optional<double> measured_bandwidth_gbps;
  ParentKernel parent;
  std::vector<MenuEntry> menu;  // after filtering and dropout
  PlanMode mode = PlanMode::kChoose;
  std::string forced_option;  // an id of `menu`, for kForced
  int phase = 1;              // this iteration, 1-based
  int phases = 1;             // iterations in the search
  /// (optional) Schedules that worked on similar tasks (ScheduleSummary each), "" for none.
  std::string schedules;
};

/// Inputs of the implementation prompt.
struct ImplementPromptContext {
  const Task* task = nullptr;
  DeviceInfo device;
  std::string parent_code;
  std::optional<double> parent_latency_ms;
  const MenuEntry* option = nullptr;  // the option the plan applies (may be the invent entry)
  std::string plan;
  /// (optional) Where a replayed plan comes from (ReplayNote); "" for a plan made for this task.
  std::string replay;
};

/// What the implementation prompt says of a plan replayed from `schedule`'s step `step` (0-based)
/// on a similar task: where it worked and by how much, why the tasks look alike, and what was
/// tried beside it there that failed.
std::string ReplayNote(const Schedule& schedule, std::size_t step,
                       const std::vector<std::string>& similarity_reasons);

/// A schedule as the planning prompt lists it: the task and GPU it was made on, why the tasks
/// compare, then each step's option, gain and plan's first line, and what failed beside it.
std::string ScheduleSummary(const Schedule& schedule,
                            const std::vector<std::string>& similarity_reasons);

/// Inputs of the repair prompt: a candidate that failed, and why.
struct RepairPromptContext {
  const Task* task = nullptr;
  DeviceInfo device;
  const MenuEntry* option = nullptr;
  std::string plan;
  std::string failed_code;
  /// An EvalStatus name ("compile_error", "wrong_answer", ...) or another failure's name.
  std::string status;
  std::string report;  // the compile log or the evaluator's message; cut with TrimReport
};

std::string RenderPlanPrompt(const PromptLibrary& library, const PlanPromptContext& context);
std::string RenderImplementPrompt(const PromptLibrary& library,
                                  const ImplementPromptContext& context);
std::string RenderRepairPrompt(const PromptLibrary& library, const RepairPromptContext& context);

/// The variables each prompt supplies; templates are checked against these.
TemplateSchema PlanPromptSchema();
TemplateSchema ImplementPromptSchema();
TemplateSchema RepairPromptSchema();

}  // namespace kopt
