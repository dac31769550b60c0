// The four output formats. Human formats (table, markdown) round for the
// eye; JSON and CSV carry full precision for scripts.

#include "report.hpp"

#include <fmt/format.h>

#include <cmath>
#include <string_view>

namespace cxkpi::cli {
namespace {

ordered_json number_or_null(double v) { return std::isnan(v) ? ordered_json(nullptr) : ordered_json(v); }

ordered_json rows_json(const row_accounting& rows) {
  ordered_json reasons = ordered_json::object();
  for (const auto& [reason, count] : rows.skipped_by_reason) reasons[reason] = count;
  return {{"read", rows.read()}, {"used", rows.used}, {"skipped", rows.skipped()},
          {"skipped_by_reason", reasons}};
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

// "1.5" style with the row's decimals; "-" for no data.
std::string fixed(double v, int decimals) {
  if (std::isnan(v)) return "-";
  std::string s = fmt::format("{:.{}f}", v, decimals);
  if (s.starts_with("-") && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);  // no "-0.0"
  return s;
}

std::string interval_text(const kpi_row& row) {
  if (std::isnan(row.ci95.low)) return "";
  return fixed(row.ci95.low, row.decimals) + " to " + fixed(row.ci95.high, row.decimals);
}

std::string reasons_text(const row_accounting& rows, std::string_view separator) {
  std::string out;
  for (const auto& [reason, count] : rows.skipped_by_reason) {
    if (!out.empty()) out += separator;
    out += fmt::format("{} {}", reason, count);
  }
  return out;
}

std::string rows_line(const row_accounting& rows) {
  std::string line = fmt::format("rows: {} read, {} used, {} skipped", rows.read(), rows.used, rows.skipped());
  if (rows.skipped() != 0) line += " (" + reasons_text(rows, ", ") + ")";
  return line;
}

// Keys the human formats show elsewhere (trend, small-sample note) or not at all.
bool shown_in_details(std::string_view key) {
  return !key.starts_with("change") && key != "small_sample" && key != "standard_error";
}

// A bar per point of a distribution, ▁ to █, scaled to the largest count:
// the shape of the answers at a glance.
std::string sparkline(const ordered_json& distribution) {
  static constexpr std::string_view bars[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  std::uint64_t largest = 0;
  for (const auto& [key, count] : distribution.items()) largest = std::max(largest, count.get<std::uint64_t>());
  std::string out;
  for (const auto& [key, count] : distribution.items()) {
    const std::uint64_t c = count.get<std::uint64_t>();
    out += c == 0 || largest == 0 ? std::string(" ") : std::string(bars[(c * 7 + largest / 2) / largest]);
  }
  return out;
}

// One short phrase of the details a person reads first.
std::string details_text(const kpi_row& row) {
  std::string out;
  for (const auto& [key, value] : row.details.items()) {
    if (!shown_in_details(key)) continue;
    std::string text;
    if (key == "distribution" && value.is_object()) {
      text = "[" + sparkline(value) + "]";
    } else if (key == "slowest" && value.is_array()) {
      for (const auto& c : value)
        text += (text.empty() ? "slowest " : ", ") + c.value("id", std::string()) + " (" +
                fixed(c.value("hours", 0.0), 1) + "h)";
      if (text.empty()) continue;
    } else if (value.is_number()) {
      std::string key_text(key);
      for (char& c : key_text)
        if (c == '_') c = ' ';
      const bool percent = key.ends_with("_pct") || key.starts_with("pct_");
      if (key_text.ends_with(" pct")) key_text.resize(key_text.size() - 4);
      if (key_text.starts_with("pct ")) key_text.erase(0, 4);
      text = key_text + " " + (value.is_number_integer() ? value.dump() : fixed(value.get<double>(), percent ? 1 : 2)) +
             (percent ? "%" : "");
    } else {
      continue;  // strings and maps are for JSON
    }
    if (!out.empty()) out += ", ";
    out += text;
  }
  return out;
}

// "▲ +5.0*" for a rise (the star marks a significant change at 95%), "▼" for
// a fall, "=" for none; empty for rows without a previous period.
std::string trend_text(const kpi_row& row) {
  auto it = row.details.find("change");
  if (it == row.details.end() || !it->is_number()) return "";
  const double change = it->get<double>();
  const bool significant = row.details.value("change_significant", false);
  const std::string arrow = change > 0 ? "▲ +" : change < 0 ? "▼ " : "= ";
  return arrow + fixed(change, row.decimals) + (significant ? "*" : "");
}

std::string label(const kpi_row& row) {
  std::string out = upper(row.kpi);
  if (!row.segment.empty()) out += " [" + row.segment + "]";
  if (!row.period.empty()) out += " " + row.period;
  return out;
}

// Green for the best band, red for the worst, yellow between; churn is the
// one KPI where lower is better.
std::string colored_band(const kpi_row& row, const std::string& padded) {
  static constexpr std::string_view good = "\x1b[32m", bad = "\x1b[31m", middle = "\x1b[33m", reset = "\x1b[0m";
  const std::string_view b = row.band;
  const bool best = b == "excellent" || b == "world-class" || b == "strong" || b == "healthy" ||
                    (row.kpi == "churn" && b == "low");
  const bool worst = b == "poor" || b == "below target" || b == "high effort" || b == "loses money" ||
                     (row.kpi == "churn" && b == "high") || (row.kpi == "rpr" && b == "low");
  return std::string(best ? good : worst ? bad : middle) + padded + std::string(reset);
}

// Display width of UTF-8 text: code points, not bytes (the bars and arrows
// are one column wide each).
std::size_t display_width(std::string_view s) {
  std::size_t width = 0;
  for (unsigned char c : s) width += (c & 0xC0) != 0x80;
  return width;
}

std::string pad_right(const std::string& s, std::size_t width) {
  return s + std::string(width - std::min(width, display_width(s)), ' ');
}
std::string pad_left(const std::string& s, std::size_t width) {
  return std::string(width - std::min(width, display_width(s)), ' ') + s;
}

bool small_sample(const kpi_row& row) { return row.details.value("small_sample", false); }

std::string render_table(const report& r, bool color) {
  bool any_trend = false;
  for (const kpi_row& row : r.kpis) any_trend = any_trend || row.details.contains("change");
  std::vector<std::vector<std::string>> lines;
  lines.push_back({"KPI", "value", "95% CI", "n", "band", any_trend ? "change" : "", ""});
  for (const kpi_row& row : r.kpis)
    lines.push_back({label(row), fixed(row.value, row.decimals), interval_text(row),
                     std::to_string(row.n) + (small_sample(row) ? " (small)" : ""), row.band.empty() ? "-" : row.band,
                     trend_text(row), details_text(row)});
  std::vector<std::size_t> width(lines.front().size(), 0);
  for (const auto& cells : lines)
    for (std::size_t c = 0; c < cells.size(); ++c) width[c] = std::max(width[c], display_width(cells[c]));
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& cells = lines[i];
    std::string band = pad_right(cells[4], width[4]);
    if (color && i > 0 && !r.kpis[i - 1].band.empty()) band = colored_band(r.kpis[i - 1], band);
    std::string line = pad_right(cells[0], width[0]) + "  " + pad_left(cells[1], width[1]) + "  " +
                       pad_right(cells[2], width[2]) + "  " + pad_left(cells[3], width[3]) + "  " + band + "  ";
    if (any_trend) line += pad_right(cells[5], width[5]) + "  ";
    line += cells[6];
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  out += rows_line(r.rows) + "\n";
  // Each KPI's own accounting where it differs from the whole input's
  // (segment and period rows add up to it and would only repeat it).
  for (const kpi_row& row : r.kpis)
    if (row.segment.empty() && row.period.empty() &&
        (row.rows.read() != r.rows.read() || row.rows.used != r.rows.used))
      out += fmt::format("  {}: {}\n", label(row), rows_line(row.rows));
  if (any_trend) out += "change: from the previous period of the same segment; * significant at 95%\n";
  for (const check_outcome& c : r.checks)
    out += fmt::format("check {}: {}{}\n", c.passed ? "passed" : "FAILED", c.expr,
                       c.reason.empty() ? "" : " (" + c.reason + ")");
  return out;
}

std::string render_markdown(const report& r) {
  std::string out = "| KPI | value | 95% CI | n | band | change | details |\n|---|---:|---|---:|---|---|---|\n";
  for (const kpi_row& row : r.kpis)
    out += fmt::format("| {} | {} | {} | {}{} | {} | {} | {} |\n", label(row), fixed(row.value, row.decimals),
                       interval_text(row), row.n, small_sample(row) ? " (small)" : "",
                       row.band.empty() ? "-" : row.band, trend_text(row), details_text(row));
  out += "\n" + rows_line(r.rows) + "\n";
  if (!r.checks.empty()) {
    out += "\n";
    for (const check_outcome& c : r.checks)
      out += fmt::format("- {} `{}`{}\n", c.passed ? "✅ passed" : "❌ failed", c.expr,
                         c.reason.empty() ? "" : " (" + c.reason + ")");
  }
  return out;
}

// RFC 4180 quoting, only where needed.
std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_number(double v) { return std::isnan(v) ? "" : ordered_json(v).dump(); }

std::string render_csv(const report& r, bool header) {
  std::string out;
  if (header)
    out += "kpi,segment,period,value,ci_low,ci_high,n,band,rows_read,rows_used,rows_skipped,skipped_by_reason,details\n";
  for (const kpi_row& row : r.kpis) {
    std::string reasons;
    for (const auto& [reason, count] : row.rows.skipped_by_reason)
      reasons += (reasons.empty() ? "" : ";") + reason + "=" + std::to_string(count);
    std::string details;
    for (const auto& [key, value] : row.details.items())
      if (value.is_number() || value.is_boolean())
        details += (details.empty() ? "" : ";") + key + "=" + value.dump();
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{}\n", row.kpi, csv_field(row.segment),
                       csv_field(row.period), csv_number(row.value), csv_number(row.ci95.low),
                       csv_number(row.ci95.high), row.n, csv_field(row.band), row.rows.read(), row.rows.used,
                       row.rows.skipped(), csv_field(reasons), csv_field(details));
  }
  return out;
}

}  // namespace

ordered_json to_json(const report& r) {
  ordered_json kpis = ordered_json::array();
  for (const kpi_row& row : r.kpis) {
    ordered_json k = {{"kpi", row.kpi}};
    if (!row.segment.empty()) k["segment"] = row.segment;
    if (!row.period.empty()) k["period"] = row.period;
    k["value"] = number_or_null(row.value);
    k["n"] = row.n;
    k["ci95"] = std::isnan(row.ci95.low) ? ordered_json(nullptr)
                                          : ordered_json::array({row.ci95.low, row.ci95.high});
    k["band"] = row.band.empty() ? ordered_json(nullptr) : ordered_json(row.band);
    for (const auto& [key, value] : row.details.items()) k[key] = value;
    k["rows"] = rows_json(row.rows);
    kpis.push_back(std::move(k));
  }
  ordered_json checks = ordered_json::array();
  for (const check_outcome& c : r.checks) {
    ordered_json j = {{"expr", c.expr}, {"passed", c.passed}};
    if (!c.reason.empty()) j["reason"] = c.reason;
    checks.push_back(std::move(j));
  }
  ordered_json out = ordered_json::object();
  if (!r.source.empty()) out["source"] = r.source;  // only when recognised: generic output is unchanged
  out["kpis"] = std::move(kpis);
  out["rows"] = rows_json(r.rows);
  out["checks"] = std::move(checks);
  return out;
}

std::string render(const report& r, const render_options& options) {
  switch (options.format) {
    // Invalid UTF-8 (a segment name from a Latin-1 file) is replaced, not fatal.
    case output_format::json: return to_json(r).dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
    case output_format::csv: return render_csv(r, options.csv_header);
    case output_format::markdown: return render_markdown(r);
    case output_format::table: break;
  }
  return render_table(r, options.color);
}

}  // namespace cxkpi::cli
