// SPDX-License-Identifier: Apache-2.0
// The value a candidate's outputs and workspace hold before it runs. A NaN for floats, so an
// element never written fails any comparison; its payload, and the integer patterns, are drawn
// per evaluation and sample, so a kernel cannot recognise the poison, and a poisoned element
// is told from a NaN the kernel wrote, even where the reference itself is NaN.
#pragma once

#include "core/dtype.h"

#include <cstdint>
#include <span>

namespace kopt {

struct Poison {
  DType dtype = DType::kU8;
  /// One element's bits, repeated to 32 bits (memset-able as D32, D16 or D8 accordingly).
  std::uint32_t word = 0xFFFFFFFFu;
  /// The memset width that writes `word`: 4, 2 or 1 bytes.
  int width = 1;
};

/// The poison of `dtype` for `salt`: a NaN with a salted payload that is never the canonical
/// NaN a GPU computes, or a salted integer pattern. For 8-byte types both halves are equal.
Poison MakePoison(DType dtype, std::uint64_t salt);

/// One element's bits (the low DTypeSize bytes): what a device-side compare looks for.
std::uint64_t PoisonElementBits(const Poison& poison);

/// Elements of `bytes` (a tensor of `poison.dtype`) that still hold the poison.
std::size_t CountPoisoned(std::span<const unsigned char> bytes, const Poison& poison);
/// The flat index of the first poisoned element, or -1.
std::int64_t FirstPoisoned(std::span<const unsigned char> bytes, const Poison& poison);

}  // namespace kopt
