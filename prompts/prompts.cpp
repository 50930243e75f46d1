// SPDX-License-Identifier: Apache-2.0
#include "prompts/prompts.h"

#include "core/error.h"
#include "core/json_fields.h"
#include "core/task_similarity.h"
#include "core/text.h"
#include "prompts/embedded_prompts.h"
#include "prompts/prompt_facts.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace kopt {
namespace {

namespace fs = std::filesystem;

// Multi-line values end without a newline: the templates put line breaks around them.
std::string Block(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

// Variables every prompt supplies (the shared partials rules.md and candidate_format.md use them).
TemplateSchema CommonSchema() {
  TemplateSchema s;
  s.Text({"task", "task_name", "op_class", "device", "arch", "sm_count", "smem_per_block"});
  s.Flag({"fast_math", "sm90a", "clusters"});
  return s;
}

TemplateVars CommonVars(const Task& task, const DeviceInfo& device,
                        std::optional<double> measured_bandwidth_gbps) {
  TemplateVars v;
  v.Set("task", Block(TaskSummary(task)));
  v.Set("task_name", task.name);
  v.Set("op_class", task.op_class);
  v.Set("device", Block(DeviceFacts(device, measured_bandwidth_gbps)));
  v.Set("arch", device.arch);
  v.Set("sm_count", std::to_string(device.sm_count));
  v.Set("smem_per_block", std::to_string(device.limits.max_smem_per_block));
  v.SetFlag("fast_math", task.fast_math);
  v.SetFlag("sm90a", device.arch == "sm_90a");
  v.SetFlag("clusters", device.limits.clusters);
  return v;
}

TemplateVars OptionVars(const MenuEntry& e) {
  TemplateVars v;
  v.Set("id", e.id);
  v.Set("title", e.title);
  v.Set("text", e.text);
  return v;
}

void SetOption(TemplateVars& v, const MenuEntry* option) {
  KOPT_CHECK(option != nullptr);
  v.Set("option_id", option->id);
  v.Set("option_title", option->title);
  v.Set("option_text", option->text);
  v.SetFlag("invented", option->IsInvent());
}

// Statuses that the repair template explains, each a flag named like the status.
constexpr const char* kRepairStatuses[] = {"compile_error", "launch_error", "wrong_answer",
                                           "crashed", "timeout"};

std::string Format(const char* format, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, value);
  return buf;
}

}  // namespace

PromptLibrary::PromptLibrary() {
  for (std::size_t i = 0; i < detail::kEmbeddedPromptCount; ++i) {
    const detail::EmbeddedFile& f = detail::kEmbeddedPrompts[i];
    std::string text(reinterpret_cast<const char*>(f.data), f.size);
    templates_.emplace(f.name, PromptTemplate::Parse(std::string(f.name) + ".md (built in)", text));
  }
  CheckAll();
}

PromptLibrary PromptLibrary::WithOverrides(const std::string& dir) {
  if (!fs::is_directory(dir)) throw ConfigError(dir + ": no such prompt folder");
  PromptLibrary library;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".md") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& path : files) {
    std::string name = path.stem().string();
    auto it = library.templates_.find(name);
    if (it == library.templates_.end()) {
      std::string known;
      for (const auto& n : library.Names()) known += (known.empty() ? "" : ", ") + n;
      throw ConfigError(path.string() +
                        ": not a kopt prompt template (the templates are: " + known + ")");
    }
    it->second = PromptTemplate::Parse(path.string(), ReadFile(path.string()));
  }
  library.CheckAll();
  return library;
}

void PromptLibrary::CheckAll() const {
  PartialLookup lookup = [this](std::string_view name) -> const PromptTemplate* {
    auto it = templates_.find(name);
    return it == templates_.end() ? nullptr : &it->second;
  };
  Get("plan").Check(PlanPromptSchema(), lookup);
  Get("implement").Check(ImplementPromptSchema(), lookup);
  Get("repair").Check(RepairPromptSchema(), lookup);
}

const PromptTemplate& PromptLibrary::Get(std::string_view name) const {
  auto it = templates_.find(name);
  KOPT_CHECK(it != templates_.end());
  return it->second;
}

std::vector<std::string> PromptLibrary::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, t] : templates_) names.push_back(name);
  return names;
}

std::string PromptLibrary::Render(std::string_view name, const TemplateVars& vars) const {
  return Get(name).Render(vars, [this](std::string_view partial) -> const PromptTemplate* {
    auto it = templates_.find(partial);
    return it == templates_.end() ? nullptr : &it->second;
  });
}

TemplateSchema PlanPromptSchema() {
  TemplateSchema s = CommonSchema();
  s.Text({"parent_code", "latency", "speedup", "baseline_speedup", "latency_to_beat", "profile",
          "roofline", "forced_id", "forced_title", "forced_text", "phase", "phases"});
  s.Text({"schedules"});
  s.Flag({"choose", "forced", "invent", "first_phase", "last_phase", "has_history"});
  s.List("history", TemplateSchema().Text({"line"}));
  s.List("options", TemplateSchema().Text({"id", "title", "text"}));
  return s;
}

TemplateSchema ImplementPromptSchema() {
  TemplateSchema s = CommonSchema();
  s.Text({"parent_code", "parent_latency", "option_id", "option_title", "option_text", "plan",
          "replay"});
  s.Flag({"invented"});
  return s;
}

TemplateSchema RepairPromptSchema() {
  TemplateSchema s = CommonSchema();
  s.Text({"option_id", "option_title", "option_text", "plan", "failed_code", "status", "report"});
  s.Flag({"invented"});
  for (const char* status : kRepairStatuses) s.Flag({status});
  return s;
}

std::string RenderPlanPrompt(const PromptLibrary& library, const PlanPromptContext& c) {
  KOPT_CHECK(c.task != nullptr);
  KOPT_CHECK(c.phase >= 1 && c.phase <= c.phases);
  TemplateVars v = CommonVars(*c.task, c.device, c.measured_bandwidth_gbps);
  const ParentKernel& p = c.parent;
  v.Set("parent_code", Block(p.code));
  v.Set("latency", p.latency_ms ? FormatLatency(*p.latency_ms) : "");
  v.Set("speedup", p.speedup ? FormatSpeedup(*p.speedup) : "");
  v.Set("baseline_speedup", p.baseline_speedup ? FormatSpeedup(*p.baseline_speedup) : "");
  v.Set("latency_to_beat", p.latency_to_beat);
  v.Set("profile", Block(p.profile));
  v.Set("roofline", p.roofline);
  std::vector<TemplateVars> history;
  for (const auto& line : p.history) history.push_back(TemplateVars().Set("line", line));
  v.SetFlag("has_history", !history.empty());
  v.Set("schedules", c.schedules);
  v.SetList("history", std::move(history));
  std::vector<TemplateVars> options;
  for (const auto& e : c.menu) {
    // Always on offer when choosing (the escape hatch); when inventing, the list is what not to
    // repeat, and invent is the instruction itself.
    if (!(e.IsInvent() && c.mode == PlanMode::kInvent)) options.push_back(OptionVars(e));
  }
  v.SetList("options", std::move(options));
  v.SetFlag("choose", c.mode == PlanMode::kChoose);
  v.SetFlag("forced", c.mode == PlanMode::kForced);
  v.SetFlag("invent", c.mode == PlanMode::kInvent);
  const MenuEntry* forced = nullptr;
  if (c.mode == PlanMode::kForced) {
    for (const auto& e : c.menu) {
      if (e.id == c.forced_option) forced = &e;
    }
    KOPT_CHECK(forced != nullptr);  // DropoutMenu keeps forced options
  }
  v.Set("forced_id", forced ? forced->id : "");
  v.Set("forced_title", forced ? forced->title : "");
  v.Set("forced_text", forced ? forced->text : "");
  v.Set("phase", std::to_string(c.phase));
  v.Set("phases", std::to_string(c.phases));
  v.SetFlag("first_phase", c.phase == 1);
  v.SetFlag("last_phase", c.phase == c.phases);
  return library.Render("plan", v);
}

std::string RenderImplementPrompt(const PromptLibrary& library, const ImplementPromptContext& c) {
  KOPT_CHECK(c.task != nullptr);
  TemplateVars v = CommonVars(*c.task, c.device, std::nullopt);
  v.Set("parent_code", Block(c.parent_code));
  v.Set("parent_latency", c.parent_latency_ms ? FormatLatency(*c.parent_latency_ms) : "");
  SetOption(v, c.option);
  v.Set("plan", Block(c.plan));
  v.Set("replay", c.replay);
  return library.Render("implement", v);
}

std::string ScheduleSummary(const Schedule& schedule,
                            const std::vector<std::string>& similarity_reasons) {
  std::string out = "- " + schedule.task.name + " on " + schedule.gpu;
  if (schedule.speedup) out += ", " + Format("%.2fx over its reference", *schedule.speedup);
  if (!similarity_reasons.empty()) out += " (" + ReasonsText(similarity_reasons) + ")";
  out += ":";
  for (std::size_t i = 0; i < schedule.steps.size(); ++i) {
    const ScheduleStep& s = schedule.steps[i];
    out += "\n  " + std::to_string(i + 1) + ". " + s.option;
    if (s.gain) out += Format(" (%.2fx)", *s.gain);
    if (!s.plan.empty()) out += ": " + FirstLine(s.plan, 160);
    for (const auto& a : s.tried)
      out += "\n     failed beside it: " + a.option + " (" + a.status + ")";
  }
  return out;
}

std::string ReplayNote(const Schedule& schedule, std::size_t step,
                       const std::vector<std::string>& similarity_reasons) {
  KOPT_CHECK(step < schedule.steps.size());
  const ScheduleStep& s = schedule.steps[step];
  char gain[64] = "";
  if (s.gain) std::snprintf(gain, sizeof gain, ", where it made the kernel %.2fx faster", *s.gain);
  std::string note = "This plan is step " + std::to_string(step + 1) + " of " +
                     std::to_string(schedule.steps.size()) +
                     " of a schedule that worked on a similar task, " + schedule.task.name +
                     " on " + schedule.gpu + gain + ".";
  if (!similarity_reasons.empty()) {
    note += " The tasks compare as: " + ReasonsText(similarity_reasons) + ".";
  }
  note += " Adapt it to this task's sizes and data types rather than copying that task's numbers.";
  if (!s.tried.empty()) {
    note += "\nTried there at this step, and not worth repeating as it was:";
    for (const auto& a : s.tried) note += "\n- " + a.option + " (" + a.status + "): " + a.plan;
  }
  return note;
}

std::string RenderRepairPrompt(const PromptLibrary& library, const RepairPromptContext& c) {
  KOPT_CHECK(c.task != nullptr);
  TemplateVars v = CommonVars(*c.task, c.device, std::nullopt);
  SetOption(v, c.option);
  v.Set("plan", Block(c.plan));
  v.Set("failed_code", Block(c.failed_code));
  v.Set("status", c.status);
  v.Set("report", Block(TrimReport(c.report)));
  for (const char* status : kRepairStatuses) v.SetFlag(status, c.status == status);
  return library.Render("repair", v);
}

}  // namespace kopt
