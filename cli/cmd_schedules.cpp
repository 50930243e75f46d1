// SPDX-License-Identifier: Apache-2.0
// `kopt schedules`: the chains of plans that made each task's winning kernel, as the store holds
// them (results/schedule_store.h). Listing, `show ID`, `export FILE` and `import FILE`. Every
// subcommand first records the schedules of leaderboard winners not stored yet, so the list
// follows the leaderboard; an import validates the whole file before it stores anything.
#include "cli/print.h"
#include "cli/store_access.h"
#include "cli/table.h"
#include "cli/task_lookup.h"
#include "cli/validators.h"
#include "core/json_fields.h"
#include "core/task_similarity.h"
#include "core/text.h"
#include "results/schedule_extraction.h"
#include "results/schedule_store.h"

#include <algorithm>
#include <cstdio>
#include <fstream>

namespace kopt::cli {
namespace {

constexpr const char* kFileFormat = "kopt-schedules/1";

struct SchedulesOptions {
  ScheduleFilter filter;
  std::string for_task;  // rank by similarity to this task
  std::string format = "table";
  std::int64_t show_id = 0;
  std::string file;
};

std::string Number(const char* format, double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, format, x);
  return buf;
}

std::string Times(const std::optional<double>& x) { return x ? Number("%.2fx", *x) : "-"; }
std::string Ms(const std::optional<double>& x) { return x ? Number("%.4f", *x) : "-"; }

// "tiling.shared > invented > tune": the options in order.
std::string Path(const Schedule& s) {
  std::string out;
  for (const auto& step : s.steps) out += (out.empty() ? "" : " > ") + step.option;
  return out;
}

std::unique_ptr<Store> OpenAndRefresh(const GlobalOptions& global) {
  std::unique_ptr<Store> store = OpenStoreForReading(global);
  RecordWinnersSchedules(*store);
  return store;
}

// The schedules ranked by how well they should carry over to `o.for_task` (on `o.filter.arch`
// when given: the hard filter), most similar first, with the score and its reasons.
int RunRanked(const SchedulesOptions& o, const GlobalOptions& global) {
  Task task = FindTask(o.for_task);
  TaskProfile to = ProfileOf(task, TaskSuite(task));
  std::unique_ptr<Store> store = OpenAndRefresh(global);
  ScheduleFilter filter = o.filter;
  filter.arch.clear();  // an architecture that differs scores 0 and is shown as such
  struct Ranked {
    Schedule schedule;
    Similarity similarity;
  };
  std::vector<Ranked> ranked;
  for (Schedule& s : ListSchedules(*store, filter)) {
    Similarity sim = ScoreSimilarity(s.task, s.arch, to, o.filter.arch);
    ranked.push_back({std::move(s), std::move(sim)});
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
    return a.similarity.score > b.similarity.score;
  });
  if (o.format == "json") {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& r : ranked) {
      nlohmann::json item = ToJson(r.schedule);
      item["similarity"] = {{"score", r.similarity.score}, {"reasons", r.similarity.reasons}};
      j.push_back(std::move(item));
    }
    PrintJson(j);
    return kExitOk;
  }
  Print("schedules for %s, most similar first%s\n", task.name.c_str(),
        o.filter.arch.empty() ? " (pass --arch to filter by architecture)" : "");
  Table table({{"id", 4, true},
               {"score", 5, true, "  "},
               {"task", 24, false, "  "},
               {"arch", 7},
               {"speedup", 8, true},
               {"options", 30, false, "  "},
               {"why", 0, false, "  "}});
  for (const auto& r : ranked) {
    table.Add({std::to_string(r.schedule.id), Number("%.2f", r.similarity.score),
               r.schedule.task.name, r.schedule.arch, Times(r.schedule.speedup),
               FirstLine(Path(r.schedule), 30), ReasonsText(r.similarity.reasons)});
  }
  Print("%s", o.format == "markdown" ? table.Markdown().c_str() : table.Aligned().c_str());
  return kExitOk;
}

int RunList(const SchedulesOptions& o, const GlobalOptions& global) {
  if (!o.for_task.empty()) return RunRanked(o, global);
  std::unique_ptr<Store> store = OpenAndRefresh(global);
  std::vector<Schedule> schedules = ListSchedules(*store, o.filter);
  if (o.format == "json") {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& s : schedules) j.push_back(ToJson(s));
    PrintJson(j);
    return kExitOk;
  }
  if (schedules.empty()) {
    Print("no schedules in %s (a schedule is recorded for each task's winning kernel)\n",
          global.db_path.c_str());
    return kExitOk;
  }
  Table table({{"id", 4, true},
               {"task", 24, false, "  "},
               {"class", 13},
               {"GPU", 22},
               {"arch", 7},
               {"steps", 5, true},
               {"speedup", 8, true},
               {"origin", 8, false, "  "},
               {"options", 0}});
  for (const auto& s : schedules) {
    table.Add({std::to_string(s.id), s.task.name, s.task.op_class, FirstLine(s.gpu, 22), s.arch,
               std::to_string(s.steps.size()), Times(s.speedup), s.origin, Path(s)});
  }
  Print("%s", o.format == "markdown" ? table.Markdown().c_str() : table.Aligned().c_str());
  return kExitOk;
}

int RunShow(const SchedulesOptions& o, const GlobalOptions& global) {
  std::unique_ptr<Store> store = OpenAndRefresh(global);
  std::optional<Schedule> s = GetSchedule(*store, o.show_id);
  if (!s) {
    throw ConfigError("kopt schedules show " + std::to_string(o.show_id) + ": no schedule " +
                      std::to_string(o.show_id) + " in " + global.db_path);
  }
  if (o.format == "json") {
    PrintJson(ToJson(*s));
    return kExitOk;
  }
  Print("schedule %lld: %s/%s (%s) on %s (%s), %s over the reference, %s\n",
        static_cast<long long>(s->id), s->task.suite.c_str(), s->task.name.c_str(),
        s->task.op_class.c_str(), s->gpu.c_str(), s->arch.c_str(), Times(s->speedup).c_str(),
        s->origin.c_str());
  Table table({{"step", 4, true},
               {"option", 22, false, "  "},
               {"ms", 9, true},
               {"gain", 7, true},
               {"speedup", 8, true},
               {"plan", 0, false, "  "}});
  for (std::size_t i = 0; i < s->steps.size(); ++i) {
    const ScheduleStep& step = s->steps[i];
    std::string plan = step.plan.empty() && !step.tunables.empty()
                           ? TunablesToJson(step.tunables).dump()
                           : FirstLine(step.plan, 90);
    table.Add({std::to_string(i + 1), step.option, Ms(step.latency_ms), Times(step.gain),
               Times(step.speedup), plan});
  }
  Print("%s", table.Aligned().c_str());
  for (std::size_t i = 0; i < s->steps.size(); ++i) {
    if (s->steps[i].tried.empty()) continue;
    Print("tried beside step %zu:\n", i + 1);
    for (const auto& a : s->steps[i].tried) {
      Print("  %-22s %-14s %s\n", a.option.c_str(), a.status.c_str(), a.plan.c_str());
    }
  }
  return kExitOk;
}

int RunExport(const SchedulesOptions& o, const GlobalOptions& global) {
  std::unique_ptr<Store> store = OpenAndRefresh(global);
  std::vector<Schedule> schedules = ListSchedules(*store, o.filter);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& s : schedules) {
    nlohmann::json j = ToJson(s);
    for (const char* key : {"id", "origin", "source_candidate_id", "created_at"}) j.erase(key);
    list.push_back(std::move(j));
  }
  nlohmann::json file = {{"format", kFileFormat}, {"schedules", std::move(list)}};
  std::ofstream out(o.file, std::ios::binary | std::ios::trunc);
  out << file.dump(2) << "\n";
  out.close();
  if (!out) throw ConfigError("kopt schedules export: cannot write " + o.file);
  Print("%zu schedule%s written to %s\n", schedules.size(), schedules.size() == 1 ? "" : "s",
        o.file.c_str());
  return kExitOk;
}

int RunImport(const SchedulesOptions& o, const GlobalOptions& global) {
  // The whole file is read and checked before the store is touched.
  nlohmann::json file = ParseJsonText(ReadFile(o.file), o.file);
  JsonWhere where(o.file);
  RejectUnknownKeys(file, where, {"format", "schedules"});
  std::string format = RequiredString(file, "format", where);
  if (format != kFileFormat) {
    where.Key("format").Fail("\"" + format + "\" is not a schedules file this kopt reads (" +
                             kFileFormat + ")");
  }
  const nlohmann::json& list = RequiredField(file, "schedules", where);
  RequireArray(list, where.Key("schedules"));
  std::vector<Schedule> schedules;
  for (std::size_t i = 0; i < list.size(); ++i) {
    schedules.push_back(ScheduleFromJson(list[i], where.Key("schedules").Index(i).ToString()));
  }
  auto store = std::make_unique<Store>(global.db_path);  // a team's schedules may start a store
  int added = 0;
  for (const auto& s : schedules) {
    std::optional<TaskRecord> task = store->FindTaskByHash(s.task.content_hash);
    added += SaveSchedule(*store, s, task ? std::optional(task->id) : std::nullopt).added;
  }
  Print("%d of %zu schedules added to %s (%zu already there)\n", added, schedules.size(),
        global.db_path.c_str(), schedules.size() - static_cast<std::size_t>(added));
  return kExitOk;
}

void AddFilterOptions(CLI::App* cmd, SchedulesOptions& o) {
  cmd->add_option("--task", o.filter.task, "A task name or a prefix of its content hash");
  cmd->add_option("--op-class", o.filter.op_class, "An op class (gemm, reduction, ...)");
  cmd->add_option("--gpu", o.filter.gpu, "A GPU whose name contains this (h100)");
  cmd->add_option("--arch", o.filter.arch, "A compile target (sm_90a)");
}

}  // namespace

CommandRunner SetupSchedules(CLI::App* cmd, GlobalOptions& global) {
  auto o = std::make_shared<SchedulesOptions>();
  AddFilterOptions(cmd, *o);
  cmd->add_option("--for", o->for_task,
                  "Rank by similarity to this task (suite/name), with the reasons");
  cmd->add_option("--format", o->format, "table, json or markdown")
      ->check(CLI::IsMember({"table", "json", "markdown"}));
  cmd->require_subcommand(0, 1);
  auto* show = cmd->add_subcommand("show", "One schedule's steps with their gains");
  show->add_option("id", o->show_id, "Schedule id (from kopt schedules)")
      ->required()
      ->check(Positive());
  show->add_option("--format", o->format, "table or json")->check(CLI::IsMember({"table", "json"}));
  auto* out = cmd->add_subcommand("export", "Write schedules to a JSON file to share");
  out->add_option("file", o->file, "The file to write")->required();
  AddFilterOptions(out, *o);
  auto* in = cmd->add_subcommand("import", "Add the schedules of a file written by export");
  in->add_option("file", o->file, "The file to read")->required()->check(CLI::ExistingFile);
  return [&global, o, show, out, in] {
    if (show->parsed()) return RunShow(*o, global);
    if (out->parsed()) return RunExport(*o, global);
    if (in->parsed()) return RunImport(*o, global);
    return RunList(*o, global);
  };
}

}  // namespace kopt::cli
