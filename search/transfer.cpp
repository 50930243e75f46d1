// SPDX-License-Identifier: Apache-2.0
#include "search/transfer.h"

#include <algorithm>
#include <cstdio>

namespace kopt {
namespace {

std::string Origin(const Schedule& from) {
  char speedup[32] = "";
  if (from.speedup) std::snprintf(speedup, sizeof speedup, ", %.2fx", *from.speedup);
  return from.task.name + "'s winner on " + from.gpu + " (schedule " + std::to_string(from.id) +
         speedup + ")";
}

}  // namespace

std::vector<SeedKernel> TransferSeeds(const Task& task, const Schedule& from,
                                      const std::string& why) {
  std::vector<SeedKernel> seeds;
  TunableChoice won = from.steps.empty() ? TunableChoice{} : from.steps.back().tunables;
  if (!from.kernel_source.empty()) {
    seeds.push_back({from.kernel_source, won, "transfer",
                     "Transfer: " + Origin(from) + ", as it was (" + why + ")"});
  }
  if (task.starter_source.empty() || won.empty()) return seeds;
  CandidateResult starter = TryMakeCandidate(task, task.starter_source);
  if (!starter.ok()) return seeds;
  TunableChoice carried;  // values the starter's block offers, where they differ from its own
  for (const auto& [name, values] : starter.value().launch.tunables) {
    auto value = won.find(name);
    if (value == won.end() || value->second == starter.tunables().at(name)) continue;
    if (std::find(values.begin(), values.end(), value->second) != values.end()) {
      carried[name] = value->second;
    }
  }
  if (carried.empty()) return seeds;
  seeds.push_back({task.starter_source, carried, "transfer",
                   "Transfer: this task's starter with the tunable values of " + Origin(from) +
                       ": " + SymbolsText(carried) + " (" + why + ")"});
  return seeds;
}

}  // namespace kopt
