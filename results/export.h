// SPDX-License-Identifier: Apache-2.0
// `kopt export`: the winning kernels of the leaderboard as standalone .cu files, each with a
// header comment of its measurements and its launch block, its tunable choice made the default.
#pragma once

#include "results/leaderboard.h"

#include <string>
#include <vector>

namespace kopt {

struct ExportedKernel {
  std::string path;
  std::string task;
  std::string device;
  std::int64_t candidate_id = 0;
  std::int64_t evaluation_id = 0;
};

/// The text of the exported file: a header comment, then the source. When the candidate has
/// tunables, its launch block is rewritten with the chosen value first in each list, so the file
/// evaluates as measured without -D flags.
std::string ExportText(const LeaderboardEntry& entry, const CandidateRecord& candidate);

/// "h100_80gb_hbm3" for "NVIDIA H100 80GB HBM3".
std::string DeviceSlug(const std::string& device);

/// Writes `<task>.<gpu>.cu` into `out_dir` (created when missing) for every leaderboard entry
/// the filter admits that has a winner; `<task>.<hash8>.<gpu>.cu` when several versions of a
/// task are exported. Throws Error when a file cannot be written.
std::vector<ExportedKernel> ExportBest(Store& store, const LeaderboardFilter& filter,
                                       const std::string& out_dir);

}  // namespace kopt
