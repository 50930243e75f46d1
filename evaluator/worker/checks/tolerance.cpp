// SPDX-License-Identifier: Apache-2.0
// tolerance: every output element against the reference's, |out - ref| <= atol + rtol * |ref|,
// with NaN and infinities where the reference has them (core/compare.h).
#include "core/host_values.h"
#include "evaluator/worker/checks/checks.h"

#include <algorithm>

namespace kopt {

std::optional<CheckFailure> CheckTolerance(const RunEvidence& run, CheckRecord& record) {
  for (const auto& out : run.outputs) {
    if (!out.expected) continue;
    std::vector<double> actual = ToDoubles(out.dtype, out.actual);
    std::vector<double> expected = ToDoubles(out.dtype, *out.expected);
    CompareReport report = CompareOutputs(expected, actual, run.tolerance);
    record.max_abs_error = std::max(record.max_abs_error, report.max_abs_error);
    record.max_rel_error = std::max(record.max_rel_error, report.max_rel_error);
    record.rel_l2_error = std::max(record.rel_l2_error, report.rel_l2_error);
    if (report.ok) continue;
    return CheckFailure{
        "", EvalStatus::kWrongAnswer,
        run.when + ": " + DescribeMismatch(out.name, out.shape, report, run.tolerance)};
  }
  return std::nullopt;
}

}  // namespace kopt
