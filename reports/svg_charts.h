// SPDX-License-Identifier: Apache-2.0
// Small inline SVG charts for the HTML report, generated here so the page needs no chart
// library and no network: a readiness gauge, horizontal stacked bars, and a donut.
#pragma once

#include <string>
#include <vector>

namespace tpu::reports {

struct ChartSegment {
  std::string label;   ///< shown in tooltips and legends
  double value = 0;
  std::string color;   ///< a CSS colour
};

struct ChartBar {
  std::string label;
  std::string key;  ///< written as data-key, so that a script can react to clicks
  std::vector<ChartSegment> segments;
};

/// A half-circle gauge showing `score` (0..100) with the number in the middle.
std::string svg_gauge(int score);

/// One horizontal stacked bar per entry, scaled to the largest total, with the total at
/// the end of each bar. `title` is the accessible name.
std::string svg_stacked_bars(const std::vector<ChartBar>& bars, const std::string& title);

/// A donut of the segments with `center_label` (e.g. the total) in its hole.
std::string svg_donut(const std::vector<ChartSegment>& segments, const std::string& center_label,
                      const std::string& title);

/// The colour the gauge uses for a score (red, amber, green), for the page to reuse.
std::string score_color(int score);

}  // namespace tpu::reports
