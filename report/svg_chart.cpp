// SPDX-License-Identifier: Apache-2.0
#include "report/svg_chart.h"

#include "report/html_text.h"

#include <algorithm>

namespace kopt {
namespace {

constexpr double kWidth = 420, kHeight = 180, kLeft = 56, kRight = 12, kTop = 12, kBottom = 34;

std::string Open(const ChartAxes& axes, double height) {
  return Printf(
             "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"%s\" width=\"%.0f\" "
             "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\"><title>",
             Escape(axes.css_class).c_str(), kWidth, height, kWidth, height) +
         Escape(axes.title) + "</title>";
}

std::string Number(double x) {
  if (x != 0 && (std::abs(x) < 0.01 || std::abs(x) >= 1e5)) return Printf("%.2g", x);
  return Printf(std::abs(x) < 10 ? "%.3g" : "%.4g", x);
}

}  // namespace

std::string StepChart(const std::vector<std::pair<double, double>>& points, const ChartAxes& axes) {
  std::string svg = Open(axes, kHeight);
  double x0 = kLeft, x1 = kWidth - kRight, y0 = kHeight - kBottom, y1 = kTop;
  svg += Printf(
      "<path class=\"frame\" d=\"M%.1f %.1f V%.1f H%.1f\" fill=\"none\" "
      "stroke=\"#888\"/>",
      x0, y1, y0, x1);
  svg += Printf("<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">",
                (x0 + x1) / 2, kHeight - 4) +
         Escape(axes.x_label) + "</text>";
  svg += Printf(
             "<text x=\"12\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\" "
             "transform=\"rotate(-90 12 %.1f)\">",
             (y0 + y1) / 2, (y0 + y1) / 2) +
         Escape(axes.y_label) + "</text>";
  if (points.empty()) return svg + "</svg>";
  auto [xmin, xmax] = std::minmax_element(points.begin(), points.end());
  double lo = points[0].second, hi = points[0].second;
  for (const auto& p : points) lo = std::min(lo, p.second), hi = std::max(hi, p.second);
  double xa = xmin->first, xb = std::max(xmax->first, xa + 1e-12);
  double ya = lo, yb = std::max(hi, lo * 1.0001 + 1e-12);
  auto sx = [&](double x) { return x0 + (x - xa) / (xb - xa) * (x1 - x0); };
  auto sy = [&](double y) { return y0 - (y - ya) / (yb - ya) * (y0 - y1 - 4) - 2; };
  std::string d = Printf("M%.1f %.1f", sx(points[0].first), sy(points[0].second));
  for (std::size_t i = 1; i < points.size(); ++i) {
    d += Printf(" H%.1f V%.1f", sx(points[i].first), sy(points[i].second));
  }
  svg +=
      "<path class=\"line\" d=\"" + d + "\" fill=\"none\" stroke=\"#2a6fdb\" stroke-width=\"2\"/>";
  for (auto [y, anchor] : {std::pair{hi, "start"}, std::pair{lo, "start"}}) {
    svg +=
        Printf("<text x=\"2\" y=\"%.1f\" font-size=\"10\" text-anchor=\"%s\">", sy(y) + 3, anchor) +
        Escape(Number(y)) + "</text>";
  }
  svg += Printf("<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\">", x0, y0 + 12) + Escape(Number(xa)) +
         "</text>";
  svg += Printf("<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">", x1, y0 + 12) +
         Escape(Number(xb)) + "</text>";
  return svg + "</svg>";
}

std::string BarChart(const std::vector<Bar>& bars, double max, const ChartAxes& axes) {
  double row = 18, height = kTop + row * static_cast<double>(bars.size()) + 8;
  std::string svg = Open(axes, height);
  if (max <= 0) {
    for (const Bar& b : bars) max = std::max(max, b.value);
  }
  if (max <= 0) max = 1;
  double label_w = 150, bar_w = kWidth - label_w - 60;
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    double y = kTop + row * static_cast<double>(i);
    double w = std::clamp(b.value / max, 0.0, 1.0) * bar_w;
    svg += Printf("<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">", label_w - 6,
                  y + 12) +
           Escape(b.label) + "</text>";
    svg += Printf("<rect class=\"bar %s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"13\"/>",
                  Escape(b.css_class).c_str(), label_w, y + 2, w);
    svg += Printf("<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">", label_w + w + 4, y + 12) +
           Escape(b.text) + "</text>";
  }
  return svg + "</svg>";
}

}  // namespace kopt
