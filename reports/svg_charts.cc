// SPDX-License-Identifier: Apache-2.0
#include "reports/svg_charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>

#include "reports/xml_text.h"

namespace tpu::reports {
namespace {

// Fixed-point numbers: SVG wants '.' whatever the locale, and goldens want stable text.
std::string num(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  std::string out = text;
  if (out.size() > 2 && out.ends_with(".0")) out.resize(out.size() - 2);
  return out == "-0" ? "0" : out;
}

std::string format_count(double value) {
  return std::floor(value) == value ? std::to_string(static_cast<long long>(value)) : num(value);
}

}  // namespace

std::string score_color(int score) {
  if (score >= 80) return "#1e8e3e";
  if (score >= 50) return "#e37400";
  return "#d93025";
}

std::string svg_gauge(int score) {
  score = std::clamp(score, 0, 100);
  constexpr double cx = 110, cy = 110, r = 88;
  std::string color = score_color(score);
  std::string svg = "<svg class=\"gauge\" viewBox=\"0 0 220 128\" width=\"220\" height=\"128\" role=\"img\" "
                    "aria-label=\"Readiness " + std::to_string(score) + " out of 100\">";
  svg += "<path d=\"M " + num(cx - r) + " " + num(cy) + " A " + num(r) + " " + num(r) + " 0 0 1 " + num(cx + r) +
         " " + num(cy) + "\" fill=\"none\" stroke=\"#e6e8eb\" stroke-width=\"18\" stroke-linecap=\"round\"/>";
  if (score > 0) {
    // The arc runs clockwise from the left end over the top; at most a half turn, so the
    // large-arc flag is always 0.
    double angle = std::numbers::pi * score / 100.0;
    double x = cx - r * std::cos(angle), y = cy - r * std::sin(angle);
    svg += "<path class=\"gauge-value\" d=\"M " + num(cx - r) + " " + num(cy) + " A " + num(r) + " " + num(r) +
           " 0 0 1 " + num(x) + " " + num(y) + "\" fill=\"none\" stroke=\"" + color +
           "\" stroke-width=\"18\" stroke-linecap=\"round\"/>";
  }
  svg += "<text x=\"110\" y=\"98\" text-anchor=\"middle\" class=\"gauge-score\" fill=\"" + color + "\">" +
         std::to_string(score) + "</text>";
  svg += "<text x=\"110\" y=\"122\" text-anchor=\"middle\" class=\"gauge-scale\">out of 100</text></svg>";
  return svg;
}

std::string svg_stacked_bars(const std::vector<ChartBar>& bars, const std::string& title) {
  constexpr double label_width = 170, bar_width = 300, row = 28, bar_height = 16;
  double largest = 0;
  for (const ChartBar& bar : bars) {
    double total = 0;
    for (const ChartSegment& segment : bar.segments) total += segment.value;
    largest = std::max(largest, total);
  }
  double width = label_width + bar_width + 50, height = std::max(1.0, bars.size() * row);
  std::string svg = "<svg class=\"bars\" viewBox=\"0 0 " + num(width) + " " + num(height) + "\" width=\"" + num(width) +
                    "\" height=\"" + num(height) + "\" role=\"img\" aria-label=\"" + xml_escape(title) + "\">";
  for (size_t i = 0; i < bars.size(); ++i) {
    const ChartBar& bar = bars[i];
    double y = i * row, x = label_width, total = 0;
    svg += "<g class=\"bar\" data-key=\"" + xml_escape(bar.key) + "\" tabindex=\"0\">";
    svg += "<text x=\"" + num(label_width - 10) + "\" y=\"" + num(y + row / 2 + 4) +
           "\" text-anchor=\"end\" class=\"bar-label\">" + xml_escape(bar.label) + "</text>";
    for (const ChartSegment& segment : bar.segments) {
      if (segment.value <= 0) continue;
      double w = largest > 0 ? bar_width * segment.value / largest : 0;
      svg += "<rect x=\"" + num(x) + "\" y=\"" + num(y + (row - bar_height) / 2) + "\" width=\"" + num(std::max(w, 1.5)) +
             "\" height=\"" + num(bar_height) + "\" fill=\"" + segment.color + "\"><title>" + xml_escape(bar.label) +
             ": " + format_count(segment.value) + " " + xml_escape(segment.label) + "</title></rect>";
      x += w;
      total += segment.value;
    }
    svg += "<text x=\"" + num(x + 6) + "\" y=\"" + num(y + row / 2 + 4) + "\" class=\"bar-total\">" +
           format_count(total) + "</text></g>";
  }
  return svg + "</svg>";
}

std::string svg_donut(const std::vector<ChartSegment>& segments, const std::string& center_label,
                      const std::string& title) {
  constexpr double cx = 80, cy = 80, r = 58, stroke = 24;
  const double circumference = 2 * std::numbers::pi * r;
  double total = 0;
  for (const ChartSegment& segment : segments) total += segment.value;
  std::string svg = "<svg class=\"donut\" viewBox=\"0 0 160 160\" width=\"160\" height=\"160\" role=\"img\" "
                    "aria-label=\"" + xml_escape(title) + "\">";
  svg += "<circle cx=\"80\" cy=\"80\" r=\"" + num(r) + "\" fill=\"none\" stroke=\"#e6e8eb\" stroke-width=\"" +
         num(stroke) + "\"/>";
  double offset = 0;
  for (const ChartSegment& segment : segments) {
    if (segment.value <= 0 || total <= 0) continue;
    double length = circumference * segment.value / total;
    // Each segment is the whole circle dashed to its share; rotating the group by -90°
    // starts the first one at twelve o'clock.
    svg += "<circle cx=\"" + num(cx) + "\" cy=\"" + num(cy) + "\" r=\"" + num(r) + "\" fill=\"none\" stroke=\"" +
           segment.color + "\" stroke-width=\"" + num(stroke) + "\" stroke-dasharray=\"" + num(length) + " " +
           num(circumference - length) + "\" stroke-dashoffset=\"" + num(-offset) +
           "\" transform=\"rotate(-90 80 80)\"><title>" + xml_escape(segment.label) + ": " +
           format_count(segment.value) + "</title></circle>";
    offset += length;
  }
  svg += "<text x=\"80\" y=\"84\" text-anchor=\"middle\" class=\"donut-label\">" + xml_escape(center_label) +
         "</text></svg>";
  return svg;
}

}  // namespace tpu::reports
