// SPDX-License-Identifier: Apache-2.0
// `kopt compile TASK FILE.cu`: validates the launch block and compiles with NVRTC (no GPU
// needed), printing the log and each kernel's registers, spills and shared memory (--format json:
// one object).
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
  std::string format = "text";
};

// The outcome as one JSON object: status (compiled, compile_error, launch_error), the message or
// log, and each kernel's resources.
nlohmann::json CompileJson(const CompileOptionsCli& o, const CompileOutput& out,
                           const std::string& status, const std::string& message) {
  return {{"file", o.candidate.file},
          {"arch", o.arch},
          {"status", status},
          {"message", message},
          {"compile_ms", out.info.compile_ms},
          {"cached", out.info.cache_hit},
          {"nvrtc", NvrtcVersion()},
          {"cubin_bytes", out.cubin.size()},
          {"kernels", ToJson(out.info.kernels)}};
}

int RunCompile(const CompileOptionsCli& o) {
  Task task = FindTask(o.candidate.task);
  std::string source = ReadFile(o.candidate.file);
  LaunchBlock block = ParseLaunchBlock(source, o.candidate.file);
  TunableChoice choice = ChooseTunables(block, ParseDefines(o.candidate.defines));
  DeviceLimits limits = LimitsOfArch(o.arch);  // a bad --arch fails here, before compiling
  ValidateLaunchBlock(block, task, choice, o.candidate.file, limits);
  NvrtcCompiler compiler(o.no_cache ? "" : DefaultCacheDir(), SelfExecutable());
  // The compile the evaluator makes, so the same checks before any GPU work: the kernels'
  // parameters against the launch block (by the compiler), then every launched kernel in the
  // module under its name.
  CompileRequest request =
      CandidateCompileRequest(task, o.arch, source, o.candidate.file, block, choice, limits);
  CompileOutput out = compiler.Compile(request);
  std::optional<std::string> launch_error =
      out.ok ? MissingKernel(block, out.info.kernels) : SignatureMismatch(out.info.log);
  if (o.format == "json") {
    std::string status = launch_error ? "launch_error" : out.ok ? "compiled" : "compile_error";
    std::string message = launch_error ? o.candidate.file + ": " + *launch_error
                          : out.ok     ? ""
                                       : WithoutSignatureDiagnostics(out.info.log);
    PrintJson(CompileJson(o, out, status, message));
    return status == "compiled" ? kExitOk : kExitFailure;
  }
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
  cmd->add_option("--format", options->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  return [options] { return RunCompile(*options); };
}

}  // namespace kopt::cli
