// SPDX-License-Identifier: Apache-2.0
// Untrusted sources compile in a server process of their own (`kopt compile-server`): started
// with an empty environment, confined to reading the CUDA include tree (compile_sandbox.h),
// answering one compile per frame. A compile that hangs or crashes the server costs only that
// process; the next compile starts a new one.
#pragma once

#include "evaluator/compile_sandbox.h"
#include "evaluator/worker_process.h"

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kopt {

/// NVRTC's answer for one source: the cubin (empty on failure) and the raw log.
struct RawCompile {
  bool ok = false;
  std::string cubin;
  std::string log;
};

/// NVRTC in this process: for kopt's own sources, and inside the server. Throws CudaError for
/// NVRTC failures that are not the source's fault.
RawCompile CompileInThisProcess(const std::string& source, const std::string& file,
                                const std::vector<std::string>& options);

/// The parent's side: a pool of servers, one per concurrent compile. Thread-safe.
class CompileServers {
 public:
  /// `kopt_binary` is exec'd as `kopt_binary compile-server --read DIR...`. The first server
  /// is spawned at once and loads NVRTC while the caller goes on, so the first compile does not
  /// wait for all of it.
  CompileServers(std::string kopt_binary, std::vector<std::string> readable_dirs,
                 double timeout_s = 300);
  ~CompileServers();
  /// A compile that outlives the deadline or kills the server is a failed compile whose log
  /// says so. Throws kopt::Error when no server can start.
  RawCompile Compile(const std::string& source, const std::string& file,
                     const std::vector<std::string>& options);
  /// The confinement the last server reported (empty `how` before the first compile).
  SandboxState sandbox() const;

 private:
  std::unique_ptr<WorkerProcess> Take();
  std::unique_ptr<WorkerProcess> Start() const;
  void Greeted(const nlohmann::json& ready);

  std::string binary_;
  std::vector<std::string> readable_;
  double timeout_s_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<WorkerProcess>> idle_;
  SandboxState sandbox_;
};

/// The server's loop (`kopt compile-server`): loads NVRTC, confines itself to `readable_dirs`,
/// greets with how it is confined, then answers compile frames until stdin closes.
int RunCompileServer(const std::vector<std::string>& readable_dirs);

}  // namespace kopt
