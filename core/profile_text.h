// SPDX-License-Identifier: Apache-2.0
// The profile as a line of text for an LLM prompt: what bounds the kernel and the few numbers
// that say so, for example "memory-bound: DRAM 84% of peak, occupancy 47% (theoretical 50%),
// L1 hit 3%, 0 spills, 96 registers". Pure functions of recorded values.
#pragma once

#include "core/eval_result.h"
#include "core/profile.h"

#include <optional>
#include <string>

namespace kopt {

/// A unit at or above this share of its peak bounds the kernel.
inline constexpr double kBoundPct = 60;

/// "memory-bound" (DRAM or the busiest memory unit at kBoundPct or more), "compute-bound" (SM,
/// tensor or FMA pipe), else from the roofline when given (its fraction at 0.6 or more), else
/// "latency-bound": nothing is near its peak, so the kernel waits (too little parallelism,
/// dependent loads, barriers). "" when there is nothing to judge by.
std::string BoundLabel(const ProfileFields& fields, const Roofline* roofline);

/// The prompt text of a profile; `roofline` (optional) adds the result's place on it. With
/// several kernels: the sequence first, then each kernel with its share of the time.
std::string ProfileText(const Profile& profile, const std::optional<Roofline>& roofline = {});

}  // namespace kopt
