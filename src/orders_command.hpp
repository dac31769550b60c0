#pragma once
// cxkpi rpr | clv | services: the KPIs of order rows (customer, date,
// amount, optional profit and service), and the pieces `cxkpi report` reuses.

#include "command.hpp"
#include "customer_fields.hpp"
#include "grouping.hpp"
#include "report.hpp"

#include <cxkpi/bands.hpp>
#include <cxkpi/clv.hpp>
#include <cxkpi/rpr.hpp>
#include <cxkpi/services.hpp>

#include <CLI/CLI.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cxkpi::cli {

// What a pass over order files computes, and which columns it insists on.
struct orders_settings {
  column_flags columns;
  date_flags dates;               // --date-format; --from/--to: the window
  bool strict = false;
  bool orders = true;             // order figures (RPR, CLV)
  bool profits = false;           // read the profit column (CLV's profit form without --margin)
  bool services = false;          // services per customer, when a service column is there
  bool services_required = false; // `services`: no service column is an error
  bool dates_required = false;    // `clv`: frequency needs order dates
  bool amounts_required = false;  // `clv`: AOV needs amounts
  // --by COLUMN (repeatable: the cross). Empty: no segments, and the pass
  // keeps its batched path only.
  std::vector<std::string> by;
};

// One segment's figures (--by): the same KPIs over the rows of its --by
// value(s) only. Its text reads like the survey's (`region=North`).
struct orders_segment {
  std::string segment;
  std::optional<rpr_result> orders;
  std::optional<services_result> services;
  row_accounting order_rows;
  row_accounting service_rows;
};

// The result of one pass over order files.
struct orders_outcome {
  std::optional<rpr_result> orders;         // when settings.orders
  bool amounts = true;                      // every input had an amount column (else AOV is unknown)
  bool dated = true;                        // every input had a date column (else no CLV frequency)
  std::optional<services_result> services;  // when a service column was found
  row_accounting input_rows;                // every row read: used by at least one KPI, or skipped
  row_accounting order_rows;                // RPR's and CLV's accounting
  row_accounting service_rows;              // services' accounting
  std::vector<orders_segment> segments;     // with --by: in key order
};

// The outcome of one segment: `outcome` with its figures and accounting
// replaced by the segment's (for rpr_row, clv_rows, services_row).
orders_outcome segment_outcome(const orders_outcome& outcome, const orders_segment& segment);

// The rows of one KPI with --by: the all row, then one per segment, in
// arrange_rows' order with its small_sample flags. `make` builds the rows of
// one outcome (clv makes two KPIs: each is arranged on its own).
std::vector<kpi_row> segmented_rows(const orders_outcome& outcome, const grouping_options& grouping,
                                    const std::function<std::vector<kpi_row>(const orders_outcome&)>& make);

// Reads `common.inputs` as orders. Settings must be finalized (dates parsed).
orders_outcome scan_orders(const common_options& common, const orders_settings& settings);

// CLV's flags: --lifespan, --churn, --horizon, --margin, --cac, and in
// `cxkpi clv` --subscriptions. Kept as text so that errors can quote it.
struct clv_flags {
  std::string lifespan;
  std::string churn;
  std::string horizon = "36";
  std::string margin;
  std::string cac;
  std::vector<std::string> subscriptions;
};

void add_clv_flags(CLI::App& command, clv_flags& flags, bool subscriptions_flag);

// CLV's options and where the monthly churn came from.
struct clv_inputs {
  clv_options options;
  std::string churn_source;  // "" (none), "given" (--churn) or "subscriptions"
};

// Checks and converts the flags; throws usage_error naming the flag.
clv_inputs resolve_clv_flags(const clv_flags& flags);

// The rows of each KPI, from a pass's outcome.
kpi_row rpr_row(const orders_outcome& outcome, const date_window& window, const band_table& bands);
// `clv`, then `clv_cac` when a CAC is given.
std::vector<kpi_row> clv_rows(const orders_outcome& outcome, const clv_inputs& inputs, const band_table& bands);
kpi_row services_row(const orders_outcome& outcome);

// Registers `cxkpi rpr`, `cxkpi clv` and `cxkpi services`.
void add_order_commands(CLI::App& app, std::function<int()>& run);

}  // namespace cxkpi::cli
