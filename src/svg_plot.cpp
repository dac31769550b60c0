#include "svg_plot.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string_view>

namespace cxkpi::cli {
namespace {

std::string escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// Decimals that show every tick of a step exactly (0 for steps of 1 and up).
int tick_decimals(double step) { return std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9))); }

// "12,500" for large whole numbers, "0.25" for fractions; never "-0".
std::string tick_label(double v, int decimals) {
  std::string s = fmt::format("{:.{}f}", v, decimals);
  if (s.starts_with("-") && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  const std::size_t sign = s.starts_with("-") ? 1 : 0;
  std::size_t digits_end = s.find('.');
  if (digits_end == std::string::npos) digits_end = s.size();
  if (digits_end - sign > 3)
    for (std::size_t at = digits_end; at > sign + 3; at -= 3) s.insert(at - 3, ",");
  return s;
}

struct range {
  double low = std::numeric_limits<double>::infinity();
  double high = -std::numeric_limits<double>::infinity();
  void add(double v) {
    if (!std::isfinite(v)) return;
    low = std::min(low, v);
    high = std::max(high, v);
  }
  bool empty() const { return !(low <= high); }
};

}  // namespace

std::vector<double> nice_ticks(double low, double high, int target) {
  if (!std::isfinite(low) || !std::isfinite(high)) return {0.0, 1.0};
  if (high < low) std::swap(low, high);
  if (high == low) {
    const double pad = low == 0.0 ? 1.0 : std::fabs(low) * 0.1;
    low -= pad;
    high += pad;
  }
  const double raw = (high - low) / std::max(target, 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double fraction = raw / magnitude;
  const double step = (fraction <= 1.0 ? 1.0 : fraction <= 2.0 ? 2.0 : fraction <= 5.0 ? 5.0 : 10.0) * magnitude;
  const double first = std::floor(low / step + 1e-9);
  const double last = std::ceil(high / step - 1e-9);
  std::vector<double> ticks;
  for (double k = first; k <= last; k += 1.0) {
    double v = k * step;
    if (std::fabs(v) < step * 1e-9) v = 0.0;
    ticks.push_back(v);
  }
  if (ticks.size() < 2) ticks.push_back(ticks.empty() ? 0.0 : ticks.back() + step);
  return ticks;
}

std::string render_svg(const line_plot& plot) {
  const double width = plot.width, height = plot.height;
  const double left = 84, right = 28, top = 52, bottom = 62;
  const double plot_w = width - left - right, plot_h = height - top - bottom;

  range xr, yr;
  for (const plot_series& s : plot.series) {
    for (double v : s.x) xr.add(v);
    for (double v : s.y) yr.add(v);
  }
  for (const plot_marker& m : plot.markers) xr.add(m.x);
  if (xr.empty()) xr = {0.0, 1.0};
  if (yr.empty()) yr = {0.0, 1.0};
  // Counts start at zero: the y axis always shows 0.
  yr.add(0.0);
  const std::vector<double> xt = nice_ticks(xr.low, xr.high, 8);
  const std::vector<double> yt = nice_ticks(yr.low, yr.high, 6);
  const double x0 = xt.front(), x1 = xt.back(), y0 = yt.front(), y1 = yt.back();
  auto px = [&](double v) { return left + (v - x0) / (x1 - x0) * plot_w; };
  auto py = [&](double v) { return top + plot_h - (v - y0) / (y1 - y0) * plot_h; };
  const int x_decimals = tick_decimals(xt.size() > 1 ? xt[1] - xt[0] : 1.0);
  const int y_decimals = tick_decimals(yt.size() > 1 ? yt[1] - yt[0] : 1.0);

  std::string out;
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\" font-size=\"13\">\n",
      plot.width, plot.height);
  out += fmt::format("<title>{}</title>\n", escape(plot.title));
  out += fmt::format("<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n", plot.width, plot.height);

  // Grid and ticks.
  out += "<g class=\"grid\" stroke=\"#e3e3e3\" stroke-width=\"1\">\n";
  for (double v : xt)
    out += fmt::format("<line x1=\"{0:.2f}\" y1=\"{1:.2f}\" x2=\"{0:.2f}\" y2=\"{2:.2f}\"/>\n", px(v), top, top + plot_h);
  for (double v : yt)
    out += fmt::format("<line x1=\"{0:.2f}\" y1=\"{1:.2f}\" x2=\"{2:.2f}\" y2=\"{1:.2f}\"/>\n", left, py(v), left + plot_w);
  out += "</g>\n";
  out += "<g class=\"axes\" stroke=\"#333333\" stroke-width=\"1\">\n";
  out += fmt::format("<line x1=\"{0:.2f}\" y1=\"{1:.2f}\" x2=\"{2:.2f}\" y2=\"{1:.2f}\"/>\n", left, top + plot_h,
                     left + plot_w);
  out += fmt::format("<line x1=\"{0:.2f}\" y1=\"{1:.2f}\" x2=\"{0:.2f}\" y2=\"{2:.2f}\"/>\n", left, top, top + plot_h);
  for (double v : xt)
    out += fmt::format("<line x1=\"{0:.2f}\" y1=\"{1:.2f}\" x2=\"{0:.2f}\" y2=\"{2:.2f}\"/>\n", px(v), top + plot_h,
                       top + plot_h + 5);
  for (double v : yt)
    out += fmt::format("<line x1=\"{0:.2f}\" y1=\"{1:.2f}\" x2=\"{2:.2f}\" y2=\"{1:.2f}\"/>\n", left - 5, py(v), left);
  out += "</g>\n";
  out += "<g class=\"tick-labels\" fill=\"#333333\">\n";
  for (double v : xt)
    out += fmt::format("<text x=\"{:.2f}\" y=\"{:.2f}\" text-anchor=\"middle\">{}</text>\n", px(v), top + plot_h + 20,
                       tick_label(v, x_decimals));
  for (double v : yt)
    out += fmt::format("<text x=\"{:.2f}\" y=\"{:.2f}\" text-anchor=\"end\">{}</text>\n", left - 9, py(v) + 4.5,
                       tick_label(v, y_decimals));
  out += "</g>\n";
  out += fmt::format("<text class=\"x-label\" x=\"{:.2f}\" y=\"{:.2f}\" text-anchor=\"middle\" font-size=\"14\">{}</text>\n",
                     left + plot_w / 2, height - 16, escape(plot.x_label));
  out += fmt::format(
      "<text class=\"y-label\" x=\"{0:.2f}\" y=\"{1:.2f}\" text-anchor=\"middle\" font-size=\"14\" "
      "transform=\"rotate(-90 {0:.2f} {1:.2f})\">{2}</text>\n",
      20.0, top + plot_h / 2, escape(plot.y_label));
  out += fmt::format("<text class=\"title\" x=\"{:.2f}\" y=\"{:.2f}\" text-anchor=\"middle\" font-size=\"16\" "
                     "font-weight=\"bold\">{}</text>\n",
                     width / 2, 30.0, escape(plot.title));

  // Markers under the curves, labelled at the top of the plot area, on the
  // side with more room.
  for (const plot_marker& m : plot.markers) {
    const double x = px(m.x);
    out += fmt::format(
        "<line class=\"marker\" x1=\"{0:.2f}\" y1=\"{1:.2f}\" x2=\"{0:.2f}\" y2=\"{2:.2f}\" stroke=\"#666666\" "
        "stroke-width=\"1.2\" stroke-dasharray=\"5,4\"/>\n",
        x, top, top + plot_h);
    const bool right_side = x < left + plot_w * 0.75;
    out += fmt::format("<text class=\"marker-label\" x=\"{:.2f}\" y=\"{:.2f}\" text-anchor=\"{}\" fill=\"#444444\">{}</text>\n",
                       right_side ? x + 6 : x - 6, top + 16, right_side ? "start" : "end", escape(m.label));
  }

  for (const plot_series& s : plot.series) {
    std::string points;
    const std::size_t n = std::min(s.x.size(), s.y.size());
    for (std::size_t i = 0; i < n; ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      if (!points.empty()) points += ' ';
      points += fmt::format("{:.2f},{:.2f}", px(s.x[i]), py(s.y[i]));
    }
    out += fmt::format(
        "<polyline class=\"series\" fill=\"none\" stroke=\"{}\" stroke-width=\"2.2\" stroke-linejoin=\"round\"{} "
        "points=\"{}\"><title>{}</title></polyline>\n",
        escape(s.color), s.dashed ? " stroke-dasharray=\"8,5\"" : "", points, escape(s.name));
  }

  // Legend in the top-left corner of the plot area, where cumulative curves
  // leave room.
  if (!plot.series.empty()) {
    std::size_t longest = 0;
    for (const plot_series& s : plot.series) longest = std::max(longest, s.name.size());
    const double lx = left + 12, ly = top + 30, row = 20;
    const double lw = 52 + 7.4 * static_cast<double>(longest), lh = 10 + row * static_cast<double>(plot.series.size());
    out += "<g class=\"legend\">\n";
    out += fmt::format(
        "<rect x=\"{:.2f}\" y=\"{:.2f}\" width=\"{:.2f}\" height=\"{:.2f}\" fill=\"#ffffff\" fill-opacity=\"0.9\" "
        "stroke=\"#bbbbbb\"/>\n",
        lx, ly, lw, lh);
    for (std::size_t i = 0; i < plot.series.size(); ++i) {
      const plot_series& s = plot.series[i];
      const double y = ly + 15 + row * static_cast<double>(i);
      out += fmt::format(
          "<line x1=\"{:.2f}\" y1=\"{:.2f}\" x2=\"{:.2f}\" y2=\"{:.2f}\" stroke=\"{}\" stroke-width=\"2.2\"{}/>\n",
          lx + 8, y, lx + 40, y, escape(s.color), s.dashed ? " stroke-dasharray=\"8,5\"" : "");
      out += fmt::format("<text x=\"{:.2f}\" y=\"{:.2f}\" fill=\"#222222\">{}</text>\n", lx + 46, y + 4.5,
                         escape(s.name));
    }
    out += "</g>\n";
  }
  out += "</svg>\n";
  return out;
}

}  // namespace cxkpi::cli
