// SPDX-License-Identifier: Apache-2.0
// `kopt runs`: the recorded invocations of kopt, newest first, with what each one stored.
#include "cli/print.h"
#include "cli/store_access.h"
#include "cli/table.h"
#include "core/text.h"

#include <cstdio>

namespace kopt::cli {
namespace {

struct RunsOptions {
  int limit = 20;
  std::string format = "table";
};

std::string CommandLine(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    bool quote = a.empty() || a.find_first_of(" \t\"'") != std::string::npos;
    out += (out.empty() ? "" : " ") + (quote ? "'" + a + "'" : a);
  }
  return out;
}

int RunRuns(const RunsOptions& o, const GlobalOptions& global) {
  std::unique_ptr<Store> store = OpenStoreForReading(global);
  std::vector<RunSummary> runs = store->ListRuns(o.limit);
  if (o.format == "json") {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& s : runs) {
      const RunRecord& r = s.run;
      j.push_back({{"id", r.id},
                   {"command", r.info.command},
                   {"argv", r.info.argv},
                   {"config", r.info.config},
                   {"kopt_version", r.info.kopt_version},
                   {"git_sha", r.info.git_sha},
                   {"device", r.info.device},
                   {"driver_version", r.info.driver_version},
                   {"cuda_version", r.info.cuda_version},
                   {"nvrtc_version", r.info.nvrtc_version},
                   {"seed", r.info.seed ? nlohmann::json(*r.info.seed) : nlohmann::json()},
                   {"started_at", r.started_at},
                   {"finished_at",
                    r.finished_at.empty() ? nlohmann::json() : nlohmann::json(r.finished_at)},
                   {"status", r.status},
                   {"message", r.message},
                   {"candidates", s.candidates},
                   {"evaluations", s.evaluations},
                   {"correct", s.correct},
                   {"llm_calls", s.llm_calls},
                   {"cost_usd", s.cost_usd}});
    }
    PrintJson(j);
    return kExitOk;
  }
  if (runs.empty()) {
    Print("no runs in %s\n", global.db_path.c_str());
    return kExitOk;
  }
  Table table({{"run", 5, true},
               {"started", 19, false, "  "},
               {"status", 8, false, "  "},
               {"command", 9},
               {"GPU", 24},
               {"kopt", 20},
               {"cands", 6, true},
               {"evals/ok", 9, true},
               {"llm", 5, true},
               {"cost", 8, true},
               {"command line", 0, false, "  "}});
  for (const auto& s : runs) {
    const RunRecord& r = s.run;
    std::string kopt = r.info.kopt_version + " " + r.info.git_sha.substr(0, 8);
    std::string evals = std::to_string(s.evaluations) + "/" + std::to_string(s.correct);
    char cost[32] = "-";
    if (s.llm_calls > 0) std::snprintf(cost, sizeof cost, "$%.2f", s.cost_usd);
    table.Add({std::to_string(r.id), ShortTime(r.started_at), r.status, r.info.command,
               FirstLine(r.info.device, 24), kopt, std::to_string(s.candidates), evals,
               std::to_string(s.llm_calls), cost, CommandLine(r.info.argv)});
  }
  Print("%s", table.Aligned().c_str());
  for (const auto& s : runs) {
    if (s.run.status == "running") {
      Print("(\"running\": still going, or killed before it could finish)\n");
      break;
    }
  }
  return kExitOk;
}

}  // namespace

CommandRunner SetupRuns(CLI::App* cmd, GlobalOptions& global) {
  auto options = std::make_shared<RunsOptions>();
  cmd->add_option("--limit", options->limit, "How many (0: all)")->capture_default_str();
  cmd->add_option("--format", options->format, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  return [&global, options] { return RunRuns(*options, global); };
}

}  // namespace kopt::cli
