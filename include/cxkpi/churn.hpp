#pragma once
/// \file
/// Churn: customers lost during a period as a share of the customers active at
/// its start, from subscription rows, from plain counts, or from a churn flag.
///
/// **The rule (SPEC.md).** For a period [s, e): a customer is *active at the
/// start* when a subscription has start < s and (no end, or end >= s); *lost*
/// when active at s and that subscription's end lies in [s, e); *new* when a
/// subscription starts in [s, e). Churn % = 100 × lost / active at start;
/// acquisition % = 100 × new / active at start. Think of events as happening
/// during a day and periods as starting at midnight: a customer who starts on
/// 1 March is new in March, not active at its start; one whose end date is
/// 1 March was there at the start of March and is lost in March.
///
/// **Several rows of one customer.** A customer is one customer however many
/// rows name them. Their rows are merged into disjoint intervals of days first:
/// two rows combine when they overlap or touch, i.e. the later one starts on or
/// before the day after the earlier one ends (a renewal that starts the day
/// after the old contract ends is no churn). A gap of at least one whole day
/// means the customer left and came back. The rule above is then applied to the
/// merged intervals, so per period a customer counts at most once in each of
/// active-at-start, lost and new. A customer lost and won back within one
/// period counts as lost and as new; one who joins and leaves within a period
/// counts as new only.
///
/// **Overall figure for a series.** `value` is the pooled rate
/// 100 × Σ lost / Σ active-at-start over the periods, which is the mean of the
/// period rates weighted by their customers at start: months with few
/// customers (the start of a data set) cannot swing it. The unweighted mean of
/// the period rates is reported beside it.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cxkpi/date.hpp"
#include "cxkpi/detail/customer_map.hpp"

namespace cxkpi {

/// Churn figures for one period (or for plain counts).
struct churn_figures {
  std::uint64_t customers_at_start = 0;  ///< n: active at the start of the period
  std::uint64_t lost = 0;                ///< active at the start and lost during the period
  std::uint64_t new_customers = 0;       ///< started during the period (counted in neither of the above)
  /// 100 × lost / customers_at_start, in 0–100; `std::nullopt` when no
  /// customer was active at the start.
  std::optional<double> churn_percent;
  /// 100 × new_customers / customers_at_start, 0 or more (can exceed 100);
  /// `std::nullopt` when no customer was active at the start.
  std::optional<double> acquisition_percent;
};

namespace detail {

inline std::optional<double> percent(std::uint64_t part, std::uint64_t whole) noexcept {
  if (whole == 0) return std::nullopt;
  return 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

inline churn_figures make_churn_figures(std::uint64_t at_start, std::uint64_t lost, std::uint64_t added) noexcept {
  return {at_start, lost, added, percent(lost, at_start), percent(added, at_start)};
}

}  // namespace detail

/// Churn from counts (`--start-count N --lost M [--new K]`): churn % =
/// 100 × lost / start_count, acquisition % = 100 × new_customers / start_count;
/// both `std::nullopt` when start_count is 0. Throws `std::invalid_argument`
/// when lost > start_count (more customers lost than there were).
inline churn_figures churn_from_counts(std::uint64_t start_count, std::uint64_t lost,
                                       std::uint64_t new_customers = 0) {
  if (lost > start_count) throw std::invalid_argument("lost exceeds start count");
  return detail::make_churn_figures(start_count, lost, new_customers);
}

/// Churn figures of one period of a series.
struct period_churn {
  period span;          ///< [start, end) of the period
  std::string key;      ///< `2025-03`, `2025-Q1`, `2025`, `2025-W09` or `2025-03-07`
  churn_figures figures;  ///< customers at start, lost, new and the rates
};

/// The overall figure of a series of periods.
struct churn_overall {
  std::uint64_t periods = 0;            ///< periods in the series
  std::uint64_t rated_periods = 0;      ///< periods with at least one customer at start
  std::uint64_t customer_periods = 0;   ///< n: Σ customers_at_start over the periods
  std::uint64_t lost = 0;               ///< Σ lost
  std::uint64_t new_customers = 0;      ///< Σ new_customers
  /// The value: 100 × Σ lost / Σ customers_at_start (pooled; equals the mean
  /// of the period rates weighted by customers at start), per period of the
  /// series' kind. `std::nullopt` when Σ customers_at_start is 0.
  std::optional<double> churn_percent;
  /// Unweighted mean of the defined period churn rates; `std::nullopt` when
  /// no period has customers at start.
  std::optional<double> mean_churn_percent;
  /// 100 × Σ new_customers / Σ customers_at_start; `std::nullopt` when that is 0.
  std::optional<double> acquisition_percent;
};

/// Churn per period over a range, and overall.
struct churn_series {
  period_kind kind = period_kind::month;  ///< the length of every period
  std::uint64_t customers = 0;        ///< distinct customers in the data (whole data, not only the range)
  std::vector<period_churn> periods;  ///< consecutive, in date order
  churn_overall overall;
};

/// Streaming churn from subscription rows (customer, start, optional end).
/// Per customer it keeps the merged intervals (one inline, more on the heap
/// only for customers with gaps), so memory grows with customers, not rows.
/// `merge` of two accumulators fed with any split of the rows gives the same
/// results as one accumulator fed with all of them.
class subscription_churn {
 public:
  /// Records one subscription row of `customer`, from `start` to `end`
  /// inclusive (`std::nullopt`: still active). Returns false, recording
  /// nothing, when `end < start` (the caller skips the row, e.g. with reason
  /// `end_before_start`).
  bool add(std::string_view customer, date start, std::optional<date> end) {
    if (end && *end < start) return false;
    const interval row{start.days, end ? end->days : open_end};
    detail::find_or_insert(customers_, customer).insert(row);
    first_day_ = std::min(first_day_, row.start);
    last_day_ = std::max(last_day_, end ? row.end : row.start);
    return true;
  }

  /// Adds the rows recorded by `other`, as if they had been added here.
  void merge(const subscription_churn& other) {
    for (const auto& [customer, set] : other.customers_) {
      auto& mine = detail::find_or_insert(customers_, customer);
      set.for_each([&mine](const interval& row) { mine.insert(row); });
    }
    first_day_ = std::min(first_day_, other.first_day_);
    last_day_ = std::max(last_day_, other.last_day_);
  }

  /// Distinct customers seen.
  std::uint64_t customers() const noexcept { return customers_.size(); }

  /// The earliest start date; `std::nullopt` before any row.
  std::optional<date> first_date() const noexcept {
    if (customers_.empty()) return std::nullopt;
    return date{first_day_};
  }
  /// The latest date of any row (start or end); `std::nullopt` before any row.
  std::optional<date> last_date() const noexcept {
    if (customers_.empty()) return std::nullopt;
    return date{last_day_};
  }

  /// Churn per period for the periods of `kind` that overlap [from, to)
  /// (whole periods: see `periods_covering`), and overall. An empty range
  /// gives no periods and an overall with n = 0 and `std::nullopt` rates.
  churn_series result(period_kind kind, date from, date to) const {
    churn_series out;
    out.kind = kind;
    out.customers = customers_.size();
    const std::vector<period> spans = periods_covering(from, to, kind);
    const std::size_t count = spans.size();
    if (count == 0) return out;

    std::vector<std::int32_t> starts(count);
    for (std::size_t i = 0; i < count; ++i) starts[i] = spans[i].start.days;
    const std::int32_t series_end = spans.back().end.days;
    // Index of the last period starting on or before `day` (-1: before the first).
    const auto index_of = [&starts](std::int32_t day) {
      return static_cast<std::ptrdiff_t>(std::upper_bound(starts.begin(), starts.end(), day) - starts.begin()) - 1;
    };

    std::vector<std::int64_t> active_delta(count + 1, 0);  // difference array of customers at start
    std::vector<std::uint64_t> lost(count, 0), added(count, 0);
    for (const auto& [customer, set] : customers_) {
      std::ptrdiff_t last_new = -1;
      set.for_each([&](const interval& row) {
        // Active at the start s of the periods with row.start < s <= row.end.
        const std::ptrdiff_t first_active = index_of(row.start) + 1;
        const std::ptrdiff_t last_active =
            row.end == open_end ? static_cast<std::ptrdiff_t>(count) - 1 : index_of(row.end);
        if (first_active <= last_active) {
          ++active_delta[static_cast<std::size_t>(first_active)];
          --active_delta[static_cast<std::size_t>(last_active) + 1];
        }
        // Lost in the period holding the end, if active at that period's start.
        if (row.end != open_end && row.end < series_end) {
          const std::ptrdiff_t i = index_of(row.end);
          if (i >= 0 && starts[static_cast<std::size_t>(i)] > row.start) ++lost[static_cast<std::size_t>(i)];
        }
        // New in the period holding the start; rows are in date order, so a
        // second start in the same period is seen right after the first.
        if (row.start < series_end) {
          const std::ptrdiff_t i = index_of(row.start);
          if (i >= 0 && i != last_new) {
            ++added[static_cast<std::size_t>(i)];
            last_new = i;
          }
        }
      });
    }

    out.periods.reserve(count);
    std::int64_t active = 0;
    double rate_sum = 0;
    auto& all = out.overall;
    all.periods = count;
    for (std::size_t i = 0; i < count; ++i) {
      active += active_delta[i];
      const auto at_start = static_cast<std::uint64_t>(active);
      out.periods.push_back({spans[i], period_key(spans[i]), detail::make_churn_figures(at_start, lost[i], added[i])});
      all.customer_periods += at_start;
      all.lost += lost[i];
      all.new_customers += added[i];
      if (const auto& rate = out.periods.back().figures.churn_percent) {
        rate_sum += *rate;
        ++all.rated_periods;
      }
    }
    all.churn_percent = detail::percent(all.lost, all.customer_periods);
    all.acquisition_percent = detail::percent(all.new_customers, all.customer_periods);
    if (all.rated_periods > 0) all.mean_churn_percent = rate_sum / static_cast<double>(all.rated_periods);
    return out;
  }

  /// Churn per period over the data's own range: from the period holding the
  /// earliest start to the period holding the latest date of any row. No rows
  /// give no periods.
  churn_series result(period_kind kind = period_kind::month) const {
    if (customers_.empty()) return result(kind, date{0}, date{0});
    return result(kind, date{first_day_}, add_days(date{last_day_}, 1));
  }

 private:
  static constexpr std::int32_t open_end = std::numeric_limits<std::int32_t>::max();

  /// Days [start, end], both inclusive; `end == open_end` means no end.
  struct interval {
    std::int32_t start;
    std::int32_t end;
  };

  /// One customer's disjoint, non-touching intervals in date order. The
  /// first lives inline; `rest_` allocates only for customers with gaps.
  class interval_set {
   public:
    void insert(interval row) {
      if (empty()) {
        first_ = row;
        return;
      }
      if (rest_.empty() && joins(first_, row)) {
        first_ = {std::min(first_.start, row.start), std::max(first_.end, row.end)};
        return;
      }
      std::vector<interval> all;
      all.reserve(rest_.size() + 2);
      all.push_back(first_);
      all.insert(all.end(), rest_.begin(), rest_.end());
      const auto at = std::lower_bound(all.begin(), all.end(), row,
                                       [](const interval& a, const interval& b) { return a.start < b.start; });
      all.insert(at, row);
      std::vector<interval> merged;
      merged.reserve(all.size());
      for (const interval& next : all) {
        if (!merged.empty() && joins(merged.back(), next)) merged.back().end = std::max(merged.back().end, next.end);
        else merged.push_back(next);
      }
      first_ = merged.front();
      rest_.assign(merged.begin() + 1, merged.end());
    }

    template <class Visit>
    void for_each(Visit&& visit) const {
      if (empty()) return;
      visit(first_);
      for (const interval& row : rest_) visit(row);
    }

   private:
    /// Whether two intervals overlap or touch (the later starts at most one
    /// day after the earlier ends), in either order.
    static bool joins(const interval& a, const interval& b) noexcept {
      const auto& [early, late] = a.start <= b.start ? std::pair{a, b} : std::pair{b, a};
      return static_cast<std::int64_t>(late.start) <= static_cast<std::int64_t>(early.end) + 1;
    }

    bool empty() const noexcept { return first_.end < first_.start; }

    interval first_{1, 0};  // end < start: no interval yet
    std::vector<interval> rest_;
  };

  detail::string_map<interval_set> customers_;
  std::int32_t first_day_ = std::numeric_limits<std::int32_t>::max();
  std::int32_t last_day_ = std::numeric_limits<std::int32_t>::min();
};

/// Reads a churn flag: `yes`/`no`, `y`/`n`, `true`/`false`, `1`/`0`, ignoring
/// ASCII case and surrounding blanks. `std::nullopt` for anything else
/// (including empty text).
constexpr std::optional<bool> parse_churn_flag(std::string_view text) noexcept {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text.size() > 5) return std::nullopt;
  char lower[5] = {};
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    lower[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
  const std::string_view word(lower, text.size());
  if (word == "yes" || word == "y" || word == "true" || word == "1") return true;
  if (word == "no" || word == "n" || word == "false" || word == "0") return false;
  return std::nullopt;
}

/// Snapshot churn from a flag (a CRM export with one row per customer).
struct snapshot_churn_result {
  std::uint64_t customers = 0;  ///< n: rows with a valid flag
  std::uint64_t churned = 0;    ///< rows flagged as churned
  /// 100 × churned / customers, in 0–100; `std::nullopt` when there are no customers.
  std::optional<double> churn_percent;
};

/// Streaming snapshot churn: one `add` per customer row. Rows are taken as
/// distinct customers (no id is kept: constant memory).
class snapshot_churn {
 public:
  /// Records one customer with its churn flag.
  void add(bool churned) noexcept {
    ++customers_;
    if (churned) ++churned_;
  }
  /// Adds the counts of `other`.
  void merge(const snapshot_churn& other) noexcept {
    customers_ += other.customers_;
    churned_ += other.churned_;
  }
  /// churn % = 100 × churned / customers.
  snapshot_churn_result result() const noexcept {
    return {customers_, churned_, detail::percent(churned_, customers_)};
  }

 private:
  std::uint64_t customers_ = 0;
  std::uint64_t churned_ = 0;
};

}  // namespace cxkpi
