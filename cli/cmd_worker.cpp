// SPDX-License-Identifier: Apache-2.0
// kopt's internal processes, started by kopt itself and hidden from help: `kopt worker
// --device N` (the GPU worker) and `kopt compile-server --read DIR...` (the sandboxed compiler).
#include "cli/command.h"
#include "evaluator/compile_server.h"
#include "evaluator/worker/worker_main.h"

namespace kopt::cli {

void AddWorkerCommand(CLI::App& app, GlobalOptions&, CommandRunner& run) {
  auto* cmd = app.add_subcommand("worker", "GPU worker process (internal)");
  cmd->group("");
  auto device = std::make_shared<int>(0);
  cmd->add_option("--device", *device, "GPU index");
  cmd->callback([&run, device] { run = [device] { return RunWorker(*device); }; });

  auto* server = app.add_subcommand("compile-server", "Sandboxed compile process (internal)");
  server->group("");
  auto readable = std::make_shared<std::vector<std::string>>();
  server->add_option("--read", *readable, "A folder the compiler may read");
  server->callback([&run, readable] { run = [readable] { return RunCompileServer(*readable); }; });
}

}  // namespace kopt::cli
