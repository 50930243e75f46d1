// SPDX-License-Identifier: Apache-2.0
// Compiles CUDA C++ to a cubin with NVRTC (no GPU needed), keeping the log and the per-kernel
// resources ptxas reports, with a cubin cache on disk keyed by source, options, NVRTC version
// and architecture. A compile error is a result, not an exception. Sources an LLM or a user
// wrote compile in sandboxed server processes (compile_server.h); only kopt's own compile here.
#pragma once

#include "core/eval_result.h"
#include "evaluator/compile_sandbox.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kopt {

struct CompileRequest {
  std::string source;
  std::string file = "candidate.cu";  // the name NVRTC shows in messages
  std::string arch = "sm_90a";
  std::vector<std::string> extra_options;  // -D defines, --use_fast_math
};

struct CompileOutput {
  bool ok = false;
  std::string cubin;
  CompileInfo info;
  std::string cache_key;
};

/// "13.0".
std::string NvrtcVersion();
/// The options every compile gets (docs/design.md, Evaluation), then `request.extra_options`.
std::vector<std::string> CompileOptions(const CompileRequest& request);
/// Registers, spills and shared memory of each entry function in a ptxas -v log.
std::vector<KernelResources> ParsePtxasLog(const std::string& log);
/// "sm_90a" for compute capability 9.0: the arch-specific target where one exists.
std::string ArchForComputeCapability(int major, int minor);

class CompileServers;

class NvrtcCompiler {
 public:
  /// `cache_dir` empty: no cache. `sandbox_binary`: the kopt executable whose
  /// `compile-server` compiles every source; empty compiles in this process, which is only for
  /// kopt's own sources (built-in kernels).
  NvrtcCompiler(std::string cache_dir, std::string sandbox_binary);
  ~NvrtcCompiler();
  /// Thread-safe. Throws CudaError only for NVRTC failures that are not the source's fault.
  CompileOutput Compile(const CompileRequest& request) const;
  const std::string& cache_dir() const { return cache_dir_; }
  /// How compiles are confined, in the server's words ("in process" without one).
  SandboxState sandbox() const;

 private:
  std::optional<CompileOutput> Lookup(const std::string& key) const;
  void Store(const CompileOutput& output) const;

  std::string cache_dir_;
  std::unique_ptr<CompileServers> servers_;
};

/// $KOPT_CACHE_DIR, else $XDG_CACHE_HOME/kopt, else ~/.cache/kopt; "" when none can be made.
std::string DefaultCacheDir();
/// The toolkit's include folder: $CUDA_HOME/include, $CUDA_PATH/include, the build's, or
/// /usr/local/cuda/include.
std::string CudaIncludeDir();

}  // namespace kopt
