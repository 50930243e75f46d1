// SPDX-License-Identifier: Apache-2.0
// Elementwise comparison of a candidate's output with the reference's, under a task tolerance:
// |out - ref| <= atol + rtol * |ref|, and NaN/Inf must sit where the reference has them.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace kopt {

struct Tolerance {
  double rtol = 1e-5;
  double atol = 1e-5;
};

struct CompareReport {
  bool ok = true;
  std::size_t count = 0;
  std::size_t mismatches = 0;
  /// Elements that are NaN where the reference is finite: the poison was never overwritten.
  std::size_t unwritten = 0;
  double max_abs_error = 0;
  double max_rel_error = 0;
  /// ||out - ref|| / ||ref|| over finite elements (0 when ref is all zeros and out equals it).
  double rel_l2_error = 0;
  std::int64_t first_bad = -1;
  double first_bad_expected = 0;
  double first_bad_actual = 0;
};

CompareReport CompareOutputs(std::span<const double> expected, std::span<const double> actual,
                             const Tolerance& tolerance);

/// "C[12, 7]" for flat index 391 of a [32, 32] tensor.
std::string FormatIndex(const std::string& tensor, std::int64_t flat,
                        const std::vector<std::int64_t>& shape);

/// One or two lines a person or an LLM can act on, e.g.
/// "C: 4096 of 16777216 elements differ (first C[0, 5]: expected 1.25, got 0); max abs error ...".
std::string DescribeMismatch(const std::string& tensor, const std::vector<std::int64_t>& shape,
                             const CompareReport& report, const Tolerance& tolerance);

}  // namespace kopt
