// SPDX-License-Identifier: Apache-2.0
// What `kopt optimize` shows: progress while the search runs (one line rewritten in place on a
// terminal, a line per iteration otherwise) and the summary of every task at the end.
#pragma once

#include "cli/torch_baselines.h"
#include "search/search.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace kopt::cli {

/// "$0.12".
std::string Money(double usd);

class ProgressView {
 public:
  /// `spend(task)` is a suffix such as ", LLM $0.12" (or "").
  ProgressView(bool terminal, std::function<std::string(const std::string&)> spend);
  /// Called by the search, serialized.
  void Update(const TaskProgress& p);
  /// Erases the status line (before other output).
  void Clear();

 private:
  void Draw();

  bool terminal_;
  std::function<std::string(const std::string&)> spend_;
  std::map<std::string, std::string> active_;
  std::map<std::string, int> last_iteration_;
  bool drawn_ = false;
};

/// One line per task: its best kernel, speedups (over the reference, the vendor library and
/// PyTorch eager and compiled, from `torch` by task content hash), roofline, counts, why it
/// stopped, LLM spend.
void PrintSummary(const std::vector<TaskOutcome>& outcomes, const std::vector<Task>& tasks,
                  const std::function<double(const Task&)>& spend,
                  const std::map<std::string, StoredTorchBaselines>& torch);
nlohmann::json OutcomeJson(const TaskOutcome& o, double usd);

}  // namespace kopt::cli
