// SPDX-License-Identifier: Apache-2.0
// `kopt export`: the winning kernels of the leaderboard, each with a header of its key, GPU and
// measurements. As a standalone .cu file (its tunable choice made the default), or as a PyTorch
// package (torch_package.h), which needs the kernel compiled first.
#pragma once

#include "results/leaderboard.h"

#include <string>
#include <vector>

namespace kopt {

/// One kernel to export: a leaderboard entry with a winner, the winner's candidate, and the
/// name its files take: "<task>", with the task version's hash added when the export holds
/// several versions of the task ("<task>.<hash8>").
struct ExportItem {
  LeaderboardEntry entry;
  CandidateRecord candidate;
  std::string stem;
  /// No other GPU's winner of this task version is exported beside it.
  bool only_gpu = true;
  /// The NVRTC target of the run that measured it ("sm_90a"); "" when the store does not say.
  std::string arch;
};

struct ExportedKernel {
  std::string path;
  std::string task;
  std::string device;
  std::int64_t candidate_id = 0;
  std::int64_t evaluation_id = 0;
};

/// The winners the filter admits, in leaderboard order.
std::vector<ExportItem> ExportItems(Store& store, const LeaderboardFilter& filter);

/// The header of an exported kernel, one line each without a comment marker: task, GPU, kernel
/// key, candidate, measurements, speedups, plan, tunables. Text from the store (the plan) keeps
/// printable ASCII only, so no line of it can end a comment in C++ or Python.
std::vector<std::string> ExportHeader(const ExportItem& item);

/// The text of the exported .cu file: the header as comments, then the source. When the
/// candidate has tunables, its launch block is rewritten with the chosen value first in each
/// list, so the file evaluates as measured without -D flags.
std::string ExportText(const ExportItem& item);

/// "h100_80gb_hbm3" for "NVIDIA H100 80GB HBM3".
std::string DeviceSlug(const std::string& device);

/// Writes `<stem>.<gpu>.cu` into `out_dir` (created when missing) for every item. Throws Error
/// when a file cannot be written.
std::vector<ExportedKernel> ExportBest(Store& store, const LeaderboardFilter& filter,
                                       const std::string& out_dir);

}  // namespace kopt
