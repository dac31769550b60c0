#pragma once
// A small line chart as a standalone SVG document: a title, axes with
// "nice" ticks (1, 2, 5 x 10^k), grid lines, axis labels, one polyline per
// series, a legend and labelled vertical markers. Enough for the tracking
// plot of `cxkpi clv --model bgnbd --plot FILE.svg`; no dependency beyond fmt.

#include <string>
#include <vector>

namespace cxkpi::cli {

struct plot_series {
  std::string name;        // in the legend
  std::vector<double> x;   // same length as y; at least one point
  std::vector<double> y;
  std::string color = "#1f77b4";
  bool dashed = false;
};

// A vertical line across the plot area at `x`, with `label` beside its top.
struct plot_marker {
  double x = 0;
  std::string label;
};

struct line_plot {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<plot_series> series;
  std::vector<plot_marker> markers;
  int width = 860;   // pixels
  int height = 520;
};

// Tick positions covering [low, high] with about `target` steps of 1, 2 or
// 5 x 10^k, from the last multiple of the step at or below `low` to the first
// at or above `high`. A degenerate range (low == high) is widened to one
// step around the value.
std::vector<double> nice_ticks(double low, double high, int target);

// The SVG document (UTF-8, with the XML declaration). Text is escaped;
// non-finite points are left out of their polyline.
std::string render_svg(const line_plot& plot);

}  // namespace cxkpi::cli
