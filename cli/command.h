// SPDX-License-Identifier: Apache-2.0
// The command table: every subcommand of kopt, its help line, and the function that declares its
// options and returns the function that runs it. main builds the command line from it; nothing
// else keeps a list of commands. Exit codes: 0 ok, 1 the work failed, 2 usage or configuration
// error.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace kopt::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

class OptimizeEvaluator;
/// Makes what `kopt optimize` evaluates on, for GPU index `device` (cli/optimize.h).
/// Makes the evaluator of `kopt optimize` for the GPUs `--gpus` names (empty: every visible one).
using OptimizeEvaluatorFactory =
    std::function<std::unique_ptr<OptimizeEvaluator>(const std::vector<int>& gpus)>;

/// What every command may read.
struct GlobalOptions {
  std::string db_path = "kopt.db";
  std::vector<std::string> argv;  // the command line, recorded with each run
  /// (optional) defaults to the GPU's evaluator. Set only by a program that links kopt_cli
  /// (Main's argument); no flag reaches it.
  OptimizeEvaluatorFactory optimize_evaluator;
};

/// Runs a command with the options its setup declared, after parsing; returns the exit code.
using CommandRunner = std::function<int()>;
/// Declares a command's options on `command` and returns the function that runs it.
using CommandSetup = CommandRunner (*)(CLI::App* command, GlobalOptions& global);

struct Command {
  const char* name;
  const char* help;
  CommandSetup setup;
  bool internal = false;  // a process kopt starts itself: hidden from --help
};

/// Every command, in the order `kopt --help` lists them.
std::span<const Command> Commands();

// One setup per command file (cmd_<name>.cpp).
CommandRunner SetupDoctor(CLI::App* command, GlobalOptions& global);
CommandRunner SetupTasks(CLI::App* command, GlobalOptions& global);
CommandRunner SetupCompile(CLI::App* command, GlobalOptions& global);
CommandRunner SetupEval(CLI::App* command, GlobalOptions& global);
CommandRunner SetupBaselines(CLI::App* command, GlobalOptions& global);
CommandRunner SetupMenus(CLI::App* command, GlobalOptions& global);
CommandRunner SetupWorker(CLI::App* command, GlobalOptions& global);
CommandRunner SetupCompileServer(CLI::App* command, GlobalOptions& global);
CommandRunner SetupLlm(CLI::App* command, GlobalOptions& global);
CommandRunner SetupOptimize(CLI::App* command, GlobalOptions& global);
CommandRunner SetupCompletion(CLI::App* command, GlobalOptions& global);
CommandRunner SetupLeaderboard(CLI::App* command, GlobalOptions& global);
CommandRunner SetupShow(CLI::App* command, GlobalOptions& global);
CommandRunner SetupExport(CLI::App* command, GlobalOptions& global);
CommandRunner SetupRuns(CLI::App* command, GlobalOptions& global);
CommandRunner SetupSchedules(CLI::App* command, GlobalOptions& global);
CommandRunner SetupReuse(CLI::App* command, GlobalOptions& global);
CommandRunner SetupReport(CLI::App* command, GlobalOptions& global);
CommandRunner SetupPrompt(CLI::App* command, GlobalOptions& global);

}  // namespace kopt::cli
