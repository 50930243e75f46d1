// SPDX-License-Identifier: Apache-2.0
#include "cli/kopt_main.h"

#include "cli/print.h"
#include "core/error.h"
#include "core/secrets.h"
#include "llm/provider_factory.h"

#include <algorithm>
#include <sstream>
#include <sys/prctl.h>
#include <unistd.h>
#include <vector>

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

// Levenshtein distance, for "did you mean".
std::size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1] ? 1 : 0)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The first word of the command line that is neither an option nor --db's value, when it names
// no command: a usage error with the closest command's name.
std::string UnknownCommand(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--db") {
      ++i;
      continue;
    }
    if (arg.empty() || arg[0] == '-') continue;
    std::string closest;
    std::size_t best = 4;  // farther than 3 edits is no suggestion; a prefix is the best
    for (const Command& command : Commands()) {
      if (command.name == arg) return "";
      std::string name = command.name;
      std::size_t d = name.starts_with(arg) ? 0 : EditDistance(arg, name);
      if (!command.internal && d < best) best = d, closest = name;
    }
    return "unknown command '" + arg + "'" +
           (closest.empty() ? "" : "; did you mean '" + closest + "'?") +
           " (kopt --help lists the commands)";
  }
  return "";
}

}  // namespace

// `--profile deep` as `--profile=deep`: for `kopt eval`, --profile is a flag whose value is
// optional, so a separate word would otherwise be read as the positional TASK.
std::vector<std::string> JoinProfileValues(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  for (std::size_t i = 1; i + 1 < args.size(); ++i) {
    const std::string& next = args[i + 1];
    if (args[i] == "--profile" && (next == "none" || next == "default" || next == "deep")) {
      args[i] += "=" + next;
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    }
  }
  return args;
}

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
    sub->fallthrough();  // `kopt leaderboard --db x.db` as well as `kopt --db x.db leaderboard`
    if (command.internal) sub->group("");
    commands.emplace_back(sub, command.setup(sub, global));
  }
  if (std::string unknown = UnknownCommand(argc, argv); !unknown.empty()) {
    PrintError("kopt: %s\n", unknown.c_str());
    return kExitUsage;
  }
  std::vector<std::string> args = JoinProfileValues(argc, argv);
  std::vector<char*> joined;
  for (auto& a : args) joined.push_back(a.data());
  try {
    app.parse(static_cast<int>(joined.size()), joined.data());
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
