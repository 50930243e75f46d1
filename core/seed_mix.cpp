#include "core/seed_mix.h"

namespace kopt {
namespace {

std::uint64_t SplitMix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t Fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

}  // namespace

std::uint64_t MixSeed(std::uint64_t seed, std::string_view name) {
  return SplitMix64(seed ^ SplitMix64(Fnv1a(name)));
}

std::uint64_t PromptSeed(std::uint64_t run_seed, std::string_view key) {
  return MixSeed(run_seed, key);
}

}  // namespace kopt
