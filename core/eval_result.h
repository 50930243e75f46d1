// SPDX-License-Identifier: Apache-2.0
// What one evaluation of a candidate produced: a status at the stage where it stopped, a message
// a person or an LLM can act on, and whatever was measured up to there.
#pragma once

#include "core/profile.h"
#include "core/stage_clock.h"
#include "core/stats.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace kopt {

/// The stage an evaluation ended at. The names are stored and never change.
enum class EvalStatus { kCorrect, kCompileError, kLaunchError, kWrongAnswer, kCrashed, kTimeout };

std::string_view EvalStatusName(EvalStatus status);
std::optional<EvalStatus> ParseEvalStatus(std::string_view name);

/// Registers, spills and shared memory of one compiled kernel.
struct KernelResources {
  std::string kernel;
  int registers = 0;
  int spill_store_bytes = 0;
  int spill_load_bytes = 0;
  int local_bytes = 0;  // per thread: spills plus stack arrays
  int static_smem_bytes = 0;
};

struct CompileInfo {
  std::string log;
  double compile_ms = 0;
  bool cache_hit = false;
  std::vector<KernelResources> kernels;
};

/// One correctness check: a seed on a size.
struct CheckRecord {
  std::uint64_t seed = 0;
  std::string size;  // "M=4096 N=4096 K=4096"
  bool ok = false;
  double max_abs_error = 0;
  double max_rel_error = 0;
  double rel_l2_error = 0;
};

struct TimingInfo {
  Summary event_ms;                  // CUDA events around the whole launch sequence
  std::optional<Summary> kernel_ms;  // CUPTI activity: sum of the sequence's kernel durations
  double sm_clock_mhz = 0;
  int input_sets = 0;                // inputs rotated among while timing
  std::vector<std::uint64_t> seeds;  // of those input sets (never a correctness check's)
  int verified_samples = 0;          // timed runs whose outputs were checked (0: not checked)
  std::string launch_variant;        // the launch variant timed (VariantText); "": no variants
};

/// The vendor library's time for the same task (task.json `baseline`, tasks/README.md).
struct BaselineTiming {
  std::string name;  // "cuBLASLt gemm bf16 (gelu+bias)"
  TimingInfo timing;
};

/// Where a timed result sits against the device's measured ceilings: the floor is the larger of
/// bytes over peak bandwidth and FLOPs over peak compute for the task's dtype.
struct Roofline {
  double achieved_gbps = 0;
  double achieved_tflops = 0;
  double floor_ms = 0;
  double fraction = 0;       // floor_ms / measured median: 1.0 is at the roofline
  std::string bound;         // "memory" or "compute"
  bool suspicious = false;   // faster than the specification allows: never wins
  double spec_floor_ms = 0;  // the floor of the specification's ceilings (0: unknown)

  double time_ms = 0;        // the time measured against the floor (CUPTI kernels, else events)
  double peak_gbps = 0;      // the ceilings used (core/roofline.h says which applies)
  double peak_tflops = 0;    // 0: no compute ceiling applies
  std::string compute_peak;  // "fp32 FMA", "bf16 tensor cores", ...
};

/// One compute-sanitizer tool's verdict on a candidate.
struct SanitizerTool {
  std::string tool;  // memcheck, racecheck, initcheck, synccheck
  int errors = 0;
  int warnings = 0;
  std::string first_error;  // the report's first fatal finding, for the message
  std::string note;         // how it ended when not cleanly ("timed out after 300 s")

  /// The findings that demote a kernel: errors, and racecheck's warnings too. racecheck warns
  /// of hazards that hold only if a warp runs in lockstep, which Volta and later GPUs do not
  /// promise (independent thread scheduling), so on the GPUs kopt targets they are races.
  int fatal_findings() const { return errors + (tool == "racecheck" ? warnings : 0); }
};

/// Whether the sanitizer pass ran and what it found (`kopt eval --sanitize`, a task's new best).
struct SanitizerReport {
  bool ran = false;
  std::string note;  // why it did not run ("compute-sanitizer not found")
  std::vector<SanitizerTool> tools;
  double wall_ms = 0;
  bool clean() const {
    if (!ran) return false;
    for (const auto& t : tools) {
      if (t.fatal_findings() > 0) return false;
    }
    return true;
  }
};

struct EvalResult {
  EvalStatus status = EvalStatus::kCrashed;
  std::string message;
  /// The check that failed it ("tolerance", "timed_outputs", ...; evaluator/README.md lists
  /// them); "" when correct or when no check applies (a compile error).
  std::string check;
  CompileInfo compile;
  std::vector<CheckRecord> checks;
  std::optional<TimingInfo> timing;
  std::optional<TimingInfo> reference_timing;
  std::optional<Speedup> speedup;  // over the reference, medians of event time
  std::optional<BaselineTiming> baseline;
  std::optional<Speedup> baseline_speedup;  // over the vendor baseline
  std::optional<Roofline> roofline;
  std::optional<Profile> profile;            // hardware counters and resources, when asked for
  std::optional<SanitizerReport> sanitizer;  // when asked for
  std::string device;
  double wall_ms = 0;
  /// Where wall_ms went, stage by stage (core/stage_clock.h); stored, never compared.
  StageTimes stage_ms;

  bool ok() const { return status == EvalStatus::kCorrect; }
};

nlohmann::json ToJson(const Summary& s);
Summary SummaryFromJson(const nlohmann::json& j);
nlohmann::json ToJson(const TimingInfo& t);
TimingInfo TimingFromJson(const nlohmann::json& j);
/// Each kernel's registers, spills, local memory and static shared memory, as `kernels` in an
/// EvalResult's JSON (and `kopt compile --format json`).
nlohmann::json ToJson(const std::vector<KernelResources>& resources);
nlohmann::json ToJson(const EvalResult& r);
EvalResult EvalResultFromJson(const nlohmann::json& j);

}  // namespace kopt
