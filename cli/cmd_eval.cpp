// SPDX-License-Identifier: Apache-2.0
// `kopt eval TASK FILE.cu`: compiles, checks and times one candidate on the GPU, against the
// task's reference, records it in the results store (or answers from it), and prints the result
// (a table, or JSON with --format json).
#include "cli/candidate_options.h"
#include "cli/print.h"
#include "cli/store_access.h"
#include "cli/task_lookup.h"
#include "cli/torch_baselines.h"
#include "cli/validators.h"
#include "core/json_fields.h"
#include "core/profile_text.h"
#include "evaluator/cuda_evaluator.h"
#include "results/recording_evaluator.h"

namespace kopt::cli {
namespace {

struct EvalOptionsCli {
  CandidateOptions candidate;
  std::string format = "table";
  int device = 0;
  EvalOptions eval;
  bool no_time = false;
  std::string profile;  // "", "default" or "deep"
  std::vector<std::string> metrics;
  bool force = false;
  TorchOptions torch;
};

void PrintTiming(const char* label, const TimingInfo& t) {
  Print("%-10s median %.4f ms  p10 %.4f  p90 %.4f  n %zu", label, t.event_ms.median, t.event_ms.p10,
        t.event_ms.p90, t.event_ms.n);
  if (t.kernel_ms) Print("  (kernels %.4f ms)", t.kernel_ms->median);
  if (t.sm_clock_mhz > 0) Print("  SM %.0f MHz", t.sm_clock_mhz);
  Print("\n");
  if (!t.launch_variant.empty()) Print("%-10s %s\n", "", ("ran " + t.launch_variant).c_str());
}

void PrintRoofline(const Roofline& f) {
  Print("roofline   %.0f GB/s, %.2f TFLOP/s in %.4f ms; floor %.4f ms (%s-bound: %.0f GB/s",
        f.achieved_gbps, f.achieved_tflops, f.time_ms, f.floor_ms, f.bound.c_str(), f.peak_gbps);
  if (f.peak_tflops > 0) Print(", %.1f TFLOP/s %s", f.peak_tflops, f.compute_peak.c_str());
  Print("): %.0f%% of the roofline%s\n", f.fraction * 100,
        f.suspicious ? "; SUSPICIOUS: faster than the hardware allows" : "");
}

// One line of derived fields per kernel ("counters" lines are read by
// scripts/gpu_profile_check.sh: keep name, duration and DRAM in front).
void PrintFields(const char* label, const KernelProfile& k) {
  const ProfileFields& f = k.fields;
  Print("%-10s %s: %.4f ms, DRAM %.1f%%", label, k.kernel.c_str(), f.duration_ms.value_or(0),
        f.dram_pct.value_or(0));
  auto pct = [](const char* name, const std::optional<double>& v) {
    if (v) Print(", %s %.1f%%", name, *v);
  };
  pct("occupancy", f.occupancy_pct);
  pct("L1 hit", f.l1_hit_pct);
  pct("L2 hit", f.l2_hit_pct);
  pct("SM", f.sm_pct);
  pct("memory", f.memory_pct);
  pct("tensor", f.tensor_pct);
  pct("FMA", f.fma_pct);
  pct("issue", f.issue_pct);
  if (f.ipc) Print(", IPC %.2f", *f.ipc);
  if (f.sm_clock_mhz) Print(", clock %.0f MHz", *f.sm_clock_mhz);
  Print("\n");
}

void PrintProfile(const Profile& p, const std::optional<Roofline>& roofline) {
  Print("profile    %s metrics on %s, %d pass%s, %.0f ms%s\n",
        std::string(ProfileLevelName(p.level)).c_str(), p.chip.empty() ? "?" : p.chip.c_str(),
        p.passes, p.passes == 1 ? "" : "es", p.wall_ms, p.counters ? "" : ", no hardware counters");
  if (!p.note.empty()) Print("           %s\n", p.note.c_str());
  for (const auto& k : p.kernels) {
    if (p.counters) PrintFields("counters", k);
    const KernelShape& s = k.shape;
    Print(
        "occupancy  %s: theoretical %.0f%% (%d blocks of %d threads per SM), %d registers, "
        "%d B local, %d B spill stores, %d B static + %d B dynamic smem\n",
        k.kernel.c_str(), s.theoretical_occupancy_pct, s.blocks_per_sm, s.block_threads,
        s.registers, s.local_bytes, s.spill_store_bytes, s.static_smem_bytes, s.dynamic_smem_bytes);
    if (p.level != ProfileLevel::kDeep) continue;
    for (const auto& [name, value] : k.metrics) {
      Print("metric     %s %s = %g\n", k.kernel.c_str(), name.c_str(), value);
    }
  }
  if (p.counters && p.kernels.size() > 1) PrintFields("sequence", p.summary);
  Print("summary    %s\n", ProfileText(p, roofline).c_str());
}

// One PyTorch baseline and this kernel against it, or why it has no timing.
void PrintTorch(const char* label, const std::optional<TorchBaselineRecord>& b,
                const EvalResult& r) {
  if (!b) return;
  if (!b->event_ms) {
    Print("%-10s no timing: %s\n", label, b->error.c_str());
    return;
  }
  Print("%-10s median %.4f ms  p10 %.4f  p90 %.4f  n %zu (PyTorch %s", label, b->event_ms->median,
        b->event_ms->p10, b->event_ms->p90, b->event_ms->n, b->torch_version.c_str());
  if (b->compile_ms) Print(", compiled in %.1f s", *b->compile_ms / 1000);
  Print(")\n");
  if (r.timing) {
    Print(
        "%-10s %s\n", "",
        ("this kernel " + SpeedupText(CompareMedians(*b->event_ms, r.timing->event_ms)) + " faster")
            .c_str());
  }
}

nlohmann::json TorchJson(const std::optional<TorchBaselineRecord>& b, const EvalResult& r) {
  if (!b) return nullptr;
  nlohmann::json j = {{"torch", b->torch_version}, {"triton", b->triton_version},
                      {"error", b->error},         {"compile_ms", nullptr},
                      {"event_ms", nullptr},       {"speedup", nullptr}};
  if (b->compile_ms) j["compile_ms"] = *b->compile_ms;
  if (b->event_ms) {
    j["event_ms"] = ToJson(*b->event_ms);
    if (r.timing) {
      Speedup s = CompareMedians(*b->event_ms, r.timing->event_ms);
      j["speedup"] = {{"value", s.value}, {"low", s.low}, {"high", s.high}};
    }
  }
  return j;
}

void PrintTable(const Task& task, const std::string& file, const EvalResult& r,
                const StoredTorchBaselines& torch) {
  Print("task       %s\ncandidate  %s\ndevice     %s\nstatus     %s\n", task.name.c_str(),
        file.c_str(), r.device.c_str(), std::string(EvalStatusName(r.status)).c_str());
  if (!r.message.empty()) Print("message    %s\n", r.message.c_str());
  if (!r.check.empty())
    Print("check      %s (evaluator/README.md lists the checks)\n", r.check.c_str());
  for (const auto& k : r.compile.kernels) {
    Print("kernel     %s: %d registers, %d B local, %d B static smem\n", k.kernel.c_str(),
          k.registers, k.local_bytes, k.static_smem_bytes);
  }
  double max_rel_l2 = 0;
  for (const auto& c : r.checks) max_rel_l2 = std::max(max_rel_l2, c.rel_l2_error);
  if (!r.checks.empty()) {
    Print("checks     %zu passed, max rel L2 error %.3g\n", r.checks.size(), max_rel_l2);
  }
  if (r.timing) PrintTiming("time", *r.timing);
  if (r.sanitizer) {
    if (!r.sanitizer->ran) {
      Print("sanitizer  not run: %s\n", r.sanitizer->note.c_str());
    } else {
      Print("sanitizer  %s in %.1f s:", r.sanitizer->clean() ? "clean" : "FOUND ERRORS",
            r.sanitizer->wall_ms / 1000);
      for (const auto& t : r.sanitizer->tools) {
        Print(" %s %d error(s) %d warning(s)%s;", t.tool.c_str(), t.errors, t.warnings,
              t.note.empty() ? "" : (" (" + t.note + ")").c_str());
      }
      Print("\n");
    }
  }
  if (r.reference_timing) PrintTiming("reference", *r.reference_timing);
  if (r.speedup) {
    Print("speedup    %.3fx over the reference (noise band %.3f-%.3f)\n", r.speedup->value,
          r.speedup->low, r.speedup->high);
  }
  PrintTorch("torch", torch.eager, r);
  PrintTorch("compiled", torch.compiled, r);
  if (r.roofline) PrintRoofline(*r.roofline);
  if (r.profile) PrintProfile(*r.profile, r.roofline);
  Print("wall       %.0f ms (compile %.0f ms%s)\n", r.wall_ms, r.compile.compile_ms,
        r.compile.cache_hit ? ", cached" : "");
  if (!r.stage_ms.empty()) Print("stages     %s\n", StageTimesText(r.stage_ms).c_str());
}

nlohmann::json RunConfig(const EvalOptionsCli& o, const Task& task) {
  return {{"task", task.name},
          {"task_dir", task.dir},
          {"file", o.candidate.file},
          {"defines", o.candidate.defines},
          {"device", o.device},
          {"seeds", o.eval.seeds},
          {"pool_size", o.eval.pool_size},
          {"time", !o.no_time},
          {"noise_target", o.eval.noise_target},
          {"max_timing_s", o.eval.max_timing_s},
          {"min_samples", o.eval.min_samples},
          {"timeout_s", o.eval.timeout_s},
          {"sanitize", o.eval.sanitize},
          {"force", o.force}};
}

int RunEval(EvalOptionsCli o, const GlobalOptions& global) {
  Task task = FindTask(o.candidate.task);
  EvalRequest request;
  request.task = &task;
  request.candidate = TryMakeCandidate(task, ReadFile(o.candidate.file),
                                       ParseDefines(o.candidate.defines), o.candidate.file);
  request.file = o.candidate.file;
  request.options = o.eval;
  request.options.time = !o.no_time;
  if (!o.metrics.empty() && o.profile.empty()) o.profile = "default";
  if (!o.profile.empty()) {
    if (o.no_time) {
      throw ConfigError("--profile runs after timing; it cannot be combined with --no-time");
    }
    request.options.profile = *ParseProfileLevel(o.profile);
    request.options.profile_metrics = o.metrics;
  }
  CudaEvaluatorConfig config;
  config.device = o.device;
  CudaEvaluator evaluator(config);
  if (!request.candidate.ok()) {
    // A text that is not a candidate needs no GPU to be told so: without one, say it first.
    try {
      evaluator.Device();
    } catch (const Error& e) {
      PrintError("kopt: not a candidate: %s\nkopt: not recorded in the store: %s\n",
                 request.candidate.error().message.c_str(), e.what());
      return kExitFailure;
    }
  }
  std::unique_ptr<TorchRunner> torch_runner = MakeTorchRunner(o.torch, o.device);
  // The GPU's name is part of the evaluation cache key. Without a driver this fails here,
  // before the store is touched.
  DeviceInfo device = evaluator.Device();

  Store store(global.db_path);
  std::int64_t run_id = store.BeginRun(CurrentRunInfo("eval", global, RunConfig(o, task), &device));
  RecordedEvaluation recorded;
  try {
    RecordingEvaluator recording(store, evaluator, {device.name, run_id, o.force});
    recorded = recording.EvaluateAndRecord(request);
  } catch (const std::exception& e) {
    store.FinishRun(run_id, "failed", e.what());
    throw;
  }
  const EvalResult& result = recorded.result;
  StoredTorchBaselines torch;
  if (result.timing) {
    torch = EnsureTorchBaselines(store, run_id, recorded.task_id, task, device.name, evaluator,
                                 torch_runner.get(), o.force);
  }
  std::string outcome = "candidate " + std::to_string(recorded.candidate_id) + ": " +
                        std::string(EvalStatusName(result.status));
  if (recorded.from_store) {
    outcome += " (from the store, evaluation " + std::to_string(recorded.evaluation_id) + ")";
  }
  store.FinishRun(run_id, "ok", outcome);
  std::string recorded_at;
  if (recorded.from_store) recorded_at = store.GetEvaluation(recorded.evaluation_id)->created_at;

  if (o.format == "json") {
    nlohmann::json j = ToJson(result);
    j["task"] = task.name;
    j["file"] = o.candidate.file;
    if (result.profile) j["profile_text"] = ProfileText(*result.profile, result.roofline);
    j["torch_eager"] = TorchJson(torch.eager, result);
    j["torch_compile"] = TorchJson(torch.compiled, result);
    j["torch_runner"] = TorchRunnerText(torch_runner.get());
    j["store"] = {{"db", global.db_path},
                  {"run_id", run_id},
                  {"task_id", recorded.task_id},
                  {"candidate_id", recorded.candidate_id},
                  {"evaluation_id", recorded.evaluation_id},
                  {"from_store", recorded.from_store}};
    PrintJson(j);
  } else {
    PrintTable(task, o.candidate.file, result, torch);
    if (result.timing && !torch.eager && torch_runner) {
      Print("torch      no baseline: %s\n", TorchRunnerText(torch_runner.get()).c_str());
    }
    if (recorded.from_store) {
      Print(
          "from store evaluation %lld of candidate %lld, recorded %s in %s (the same kernel, "
          "task and GPU); --force measures again\n",
          static_cast<long long>(recorded.evaluation_id),
          static_cast<long long>(recorded.candidate_id), ShortTime(recorded_at).c_str(),
          global.db_path.c_str());
    } else {
      Print("stored     candidate %lld, evaluation %lld, run %lld in %s\n",
            static_cast<long long>(recorded.candidate_id),
            static_cast<long long>(recorded.evaluation_id), static_cast<long long>(run_id),
            global.db_path.c_str());
    }
  }
  if (result.profile && !result.profile->error.empty()) {
    PrintError("kopt: --metrics: %s\n", result.profile->error.c_str());
    return kExitUsage;
  }
  return result.ok() ? kExitOk : kExitFailure;
}

}  // namespace

CommandRunner SetupEval(CLI::App* cmd, GlobalOptions& global) {
  auto options = std::make_shared<EvalOptionsCli>();
  AddCandidateOptions(cmd, options->candidate);
  cmd->add_option("--format", options->format, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  cmd->add_option("--device", options->device, "GPU index")->capture_default_str();
  cmd->add_option("--seeds", options->eval.seeds, "Correctness seeds per size")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  cmd->add_option("--timeout", options->eval.timeout_s, "Seconds before a hung candidate is killed")
      ->check(Positive())
      ->capture_default_str();
  cmd->add_option("--max-timing", options->eval.max_timing_s, "GPU seconds of timing per kernel")
      ->check(Positive())
      ->capture_default_str();
  cmd->add_option("--noise", options->eval.noise_target,
                  "Relative standard error of the median to stop timing at")
      ->capture_default_str();
  cmd->add_flag("--no-time", options->no_time, "Check correctness only");
  cmd->add_flag("--sanitize", options->eval.sanitize,
                "After a correct result, run compute-sanitizer (memcheck, racecheck, initcheck, "
                "synccheck) over the checks at the check sizes");
  cmd->add_flag("--profile{default}", options->profile,
                "Hardware counters after timing: --profile (one pass) or --profile=deep")
      ->check(CLI::IsMember({"default", "deep"}));
  cmd->add_option("--metrics", options->metrics,
                  "Extra CUPTI metrics to collect (comma-separated; implies --profile)")
      ->delimiter(',');
  cmd->add_flag("--force", options->force,
                "Evaluate even when the store has a result for this kernel, task and GPU (and "
                "measure the PyTorch baselines again)");
  AddTorchOptions(cmd, options->torch);
  return [&global, options] { return RunEval(*options, global); };
}

}  // namespace kopt::cli
