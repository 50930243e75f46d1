// SPDX-License-Identifier: Apache-2.0
// kopt's entry point: builds the command table, runs the chosen command, maps errors to exit codes.
#include "cli/command.h"
#include "core/error.h"

#include <cstdio>
#include <sys/prctl.h>

int main(int argc, char** argv) {
  using namespace kopt::cli;
  // Not dumpable: no process of the same user (a compile server, a candidate's worker) can read
  // this one's memory or /proc/<pid>/environ, where the API keys are.
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  CLI::App app{"kopt: an LLM-driven optimizer for CUDA kernels"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(KOPT_VERSION) + " (" + KOPT_GIT_SHA + ")");
  GlobalOptions global;
  global.argv.assign(argv, argv + argc);
  app.add_option("--db", global.db_path, "SQLite database file")->capture_default_str();
  CommandRunner run;
  AddDoctorCommand(app, global, run);
  AddTasksCommand(app, global, run);
  AddCompileCommand(app, global, run);
  AddEvalCommand(app, global, run);
  AddMenusCommand(app, global, run);
  AddWorkerCommand(app, global, run);
  AddLlmCommand(app, global, run);
  AddOptimizeCommand(app, global, run);
  AddLeaderboardCommand(app, global, run);
  AddShowCommand(app, global, run);
  AddExportCommand(app, global, run);
  AddRunsCommand(app, global, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  try {
    return run ? run() : kExitUsage;
  } catch (const kopt::ConfigError& e) {
    std::fprintf(stderr, "kopt: %s\n", e.what());
    return kExitUsage;
  } catch (const kopt::Error& e) {
    std::fprintf(stderr, "kopt: %s\n", e.what());
    return kExitFailure;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kopt: unexpected error: %s\n", e.what());
    return kExitFailure;
  }
}
