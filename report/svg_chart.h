// SPDX-License-Identifier: Apache-2.0
// The report's charts as inline SVG: no script, no external file, colours from attributes (the
// report's Content-Security-Policy allows no inline style attributes). Labels are escaped here.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace kopt {

struct ChartAxes {
  std::string title;  // the chart's accessible name (<title>)
  std::string x_label, y_label;
  std::string css_class;  // on the <svg>, for tests and styling
};

/// The best-so-far line over `points` (x ascending; y the value at that x), drawn as steps, with
/// the first and last x and the lowest and highest y marked. Empty points: an empty frame.
std::string StepChart(const std::vector<std::pair<double, double>>& points, const ChartAxes& axes);

struct Bar {
  std::string label;
  double value = 0;
  std::string text;       // printed after the bar ("72%", "3")
  std::string css_class;  // colour class of the bar
};

/// Horizontal bars scaled to `max` (the largest value when 0).
std::string BarChart(const std::vector<Bar>& bars, double max, const ChartAxes& axes);

}  // namespace kopt
