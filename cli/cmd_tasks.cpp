// SPDX-License-Identifier: Apache-2.0
// `kopt tasks [--suite S] [--format table|json|markdown]`: lists and validates task suites.
#include "cli/command.h"
#include "cli/print.h"
#include "cli/table.h"
#include "cli/task_lookup.h"

#include <algorithm>
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
  // Numbers right-aligned, text left-aligned; two spaces between columns.
  Table table({{"suite"},
               {"task", 0, false, "  "},
               {"class", 0, false, "  "},
               {"size", 0, false, "  "},
               {"FLOPs", 0, true, "  "},
               {"bytes", 0, true, "  "},
               {"baseline", 0, false, "  "}});
  for (const auto& suite : suites) {
    for (const Task& t : LoadSuite(SuiteDir(suite))) {
      double flops = static_cast<double>(EvalExpr(t.flops, t.symbols));
      double bytes = static_cast<double>(EvalExpr(t.bytes, t.symbols));
      std::string baseline = t.baseline ? t.baseline->library + " " + t.baseline->op : "-";
      all.push_back({{"suite", suite},
                     {"name", t.name},
                     {"op_class", t.op_class},
                     {"symbols", t.symbols},
                     {"flops", flops},
                     {"bytes", bytes},
                     {"baseline", t.baseline ? nlohmann::json(baseline) : nlohmann::json()},
                     {"starter", !t.starter_source.empty()},
                     {"description", t.description},
                     {"content_hash", t.content_hash}});
      table.Add(
          {suite, t.name, t.op_class, SizeText(t.symbols), Human(flops), Human(bytes), baseline});
    }
  }
  if (o.format == "json") {
    PrintJson(all);
  } else if (o.format == "markdown") {
    Print("%s", table.Markdown().c_str());
  } else {
    table.FitWidths();
    Print("%s", table.Aligned().c_str());
  }
  return kExitOk;
}

}  // namespace

CommandRunner SetupTasks(CLI::App* cmd, GlobalOptions&) {
  auto options = std::make_shared<TasksOptions>();
  cmd->add_option("--suite", options->suite, "Only this suite (a name under tasks/ or a folder)");
  cmd->add_option("--format", options->format, "table, json or markdown")
      ->check(CLI::IsMember({"table", "json", "markdown"}));
  return [options] { return RunTasks(*options); };
}

}  // namespace kopt::cli
