// SPDX-License-Identifier: Apache-2.0
// How alike two tasks are for reusing a schedule made on one of them on the other: a score from 0
// (unusable) to 1 (the same task on the same architecture), with the reasons in words. The order
// of importance is fixed (docs/schedules.md has the weights): the architecture is a hard filter (a
// wgmma step is useless on sm_80); then the op class and the dtypes; then the size regime
// (decode-like, tall and skinny, split-K territory, memory- or compute-bound, arithmetic
// intensity); then the aspect ratio and the dimensions the two share.
#pragma once

#include "core/schedule.h"

#include <string>
#include <vector>

namespace kopt {

/// The shape of a task's work at its timed size, as far as a schedule's choices depend on it.
struct SizeRegime {
  double intensity = 0;      // FLOPs per byte of the cost model
  bool memory_bound = true;  // intensity under kComputeBoundIntensity
  bool decode_like = false;  // a GEMM whose M (or N) is at most 16: one row of tokens at a time
  bool tall_skinny = false;  // a GEMM whose largest of M, N is 16x its smallest (above 16)
  bool split_k = false;      // a GEMM whose K is at least 8x max(M, N): split-K territory
  double aspect = 1;         // the largest symbol over the second largest (1 with one symbol)
};

/// FLOPs per byte above which a task counts as compute-bound: about the ridge of fp32 FMA on
/// an H100 or H200 (67 TFLOP/s over 3.35-4.8 TB/s is 14-20); tensor-core ridges are higher, so a
/// bf16 GEMM counts as compute-bound from here on too, as it should for a schedule's choices.
inline constexpr double kComputeBoundIntensity = 10;

SizeRegime RegimeOf(const TaskProfile& task);

struct Similarity {
  double score = 0;  // 0 when the hard filter fails
  std::vector<std::string> reasons;
};

/// The reasons as one line: "same op class (gemm); same dtypes; ...".
std::string ReasonsText(const std::vector<std::string>& reasons);

/// How well a schedule made for `from` on `from_arch` should carry over to `to` on `to_arch`.
/// An empty `to_arch` skips the hard filter (the reasons say so).
Similarity ScoreSimilarity(const TaskProfile& from, const std::string& from_arch,
                           const TaskProfile& to, const std::string& to_arch);

/// A schedule chosen for a task, with how alike their tasks are.
struct ScheduleMatch {
  const Schedule* schedule = nullptr;
  Similarity similarity;
};

/// The schedules of `available` worth replaying on `to` on `arch`: another task version's (a
/// task's own schedules are not replayed on it: its winner is already measured) that pass the
/// architecture filter and score at least `min_score`; at most `limit`, most similar first
/// (then the larger speedup, then the lower id).
std::vector<ScheduleMatch> MatchSchedules(const std::vector<Schedule>& available,
                                          const TaskProfile& to, const std::string& arch,
                                          std::size_t limit, double min_score);

}  // namespace kopt
