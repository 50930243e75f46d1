// SPDX-License-Identifier: Apache-2.0
#include "cli/kopt_main.h"

#include "cli/print.h"
#include "core/error.h"
#include "core/secrets.h"
#include "llm/provider_factory.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
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
    if (arg == "--db" || arg == "--config") {  // global options with a value
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

// ./kopt.toml, else $XDG_CONFIG_HOME/kopt/kopt.toml (~/.config/kopt/kopt.toml), when present;
// $KOPT_CONFIG names another. "" for none.
std::string DefaultConfigFile() {
  if (const char* named = std::getenv("KOPT_CONFIG"); named && *named) return named;
  std::vector<std::filesystem::path> places = {"kopt.toml"};
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) {
    places.push_back(std::filesystem::path(xdg) / "kopt" / "kopt.toml");
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    places.push_back(std::filesystem::path(home) / ".config" / "kopt" / "kopt.toml");
  }
  for (const auto& p : places) {
    if (std::filesystem::is_regular_file(p)) return p.string();
  }
  return "";
}

// The passwords of URLs in the config file a command line reads (a model's base URL, a --db URL)
// are secrets like those of the command line itself.
void AddConfigSecrets(const std::vector<std::string>& args, const std::string& default_file) {
  std::string file = default_file;
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--config" && i + 1 < args.size()) file = args[i + 1];
    if (args[i].starts_with("--config=")) file = args[i].substr(9);
  }
  if (file.empty()) return;
  std::ifstream in(file);
  for (std::string word; in >> word;) {
    for (const auto& password : UrlPasswords(word)) ProcessSecrets().Add(password);
  }
}

// $KOPT_DB as --db when the command line has no --db: flag > environment > config file >
// default (a config file's value is applied by the parser only to options still unset).
std::vector<std::string> WithEnvironmentOptions(std::vector<std::string> args) {
  const char* db = std::getenv("KOPT_DB");
  if (!db || !*db) return args;
  for (const std::string& a : args) {
    if (a == "--db" || a.starts_with("--db=")) return args;
  }
  args.insert(args.begin() + 1, {"--db", db});
  return args;
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
  app.add_option("--db", global.db_path, "SQLite database file (or $KOPT_DB)")
      ->capture_default_str();
  // kopt's own processes (a GPU worker, a compile server) read no config file: theirs comes
  // from the kopt that starts them, and a sandboxed one may not see the folder.
  bool internal = false;
  for (const Command& command : Commands()) {
    internal |= command.internal && argc > 1 && command.name == std::string(argv[1]);
  }
  std::string config_file = internal ? "" : DefaultConfigFile();
  app.allow_config_extras(CLI::config_extras_mode::error);  // a misspelt key is an error
  app.set_config("--config", config_file,
                 "Options from a TOML file: top-level keys for kopt's own options (db = "
                 "\"runs.db\"), a [command] section for a command's (default: ./kopt.toml, else "
                 "$XDG_CONFIG_HOME/kopt/kopt.toml, when present; or $KOPT_CONFIG)");
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
  std::vector<std::string> args = WithEnvironmentOptions(JoinProfileValues(argc, argv));
  AddConfigSecrets(args, config_file);
  std::vector<char*> joined;
  for (auto& a : args) joined.push_back(a.data());
  try {
    app.parse(static_cast<int>(joined.size()), joined.data());
  } catch (const CLI::ConfigError& e) {
    PrintError(
        "kopt: --config %s: %s (a key is an option's name without its --, under a "
        "[command] section for a command's options)\n",
        app.get_config_ptr()->as<std::string>().c_str(), e.what());
    return kExitUsage;
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
