// SPDX-License-Identifier: Apache-2.0
// Flag validators whose errors print numbers as a person writes them ("--keep: must be between 0
// and 1, got 5"), where CLI11's own print six decimals and, for an open range, DBL_MAX.
#pragma once

#include <CLI/CLI.hpp>

namespace kopt::cli {

/// lo <= x <= hi.
CLI::Validator Between(double lo, double hi);
/// x >= lo.
CLI::Validator AtLeast(double lo);
/// x > 0.
CLI::Validator Positive();

}  // namespace kopt::cli
