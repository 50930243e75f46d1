// SPDX-License-Identifier: Apache-2.0
// `kopt report [--suite S] [--run N] [--out FILE]`: the store as one self-contained HTML file
// (report/): the leaderboard, each task's progress, lineage, roofline and failures, and the
// runs' spending. Opens the store read-only; writes only FILE.
#include "cli/print.h"
#include "cli/store_access.h"
#include "report/html_report.h"

#include <fstream>

namespace kopt::cli {
namespace {

struct ReportOptions {
  ReportFilter filter;
  std::int64_t run_id = 0;
  std::string out = "kopt-report.html";
};

int RunReport(ReportOptions o, const GlobalOptions& global) {
  if (o.run_id > 0) o.filter.run_id = o.run_id;
  std::unique_ptr<Store> store = OpenStoreForReading(global);
  std::string html = RenderReport(QueryReport(*store, global.db_path, o.filter));
  std::ofstream file(o.out, std::ios::binary | std::ios::trunc);
  file << html;
  file.close();
  if (!file) throw ConfigError("--out: cannot write " + o.out);
  Print("report: %s\n", o.out.c_str());
  return kExitOk;
}

}  // namespace

CommandRunner SetupReport(CLI::App* cmd, GlobalOptions& global) {
  auto o = std::make_shared<ReportOptions>();
  cmd->add_option("--suite", o->filter.suite, "Only this suite");
  cmd->add_option("--run", o->run_id, "Only what this run recorded");
  cmd->add_option("--out", o->out, "The HTML file to write")->capture_default_str();
  return [&global, o] { return RunReport(*o, global); };
}

}  // namespace kopt::cli
