#pragma once
/// \file
/// Customer lifetime value from order figures (`rpr.hpp`), in two forms.
///
/// **Revenue form:** CLV = AOV × purchase frequency × duration, where
/// - AOV = revenue / orders (currency units);
/// - purchase frequency = orders / customers / window months: orders per
///   customer per month over the observed window. The window is [from, to)
///   when both bounds are given, else from `from` (or the first order) to `to`
///   (or the day after the last order), counted in days; window months =
///   days / 30.436875, the mean Gregorian month (365.2425 / 12). Days, not a
///   count of calendar months, so that a window from 15 January to 14 March
///   is 1.94 months, not 2 or 3;
/// - duration in months = a given lifespan, else 100 / monthly churn % when
///   churn is known, and in every case at most the horizon (default 36).
///   The rule used is reported: `lifespan`, `churn`, or `horizon_cap` when
///   the horizon bounded the duration (also when churn is 0 or neither
///   lifespan nor churn is given: the lifetime is then unbounded).
///
/// **Profit form:** CLV_profit = W × A, W = average profit per order (margin ×
/// AOV, or Σ profit / orders from a profit column), A = orders / customers.
///
/// **CLV:CAC** = CLV (revenue form, the KPI's value) / CAC.

#include <cmath>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "cxkpi/money.hpp"
#include "cxkpi/rpr.hpp"

namespace cxkpi {

/// Days in the mean Gregorian month (365.2425 / 12): window days / this = months.
inline constexpr double days_per_month = 365.2425 / 12.0;

/// Which rule gave the relationship duration.
enum class duration_rule : std::uint8_t {
  lifespan,     ///< the given lifespan
  churn,        ///< 1 / monthly churn rate
  horizon_cap,  ///< the horizon (the other rule gave more, or none applied)
};

/// `lifespan`, `churn`, `horizon_cap`.
constexpr std::string_view to_string(duration_rule rule) noexcept {
  switch (rule) {
    case duration_rule::lifespan: return "lifespan";
    case duration_rule::churn: return "churn";
    case duration_rule::horizon_cap: return "horizon_cap";
  }
  return "horizon_cap";
}

/// Where W, the average profit per order, came from.
enum class profit_basis : std::uint8_t {
  none,           ///< neither margin nor profit column: no profit form
  margin,         ///< margin × AOV
  profit_column,  ///< Σ profit / orders that carried a profit
};

/// `none`, `margin`, `profit_column`.
constexpr std::string_view to_string(profit_basis basis) noexcept {
  switch (basis) {
    case profit_basis::none: return "none";
    case profit_basis::margin: return "margin";
    case profit_basis::profit_column: return "profit_column";
  }
  return "none";
}

/// The inputs of CLV besides the orders. `compute_clv` throws
/// `std::invalid_argument` for a value outside its range.
struct clv_options {
  std::optional<double> lifespan_months;        ///< > 0; wins over churn when both are given
  std::optional<double> monthly_churn_percent;  ///< 0–100 (e.g. 5 for 5% a month)
  double horizon_months = 36;                   ///< > 0: the cap on the duration
  std::optional<double> margin;                 ///< 0–1 (0.25 = 25%); wins over a profit column
  std::optional<double> cac;                    ///< > 0, currency units: customer acquisition cost
};

/// The relationship duration and the rule that gave it.
struct clv_duration {
  double months = 0;  ///< > 0, at most the horizon
  duration_rule rule = duration_rule::horizon_cap;
};

namespace detail {

inline void check_clv_options(const clv_options& options) {
  const auto finite = [](double x) { return std::isfinite(x); };
  if (!finite(options.horizon_months) || options.horizon_months <= 0)
    throw std::invalid_argument("horizon must be a positive number of months");
  if (options.lifespan_months && (!finite(*options.lifespan_months) || *options.lifespan_months <= 0))
    throw std::invalid_argument("lifespan must be a positive number of months");
  if (options.monthly_churn_percent &&
      (!finite(*options.monthly_churn_percent) || *options.monthly_churn_percent < 0 ||
       *options.monthly_churn_percent > 100))
    throw std::invalid_argument("churn must be a percentage between 0 and 100");
  if (options.margin && (!finite(*options.margin) || *options.margin < 0 || *options.margin > 1))
    throw std::invalid_argument("margin must be between 0 and 1");
  if (options.cac && (!finite(*options.cac) || *options.cac <= 0))
    throw std::invalid_argument("cac must be a positive amount");
}

}  // namespace detail

/// Duration in months = lifespan if given, else 100 / monthly churn % if
/// given and > 0, capped at the horizon; the horizon when neither applies.
/// Throws `std::invalid_argument` for options out of range.
inline clv_duration relationship_duration(const clv_options& options) {
  detail::check_clv_options(options);
  clv_duration raw{options.horizon_months, duration_rule::horizon_cap};
  if (options.lifespan_months) raw = {*options.lifespan_months, duration_rule::lifespan};
  else if (options.monthly_churn_percent && *options.monthly_churn_percent > 0)
    raw = {100.0 / *options.monthly_churn_percent, duration_rule::churn};
  if (raw.months > options.horizon_months) raw = {options.horizon_months, duration_rule::horizon_cap};
  return raw;
}

/// Every component of CLV. Money in currency units. A component is
/// `std::nullopt` when its inputs are missing (no orders, no dated orders for
/// the window, no margin or profit, no CAC), never NaN.
struct clv_result {
  std::uint64_t customers = 0;                 ///< n
  std::uint64_t orders = 0;
  std::optional<double> aov;                   ///< revenue / orders
  std::optional<double> window_days;           ///< observed window length in days (> 0)
  std::optional<double> window_months;         ///< window_days / 30.436875
  std::optional<double> frequency_per_month;   ///< orders / customers / window_months
  clv_duration duration;                       ///< months and the rule used
  std::optional<double> clv;                   ///< the value: aov × frequency_per_month × duration.months
  profit_basis basis = profit_basis::none;     ///< where W came from
  std::optional<double> profit_per_order;      ///< W
  std::optional<double> orders_per_customer;   ///< A = orders / customers
  std::optional<double> clv_profit;            ///< W × A
  std::optional<double> cac;                   ///< as given
  std::optional<double> clv_cac;               ///< clv / cac
};

/// The observed window in days: [from, to) when both bounds are set, else
/// from `from` or the first order up to `to` or the day after the last order.
/// `std::nullopt` when a bound is unknown (no dated orders) or the window is empty.
inline std::optional<double> observed_window_days(const rpr_result& orders) {
  const std::optional<date> from = orders.window.from ? orders.window.from : orders.first_order;
  const std::optional<date> to =
      orders.window.to ? orders.window.to
                       : (orders.last_order ? std::optional<date>(add_days(*orders.last_order, 1)) : std::nullopt);
  if (!from || !to || *to <= *from) return std::nullopt;
  return static_cast<double>(to->days - from->days);
}

/// CLV in both forms with every component (see the file comment for the
/// formulas). Throws `std::invalid_argument` for options out of range.
inline clv_result compute_clv(const rpr_result& orders, const clv_options& options) {
  clv_result out;
  out.duration = relationship_duration(options);  // validates the options
  out.customers = orders.customers;
  out.orders = orders.orders;
  out.aov = orders.aov;
  out.orders_per_customer = orders.orders_per_customer;
  out.window_days = observed_window_days(orders);
  if (out.window_days) out.window_months = *out.window_days / days_per_month;
  if (out.orders_per_customer && out.window_months)
    out.frequency_per_month = *out.orders_per_customer / *out.window_months;
  if (out.aov && out.frequency_per_month) out.clv = *out.aov * *out.frequency_per_month * out.duration.months;

  if (options.margin && out.aov) {
    out.basis = profit_basis::margin;
    out.profit_per_order = *options.margin * *out.aov;
  } else if (!options.margin && orders.profit_orders > 0) {
    out.basis = profit_basis::profit_column;
    out.profit_per_order = to_units(orders.profit_micros) / static_cast<double>(orders.profit_orders);
  }
  if (out.profit_per_order && out.orders_per_customer) out.clv_profit = *out.profit_per_order * *out.orders_per_customer;

  out.cac = options.cac;
  if (out.cac && out.clv) out.clv_cac = *out.clv / *out.cac;
  return out;
}

}  // namespace cxkpi
