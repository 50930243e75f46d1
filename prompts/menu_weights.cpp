// SPDX-License-Identifier: Apache-2.0
#include "prompts/menu_weights.h"

#include "core/error.h"

#include <algorithm>

namespace kopt {

std::map<std::string, double, std::less<>> LearnedKeepProbabilities(
    const std::vector<MenuEntry>& entries, const std::map<std::string, OptionRecord>& records,
    const MenuWeightOptions& options) {
  if (!(options.floor >= 0 && options.floor <= options.keep && options.keep <= 1)) {
    throw ConfigError("menu weights: need 0 <= floor <= keep <= 1, got floor " +
                      std::to_string(options.floor) + " and keep " + std::to_string(options.keep));
  }
  double kernels = 0, improved = 0;
  for (const auto& [id, r] : records) {
    kernels += r.kernels;
    improved += r.improved;
  }
  double overall = (improved + 1) / (kernels + 2);  // Laplace: never 0 or 1
  std::map<std::string, double, std::less<>> rate;
  double sum = 0;
  for (const MenuEntry& e : entries) {
    if (e.IsInvent()) continue;
    auto r = records.find(e.id);
    OptionRecord own = r == records.end() ? OptionRecord{} : r->second;
    double pseudo = own.kernels + options.prior_kernels;
    double smoothed =
        pseudo > 0 ? (own.improved + options.prior_kernels * overall) / pseudo : overall;
    rate[e.id] = smoothed;
    sum += smoothed;
  }
  if (rate.empty()) return {};
  double mean = sum / static_cast<double>(rate.size());
  std::map<std::string, double, std::less<>> keep;
  for (const auto& [id, r] : rate) {
    keep[id] = std::clamp(options.keep * r / mean, options.floor, 1.0);
  }
  return keep;
}

}  // namespace kopt
