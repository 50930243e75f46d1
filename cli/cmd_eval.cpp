// SPDX-License-Identifier: Apache-2.0
// `kopt eval TASK FILE.cu`: compiles, checks and times one candidate on the GPU, against the
// task's reference, and prints the result (a table, or JSON with --format json).
#include "cli/candidate_options.h"
#include "cli/task_lookup.h"
#include "core/json_fields.h"
#include "evaluator/cuda_evaluator.h"

#include <cstdio>

namespace kopt::cli {
namespace {

struct EvalOptionsCli {
  CandidateOptions candidate;
  std::string format = "table";
  int device = 0;
  EvalOptions eval;
  bool no_time = false;
};

void PrintTiming(const char* label, const TimingInfo& t) {
  std::printf("%-10s median %.4f ms  p10 %.4f  p90 %.4f  n %zu", label, t.event_ms.median,
              t.event_ms.p10, t.event_ms.p90, t.event_ms.n);
  if (t.kernel_ms) std::printf("  (kernels %.4f ms)", t.kernel_ms->median);
  if (t.sm_clock_mhz > 0) std::printf("  SM %.0f MHz", t.sm_clock_mhz);
  std::printf("\n");
}

void PrintTable(const Task& task, const std::string& file, const EvalResult& r) {
  std::printf("task       %s\ncandidate  %s\ndevice     %s\nstatus     %s\n", task.name.c_str(),
              file.c_str(), r.device.c_str(), std::string(EvalStatusName(r.status)).c_str());
  if (!r.message.empty()) std::printf("message    %s\n", r.message.c_str());
  for (const auto& k : r.compile.kernels) {
    std::printf("kernel     %s: %d registers, %d B local, %d B static smem\n", k.kernel.c_str(),
                k.registers, k.local_bytes, k.static_smem_bytes);
  }
  double max_rel_l2 = 0;
  for (const auto& c : r.checks) max_rel_l2 = std::max(max_rel_l2, c.rel_l2_error);
  if (!r.checks.empty()) {
    std::printf("checks     %zu passed, max rel L2 error %.3g\n", r.checks.size(), max_rel_l2);
  }
  if (r.timing) PrintTiming("time", *r.timing);
  if (r.reference_timing) PrintTiming("reference", *r.reference_timing);
  if (r.speedup) {
    std::printf("speedup    %.3fx over the reference (noise band %.3f-%.3f)\n", r.speedup->value,
                r.speedup->low, r.speedup->high);
  }
  std::printf("wall       %.0f ms (compile %.0f ms%s)\n", r.wall_ms, r.compile.compile_ms,
              r.compile.cache_hit ? ", cached" : "");
}

int RunEval(EvalOptionsCli o) {
  Task task = FindTask(o.candidate.task);
  EvalRequest request;
  request.task = &task;
  request.source = ReadFile(o.candidate.file);
  request.file = o.candidate.file;
  request.tunables = ParseDefines(o.candidate.defines);
  request.options = o.eval;
  request.options.time = !o.no_time;
  CudaEvaluatorConfig config;
  config.device = o.device;
  CudaEvaluator evaluator(config);
  EvalResult result = evaluator.Evaluate(request);
  if (o.format == "json") {
    nlohmann::json j = ToJson(result);
    j["task"] = task.name;
    j["file"] = o.candidate.file;
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    PrintTable(task, o.candidate.file, result);
  }
  return result.ok() ? kExitOk : kExitFailure;
}

}  // namespace

void AddEvalCommand(CLI::App& app, GlobalOptions&, CommandRunner& run) {
  auto* cmd = app.add_subcommand("eval", "Compile, check and time one candidate on the GPU");
  auto options = std::make_shared<EvalOptionsCli>();
  AddCandidateOptions(cmd, options->candidate);
  cmd->add_option("--format", options->format, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  cmd->add_option("--device", options->device, "GPU index")->capture_default_str();
  cmd->add_option("--seeds", options->eval.seeds, "Correctness seeds per size")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  cmd->add_option("--timeout", options->eval.timeout_s, "Seconds before a hung candidate is killed")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--max-timing", options->eval.max_timing_s, "GPU seconds of timing per kernel")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--noise", options->eval.noise_target,
                  "Relative standard error of the median to stop timing at")
      ->capture_default_str();
  cmd->add_flag("--no-time", options->no_time, "Check correctness only");
  cmd->callback([&run, options] { run = [options] { return RunEval(*options); }; });
}

}  // namespace kopt::cli
