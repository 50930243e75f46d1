// SPDX-License-Identifier: Apache-2.0
#include "core/compare.h"

#include <cmath>
#include <cstdio>

namespace kopt {
namespace {

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// NaN matches NaN and an infinity matches the same infinity; otherwise the tolerance decides.
bool Matches(double expected, double actual, const Tolerance& tol) {
  if (std::isnan(expected) || std::isnan(actual)) return std::isnan(expected) && std::isnan(actual);
  if (std::isinf(expected) || std::isinf(actual)) return expected == actual;
  return std::fabs(actual - expected) <= tol.atol + tol.rtol * std::fabs(expected);
}

}  // namespace

CompareReport CompareOutputs(std::span<const double> expected, std::span<const double> actual,
                             const Tolerance& tolerance) {
  CompareReport r;
  r.count = expected.size();
  if (expected.size() != actual.size()) {
    r.ok = false;
    r.mismatches = r.count;
    return r;
  }
  double diff_sq = 0, ref_sq = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    double e = expected[i], a = actual[i];
    if (std::isfinite(e) && std::isfinite(a)) {
      double abs_err = std::fabs(a - e);
      r.max_abs_error = std::max(r.max_abs_error, abs_err);
      if (e != 0) r.max_rel_error = std::max(r.max_rel_error, abs_err / std::fabs(e));
      diff_sq += abs_err * abs_err;
      ref_sq += e * e;
    }
    if (Matches(e, a, tolerance)) continue;
    if (std::isnan(a) && std::isfinite(e)) ++r.unwritten;
    if (r.mismatches++ == 0) {
      r.first_bad = static_cast<std::int64_t>(i);
      r.first_bad_expected = e;
      r.first_bad_actual = a;
    }
  }
  r.ok = r.mismatches == 0;
  r.rel_l2_error = ref_sq > 0 ? std::sqrt(diff_sq / ref_sq) : std::sqrt(diff_sq);
  return r;
}

std::string FormatIndex(const std::string& tensor, std::int64_t flat,
                        const std::vector<std::int64_t>& shape) {
  std::vector<std::int64_t> index(shape.size());
  for (std::size_t d = shape.size(); d-- > 0;) {
    index[d] = shape[d] > 0 ? flat % shape[d] : 0;
    flat = shape[d] > 0 ? flat / shape[d] : 0;
  }
  std::string out = tensor + "[";
  for (std::size_t d = 0; d < index.size(); ++d) out += (d ? ", " : "") + std::to_string(index[d]);
  return out + "]";
}

std::string DescribeMismatch(const std::string& tensor, const std::vector<std::int64_t>& shape,
                             const CompareReport& report, const Tolerance& tolerance) {
  std::string out = tensor + ": " + std::to_string(report.mismatches) + " of " +
                    std::to_string(report.count) + " elements differ";
  if (report.first_bad >= 0) {
    out += " (first " + FormatIndex(tensor, report.first_bad, shape) + ": expected " +
           Num(report.first_bad_expected) + ", got " + Num(report.first_bad_actual) + ")";
  }
  out += "; max abs error " + Num(report.max_abs_error) + ", max rel error " +
         Num(report.max_rel_error) + ", rel L2 error " + Num(report.rel_l2_error) +
         "; tolerance atol " + Num(tolerance.atol) + ", rtol " + Num(tolerance.rtol);
  if (report.unwritten > 0) {
    out += "; " + std::to_string(report.unwritten) +
           " elements still hold the NaN poison: the kernel did not write them";
  }
  return out;
}

}  // namespace kopt
