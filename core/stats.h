// SPDX-License-Identifier: Apache-2.0
// Summary statistics of timing samples, and the noise-aware comparison of two of them.
#pragma once

#include <cstddef>
#include <vector>

namespace kopt {

struct Summary {
  double median = 0;
  double p10 = 0;
  double p90 = 0;
  double mean = 0;
  double stddev = 0;
  double min = 0;
  double max = 0;
  std::size_t n = 0;
};

/// Quantile with linear interpolation between order statistics; `q` in [0, 1].
double Quantile(std::vector<double> samples, double q);
Summary Summarize(const std::vector<double>& samples);

/// Relative standard error of the median (1.2533 * sd / sqrt(n) / median), the stopping rule of
/// the timer: small when the median is pinned down, whatever the tail looks like.
double RelativeMedianError(const Summary& summary);

/// Ratio `baseline / candidate` of medians with a noise band: two combined standard errors of the
/// medians, never narrower than kSpeedupNoiseFloor. The floor covers what the samples cannot
/// show: a kernel timed as a candidate against itself as the reference (other buffers, other
/// moment) measured 1.1% apart on an H100 (transpose_fp32, 1.2 ms), where repeats of one kernel
/// agree within 0.1%. A speedup counts only when `low > 1`.
inline constexpr double kSpeedupNoiseFloor = 0.02;
struct Speedup {
  double value = 0;
  double low = 0;
  double high = 0;
};
Speedup CompareMedians(const Summary& baseline, const Summary& candidate);

}  // namespace kopt
