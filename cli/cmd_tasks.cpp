// SPDX-License-Identifier: Apache-2.0
// `kopt tasks [--suite S] [--format table|json|markdown]`: lists and validates task suites.
#include "cli/command.h"
#include "cli/task_lookup.h"

#include <cstdio>

namespace kopt::cli {
namespace {

struct TasksOptions {
  std::string suite;
  std::string format = "table";
};

std::string SizeText(const SymbolTable& symbols) {
  std::string out;
  for (const auto& [name, value] : symbols)
    out += (out.empty() ? "" : " ") + name + "=" + std::to_string(value);
  return out;
}

std::string Human(double v) {
  const char* units[] = {"", "K", "M", "G", "T"};
  int u = 0;
  while (v >= 1000 && u < 4) {
    v /= 1000;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g%s", v, units[u]);
  return buf;
}

int RunTasks(const TasksOptions& o) {
  std::vector<std::string> suites =
      o.suite.empty() ? SuiteNames() : std::vector<std::string>{o.suite};
  nlohmann::json all = nlohmann::json::array();
  if (o.format == "markdown") {
    std::printf("| suite | task | class | size | FLOPs | bytes | baseline |\n");
    std::printf("|---|---|---|---|---|---|---|\n");
  } else if (o.format == "table") {
    std::printf("%-8s %-28s %-14s %-30s %9s %9s %s\n", "suite", "task", "class", "size", "FLOPs",
                "bytes", "baseline");
  }
  for (const auto& suite : suites) {
    for (const Task& t : LoadSuite(SuiteDir(suite))) {
      double flops = static_cast<double>(EvalExpr(t.flops, t.symbols));
      double bytes = static_cast<double>(EvalExpr(t.bytes, t.symbols));
      std::string baseline = t.baseline ? t.baseline->library + " " + t.baseline->op : "-";
      if (o.format == "json") {
        all.push_back({{"suite", suite},
                       {"name", t.name},
                       {"op_class", t.op_class},
                       {"symbols", t.symbols},
                       {"flops", flops},
                       {"bytes", bytes},
                       {"baseline", t.baseline ? nlohmann::json(baseline) : nlohmann::json()},
                       {"description", t.description},
                       {"content_hash", t.content_hash}});
      } else if (o.format == "markdown") {
        std::printf("| %s | %s | %s | %s | %s | %s | %s |\n", suite.c_str(), t.name.c_str(),
                    t.op_class.c_str(), SizeText(t.symbols).c_str(), Human(flops).c_str(),
                    Human(bytes).c_str(), baseline.c_str());
      } else {
        std::printf("%-8s %-28s %-14s %-30s %9s %9s %s\n", suite.c_str(), t.name.c_str(),
                    t.op_class.c_str(), SizeText(t.symbols).c_str(), Human(flops).c_str(),
                    Human(bytes).c_str(), baseline.c_str());
      }
    }
  }
  if (o.format == "json") std::printf("%s\n", all.dump(2).c_str());
  return kExitOk;
}

}  // namespace

void AddTasksCommand(CLI::App& app, GlobalOptions&, CommandRunner& run) {
  auto* cmd = app.add_subcommand("tasks", "List and validate task suites");
  auto options = std::make_shared<TasksOptions>();
  cmd->add_option("--suite", options->suite, "Only this suite (a name under tasks/ or a folder)");
  cmd->add_option("--format", options->format, "table, json or markdown")
      ->check(CLI::IsMember({"table", "json", "markdown"}));
  cmd->callback([&run, options] { run = [options] { return RunTasks(*options); }; });
}

}  // namespace kopt::cli
