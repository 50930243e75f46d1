// SPDX-License-Identifier: Apache-2.0
#include "search/beam.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace kopt {

std::string BeamRejection(const SearchNode& parent, const SearchNode& child) {
  const EvalResult& r = child.result;
  if (!r.ok()) return std::string(EvalStatusName(r.status));
  if (!r.timing) return "not timed";
  if (r.roofline && r.roofline->suspicious) return "suspicious: faster than the roofline allows";
  if (!parent.result.timing) return "";
  Speedup s = CompareMedians(parent.result.timing->event_ms, r.timing->event_ms);
  if (s.low > 1) return "";
  char why[96];
  std::snprintf(why, sizeof why, "not faster than its parent beyond noise (%.3fx, band %.3f-%.3f)",
                s.value, s.low, s.high);
  return why;
}

BeamUpdate UpdateBeam(const std::vector<SearchNode>& beam, const std::vector<SearchNode>& children,
                      const std::vector<const SearchNode*>& parents, int width) {
  BeamUpdate out;
  std::map<std::string, const SearchNode*> pool;
  for (const auto& m : beam) pool.emplace(m.candidate.key, &m);
  for (std::size_t i = 0; i < children.size(); ++i) {
    if (!BeamRejection(*parents[i], children[i]).empty()) continue;
    if (pool.emplace(children[i].candidate.key, &children[i]).second) ++out.admitted;
  }
  std::vector<const SearchNode*> ranked;
  for (const auto& [key, node] : pool) ranked.push_back(node);
  std::stable_sort(ranked.begin(), ranked.end(), [](const SearchNode* a, const SearchNode* b) {
    return a->latency_ms() < b->latency_ms();  // the map already ordered equal times by key
  });
  for (std::size_t i = 0; i < ranked.size() && static_cast<int>(i) < width; ++i) {
    out.beam.push_back(*ranked[i]);
  }
  out.improved = !out.beam.empty() &&
                 (beam.empty() || out.beam.front().candidate.key != beam.front().candidate.key);
  return out;
}

}  // namespace kopt
