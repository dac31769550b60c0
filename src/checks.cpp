#include "checks.hpp"

#include "exit_code.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <optional>

namespace cxkpi::cli {
namespace {

constexpr double no_value = std::numeric_limits<double>::quiet_NaN();

// The number a check compares; nullopt when the KPI has no such field.
std::optional<double> field_value(const kpi_row& row, const std::string& field) {
  if (field == "value") return row.value;
  if (field == "n") return static_cast<double>(row.n);
  if (field == "ci_low") return row.ci95.low;
  if (field == "ci_high") return row.ci95.high;
  auto it = row.details.find(field);
  if (it == row.details.end()) return std::nullopt;
  if (it->is_number()) return it->get<double>();
  if (it->is_null()) return no_value;
  return std::nullopt;
}

std::string field_names(const kpi_row& row) {
  std::string out = "value, n, ci_low, ci_high";
  for (const auto& [key, value] : row.details.items())
    if (value.is_number() || value.is_null()) out += ", " + key;
  return out;
}

bool selector_matches(const check& c, const kpi_row& row) {
  // Segments print as "region=North, channel=web"; a selector names a subset.
  for (const auto& [key, value] : c.selector) {
    std::string part = key;
    part += '=';
    part += value;
    if (row.segment.find(part) == std::string::npos) return false;
  }
  return true;
}

std::string format_number(double v) {
  if (std::isnan(v)) return "no data";
  return fmt::format("{:.4g}", v);
}

}  // namespace

std::vector<check> parse_checks(const std::vector<std::string>& expressions) {
  std::vector<check> out;
  for (const std::string& e : expressions) {
    try {
      out.push_back(parse_check(e));
    } catch (const check_syntax_error& error) {
      throw usage_error(error.what());
    }
  }
  return out;
}

void evaluate_checks(report& r, const std::vector<check>& checks) {
  for (const check& c : checks) {
    check_outcome outcome{c.text, true, ""};
    bool any_row = false;
    const kpi_row* example = nullptr;
    std::size_t more_failures = 0;  // failing rows after the first, which the reason names
    for (const kpi_row& row : r.kpis) {
      if (row.kpi != c.kpi) continue;
      // Without a selector, a check applies to every row of the KPI; segment
      // rows are its "all" row's parts, so checking them all is the strict reading.
      if (!c.selector.empty() && !selector_matches(c, row)) continue;
      example = &row;
      const std::optional<double> actual = field_value(row, c.field);
      // Period changes exist only on period rows after the first: other rows
      // have no change to check. Every other field must exist and hold a value.
      const bool change_field = c.field.starts_with("change");
      if (!actual || (change_field && std::isnan(*actual))) {
        if (change_field) continue;
        throw usage_error(fmt::format("check \"{}\": {} has no field \"{}\" (fields: {})", c.text, c.kpi, c.field,
                                      field_names(row)));
      }
      any_row = true;
      bool passed = c.interval_aware && c.field == "value"
                        ? compare_with_interval(*actual, row.ci95.low, row.ci95.high, c.op, c.threshold)
                        : compare(*actual, c.op, c.threshold);
      if (!passed && !outcome.passed) ++more_failures;
      if (!passed && outcome.passed) {
        outcome.passed = false;
        std::string where = c.kpi;
        if (!row.segment.empty()) where += "[" + row.segment + "]";
        if (!row.period.empty()) where += " " + row.period;
        if (c.field != "value") where += "." + c.field;
        outcome.reason = fmt::format("{} is {}", where, format_number(*actual));
        if (c.interval_aware && !std::isnan(row.ci95.low))
          outcome.reason += fmt::format(", 95% CI {} to {}", format_number(row.ci95.low), format_number(row.ci95.high));
      }
    }
    if (more_failures != 0)
      outcome.reason += fmt::format("; {} more {}", more_failures, more_failures == 1 ? "row fails" : "rows fail");
    if (!any_row) {
      outcome.passed = false;
      outcome.reason = example == nullptr         ? (c.selector.empty() ? "no " + c.kpi + " result in this report"
                                                                        : "no " + c.kpi + " row matches the selector")
                       : c.field.starts_with("change") ? "no " + c.kpi + " row has a previous period (use --period)"
                                                        : "no value";
    }
    r.checks.push_back(std::move(outcome));
  }
}

}  // namespace cxkpi::cli
