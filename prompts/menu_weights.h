// SPDX-License-Identifier: Apache-2.0
// Learned menu dropout (`kopt optimize --menu-weights learned`): options whose kernels more often
// beat their parents are shown more often, every option keeps a floor chance, and the menu
// shows as many options on average as uniform dropout does. The record comes from the store
// (results/menu_stats.h) for one op class and GPU, as it stood when the run began.
#pragma once

#include "prompts/menu.h"

#include <map>
#include <string>
#include <vector>

namespace kopt {

/// One option's record: kernels written for its plans on this GPU, and how many beat their parent.
struct OptionRecord {
  int kernels = 0;
  int improved = 0;
};

struct MenuWeightOptions {
  double keep = 0.5;   // the uniform keep probability: the mean chance stays this
  double floor = 0.1;  // no option's chance falls below this
  /// Pseudo-kernels at the mean rate added to every option's record, so a few kernels move an
  /// option's chance a little and many move it a lot.
  double prior_kernels = 4;
};

/// Keep probabilities for the ordinary options of `entries` (the invent entry is always shown):
/// each option's improvement rate, smoothed toward the rate of all options together, relative to
/// the mean over the entries, times `keep`, clamped to [floor, 1]. An option with no record gets
/// the mean rate, so about `keep`.
std::map<std::string, double, std::less<>> LearnedKeepProbabilities(
    const std::vector<MenuEntry>& entries, const std::map<std::string, OptionRecord>& records,
    const MenuWeightOptions& options);

}  // namespace kopt
