#pragma once
/// \file
/// Customer satisfaction (CSAT): ratings on a scale, default 1-5.
/// CSAT % = 100 × satisfied / n, satisfied = the top two points of the scale
/// (4-5 on 1-5, 6-7 on 1-7) unless configured otherwise.

#include <cxkpi/rating_counts.hpp>
#include <cxkpi/stats.hpp>

#include <cstdint>
#include <limits>
#include <vector>

namespace cxkpi {

/// Scale and "satisfied" range of a CSAT question.
struct csat_options {
  rating_scale scale{1, 5};
  /// Answers that count as satisfied; defaults to the top two points.
  rating_scale satisfied{4, 5};

  /// Options for `scale` with the top two points as satisfied.
  static csat_options for_scale(rating_scale scale) {
    return {scale, rating_scale{scale.high - 1, scale.high}};
  }
};

/// A CSAT with its distribution and uncertainty. Percentages are 0-100;
/// every share is NaN when n = 0.
struct csat_result {
  std::uint64_t n = 0;          ///< valid answers
  std::uint64_t satisfied = 0;  ///< answers in the satisfied range
  double value = std::numeric_limits<double>::quiet_NaN();  ///< CSAT %, 0-100
  /// 95% Wilson score interval of CSAT %.
  interval ci95;
  double mean = std::numeric_limits<double>::quiet_NaN();   ///< mean rating
  /// Share of the highest point ("% excellent", five-star share), 0-100.
  double top_box_pct = std::numeric_limits<double>::quiet_NaN();
  /// Share of the two lowest points ("bad + very bad"), 0-100.
  double bottom2_box_pct = std::numeric_limits<double>::quiet_NaN();
  /// Answers per point, from scale.low to scale.high.
  std::vector<std::uint64_t> distribution;
  csat_options options;
};

/// Streams CSAT ratings; merge() combines partial results exactly.
class csat_accumulator {
 public:
  explicit csat_accumulator(csat_options options = {}) : options_(options), counts_(options.scale) {}

  /// Counts one rating; it must lie on the scale.
  void add(int rating) { counts_.add(rating); }
  /// Counts `times` ratings of `rating` at once, as `times` calls of add(rating) would.
  void add(int rating, std::uint64_t times) { counts_.add(rating, times); }
  void merge(const csat_accumulator& other) { counts_.merge(other.counts_); }
  const rating_counts& counts() const { return counts_; }
  const csat_options& options() const { return options_; }

  csat_result result() const {
    csat_result r;
    r.options = options_;
    r.n = counts_.n();
    r.satisfied = counts_.count_between(options_.satisfied.low, options_.satisfied.high);
    for (int v = options_.scale.low; v <= options_.scale.high; ++v) r.distribution.push_back(counts_.count(v));
    if (r.n == 0) return r;
    const double n = static_cast<double>(r.n);
    r.value = 100.0 * static_cast<double>(r.satisfied) / n;
    const interval ci = wilson_interval(r.satisfied, r.n);
    r.ci95 = {100.0 * ci.low, 100.0 * ci.high};
    r.mean = counts_.mean();
    r.top_box_pct = 100.0 * static_cast<double>(counts_.count(options_.scale.high)) / n;
    r.bottom2_box_pct =
        100.0 * static_cast<double>(counts_.count_between(options_.scale.low, options_.scale.low + 1)) / n;
    return r;
  }

 private:
  csat_options options_;
  rating_counts counts_;
};

/// Whether two CSAT values differ: the two-proportion z-test on satisfied
/// shares; `difference` is in percentage points, second minus first.
inline comparison compare_csat(const csat_result& first, const csat_result& second) {
  return compare_proportions(first.satisfied, first.n, second.satisfied, second.n);
}

}  // namespace cxkpi
