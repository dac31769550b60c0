#pragma once
// cxkpi churn: churn per period from subscription rows (customer, start,
// end), from a churn flag (one row per customer), or from plain counts.

#include "command.hpp"
#include "customer_fields.hpp"
#include "report.hpp"

#include <cxkpi/bands.hpp>
#include <cxkpi/date.hpp>

#include <CLI/CLI.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cxkpi::cli {

// How churn inputs are read.
struct churn_settings {
  column_flags columns;          // customer, start, end, flag
  date_flags dates;              // --date-format, --from, --to (the range of the series)
  period_kind period = period_kind::month;
  std::vector<std::string> by;   // --by: segments
  std::size_t min_n = 30;        // --min-n
  std::string sort = "key";      // --sort
  bool strict = false;
};

// What a pass over churn inputs gives.
struct churn_outcome {
  // The all-customers row first, then segments, then periods (with their
  // segments); only the overall rows when periods are not asked for.
  std::vector<kpi_row> rows;
  row_accounting input_rows;  // every row read
  // The overall churn of all customers per month (the pooled rate of the
  // series, or the snapshot's rate, turned into a monthly one when the period
  // is longer): CLV's duration. Nothing when no customer was at a start.
  std::optional<double> monthly_churn_percent;
};

// Reads `common.inputs` (subscriptions or churn flags) and computes churn.
// `with_periods` false keeps only the overall rows (for `cxkpi report`).
// Settings must be finalized (dates parsed).
churn_outcome compute_churn(const common_options& common, const churn_settings& settings, const band_table& bands,
                            bool with_periods);

// The churn rate per month equivalent to `percent` per period of `kind`,
// assuming the same monthly rate throughout: 1 − (1 − p)^(1/3) for a quarter,
// ^(1/12) for a year. The bands are monthly.
double monthly_equivalent(double percent, period_kind kind);

// Registers `cxkpi churn`.
void add_churn_command(CLI::App& app, std::function<int()>& run);

}  // namespace cxkpi::cli
