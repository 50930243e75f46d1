// SPDX-License-Identifier: Apache-2.0
// CPU references of the reduction tasks (sum, argmax, scan, histogram, top-k).
#include "core/error.h"
#include "tests/gpu/cpu_reference.h"

#include <algorithm>
#include <numeric>

namespace kopt::testing {
namespace {

void ReduceSum(CpuCase& c) {
  const auto& x = c.in("X");
  double sum = 0;
  for (double v : x) sum += v;
  c.out("S")[0] = sum;
}

// The first column holding the row's largest value.
void ArgmaxRows(CpuCase& c) {
  const std::int64_t rows = c.sym("ROWS"), cols = c.sym("COLS");
  const auto& x = c.in("X");
  auto& idx = c.out("idx");
  for (std::int64_t r = 0; r < rows; ++r) {
    const double* row = &x[r * cols];
    idx[r] = static_cast<double>(std::max_element(row, row + cols) - row);
  }
}

void InclusiveScan(CpuCase& c) {
  const auto& x = c.in("X");
  auto& y = c.out("Y");
  double running = 0;  // exact: the prefixes stay far below 2^53
  for (std::size_t i = 0; i < x.size(); ++i) {
    running += x[i];
    y[i] = running;
  }
}

void Histogram(CpuCase& c) {
  const std::int64_t bins = c.sym("BINS");
  auto& counts = c.out("counts");
  std::fill(counts.begin(), counts.end(), 0.0);
  for (double v : c.in("X")) {
    const auto bin = static_cast<std::int64_t>(v);
    KOPT_CHECK(bin >= 0 && bin < bins);  // the task's randint bound must match BINS
    counts[bin] += 1;
  }
}

// Sorts every row by (value descending, index ascending) and keeps the first K.
void TopkRows(CpuCase& c) {
  const std::int64_t rows = c.sym("ROWS"), cols = c.sym("COLS"), k = c.sym("K");
  const auto& x = c.in("X");
  auto& values = c.out("values");
  auto& indices = c.out("indices");
  std::vector<std::int64_t> order(cols);
  for (std::int64_t r = 0; r < rows; ++r) {
    const double* row = &x[r * cols];
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
      return row[a] != row[b] ? row[a] > row[b] : a < b;
    });
    for (std::int64_t j = 0; j < k; ++j) {
      values[r * k + j] = row[order[j]];
      indices[r * k + j] = static_cast<double>(order[j]);
    }
  }
}

}  // namespace

KOPT_CPU_REFERENCE(reduce_sum, ReduceSum, {{"N", 1000003}});
KOPT_CPU_REFERENCE(argmax_rows_fp32, ArgmaxRows, {{"ROWS", 7}, {"COLS", 32003}});
KOPT_CPU_REFERENCE(inclusive_scan_i32, InclusiveScan, {{"N", 1000003}});
KOPT_CPU_REFERENCE(histogram_256_i32, Histogram, {{"N", 1000003}});
KOPT_CPU_REFERENCE(topk_rows_fp32, TopkRows, {{"ROWS", 5}, {"COLS", 32003}});

}  // namespace kopt::testing
