#pragma once
/// \file
/// Repeat purchase rate and the order figures beside it (orders, customers,
/// revenue, average order value), from a stream of orders.
///
/// RPR % = 100 × customers with >= 2 orders / customers with >= 1 order, over
/// the orders in the window. AOV = revenue / orders. Average orders per
/// customer = orders / customers. Money is summed exactly in micro-units
/// (`money.hpp`), so the figures do not depend on the order rows arrive in nor
/// on how the input was split between threads.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "cxkpi/date.hpp"
#include "cxkpi/detail/customer_map.hpp"
#include "cxkpi/money.hpp"

namespace cxkpi {

/// Order figures over a window. Counts are exact; the ratios are
/// `std::nullopt` when their denominator is 0 (no orders: never NaN).
struct rpr_result {
  std::uint64_t customers = 0;         ///< n: customers with >= 1 order in the window
  std::uint64_t repeat_customers = 0;  ///< customers with >= 2 orders in the window
  std::uint64_t orders = 0;            ///< orders in the window
  std::int64_t revenue_micros = 0;     ///< Σ amounts, micro-units (exact)
  std::uint64_t profit_orders = 0;     ///< orders that carried a profit figure
  std::int64_t profit_micros = 0;      ///< Σ profits of those orders, micro-units (may be negative)
  std::optional<date> first_order;     ///< earliest dated order in the window
  std::optional<date> last_order;      ///< latest dated order in the window
  date_window window;                  ///< the window the accumulator applied

  /// 100 × repeat_customers / customers, in 0–100.
  std::optional<double> rpr_percent;
  /// Average order value: revenue / orders, in currency units.
  std::optional<double> aov;
  /// orders / customers, 1 or more.
  std::optional<double> orders_per_customer;
};

namespace detail {

/// One customer's orders and revenue in the window.
struct customer_order_totals {
  std::uint32_t orders = 0;
  std::int64_t revenue_micros = 0;
};

/// The sums over every customer's orders, and the RPR figures from them.
/// Shared by order_accumulator and order_book, which differ only in what
/// else they keep per customer.
class order_totals {
 public:
  /// Adds one order of the customer `customer()` returns (looked up only
  /// once the overall totals are known not to overflow). Throws data_error
  /// if a money total would pass 9.2e12 units; nothing is counted then.
  template <class CustomerTotals>
  void record(std::int64_t amount_micros, std::optional<std::int64_t> profit_micros, CustomerTotals&& customer) {
    // Totals first: if one overflows, nothing has changed.
    const std::int64_t revenue = add_money(revenue_micros_, amount_micros, "revenue total");
    const std::int64_t profit =
        profit_micros ? add_money(profit_micros_, *profit_micros, "profit total") : profit_micros_;
    customer_order_totals& totals = customer();
    // With amounts >= 0 (as parse_money gives) a customer's total is at most
    // the overall one, so this cannot throw; it is checked all the same for
    // callers that pass negatives. It can only throw for a customer already
    // there (a new one starts at 0), so nothing has changed then either.
    totals.revenue_micros = add_money(totals.revenue_micros, amount_micros, "customer revenue total");
    ++totals.orders;
    ++orders_;
    revenue_micros_ = revenue;
    if (profit_micros) {
      ++profit_orders_;
      profit_micros_ = profit;
    }
  }

  /// Moves the first and last order to take in `day`.
  void record_day(date day) noexcept {
    first_day_ = std::min(first_day_, day.days);
    last_day_ = std::max(last_day_, day.days);
  }

  /// Adds another part's sums (its customers are the caller's to merge).
  void merge(const order_totals& other) {
    orders_ += other.orders_;
    revenue_micros_ = add_money(revenue_micros_, other.revenue_micros_, "revenue total");
    profit_orders_ += other.profit_orders_;
    profit_micros_ = add_money(profit_micros_, other.profit_micros_, "profit total");
    first_day_ = std::min(first_day_, other.first_day_);
    last_day_ = std::max(last_day_, other.last_day_);
  }

  /// The figures, given the customers with an order and those with two or more.
  rpr_result result(std::uint64_t customers, std::uint64_t repeat_customers, date_window window) const {
    rpr_result out;
    out.customers = customers;
    out.repeat_customers = repeat_customers;
    out.orders = orders_;
    out.revenue_micros = revenue_micros_;
    out.profit_orders = profit_orders_;
    out.profit_micros = profit_micros_;
    if (first_day_ <= last_day_) {
      out.first_order = date{first_day_};
      out.last_order = date{last_day_};
    }
    out.window = window;
    if (customers > 0) {
      const auto n = static_cast<double>(customers);
      out.rpr_percent = 100.0 * static_cast<double>(repeat_customers) / n;
      out.aov = to_units(revenue_micros_) / static_cast<double>(orders_);
      out.orders_per_customer = static_cast<double>(orders_) / n;
    }
    return out;
  }

 private:
  std::uint64_t orders_ = 0;
  std::int64_t revenue_micros_ = 0;
  std::uint64_t profit_orders_ = 0;
  std::int64_t profit_micros_ = 0;
  std::int32_t first_day_ = std::numeric_limits<std::int32_t>::max();
  std::int32_t last_day_ = std::numeric_limits<std::int32_t>::min();
};

}  // namespace detail

/// Streaming order figures with per-customer state only: customer →
/// {orders, revenue}. Orders outside the window are not counted (`add`
/// returns false so that the caller can account for the row). To compute
/// services per customer from the same rows as well, order_book keeps both
/// in one table.
class order_accumulator {
 public:
  /// Counts every order (no window).
  order_accumulator() = default;
  /// Counts the orders dated in [window.from, window.to).
  explicit order_accumulator(date_window window) : window_(window) {}

  /// Records one order of `customer` on `day` for `amount_micros` (>= 0, as
  /// `parse_money` gives), with its profit when the input has a profit
  /// column. Returns false, counting nothing, when `day` lies outside the
  /// window. Throws `data_error` (no location: the caller knows the row) if
  /// a money total would pass 9.2e12 units; nothing is counted then.
  bool add(std::string_view customer, date day, std::int64_t amount_micros,
           std::optional<std::int64_t> profit_micros = std::nullopt) {
    if (!window_.contains(day)) return false;
    add_undated(customer, amount_micros, profit_micros);
    totals_.record_day(day);
    return true;
  }

  /// Records one order without a date (input with no date column). The
  /// window is not applied, and the order does not move first/last order.
  void add_undated(std::string_view customer, std::int64_t amount_micros,
                   std::optional<std::int64_t> profit_micros = std::nullopt) {
    totals_.record(amount_micros, profit_micros, [&]() -> auto& { return customers_[customer]; });
  }

  /// Hints that `customer` is added soon, for callers that add orders in
  /// batches (detail::for_each_ahead): with many customers a lookup waits for
  /// memory, and hints given a few orders ahead let those waits overlap.
  void prefetch_slot(std::string_view customer) const noexcept { customers_.prefetch_slot(customer); }
  void prefetch_entry(std::string_view customer) const noexcept { customers_.prefetch_entry(customer); }

  /// Adds the orders recorded by `other`, as if they had been added here.
  /// Throws `std::invalid_argument` when the two windows differ, and
  /// `data_error` when a money total would pass 9.2e12 units.
  void merge(const order_accumulator& other) {
    if (!(window_ == other.window_)) throw std::invalid_argument("cannot merge order figures over different windows");
    const auto* theirs = other.customers_.begin();
    detail::for_each_ahead(
        customers_, other.customers_.size(), [&](std::size_t i) -> std::string_view { return theirs[i].first; },
        [&](std::size_t i) {
          auto& mine = customers_[theirs[i].first];
          mine.orders += theirs[i].second.orders;
          mine.revenue_micros =
              detail::add_money(mine.revenue_micros, theirs[i].second.revenue_micros, "customer revenue total");
        });
    totals_.merge(other.totals_);
  }

  /// The figures so far. Empty input: all counts 0, ratios `std::nullopt`.
  rpr_result result() const {
    std::uint64_t repeat = 0;
    for (const auto& [customer, totals] : customers_)
      if (totals.orders >= 2) ++repeat;
    return totals_.result(customers_.size(), repeat, window_);
  }

 private:
  date_window window_;
  detail::string_map<detail::customer_order_totals> customers_;
  detail::order_totals totals_;
};

}  // namespace cxkpi
