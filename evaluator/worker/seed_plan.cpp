// SPDX-License-Identifier: Apache-2.0
#include "evaluator/worker/seed_plan.h"

#include <algorithm>
#include <numeric>

namespace kopt {

std::uint64_t PoolSeed(std::uint64_t secret, int index) {
  std::uint64_t x = secret + 0x9E3779B97F4A7C15ULL * static_cast<std::uint64_t>(index + 1);
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

SeedPlan DrawSeeds(std::uint64_t secret, int pool_size, int checks, int timings,
                   std::mt19937_64& random) {
  int size = std::max(pool_size, checks + timings);
  std::vector<int> order(static_cast<std::size_t>(size));
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), random);
  SeedPlan plan;
  for (int i = 0; i < checks + timings; ++i) {
    std::uint64_t seed = PoolSeed(secret, order[static_cast<std::size_t>(i)]);
    (i < checks ? plan.check_seeds : plan.timing_seeds).push_back(seed);
  }
  plan.poison_salt = random();
  return plan;
}

}  // namespace kopt
