// SPDX-License-Identifier: Apache-2.0
#include "search/tune_proposer.h"

#include <algorithm>
#include <random>

namespace kopt {
namespace {

constexpr std::size_t kMaxEnumerated = 4096;

}  // namespace

std::vector<TunableChoice> TuningOrder(const LaunchBlock& block, const TunableChoice& current,
                                       std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<TunableChoice> neighbours;
  for (const auto& [name, values] : block.tunables) {
    for (std::int64_t v : values) {
      if (v == current.at(name)) continue;
      TunableChoice c = current;
      c[name] = v;
      neighbours.push_back(std::move(c));
    }
  }
  std::shuffle(neighbours.begin(), neighbours.end(), rng);

  std::size_t product = 1;
  for (const auto& t : block.tunables)
    product = std::min(product * t.second.size(), kMaxEnumerated + 1);
  std::vector<TunableChoice> rest;
  auto random_point = [&] {
    TunableChoice c;
    for (const auto& [name, values] : block.tunables) {
      c[name] = values[std::uniform_int_distribution<std::size_t>(0, values.size() - 1)(rng)];
    }
    return c;
  };
  if (product <= kMaxEnumerated) {
    // Mixed-radix enumeration of the whole product.
    for (std::size_t index = 0; index < product; ++index) {
      TunableChoice c;
      std::size_t rem = index;
      for (const auto& [name, values] : block.tunables) {
        c[name] = values[rem % values.size()];
        rem /= values.size();
      }
      rest.push_back(std::move(c));
    }
    std::shuffle(rest.begin(), rest.end(), rng);
  } else {
    for (std::size_t i = 0; i < kMaxEnumerated; ++i) rest.push_back(random_point());
  }
  neighbours.insert(neighbours.end(), rest.begin(), rest.end());
  return neighbours;
}

TuneProposer::TuneProposer(int per_parent) : per_parent_(per_parent) {}

void TuneProposer::Propose(const ProposalContext& context, const Emit& emit) {
  const SearchNode& parent = *context.parent;
  const Candidate& kernel = parent.candidate;
  if (kernel.launch.tunables.empty()) return;
  std::vector<Proposal> chosen;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string& task = context.task->content_hash;
    proposed_.insert(task + kernel.key);
    for (const TunableChoice& choice : TuningOrder(kernel.launch, kernel.tunables, context.seed)) {
      if (static_cast<int>(chosen.size()) >= per_parent_) break;
      if (!proposed_.insert(task + CandidateKey(kernel.source, choice)).second) continue;
      // A choice the block does not fit on some size is proposed too: it fails as a
      // launch_error, recorded without compiling.
      Proposal p;
      p.candidate = TryRetune(kernel, *context.task, choice);
      p.provenance.parent_key = kernel.key;
      p.provenance.proposer = "tune";
      p.provenance.plan =
          "tunables " + SymbolsText(choice) + " (from " + SymbolsText(kernel.tunables) + ")";
      p.provenance.menu_option = "tune";
      p.provenance.iteration = context.iteration;
      chosen.push_back(std::move(p));
    }
  }
  for (auto& p : chosen) emit(std::move(p));
}

}  // namespace kopt
