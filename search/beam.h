// SPDX-License-Identifier: Apache-2.0
// Beam bookkeeping of the search, as pure functions: which children may replace their parents
// (faster beyond the noise band, correct, not suspicious) and which kernels form the next beam.
#pragma once

#include "search/proposer.h"

#include <string>
#include <vector>

namespace kopt {

/// Why a measured child does not join the beam, or "" when it may.
std::string BeamRejection(const SearchNode& parent, const SearchNode& child);

struct BeamUpdate {
  std::vector<SearchNode> beam;  // fastest first
  bool improved = false;         // the fastest kernel changed
  int admitted = 0;              // children that beat their parents
};

/// The next beam: the current members and every child that beats its parent (`parents[i]` is
/// the beam member `children[i]` came from), deduplicated by key, the `width` fastest kept.
/// Order-independent: ties break by key, so a replayed run makes the same choices.
BeamUpdate UpdateBeam(const std::vector<SearchNode>& beam, const std::vector<SearchNode>& children,
                      const std::vector<const SearchNode*>& parents, int width);

}  // namespace kopt
