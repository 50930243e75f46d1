#pragma once
// Deterministic seeds derived from a run's seed and a name: a menu entry's dropout draw, a plan
// prompt's seed. The same (seed, name) always gives the same value on every machine.

#include <cstdint>
#include <string_view>

namespace kopt {

/// A seed mixed from a seed and a name (SplitMix64 over FNV-1a): changing either changes it.
std::uint64_t MixSeed(std::uint64_t seed, std::string_view name);

/// A seed for one plan prompt from the run's seed and a key naming the prompt
/// ("gemm_fp32/iter3/member1/plan2"), so every prompt draws its own menu dropout.
std::uint64_t PromptSeed(std::uint64_t run_seed, std::string_view key);

}  // namespace kopt
