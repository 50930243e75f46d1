// SPDX-License-Identifier: Apache-2.0
// OptimizeSession::Run (optimize.h): the search with its progress view and Ctrl-C, how the run
// ended in the store, and the summary.
#include "cli/optimize.h"
#include "cli/print.h"
#include "cli/progress_view.h"
#include "cli/task_lookup.h"
#include "report/html_report.h"
#include "results/schedule_extraction.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>
#include <unistd.h>

namespace kopt::cli {

namespace fs = std::filesystem;
namespace {

std::atomic<int> g_interrupts{0};
extern "C" void OnInterrupt(int) { ++g_interrupts; }

}  // namespace

int OptimizeSession::Run() {
  const OptimizeOptions& o = plan_.options;
  const std::vector<Task>& tasks = plan_.tasks;
  std::map<std::string, const Task*> by_name;
  for (const auto& t : tasks) by_name[t.name] = &t;
  ProgressView view(o.verbosity, o.format == "table" && ::isatty(1), [&](const std::string& name) {
    TaskSpend s;
    s.shown = !llms_.empty();
    if (!s.shown) return s;
    s.usd = Spend(*by_name.at(name));
    if (o.task_budget_usd > 0) {
      s.limit_usd = o.task_budget_usd;
    } else if (o.budget_usd > 0) {
      s.usd = run_budget_->Usage().usd;
      s.limit_usd = o.budget_usd;
      s.run_wide = true;
    }
    return s;
  });

  Search search(o.search, recording_, proposers_, device_);
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
    store_.FinishRun(run_.id, "failed", "the search stopped on an error");
    throw;
  }
  finished = true;
  watcher.join();
  std::signal(SIGINT, previous);
  view.Clear();

  bool errors = std::any_of(outcomes.begin(), outcomes.end(), [](const TaskOutcome& out) {
    return out.stop_reason.rfind("error", 0) == 0;
  });
  std::string status = g_interrupts > 0 ? "interrupted" : errors ? "failed" : "ok";
  Report(outcomes, status);
  outcomes_ = std::move(outcomes);
  return status == "ok" ? kExitOk : kExitFailure;
}

void OptimizeSession::Report(const std::vector<TaskOutcome>& outcomes, const std::string& status) {
  const OptimizeOptions& o = plan_.options;
  const std::vector<Task>& tasks = plan_.tasks;
  double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - plan_.start).count();
  int candidates = 0;
  for (const auto& out : outcomes) candidates += out.candidates;
  BudgetUsage usage = run_budget_->Usage();
  // Each GPU's busy share of the wall time; `busy` is their mean.
  std::vector<int> gpus = evaluator_->gpus();
  std::vector<double> per_gpu = evaluator_->busy_per_gpu_s();
  double busy = 0;
  for (double& b : per_gpu) {
    b = std::min(1.0, b / std::max(wall_s, 1e-9));
    busy += b / static_cast<double>(per_gpu.size());
  }
  std::string per_gpu_text;
  if (per_gpu.size() > 1) {
    for (std::size_t g = 0; g < per_gpu.size() && g < gpus.size(); ++g) {
      per_gpu_text += (g ? ", " : " (GPU ") + std::to_string(gpus[g]) + " " +
                      std::to_string(std::lround(per_gpu[g] * 100)) + "%";
    }
    per_gpu_text += ")";
  }
  char message[256];
  std::snprintf(message, sizeof message, "%d candidates in %.0f s, GPU busy %.0f%%%s, LLM %s",
                candidates, wall_s, busy * 100, per_gpu_text.c_str(), Money(usage.usd).c_str());
  store_.FinishRun(run_.id, status, message);
  int schedules = RecordWinnersSchedules(store_);
  std::string report = WriteReport();

  auto spend = [this](const Task& task) { return Spend(task); };
  if (o.format == "json") {
    nlohmann::json j = {{"run_id", run_.id},
                        {"resumed", run_.resumed},
                        {"device", device_.name},
                        {"wall_s", wall_s},
                        {"candidates", candidates},
                        {"gpu_busy_fraction", busy},
                        {"gpus", gpus},
                        {"gpu_busy_fractions", per_gpu},
                        {"llm_calls", usage.calls},
                        {"llm_usd", usage.usd},
                        {"schedules_recorded", schedules},
                        {"report", report},
                        {"tasks", nlohmann::json::array()}};
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
      nlohmann::json task = OutcomeJson(outcomes[i], spend(tasks[i]));
      auto median = [](const std::optional<TorchBaselineRecord>& b) {
        return b && b->event_ms ? nlohmann::json(b->event_ms->median) : nlohmann::json();
      };
      if (auto it = torch_.find(tasks[i].content_hash); it != torch_.end()) {
        task["torch_eager_ms"] = median(it->second.eager);
        task["torch_compile_ms"] = median(it->second.compiled);
      }
      j["tasks"].push_back(std::move(task));
    }
    PrintJson(j);
  } else {
    PrintSummary(outcomes, tasks, spend, torch_);
    Print("\n%d candidates in %.1f s (%.2f s each), GPU busy %.0f%% of the time (idle %.0f%%)%s",
          candidates, wall_s, candidates ? wall_s / candidates : 0.0, busy * 100, (1 - busy) * 100,
          per_gpu_text.c_str());
    if (!llms_.empty()) {
      Print("; LLM: %lld calls, %s%s", static_cast<long long>(usage.calls),
            Money(usage.usd).c_str(), usage.unpriced_calls ? " (plus unpriced calls)" : "");
    }
    Print(
        "\nrun %lld %s; `kopt leaderboard` shows the best kernels, `kopt show ID` one "
        "kernel's lineage\n",
        static_cast<long long>(run_.id), status.c_str());
    if (schedules > 0) {
      Print("%d new schedule%s of winning kernels: `kopt schedules`\n", schedules,
            schedules == 1 ? "" : "s");
    }
    if (!report.empty()) Print("report: %s\n", report.c_str());
  }
}

// The suite's report beside the store ("kopt.db" -> "kopt-report.html"), every task of the
// run's suite as the store now holds it. A report that cannot be written is a warning: the run
// and its results stand. Returns its path, or "" when none was written.
std::string OptimizeSession::WriteReport() {
  std::set<std::string> suites;
  for (const Task& task : plan_.tasks) suites.insert(TaskSuite(task));
  ReportFilter filter;
  if (suites.size() == 1) filter.suite = *suites.begin();
  fs::path db(global_.db_path);
  fs::path path = db.parent_path() / (db.stem().string() + "-report.html");
  try {
    std::string html = RenderReport(QueryReport(store_, global_.db_path, filter));
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << html;
    file.close();
    if (!file) throw Error("cannot write " + path.string());
  } catch (const Error& e) {
    PrintError("kopt: no report: %s\n", e.what());
    return "";
  }
  return path.string();
}

}  // namespace kopt::cli
