// SPDX-License-Identifier: Apache-2.0
// `kopt baselines [--suite S] [--task T]`: every task's PyTorch equivalent on the GPU, checked
// against its reference at every check size and seed, then timed eager and torch.compile'd;
// recorded in the store (measured again only with --force or another PyTorch) and printed as a
// table, JSON, or the markdown of docs/tasks.md. Exits 1 when a task's expression fails or
// disagrees with its reference.
#include "cli/command.h"
#include "cli/print.h"
#include "cli/store_access.h"
#include "cli/task_lookup.h"
#include "cli/torch_baselines.h"

#include <algorithm>
#include <filesystem>

namespace kopt::cli {
namespace {

struct BaselinesOptions {
  std::string suite;
  std::vector<std::string> tasks;
  int device = 0;
  bool force = false;
  std::string format = "table";
  TorchOptions torch;
};

struct Row {
  std::string suite;
  const Task* task = nullptr;
  StoredTorchBaselines b;
};

std::string Ms(const std::optional<TorchBaselineRecord>& b) {
  if (!b) return "-";
  if (!b->event_ms) return "error";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f", b->event_ms->median);
  return buf;
}

std::string Band(const std::optional<TorchBaselineRecord>& b) {
  if (!b || !b->event_ms) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f-%.4f", b->event_ms->p10, b->event_ms->p90);
  return buf;
}

std::string CompileSeconds(const std::optional<TorchBaselineRecord>& b) {
  if (!b || !b->compile_ms) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", *b->compile_ms / 1000);
  return buf;
}

std::string ErrorOf(const Row& r) {
  for (const auto& m : {r.b.eager, r.b.compiled}) {
    if (m && !m->error.empty()) return m->mode + ": " + m->error;
  }
  return "";
}

nlohmann::json RecordJson(const std::optional<TorchBaselineRecord>& b) {
  if (!b) return nullptr;
  return {{"median_ms", b->event_ms ? nlohmann::json(b->event_ms->median) : nlohmann::json()},
          {"p10_ms", b->event_ms ? nlohmann::json(b->event_ms->p10) : nlohmann::json()},
          {"p90_ms", b->event_ms ? nlohmann::json(b->event_ms->p90) : nlohmann::json()},
          {"n", b->event_ms ? nlohmann::json(b->event_ms->n) : nlohmann::json()},
          {"compile_ms", b->compile_ms ? nlohmann::json(*b->compile_ms) : nlohmann::json()},
          {"checked", b->checked_sizes},
          {"torch", b->torch_version},
          {"triton", b->triton_version},
          {"error", b->error}};
}

int RunBaselines(BaselinesOptions o, const GlobalOptions& global) {
  std::vector<std::string> suites =
      o.suite.empty() ? std::vector<std::string>{"quick", "core"} : std::vector{o.suite};
  std::vector<std::pair<std::string, std::vector<Task>>> loaded;
  for (const auto& s : suites) loaded.emplace_back(s, LoadSuite(SuiteDir(s)));
  // --task takes a task's name or suite/name, as the progress lines print it, or a task folder
  // (in a suite or not), which stands for the task it holds.
  for (auto& spec : o.tasks) {
    std::error_code ec;
    if (!std::filesystem::is_directory(spec, ec)) continue;
    Task task = LoadTask(spec);
    std::string folder = std::filesystem::path(spec).lexically_normal().parent_path().filename();
    bool in_suite = false;
    for (const auto& [suite, tasks] : loaded) {
      for (const Task& t : tasks) in_suite = in_suite || t.content_hash == task.content_hash;
    }
    if (!in_suite) loaded.emplace_back(folder.empty() ? "." : folder, std::vector<Task>{task});
    spec = task.name;
  }
  auto named = [&](const std::string& spec, const std::string& suite, const Task& task) {
    return spec == task.name || spec == suite + "/" + task.name;
  };
  auto wanted = [&](const std::string& suite, const Task& task) {
    return o.tasks.empty() || std::any_of(o.tasks.begin(), o.tasks.end(), [&](const auto& spec) {
             return named(spec, suite, task);
           });
  };
  for (const auto& spec : o.tasks) {
    bool found = false;
    for (const auto& [suite, tasks] : loaded) {
      for (const Task& task : tasks) found = found || named(spec, suite, task);
    }
    if (!found) {
      std::string where;
      for (const auto& s : suites) where += (where.empty() ? "" : ", ") + s;
      throw kopt::ConfigError("--task: no task '" + spec + "' in suite(s) " + where);
    }
  }
  o.torch.off = false;
  std::unique_ptr<TorchRunner> runner = MakeTorchRunner(o.torch, o.device);
  if (!runner->info().ok()) throw kopt::Error("no PyTorch baselines: " + runner->info().error);

  CudaEvaluatorConfig config;
  config.device = o.device;
  CudaEvaluator gpu(config);
  DeviceInfo device = gpu.Device();
  Store store(global.db_path);
  nlohmann::json run_config = {{"suites", suites}, {"tasks", o.tasks}, {"force", o.force}};
  std::int64_t run_id = store.BeginRun(CurrentRunInfo("baselines", global, run_config, &device));
  std::vector<Row> rows;
  for (const auto& [suite, tasks] : loaded) {
    for (const Task& task : tasks) {
      if (!wanted(suite, task)) continue;
      if (o.format == "table") PrintError("kopt: %s/%s ...\n", suite.c_str(), task.name.c_str());
      std::int64_t task_id = store.AddTask(task, suite);
      rows.push_back({suite, &task,
                      EnsureTorchBaselines(store, run_id, task_id, task, device.name, gpu,
                                           runner.get(), o.force)});
    }
  }
  int failed = 0;
  for (const Row& r : rows) failed += !ErrorOf(r).empty();
  store.FinishRun(run_id, failed ? "failed" : "ok",
                  std::to_string(rows.size() - failed) + " of " + std::to_string(rows.size()) +
                      " tasks measured");
  const TorchInfo& info = runner->info();
  if (o.format == "json") {
    nlohmann::json j = {{"device", device.name},
                        {"python", info.python_version},
                        {"torch", info.torch_version},
                        {"triton", info.triton_version},
                        {"tasks", nlohmann::json::array()}};
    for (const Row& r : rows) {
      j["tasks"].push_back({{"suite", r.suite},
                            {"task", r.task->name},
                            {"eager", RecordJson(r.b.eager)},
                            {"compile", RecordJson(r.b.compiled)}});
    }
    PrintJson(j);
  } else if (o.format == "markdown") {
    Print(
        "PyTorch %s (Triton %s) on %s; times are medians at the timed size, L2 flushed, in ms.\n\n",
        info.torch_version.c_str(), info.triton_version.c_str(), device.name.c_str());
    Print(
        "| suite | task | eager | torch.compile | compile s | checked "
        "|\n|---|---|---|---|---|---|\n");
    for (const Row& r : rows) {
      Print("| %s | %s | %s | %s | %s | %d |\n", r.suite.c_str(), r.task->name.c_str(),
            Ms(r.b.eager).c_str(), Ms(r.b.compiled).c_str(), CompileSeconds(r.b.compiled).c_str(),
            r.b.eager ? r.b.eager->checked_sizes : 0);
    }
  } else {
    Print("%s, %s\n", device.name.c_str(), TorchRunnerText(runner.get()).c_str());
    Print("%-6s %-32s %10s %-17s %10s %-17s %9s %7s\n", "suite", "task", "eager ms", "p10-p90",
          "compile ms", "p10-p90", "compile s", "checked");
    for (const Row& r : rows) {
      Print("%-6s %-32s %10s %-17s %10s %-17s %9s %7d\n", r.suite.c_str(), r.task->name.c_str(),
            Ms(r.b.eager).c_str(), Band(r.b.eager).c_str(), Ms(r.b.compiled).c_str(),
            Band(r.b.compiled).c_str(), CompileSeconds(r.b.compiled).c_str(),
            r.b.eager ? r.b.eager->checked_sizes : 0);
      if (std::string e = ErrorOf(r); !e.empty()) Print("       %s\n", e.c_str());
    }
    Print("%zu of %zu tasks measured; stored in run %lld of %s\n", rows.size() - failed,
          rows.size(), static_cast<long long>(run_id), global.db_path.c_str());
  }
  return failed ? kExitFailure : kExitOk;
}

}  // namespace

CommandRunner SetupBaselines(CLI::App* cmd, GlobalOptions& global) {
  auto o = std::make_shared<BaselinesOptions>();
  cmd->add_option("--suite", o->suite, "Only this suite (default: quick and core)");
  cmd->add_option("--task", o->tasks, "Only these tasks (repeatable)");
  cmd->add_option("--device", o->device, "GPU index")->capture_default_str();
  cmd->add_flag("--force", o->force, "Measure again even when the store has this PyTorch's");
  cmd->add_option("--format", o->format, "table, json or markdown")
      ->check(CLI::IsMember({"table", "json", "markdown"}));
  cmd->add_option("--python", o->torch.python, "Python with PyTorch (default: python3 on PATH)");
  return [&global, o] { return RunBaselines(*o, global); };
}

}  // namespace kopt::cli
