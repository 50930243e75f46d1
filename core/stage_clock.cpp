// SPDX-License-Identifier: Apache-2.0
#include "core/stage_clock.h"

#include <algorithm>
#include <cstdio>
#include <utility>
#include <vector>

namespace kopt {

void AddStageTimes(StageTimes& into, const StageTimes& more) {
  for (const auto& [stage, ms] : more) into[stage] += ms;
}

std::string StageTimesText(const StageTimes& times) {
  std::vector<std::pair<std::string, double>> sorted(times.begin(), times.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  char ms[32];
  for (const auto& [stage, value] : sorted) {
    std::snprintf(ms, sizeof ms, "%.1f", value);
    out += (out.empty() ? "" : ", ") + stage + " " + ms + " ms";
  }
  return out;
}

}  // namespace kopt
