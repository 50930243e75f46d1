// SPDX-License-Identifier: Apache-2.0
#include "core/stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace kopt {

double Quantile(std::vector<double> samples, double q) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  double pos = q * static_cast<double>(samples.size() - 1);
  auto lo = static_cast<std::size_t>(std::floor(pos));
  std::size_t hi = std::min(lo + 1, samples.size() - 1);
  double frac = pos - static_cast<double>(lo);
  return samples[lo] + (samples[hi] - samples[lo]) * frac;
}

Summary Summarize(const std::vector<double>& samples) {
  Summary s;
  s.n = samples.size();
  if (samples.empty()) return s;
  std::vector<double> sorted = samples;
  std::sort(sorted.begin(), sorted.end());
  s.median = Quantile(sorted, 0.5);
  s.p10 = Quantile(sorted, 0.1);
  s.p90 = Quantile(sorted, 0.9);
  s.min = sorted.front();
  s.max = sorted.back();
  s.mean = std::accumulate(sorted.begin(), sorted.end(), 0.0) / static_cast<double>(s.n);
  double sq = 0;
  for (double x : sorted) sq += (x - s.mean) * (x - s.mean);
  s.stddev = s.n > 1 ? std::sqrt(sq / static_cast<double>(s.n - 1)) : 0;
  return s;
}

double RelativeMedianError(const Summary& summary) {
  if (summary.n < 2 || summary.median <= 0) return INFINITY;
  return 1.2533 * summary.stddev / std::sqrt(static_cast<double>(summary.n)) / summary.median;
}

Speedup CompareMedians(const Summary& baseline, const Summary& candidate) {
  Speedup out;
  if (candidate.median <= 0 || baseline.median <= 0) return out;
  out.value = baseline.median / candidate.median;
  double eb = RelativeMedianError(baseline);
  double ec = RelativeMedianError(candidate);
  double band = std::max(2 * std::sqrt(eb * eb + ec * ec), kSpeedupNoiseFloor);
  if (!std::isfinite(band)) band = 1;  // too few samples to say anything
  out.low = out.value / (1 + band);
  out.high = out.value * (1 + band);
  return out;
}

}  // namespace kopt
