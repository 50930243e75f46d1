// SPDX-License-Identifier: Apache-2.0
// Profiling overhead benchmark (run on the GPU machine by scripts/gpu_profile_check.sh): the
// time --profile adds to each quick-suite starter kernel (and the two-kernel reduce_sum), the
// deep set's, and what measuring the
// device's peaks costs a worker that finds none cached. Each figure beside its target.
#include "core/json_fields.h"
#include "core/profile_text.h"
#include "evaluator/cuda_evaluator.h"
#include "evaluator/nvrtc_compiler.h"
#include "evaluator/worker/peak_cache.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace fs = std::filesystem;
using namespace kopt;
using Clock = std::chrono::steady_clock;

namespace {

// The build's paths, unless the environment says the tree or the binary moved.
std::string FromEnv(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

double Since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

EvalResult Run(CudaEvaluator& e, const Task& task, const fs::path& file, ProfileLevel level) {
  EvalRequest r;
  r.task = &task;
  r.file = file.filename().string();
  r.candidate = TryMakeCandidate(task, ReadFile(file.string()), {}, r.file);
  r.options.profile = level;
  r.options.timeout_s = 120;
  return e.Evaluate(r);
}

void Row(const char* what, double value, const char* unit, const char* target, bool ok) {
  std::printf("%-58s %10.1f %-4s %-12s %s\n", what, value, unit, target, ok ? "ok" : "MISSED");
}

CudaEvaluator MakeEvaluator() {
  CudaEvaluatorConfig config;
  config.worker_binary = FromEnv("KOPT_BINARY", KOPT_BINARY);
  return CudaEvaluator(config);
}

}  // namespace

int Bench();

int main() {
  try {
    return Bench();
  } catch (const std::exception& e) {
    std::printf("profile_bench: %s\n", e.what());
    return 1;
  }
}

int Bench() {
  fs::path root = FromEnv("KOPT_SOURCE_DIR", KOPT_SOURCE_DIR);
  const char* names[] = {"gemm_fp32", "softmax_rows", "rmsnorm_bf16", "reduce_sum",
                         "transpose_fp32"};

  // Peaks: a worker that finds none cached measures them at start.
  DeviceInfo device;
  double start_measuring_ms = 0, start_cached_ms = 0, measure_ms = 0;
  {
    CudaEvaluator probe = MakeEvaluator();
    device = probe.Device();
  }
  fs::remove(PeakCachePath(DefaultCacheDir(), device));
  {
    CudaEvaluator measuring = MakeEvaluator();
    auto t = Clock::now();
    DeviceInfo d = measuring.Device();
    start_measuring_ms = Since(t);
    measure_ms = d.peaks ? d.peaks->measure_ms : -1;
    if (d.peaks) device.peaks = d.peaks;
  }
  {
    CudaEvaluator cached = MakeEvaluator();
    auto t = Clock::now();
    cached.Device();
    start_cached_ms = Since(t);
  }

  // Overhead: a fresh worker, so the first profile pays CUPTI's setup.
  CudaEvaluator evaluator = MakeEvaluator();
  evaluator.Device();
  std::printf("device: %s; peaks: DRAM %.0f GB/s, fp32 %.1f, bf16 %.0f, fp16 %.0f TFLOP/s\n\n",
              device.name.c_str(), device.peaks ? device.peaks->dram_gbps : 0,
              device.peaks ? device.peaks->fp32_tflops : 0,
              device.peaks ? device.peaks->bf16_tflops : 0,
              device.peaks ? device.peaks->fp16_tflops : 0);
  std::printf("%-16s %9s %9s %9s %9s %9s %6s  %s\n", "task", "eval ms", "+profile", "profile",
              "deep", "deep ms", "passes", "profile text");
  double max_added = 0, max_profile = 0, first_profile = 0, max_deep = 0;
  std::vector<double> later;
  bool all_counters = true;
  for (const char* name : names) {
    // The quick suite's starter kernels, and reduce_sum's two-kernel candidate from the core suite.
    bool quick = std::string(name) != "reduce_sum";
    Task task = LoadTask((root / (quick ? "tasks/quick" : "tasks/core") / name).string());
    fs::path file = quick ? fs::path(task.dir) / "starter.cu"
                          : root / "tests/data/candidates/good/reduce_sum.cu";
    Run(evaluator, task, file, ProfileLevel::kNone);  // compiles, times the reference
    EvalResult plain = Run(evaluator, task, file, ProfileLevel::kNone);
    EvalResult profiled = Run(evaluator, task, file, ProfileLevel::kDefault);
    EvalResult deep = Run(evaluator, task, file, ProfileLevel::kDeep);
    if (!profiled.profile || !deep.profile || !plain.ok()) {
      std::printf("%-16s failed: %s %s\n", name, plain.message.c_str(), profiled.message.c_str());
      all_counters = false;
      continue;
    }
    const Profile& p = *profiled.profile;
    all_counters = all_counters && p.counters && deep.profile->counters;
    double added = profiled.wall_ms - plain.wall_ms;
    max_added = std::max(max_added, added);
    max_profile = std::max(max_profile, p.wall_ms);
    max_deep = std::max(max_deep, deep.profile->wall_ms);
    if (first_profile == 0) {
      first_profile = p.wall_ms;
    } else {
      later.push_back(p.wall_ms);
    }
    std::printf("%-16s %9.0f %9.0f %9.0f %9.0f %9.0f %6d  %s\n", name, plain.wall_ms, added,
                p.wall_ms, deep.wall_ms, deep.profile->wall_ms, deep.profile->passes,
                ProfileText(p, profiled.roofline).c_str());
    if (!p.note.empty()) std::printf("%-16s note: %s\n", "", p.note.c_str());
  }
  std::sort(later.begin(), later.end());
  double typical = later.empty() ? 0 : later[later.size() / 2];

  std::printf("\n%-58s %10s %-4s %-12s\n", "figure", "value", "unit", "target");
  Row("profiling time per candidate, worst of the five tasks", max_profile, "ms", "<= 1000 ms",
      max_profile <= 1000 && all_counters);
  Row("  the first in a worker (CUPTI setup included)", first_profile, "ms", "(figure)", true);
  Row("  later ones, median", typical, "ms", "(figure)", true);
  Row("evaluation wall time added by --profile, worst task", max_added, "ms", "<= 1000 ms",
      max_added <= 1000);
  Row("deep set, worst task", max_deep, "ms", "(figure)", true);
  Row("peak measurement at worker start (nothing cached)", measure_ms, "ms", "<= 1000 ms",
      measure_ms >= 0 && measure_ms <= 1000);
  Row("  worker start, measuring the peaks", start_measuring_ms, "ms", "(figure)", true);
  Row("  worker start, peaks cached", start_cached_ms, "ms", "(figure)", true);
  return 0;
}
