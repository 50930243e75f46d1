// SPDX-License-Identifier: Apache-2.0
// What `kopt optimize` shows at the end: the summary of every task (progress_view.h shows the
// search while it runs).
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

/// One line per task: its best kernel, speedups (over the reference, the vendor library and
/// PyTorch eager and compiled, from `torch` by task content hash), roofline, counts, why it
/// stopped, LLM spend.
void PrintSummary(const std::vector<TaskOutcome>& outcomes, const std::vector<Task>& tasks,
                  const std::function<double(const Task&)>& spend,
                  const std::map<std::string, StoredTorchBaselines>& torch);
nlohmann::json OutcomeJson(const TaskOutcome& o, double usd);

}  // namespace kopt::cli
