// SPDX-License-Identifier: Apache-2.0
// `kopt compile TASK FILE.cu`: validates the launch block and compiles with NVRTC (no GPU
// needed), printing the log and each kernel's registers, spills and shared memory.
#include "cli/candidate_options.h"
#include "cli/print.h"
#include "cli/task_lookup.h"
#include "core/json_fields.h"
#include "evaluator/cuda_evaluator.h"
#include "evaluator/nvrtc_compiler.h"
#include "evaluator/signature_check.h"

namespace kopt::cli {
namespace {

struct CompileOptionsCli {
  CandidateOptions candidate;
  std::string arch = "sm_90a";
  bool no_cache = false;
};

int RunCompile(const CompileOptionsCli& o) {
  Task task = FindTask(o.candidate.task);
  std::string source = ReadFile(o.candidate.file);
  LaunchBlock block = ParseLaunchBlock(source, o.candidate.file);
  TunableChoice choice = ChooseTunables(block, ParseDefines(o.candidate.defines));
  ValidateLaunchBlock(block, task, choice, o.candidate.file);
  NvrtcCompiler compiler(o.no_cache ? "" : DefaultCacheDir(), SelfExecutable());
  // The same checks the evaluator makes before any GPU work: the kernels' parameters against the
  // launch block (by the compiler), then every launched kernel in the module under its name.
  std::string checked = source;
  try {
    checked +=
        SignatureCheckSource(ResolveLaunchBlock(block, task, task.symbols, choice, DeviceLimits{}));
  } catch (const ConfigError&) {
  }
  CompileRequest request;
  request.source = checked;
  request.file = o.candidate.file;
  request.arch = o.arch;
  request.extra_options = TunableDefines(choice);
  if (task.fast_math) request.extra_options.push_back("--use_fast_math");
  CompileOutput out = compiler.Compile(request);
  std::optional<std::string> launch_error =
      out.ok ? MissingKernel(block, out.info.kernels) : SignatureMismatch(out.info.log);
  if (launch_error) {
    Print("launch_error\n%s: %s\n", o.candidate.file.c_str(), launch_error->c_str());
    return kExitFailure;
  }
  if (!out.ok) {
    Print("compile_error\n%s\n", WithoutSignatureDiagnostics(out.info.log).c_str());
    return kExitFailure;
  }
  Print("compiled %s for %s in %.0f ms%s (NVRTC %s), cubin %zu bytes\n", o.candidate.file.c_str(),
        o.arch.c_str(), out.info.compile_ms, out.info.cache_hit ? " (cached)" : "",
        NvrtcVersion().c_str(), out.cubin.size());
  for (const auto& k : out.info.kernels) {
    Print("  %-32s %3d registers, %5d B spill stores, %5d B stack, %6d B static smem\n",
          k.kernel.c_str(), k.registers, k.spill_store_bytes, k.local_bytes, k.static_smem_bytes);
  }
  return kExitOk;
}

}  // namespace

CommandRunner SetupCompile(CLI::App* cmd, GlobalOptions&) {
  auto options = std::make_shared<CompileOptionsCli>();
  AddCandidateOptions(cmd, options->candidate);
  cmd->add_option("--arch", options->arch, "NVRTC target")->capture_default_str();
  cmd->add_flag("--no-cache", options->no_cache, "Ignore the cubin cache");
  return [options] { return RunCompile(*options); };
}

}  // namespace kopt::cli
