// SPDX-License-Identifier: Apache-2.0
// `kopt worker --device N`: the GPU worker process (started by kopt itself, hidden from help).
#include "cli/command.h"
#include "evaluator/worker_main.h"

namespace kopt::cli {

void AddWorkerCommand(CLI::App& app, GlobalOptions&, CommandRunner& run) {
  auto* cmd = app.add_subcommand("worker", "GPU worker process (internal)");
  cmd->group("");
  auto device = std::make_shared<int>(0);
  cmd->add_option("--device", *device, "GPU index");
  cmd->callback([&run, device] { run = [device] { return RunWorker(*device); }; });
}

}  // namespace kopt::cli
