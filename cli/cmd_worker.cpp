// SPDX-License-Identifier: Apache-2.0
// kopt's internal processes, started by kopt itself and hidden from help: `kopt worker
// --device N` (the GPU worker) and `kopt compile-server --read DIR...` (the sandboxed compiler).
#include "cli/command.h"
#include "evaluator/compile_server.h"
#include "evaluator/worker/worker_main.h"

namespace kopt::cli {

CommandRunner SetupWorker(CLI::App* cmd, GlobalOptions&) {
  auto device = std::make_shared<int>(0);
  cmd->add_option("--device", *device, "GPU index");
  return [device] { return RunWorker(*device); };
}

CommandRunner SetupCompileServer(CLI::App* cmd, GlobalOptions&) {
  auto readable = std::make_shared<std::vector<std::string>>();
  cmd->add_option("--read", *readable, "A folder the compiler may read");
  return [readable] { return RunCompileServer(*readable); };
}

}  // namespace kopt::cli
