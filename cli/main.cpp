// SPDX-License-Identifier: Apache-2.0
// kopt's entry point: builds the command table, runs the chosen command, maps errors to exit codes.
#include "cli/command.h"
#include "cli/print.h"
#include "core/error.h"
#include "core/secrets.h"
#include "llm/provider_factory.h"

#include <sstream>
#include <sys/prctl.h>
#include <unistd.h>

namespace {

// Before anything can be printed or stored: the provider key variables and the *_API_KEY-like
// ones of the environment, and the password of any URL in the command line (--db, a model's
// base URL).
void AddProcessSecrets(int argc, char** argv) {
  kopt::AddEnvironmentSecrets(kopt::ProcessSecrets(), kopt::DefaultKeyVariables(), environ);
  for (int i = 1; i < argc; ++i) {
    for (const auto& password : kopt::UrlPasswords(argv[i])) kopt::ProcessSecrets().Add(password);
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace kopt::cli;
  // Not dumpable: no process of the same user (a compile server, a candidate's worker) can read
  // this one's memory or /proc/<pid>/environ, where the API keys are.
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  AddProcessSecrets(argc, argv);
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
  AddBaselinesCommand(app, global, run);
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
    std::ostringstream out, err;  // help and usage errors (which may echo an argument)
    int code = app.exit(e, out, err);
    Print("%s", out.str().c_str());
    PrintError("%s", err.str().c_str());
    return code == 0 ? kExitOk : kExitUsage;
  }
  try {
    return run ? run() : kExitUsage;
  } catch (const kopt::ConfigError& e) {
    PrintError("kopt: %s\n", e.what());
    return kExitUsage;
  } catch (const kopt::Error& e) {
    PrintError("kopt: %s\n", e.what());
    return kExitFailure;
  } catch (const std::exception& e) {
    PrintError("kopt: unexpected error: %s\n", e.what());
    return kExitFailure;
  }
}
