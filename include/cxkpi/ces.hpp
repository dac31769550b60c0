#pragma once
/// \file
/// Customer Effort Score (CES): agreement with "the company made it easy",
/// default scale 1-7, higher = less effort. CES = mean answer, with a t
/// interval, and % easy = share of the top three points of a 7-point scale
/// (top two of a 5-point one).

#include <cxkpi/rating_counts.hpp>
#include <cxkpi/stats.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace cxkpi {

/// Scale and direction of a CES question.
struct ces_options {
  rating_scale scale{1, 7};
  /// For "how much effort did it take" questions (lower = better): answers
  /// are mirrored (v → low + high − v) so that CES, % easy and the bands read
  /// the same way for both question styles.
  bool lower_is_better = false;
};

/// The first point that counts as "easy": top three points on scales of 7 or
/// more points, top two below.
inline int ces_easy_from(rating_scale scale) { return scale.high - (scale.points() >= 7 ? 2 : 1); }

/// A CES with its uncertainty, on the question's scale in the "higher is
/// easier" direction. Every statistic is NaN when n = 0; the interval is NaN
/// when n < 2.
struct ces_result {
  std::uint64_t n = 0;
  double value = std::numeric_limits<double>::quiet_NaN();   ///< mean answer
  double standard_deviation = std::numeric_limits<double>::quiet_NaN();  ///< sample SD
  /// mean ± t(0.975, n−1) · s / √n
  interval ci95;
  std::uint64_t easy = 0;                                     ///< answers >= ces_easy_from
  double pct_easy = std::numeric_limits<double>::quiet_NaN(); ///< 100 × easy / n
  std::vector<std::uint64_t> distribution;                    ///< per point, low to high
  ces_options options;
};

/// Streams CES answers; merge() combines partial results exactly.
class ces_accumulator {
 public:
  explicit ces_accumulator(ces_options options = {}) : options_(options), counts_(options.scale) {}

  /// Counts one answer as given on the scale (mirrored here if lower is better).
  void add(int answer) { add(answer, 1); }
  /// Counts `times` answers of `answer` at once, as `times` calls of add(answer) would.
  void add(int answer, std::uint64_t times) {
    counts_.add(options_.lower_is_better ? options_.scale.low + options_.scale.high - answer : answer, times);
  }
  void merge(const ces_accumulator& other) { counts_.merge(other.counts_); }
  const rating_counts& counts() const { return counts_; }
  const ces_options& options() const { return options_; }

  ces_result result() const {
    ces_result r;
    r.options = options_;
    r.n = counts_.n();
    r.easy = counts_.count_between(ces_easy_from(options_.scale), options_.scale.high);
    for (int v = options_.scale.low; v <= options_.scale.high; ++v) r.distribution.push_back(counts_.count(v));
    if (r.n == 0) return r;
    r.value = counts_.mean();
    r.pct_easy = 100.0 * static_cast<double>(r.easy) / static_cast<double>(r.n);
    if (r.n >= 2) {
      r.standard_deviation = std::sqrt(counts_.sample_variance());
      const double half = student_t_quantile(0.975, static_cast<double>(r.n - 1)) *
                          r.standard_deviation / std::sqrt(static_cast<double>(r.n));
      r.ci95 = {r.value - half, r.value + half};
    }
    return r;
  }

 private:
  ces_options options_;
  rating_counts counts_;
};

/// Where `value` on `scale` falls on the 1-7 scale the default CES bands
/// are written for: a linear map of [low, high] onto [1, 7].
inline double ces_on_seven_point_scale(double value, rating_scale scale) {
  return 1.0 + (value - scale.low) * 6.0 / static_cast<double>(scale.high - scale.low);
}

/// Whether two CES means differ: Welch's t-test. `difference` is second
/// minus first, in scale points.
inline comparison compare_ces(const ces_result& first, const ces_result& second) {
  const double v1 = first.standard_deviation * first.standard_deviation;
  const double v2 = second.standard_deviation * second.standard_deviation;
  return compare_means(first.value, v1, first.n, second.value, v2, second.n);
}

}  // namespace cxkpi
