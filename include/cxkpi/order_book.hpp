#pragma once
/// \file
/// The order figures (rpr.hpp) and services per customer (services.hpp) of
/// one pass, kept per customer in one table. A caller that computes both
/// from the same rows (`cxkpi report --orders`: RPR, AOV, CLV and services)
/// looks each row's customer up once instead of once per accumulator. With
/// hundreds of thousands of customers a lookup waits for memory, so that
/// halves the waits, and the entries of a parallel scan merge in one pass.
///
/// The figures are those of an order_accumulator fed the order rows and a
/// services_accumulator fed the service rows: a customer counts for RPR with
/// one order or more, for services with one service or more.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include "cxkpi/date.hpp"
#include "cxkpi/detail/customer_map.hpp"
#include "cxkpi/rpr.hpp"
#include "cxkpi/services.hpp"

namespace cxkpi {

/// One order as order_book::add takes it: a day (none when the input has no
/// date column), an amount >= 0 in micro-units, and a profit when the input
/// has a profit column.
struct order_line {
  std::optional<date> day;
  std::int64_t amount_micros = 0;
  std::optional<std::int64_t> profit_micros;
};

/// Streaming order figures and services per customer, one entry per customer.
class order_book {
 public:
  /// Counts every order (no window).
  order_book() = default;
  /// Counts the orders dated in [window.from, window.to).
  explicit order_book(date_window window) : window_(window) {}

  /// What add takes for a row with no service.
  static constexpr std::uint32_t no_service = 0xffff'ffff;

  /// The id of a service name, for add (never no_service).
  std::uint32_t service_id(std::string_view name) { return services_.id(name); }

  /// Records one row of `customer`: an order, a service use (an id from
  /// service_id), or both. Returns false, counting nothing, when the order's
  /// day lies outside the window. Throws `data_error` (no location: the
  /// caller knows the row) if a money total would pass 9.2e12 units; the
  /// order is not counted then.
  bool add(detail::hashed_key customer, const std::optional<order_line>& order, std::uint32_t service = no_service) {
    if (order && order->day && !window_.contains(*order->day)) return false;
    entry& e = customers_[customer];
    if (service != no_service) services_.add(e.services, service);
    if (order) {
      totals_.record(order->amount_micros, order->profit_micros, [&]() -> auto& { return e.orders; });
      if (order->day) totals_.record_day(*order->day);
    }
    return true;
  }

  /// Hints that `customer` is added soon, for callers that add rows in
  /// batches (detail::for_each_ahead).
  void prefetch_slot(detail::hashed_key customer) const noexcept { customers_.prefetch_slot(customer); }
  void prefetch_entry(detail::hashed_key customer) const noexcept { customers_.prefetch_entry(customer); }

  /// Adds what `other` recorded, as if its rows had been added here. Throws
  /// `std::invalid_argument` when the two windows differ, and `data_error`
  /// when a money total would pass 9.2e12 units.
  void merge(order_book&& other) {
    if (!(window_ == other.window_)) throw std::invalid_argument("cannot merge order figures over different windows");
    if (customers_.empty() && services_.empty()) {
      // The first part of a parallel scan: taking its table whole is the
      // same as adding its entries one by one, in order.
      *this = std::move(other);
      return;
    }
    const std::vector<std::uint32_t> mapped = services_.ids_of(other.services_);
    const auto* theirs = other.customers_.begin();
    detail::for_each_ahead(
        customers_, other.customers_.size(), [&](std::size_t i) { return detail::hashed_key(theirs[i].first); },
        [&](std::size_t i) {
          entry& mine = customers_[theirs[i].first];
          const entry& part = theirs[i].second;
          mine.orders.orders += part.orders.orders;
          mine.orders.revenue_micros =
              detail::add_money(mine.orders.revenue_micros, part.orders.revenue_micros, "customer revenue total");
          part.services.for_each([&](std::uint32_t id) { services_.add(mine.services, mapped[id]); });
        });
    totals_.merge(other.totals_);
  }

  /// The order figures so far, as order_accumulator::result gives them.
  rpr_result orders() const {
    std::uint64_t customers = 0, repeat = 0;
    for (const auto& [customer, e] : customers_) {
      customers += e.orders.orders >= 1 ? 1 : 0;
      repeat += e.orders.orders >= 2 ? 1 : 0;
    }
    return totals_.result(customers, repeat, window_);
  }

  /// Services per customer so far, as services_accumulator::result gives them.
  services_result services() const {
    return services_.result(customers_, [](const auto& item) -> const detail::service_set& {
      return item.second.services;
    });
  }

 private:
  struct entry {
    detail::customer_order_totals orders;
    detail::service_set services;
  };

  date_window window_;
  detail::string_map<entry> customers_;
  detail::order_totals totals_;
  detail::service_catalog services_;
};

}  // namespace cxkpi
