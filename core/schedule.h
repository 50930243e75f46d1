// SPDX-License-Identifier: Apache-2.0
// A schedule: the chain of plans that led from a task's reference to its winning kernel on one
// GPU, each step with what it gained and the alternatives tried beside it that failed or did not
// help, plus what similarity needs to know about the task and the GPU. Derived from a store's
// lineage (results/schedule_extraction), moved between stores and teams as JSON (format
// "kopt-schedule/1"), matched against new tasks (core/task_similarity) and replayed there.
#pragma once

#include "core/expr.h"
#include "core/launch_block.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kopt {

struct Task;

/// The step's option when its plan named no menu option.
inline constexpr const char* kInventedOption = "invented";

/// A sibling of a step: another child of the same parent that failed or did not beat the parent.
struct ScheduleAlternative {
  std::string option;             // menu option id, "tune" or "invented"
  std::string plan;               // the plan's first line
  std::string status;             // an EvalStatus name; "slower" when correct without a gain
  std::optional<double> speedup;  // over the reference, when correct and timed
};

/// One step: the plan that turned the previous step's kernel into this one.
struct ScheduleStep {
  std::string option;  // menu option id, "tune" (other tunable values), or kInventedOption
  std::string plan;    // the full plan text ("" for a tune step)
  std::string proposer;
  std::string kernel_key;
  TunableChoice tunables;
  std::optional<double> latency_ms;  // median, on the schedule's GPU
  std::optional<double> speedup;     // over the reference, after this step
  std::optional<double> gain;        // the previous step's latency over this one's
  std::vector<ScheduleAlternative> tried;
};

/// What similarity needs to know about the task a schedule was made on.
struct TaskProfile {
  std::string name;
  std::string suite;
  std::string content_hash;
  std::string op_class;
  std::vector<std::string> input_dtypes;   // in the task's tensor order
  std::vector<std::string> output_dtypes;  // likewise
  SymbolTable symbols;                     // the timed size
  double flops = 0;                        // at the timed size, from the task's cost model
  double bytes = 0;
};

struct Schedule {
  std::int64_t id = 0;  // the store's row; 0 until stored
  TaskProfile task;
  std::string gpu;   // the device's name, "NVIDIA H100 80GB HBM3"
  std::string arch;  // the compile target, "sm_90a"
  std::vector<ScheduleStep> steps;
  std::optional<double> latency_ms;  // the winner's
  std::optional<double> speedup;     // the winner's, over the reference
  /// The winner's source (its tunables are the last step's), so a similar task can start from
  /// the kernel itself (reuse by kernel transfer); "" in files written before it was kept.
  std::string kernel_source;
  /// "local": derived from this store's lineage (source_candidate_id is the winner's row);
  /// "imported": read from a file.
  std::string origin = "local";
  std::optional<std::int64_t> source_candidate_id;
  std::string created_at;
};

/// The task's profile at its timed size.
TaskProfile ProfileOf(const Task& task, const std::string& suite);

nlohmann::json ToJson(const Schedule& schedule);
/// Reads a schedule written by ToJson; every error names `file` and the field. The id, origin,
/// source row and creation time are the reading store's to set.
Schedule ScheduleFromJson(const nlohmann::json& j, const std::string& file);
/// SHA-256 over what a schedule says (its task, GPU and steps), not where it is stored: the same
/// schedule exported and imported twice is one row.
std::string ScheduleFingerprint(const Schedule& schedule);

}  // namespace kopt
