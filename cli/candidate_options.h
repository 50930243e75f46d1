// SPDX-License-Identifier: Apache-2.0
// Options shared by `compile` and `eval`: the task, the candidate file and tunable choices.
#pragma once

#include "cli/command.h"
#include "core/launch_block.h"

#include <string>
#include <vector>

namespace kopt::cli {

struct CandidateOptions {
  std::string task;
  std::string file;
  std::vector<std::string> defines;  // NAME=VALUE
};

void AddCandidateOptions(CLI::App* cmd, CandidateOptions& options);
/// Parses the -D choices; a malformed one is a ConfigError naming it.
TunableChoice ParseDefines(const std::vector<std::string>& defines);

}  // namespace kopt::cli
