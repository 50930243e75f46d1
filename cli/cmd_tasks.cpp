// SPDX-License-Identifier: Apache-2.0
// `kopt tasks [--suite S] [--format table|json|markdown] [--compile [--arch A]]`: lists and
// validates task suites; with --compile, NVRTC compiles every reference and starter as the
// evaluator would (signature checks included), so a broken one is found without a GPU.
#include "cli/command.h"
#include "cli/print.h"
#include "cli/table.h"
#include "cli/task_lookup.h"
#include "evaluator/cuda_evaluator.h"
#include "evaluator/nvrtc_compiler.h"
#include "evaluator/signature_check.h"

#include <algorithm>
#include <cstdio>

namespace kopt::cli {
namespace {

struct TasksOptions {
  std::string suite;
  std::string format = "table";
  bool compile = false;
  std::string arch = "sm_90a";
};

// "" when `source` compiles for `arch` as the evaluator compiles it; else what went wrong.
std::string CompileProblem(const Task& task, const std::string& source, const std::string& file,
                           const std::string& arch, const NvrtcCompiler& compiler) {
  LaunchBlock block = ParseLaunchBlock(source, file);  // validated when the task was loaded
  TunableChoice choice = ChooseTunables(block, {});
  CompileOutput out = compiler.Compile(
      CandidateCompileRequest(task, arch, source, file, block, choice, LimitsOfArch(arch)));
  if (!out.ok) {
    std::optional<std::string> mismatch = SignatureMismatch(out.info.log);
    return mismatch ? *mismatch : WithoutSignatureDiagnostics(out.info.log);
  }
  return MissingKernel(block, out.info.kernels).value_or("");
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
  std::vector<Column> columns = {{"suite"},
                                 {"task", 0, false, "  "},
                                 {"class", 0, false, "  "},
                                 {"size", 0, false, "  "},
                                 {"FLOPs", 0, true, "  "},
                                 {"bytes", 0, true, "  "},
                                 {"baseline", 0, false, "  "}};
  if (o.compile) {
    LimitsOfArch(o.arch);  // a bad --arch fails before anything compiles
    columns.push_back({"compiles", 0, false, "  "});
  }
  Table table(columns);
  std::optional<NvrtcCompiler> compiler;
  if (o.compile) compiler.emplace(DefaultCacheDir(), SelfExecutable());
  std::vector<std::string> problems;
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
      std::vector<std::string> row = {
          suite, t.name, t.op_class, SymbolsText(t.symbols), Human(flops), Human(bytes), baseline};
      if (o.compile) {
        std::string verdict = "yes";
        nlohmann::json compiled = nlohmann::json::object();
        for (const auto& [kind, source] :
             {std::pair<std::string, const std::string*>{"reference", &t.reference_source},
              {"starter", &t.starter_source}}) {
          if (source->empty()) continue;
          std::string file = t.dir + "/" + kind + ".cu";
          std::string problem = CompileProblem(t, *source, file, o.arch, *compiler);
          compiled[kind] = problem.empty() ? nlohmann::json("ok") : nlohmann::json(problem);
          if (problem.empty()) continue;
          verdict = verdict == "yes" ? "no: " + kind : verdict + ", " + kind;
          problems.push_back(file + " (" + o.arch + "):\n" + problem);
        }
        all.back()["compiled"] = compiled;
        row.push_back(verdict);
      }
      table.Add(row);
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
  std::fflush(stdout);  // the table first, then what did not compile
  for (const std::string& problem : problems) PrintError("\n%s\n", problem.c_str());
  return problems.empty() ? kExitOk : kExitFailure;
}

}  // namespace

CommandRunner SetupTasks(CLI::App* cmd, GlobalOptions&) {
  auto options = std::make_shared<TasksOptions>();
  cmd->add_option("--suite", options->suite, "Only this suite (a name under tasks/ or a folder)");
  cmd->add_option("--format", options->format, "table, json or markdown")
      ->check(CLI::IsMember({"table", "json", "markdown"}));
  cmd->add_flag("--compile", options->compile,
                "Compile every reference and starter with NVRTC, as the evaluator would (no GPU "
                "needed); exit 1 when one does not compile");
  cmd->add_option("--arch", options->arch, "With --compile: the NVRTC target")
      ->capture_default_str();
  return [options] { return RunTasks(*options); };
}

}  // namespace kopt::cli
