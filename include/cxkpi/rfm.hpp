#pragma once
/// \file
/// Per-customer RFM summary (recency, frequency, monetary value) in the form
/// the buy-till-you-die models want it (cxkpi/bgnbd.hpp, cxkpi/gamma_gamma.hpp):
///
///   x     repeat purchases: distinct purchase *days* after the first one, up to
///         and including the calibration end (several orders on one day count
///         once, as in the published CDNOW data and in lifetimes);
///   t_x   time of the last purchase since the first, in the chosen unit;
///   T     age at the calibration end: calibration_end - first purchase day;
///   zbar  mean spend per repeat purchase day: the spend of each purchase day
///         is summed, the first day is left out, the mean is over the x
///         repeat days (lifetimes' `monetary_value`); 0 when x = 0.
///
/// Purchases are grouped by calendar day whatever the time unit; the unit only
/// converts durations (a week is 7 days). This reproduces the published CDNOW
/// summary (t_x = 30.43 weeks = 213 days / 7). It differs from lifetimes'
/// `freq='W'`, which buckets purchases into calendar weeks; lifetimes' own
/// documentation recommends `freq='D', freq_multiplier=7` to get these values.
///
/// Dates are days since 1970-01-01 (`std::chrono::sys_days{...}
/// .time_since_epoch().count()`); the calibration and holdout ends are
/// inclusive days.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cxkpi/error.hpp"

namespace cxkpi {

/// The time unit of t_x, T, of the model parameters fitted on them (BG/NBD's
/// alpha is in this unit) and of every horizon passed to the predictions.
enum class time_unit { day, week, month };

/// Days in one unit: day 1, week 7, month 365.2425 / 12 = 30.436875 (the mean
/// Gregorian month; a "month" of predictions is then exactly 1/12 year).
constexpr double days_per_unit(time_unit unit) noexcept {
  switch (unit) {
    case time_unit::day: return 1.0;
    case time_unit::week: return 7.0;
    case time_unit::month: return 365.2425 / 12.0;
  }
  return 1.0;
}

/// "day", "week" or "month": the singular, for headers such as `t_x_weeks`.
constexpr std::string_view time_unit_name(time_unit unit) noexcept {
  switch (unit) {
    case time_unit::day: return "day";
    case time_unit::week: return "week";
    case time_unit::month: return "month";
  }
  return "day";
}

/// Parses "day", "week" or "month" (also the plurals); nullopt otherwise.
inline std::optional<time_unit> parse_time_unit(std::string_view text) noexcept {
  if (text == "day" || text == "days") return time_unit::day;
  if (text == "week" || text == "weeks") return time_unit::week;
  if (text == "month" || text == "months") return time_unit::month;
  return std::nullopt;
}

/// The observation windows of a calibration/holdout split. Days since
/// 1970-01-01; both ends inclusive: the calibration window is
/// (-inf, calibration_end], the holdout window (calibration_end, holdout_end].
struct rfm_window {
  std::int32_t calibration_end = 0;
  std::optional<std::int32_t> holdout_end;  ///< must be > calibration_end when set
  time_unit unit = time_unit::week;

  /// Holdout length in `unit`s, (holdout_end - calibration_end) / days_per_unit;
  /// 0 without a holdout window.
  double holdout_length() const noexcept {
    return holdout_end ? (*holdout_end - calibration_end) / days_per_unit(unit) : 0.0;
  }
};

/// One customer's summary; times in the window's unit.
struct rfm_summary {
  std::int64_t x = 0;           ///< repeat purchase days in the calibration window
  double t_x = 0.0;             ///< last purchase day - first purchase day, in units (0 when x = 0)
  double T = 0.0;               ///< calibration_end - first purchase day, in units
  double zbar = 0.0;            ///< mean spend per repeat purchase day (0 when x = 0)
  std::int32_t first_day = 0;   ///< the first purchase (birth), days since 1970-01-01
  std::int64_t holdout_x = 0;   ///< purchase days in the holdout window (all repeats)
  double holdout_spend = 0.0;   ///< spend in the holdout window
};

/// One purchase day of a customer: the day and the summed spend of its orders.
struct purchase_day {
  std::int32_t day = 0;   ///< days since 1970-01-01
  double spend = 0.0;     ///< sum of the order amounts of that day
};

/// Collects one customer's orders, in any order, and summarises them.
///
/// Memory: one `purchase_day` (16 bytes) per distinct purchase day, not per
/// order. Input sorted by date (per customer) costs O(1) per order; an order
/// that arrives out of date order costs a binary search and an insertion.
/// Keeping the days, rather than running counts, is what makes unsorted input
/// exact ("several orders on one day count once") and lets the caller choose
/// the calibration end after reading the data.
class rfm_accumulator {
 public:
  /// Records an order of `amount` (>= 0; an order of 0 counts as a purchase
  /// day with no spend) on `day` (days since 1970-01-01). Throws data_error
  /// for a negative or non-finite amount, leaving the accumulator unchanged.
  void add(std::int32_t day, double amount) {
    if (!std::isfinite(amount)) throw data_error("spend is not a finite number", {});
    if (amount < 0.0) throw data_error("negative spend " + std::to_string(amount) + " (refunds are not purchases)", {});
    if (days_.empty() || days_.back().day < day) {
      days_.push_back({day, amount});
      return;
    }
    if (days_.back().day == day) {
      days_.back().spend += amount;
      return;
    }
    auto it = std::lower_bound(days_.begin(), days_.end(), day,
                               [](const purchase_day& p, std::int32_t d) { return p.day < d; });
    if (it != days_.end() && it->day == day) {
      it->spend += amount;
    } else {
      days_.insert(it, {day, amount});
    }
  }

  /// True when no order was added.
  bool empty() const noexcept { return days_.empty(); }

  /// The distinct purchase days, ascending, with their summed spend.
  std::span<const purchase_day> days() const noexcept { return days_; }

  /// The summary for `window`; nullopt when the customer has no purchase on
  /// or before the calibration end (not yet born: models leave them out, as
  /// lifetimes does). Orders after the holdout end (or after the calibration
  /// end without a holdout) are ignored. Throws data_error for a holdout end
  /// that is not after the calibration end.
  std::optional<rfm_summary> summarize(const rfm_window& window) const {
    if (window.holdout_end && *window.holdout_end <= window.calibration_end) {
      throw data_error("holdout end must be after the calibration end", {});
    }
    if (days_.empty() || days_.front().day > window.calibration_end) return std::nullopt;
    const double unit = days_per_unit(window.unit);
    rfm_summary s;
    s.first_day = days_.front().day;
    std::int32_t last = s.first_day;
    double repeat_spend = 0.0;
    for (std::size_t i = 1; i < days_.size(); ++i) {
      const purchase_day& p = days_[i];
      if (p.day <= window.calibration_end) {
        ++s.x;
        last = p.day;
        repeat_spend += p.spend;
      } else if (window.holdout_end && p.day <= *window.holdout_end) {
        ++s.holdout_x;
        s.holdout_spend += p.spend;
      } else {
        break;
      }
    }
    s.t_x = (last - s.first_day) / unit;
    s.T = (window.calibration_end - s.first_day) / unit;
    s.zbar = s.x > 0 ? repeat_spend / static_cast<double>(s.x) : 0.0;
    return s;
  }

 private:
  std::vector<purchase_day> days_;
};

}  // namespace cxkpi
