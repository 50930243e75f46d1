// SPDX-License-Identifier: Apache-2.0
// Which inputs one evaluation sees: its check seeds and timing seeds, drawn at random from the
// run's secret pool (never the same for every evaluation, so nothing can be memorised; timing
// never reuses a check's seed, so a kernel cannot replay what it saw), and the salt of its poison.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace kopt {

struct SeedPlan {
  std::vector<std::uint64_t> check_seeds;
  std::vector<std::uint64_t> timing_seeds;
  std::uint64_t poison_salt = 0;
};

/// The `index`th seed of the pool named by `secret`.
std::uint64_t PoolSeed(std::uint64_t secret, int index);

/// `checks` + `timings` distinct pool seeds (the pool grows to hold them), chosen by `random`.
SeedPlan DrawSeeds(std::uint64_t secret, int pool_size, int checks, int timings,
                   std::mt19937_64& random);

}  // namespace kopt
