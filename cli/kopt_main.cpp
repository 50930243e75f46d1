// SPDX-License-Identifier: Apache-2.0
#include "cli/kopt_main.h"

#include "cli/print.h"
#include "core/error.h"
#include "core/secrets.h"
#include "llm/provider_factory.h"

#include <sstream>
#include <sys/prctl.h>
#include <unistd.h>

namespace kopt::cli {
namespace {

// Before anything can be printed or stored: the provider key variables and the *_API_KEY-like
// ones of the environment, and the password of any URL in the command line (--db, a model's
// base URL).
void AddProcessSecrets(int argc, char** argv) {
  AddEnvironmentSecrets(ProcessSecrets(), DefaultKeyVariables(), environ);
  for (int i = 1; i < argc; ++i) {
    for (const auto& password : UrlPasswords(argv[i])) ProcessSecrets().Add(password);
  }
}

}  // namespace

int Main(int argc, char** argv, OptimizeEvaluatorFactory optimize_evaluator) {
  // Not dumpable: no process of the same user (a compile server, a candidate's worker) can read
  // this one's memory or /proc/<pid>/environ, where the API keys are.
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  AddProcessSecrets(argc, argv);
  CLI::App app{"kopt: an LLM-driven optimizer for CUDA kernels"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(KOPT_VERSION) + " (" + KOPT_GIT_SHA + ")");
  GlobalOptions global;
  global.argv.assign(argv, argv + argc);
  global.optimize_evaluator = std::move(optimize_evaluator);
  app.add_option("--db", global.db_path, "SQLite database file")->capture_default_str();
  std::vector<std::pair<CLI::App*, CommandRunner>> commands;
  for (const Command& command : Commands()) {
    CLI::App* sub = app.add_subcommand(command.name, command.help);
    if (command.internal) sub->group("");
    commands.emplace_back(sub, command.setup(sub, global));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::ostringstream out, err;  // help and usage errors (which may echo an argument)
    int code = app.exit(e, out, err);
    Print("%s", out.str().c_str());
    PrintError("%s", err.str().c_str());
    return code == 0 ? kExitOk : kExitUsage;
  }
  CommandRunner run;
  for (const auto& [sub, runner] : commands) {
    if (sub->parsed()) run = runner;
  }
  try {
    return run ? run() : kExitUsage;
  } catch (const ConfigError& e) {
    PrintError("kopt: %s\n", e.what());
    return kExitUsage;
  } catch (const Error& e) {
    PrintError("kopt: %s\n", e.what());
    return kExitFailure;
  } catch (const std::exception& e) {
    PrintError("kopt: unexpected error: %s\n", e.what());
    return kExitFailure;
  }
}

}  // namespace kopt::cli
