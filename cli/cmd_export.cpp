// SPDX-License-Identifier: Apache-2.0
// `kopt export --task T --out DIR`: the leaderboard's winning kernels of a task, one .cu file
// per GPU, each with a header comment of its measurements and its launch block.
#include "cli/print.h"
#include "cli/store_access.h"
#include "results/export.h"

namespace kopt::cli {
namespace {

struct ExportOptions {
  LeaderboardFilter filter;
  std::string out;
  std::string format = "table";
};

int RunExport(const ExportOptions& o, const GlobalOptions& global) {
  std::unique_ptr<Store> store = OpenStoreForReading(global);
  std::vector<ExportedKernel> files = ExportBest(*store, o.filter, o.out);
  if (o.format == "json") {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& f : files) {
      j.push_back({{"path", f.path},
                   {"task", f.task},
                   {"device", f.device},
                   {"candidate_id", f.candidate_id},
                   {"evaluation_id", f.evaluation_id}});
    }
    PrintJson(j);
  } else {
    for (const auto& f : files) {
      Print("%s  (candidate %lld on %s)\n", f.path.c_str(), static_cast<long long>(f.candidate_id),
            f.device.c_str());
    }
  }
  if (files.empty()) {
    PrintError("kopt: no correct kernel of task '%s'%s in %s to export\n", o.filter.task.c_str(),
               o.filter.gpu.empty() ? "" : (" on " + o.filter.gpu).c_str(), global.db_path.c_str());
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

CommandRunner SetupExport(CLI::App* cmd, GlobalOptions& global) {
  auto options = std::make_shared<ExportOptions>();
  cmd->add_option("--task", options->filter.task, "Task name (or a hash prefix)")->required();
  cmd->add_option("--out", options->out, "Folder to write into (created when missing)")->required();
  cmd->add_option("--suite", options->filter.suite, "Only this suite");
  cmd->add_option("--gpu", options->filter.gpu, "Only GPUs whose name contains this (any case)");
  cmd->add_option("--format", options->format, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  return [&global, options] { return RunExport(*options, global); };
}

}  // namespace kopt::cli
