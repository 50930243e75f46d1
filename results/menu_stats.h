// SPDX-License-Identifier: Apache-2.0
// What the store says about each menu option: per option, op class, GPU and model, how often an
// LLM planned it, how many of its kernels compiled, were correct, and beat their parent on that
// GPU, and the median gain of those that were correct. A query over Store, like the leaderboard.
#pragma once

#include "results/store.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace kopt {

/// Empty strings match everything; `gpu` matches a device name containing it, ignoring case.
struct MenuStatsFilter {
  std::string op_class;
  std::string gpu;
  std::string model;
  /// Only what runs before this one recorded: the record as that run found it when it began, so
  /// a resumed run weighs its menu as it did the first time.
  std::optional<std::int64_t> before_run;
};

struct MenuOptionStats {
  std::string option;  // a menu option id, or "invented" (a plan that named none)
  std::string op_class;
  std::string device;
  std::string model;
  int planned = 0;                    // distinct plans (task, parent, plan text)
  int kernels = 0;                    // kernels written for those plans and evaluated on this GPU
  int compiled = 0;                   // of them, not a compile error
  int correct = 0;                    // correct at their latest evaluation
  int improved = 0;                   // correct and faster than their parent on this GPU
  std::optional<double> median_gain;  // parent latency / kernel latency, over the correct ones
};

/// Sorted by op class, device, model, then the most kernels first.
std::vector<MenuOptionStats> QueryMenuStats(Store& store, const MenuStatsFilter& filter = {});
nlohmann::json ToJson(const MenuOptionStats& stats);

}  // namespace kopt
