#pragma once
/// \file
/// Service norms: how many cases met a time limit (delivery within 2 days, a
/// first reply within 1 hour), with the median, 90th percentile, maximum and
/// the slowest cases to look at first.

#include <cxkpi/stats.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace cxkpi {

/// One of the slowest cases.
struct slow_case {
  double seconds = 0;
  std::string id;          ///< the case's id (or its line when there is no id column)
  std::uint64_t order = 0; ///< position in the input, for a stable order among equal durations

  /// Slower first; equal durations in input order.
  friend bool operator<(const slow_case& a, const slow_case& b) {
    return std::tie(b.seconds, a.order) < std::tie(a.seconds, b.order);
  }
};

/// The share of cases within a norm and the shape of the durations. Every
/// statistic is NaN when n = 0.
struct norm_result {
  std::uint64_t n = 0;
  std::uint64_t within = 0;  ///< cases with duration <= norm
  double norm_seconds = 0;
  double pct_within = std::numeric_limits<double>::quiet_NaN();  ///< 100 × within / n
  interval ci95;  ///< Wilson interval of pct_within, in %
  /// Percentiles by linear interpolation between closest ranks (Excel's
  /// PERCENTILE.INC, numpy's default): h = (n − 1)·p, x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]).
  double median_seconds = std::numeric_limits<double>::quiet_NaN();
  double p90_seconds = std::numeric_limits<double>::quiet_NaN();
  double max_seconds = std::numeric_limits<double>::quiet_NaN();
  std::vector<slow_case> slowest;  ///< at most `top`, slowest first
};

/// The p-quantile (0..1) of sorted values by linear interpolation.
inline double interpolated_percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double h = static_cast<double>(sorted.size() - 1) * p;
  const auto low = static_cast<std::size_t>(std::floor(h));
  const std::size_t high = std::min(low + 1, sorted.size() - 1);
  return sorted[low] + (h - static_cast<double>(low)) * (sorted[high] - sorted[low]);
}

/// Streams durations against a norm. Exact percentiles need every duration,
/// so memory is 8 bytes a case (80 MB for 10 million), plus the `top` slowest.
class norm_accumulator {
 public:
  /// `norm_seconds`: the limit (a case exactly at it is within); `top`: how
  /// many of the slowest cases to keep.
  explicit norm_accumulator(double norm_seconds = 0, std::size_t top = 3) : norm_(norm_seconds), top_(top) {}

  /// Adds one case's duration (>= 0) with its id and input position.
  void add(double seconds, std::string_view id, std::uint64_t order) {
    durations_.push_back(seconds);
    if (seconds <= norm_) ++within_;
    consider({seconds, std::string(id), order});
  }

  void merge(const norm_accumulator& other) {
    durations_.insert(durations_.end(), other.durations_.begin(), other.durations_.end());
    within_ += other.within_;
    for (const slow_case& c : other.slowest_) consider(c);
  }

  norm_result result() const {
    norm_result r;
    r.n = durations_.size();
    r.within = within_;
    r.norm_seconds = norm_;
    r.slowest = slowest_;
    if (r.n == 0) return r;
    std::vector<double> sorted = durations_;
    std::sort(sorted.begin(), sorted.end());
    r.pct_within = 100.0 * static_cast<double>(within_) / static_cast<double>(r.n);
    const interval ci = wilson_interval(within_, r.n);
    r.ci95 = {100.0 * ci.low, 100.0 * ci.high};
    r.median_seconds = interpolated_percentile(sorted, 0.5);
    r.p90_seconds = interpolated_percentile(sorted, 0.9);
    r.max_seconds = sorted.back();
    return r;
  }

 private:
  // Keeps the `top_` slowest in order; small N, so a sorted insert is fastest.
  void consider(slow_case c) {
    if (top_ == 0) return;
    if (slowest_.size() == top_ && !(c < slowest_.back())) return;
    slowest_.insert(std::upper_bound(slowest_.begin(), slowest_.end(), c), std::move(c));
    if (slowest_.size() > top_) slowest_.pop_back();
  }

  double norm_;
  std::size_t top_;
  std::vector<double> durations_;
  std::uint64_t within_ = 0;
  std::vector<slow_case> slowest_;
};

}  // namespace cxkpi
