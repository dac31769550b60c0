#pragma once
// Revenue by NPS group in `cxkpi report --survey S --orders O` (issue 4):
// the survey's latest answer per customer joined with the orders' totals per
// customer (include/cxkpi/loyalty_revenue.hpp), as report rows.
//
// It reads the survey and the orders once more, after the sections that
// compute NPS, RPR and CLV: those passes keep no per-customer data, and the
// join needs it from both sides. The orders are read with the same rules as
// `scan_orders` (src/orders_command.cpp), so the join's orders and revenue
// add up to RPR's: keep the two in step.

#include "command.hpp"
#include "customer_fields.hpp"
#include "report.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace cxkpi::cli {

struct loyalty_settings {
  std::string survey_customer_column;  // --survey-customer-column; "" = detected by usual names
  column_flags order_columns;          // the orders' --customer-column, --date-column, --amount-column, --profit-column
  date_flags dates;                    // --date-format (survey and orders), --from/--to (orders); finalized
  bool profits = false;     // the orders' pass reads the profit column (no --margin): a bad profit skips the order
  std::size_t at_risk = 0;  // --at-risk N: list the N detractors with the most revenue
};

// The rows of revenue by NPS group: `revenue_per_customer` per group,
// `detractor_revenue_share`, then `at_risk` per detractor listed
// (docs/loyalty-revenue.md). No rows when the inputs cannot give them (a
// survey without a customer id or NPS column, orders without amounts,
// standard input, which cannot be read twice); --verbose says why. With
// --at-risk the join was asked for: that is a data_error (usage_error for
// standard input) instead.
std::vector<kpi_row> loyalty_rows(const common_options& survey, const common_options& orders,
                                  const loyalty_settings& settings);

}  // namespace cxkpi::cli
