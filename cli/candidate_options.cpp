// SPDX-License-Identifier: Apache-2.0
#include "cli/candidate_options.h"

#include "core/error.h"

namespace kopt::cli {

void AddCandidateOptions(CLI::App* cmd, CandidateOptions& options) {
  cmd->add_option("task", options.task, "Task: a folder, suite/task, or a task name")->required();
  cmd->add_option("file", options.file, "Candidate .cu file with a /*@kopt ... @kopt*/ block")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("-D,--define", options.defines, "Tunable choice NAME=VALUE (repeatable)");
}

TunableChoice ParseDefines(const std::vector<std::string>& defines) {
  TunableChoice choice;
  for (const auto& d : defines) {
    auto eq = d.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw ConfigError("--define " + d + ": expected NAME=VALUE");
    }
    try {
      std::size_t used = 0;
      std::int64_t value = std::stoll(d.substr(eq + 1), &used);
      if (used != d.size() - eq - 1) throw std::invalid_argument(d);
      choice[d.substr(0, eq)] = value;
    } catch (const std::logic_error&) {
      throw ConfigError("--define " + d + ": VALUE must be an integer");
    }
  }
  return choice;
}

}  // namespace kopt::cli
