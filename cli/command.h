// SPDX-License-Identifier: Apache-2.0
// How subcommands plug into main: each file adds one CLI11 subcommand whose callback stores the
// function to run. main runs it and maps errors to exit codes (0 ok, 1 the work failed, 2 usage
// or configuration error).
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace kopt::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

/// Options every subcommand may read.
struct GlobalOptions {
  std::string db_path = "kopt.db";
  std::vector<std::string> argv;  // the command line, recorded with each run
};

using CommandRunner = std::function<int()>;

void AddDoctorCommand(CLI::App& app, GlobalOptions& global, CommandRunner& run);
void AddTasksCommand(CLI::App& app, GlobalOptions& global, CommandRunner& run);
void AddCompileCommand(CLI::App& app, GlobalOptions& global, CommandRunner& run);
void AddEvalCommand(CLI::App& app, GlobalOptions& global, CommandRunner& run);
/// `kopt baselines`: every task's PyTorch equivalent, checked and timed.
void AddBaselinesCommand(CLI::App& app, GlobalOptions& global, CommandRunner& run);
void AddMenusCommand(CLI::App& app, GlobalOptions& global, CommandRunner& run);
/// `kopt llm test MODEL`: one request through the provider layer.
void AddLlmCommand(CLI::App& app, GlobalOptions& global, CommandRunner& run);
/// `kopt optimize --suite S`: the search.
void AddOptimizeCommand(CLI::App& app, GlobalOptions& global, CommandRunner& run);
void AddLeaderboardCommand(CLI::App& app, GlobalOptions& global, CommandRunner& run);
void AddShowCommand(CLI::App& app, GlobalOptions& global, CommandRunner& run);
void AddExportCommand(CLI::App& app, GlobalOptions& global, CommandRunner& run);
void AddRunsCommand(CLI::App& app, GlobalOptions& global, CommandRunner& run);
/// Hidden: the GPU worker process that `eval` starts by exec of kopt itself.
void AddWorkerCommand(CLI::App& app, GlobalOptions& global, CommandRunner& run);

}  // namespace kopt::cli
