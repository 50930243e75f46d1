// SPDX-License-Identifier: Apache-2.0
// The `tune` proposer: other values of a kernel's `tunables` (its launch block's -D choices).
// Each call proposes the untried neighbours of the parent's choice (one tunable changed), in a
// seeded order, then random untried points of the whole product, up to a budget. No LLM: the
// default when none is configured.
#pragma once

#include "search/proposer.h"

#include <mutex>
#include <set>
#include <string>

namespace kopt {

class TuneProposer : public Proposer {
 public:
  /// At most `per_parent` proposals for each parent and iteration.
  explicit TuneProposer(int per_parent);
  std::string_view name() const override { return "tune"; }
  void Propose(const ProposalContext& context, const Emit& emit) override;

 private:
  int per_parent_;
  std::mutex mutex_;
  std::set<std::string> proposed_;  // task hash + candidate key of everything handed out
};

/// The choices `TuneProposer` would try next from `current`, before removing proposed ones:
/// every one-tunable neighbour (shuffled by `seed`), then the rest of the product (shuffled).
/// Products above 4096 points are sampled, not enumerated.
std::vector<TunableChoice> TuningOrder(const LaunchBlock& block, const TunableChoice& current,
                                       std::uint64_t seed);

}  // namespace kopt
