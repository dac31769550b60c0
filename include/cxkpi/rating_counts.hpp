#pragma once
/// \file
/// Answers counted per point of a rating scale. Every survey KPI is a
/// function of these counts, which is why accumulators are tiny, merge
/// exactly and give the same bytes whatever order the rows came in.

#include <cxkpi/scale.hpp>

#include <cassert>
#include <cstdint>
#include <limits>
#include <vector>

namespace cxkpi {

/// How many answers fell on each point of a scale. Memory is one counter per
/// point, independent of the number of answers.
class rating_counts {
 public:
  explicit rating_counts(rating_scale scale) : scale_(scale), counts_(static_cast<std::size_t>(scale.points())) {}

  /// Counts one answer; `value` must lie on the scale.
  void add(int value) {
    assert(scale_.contains(value));
    ++counts_[static_cast<std::size_t>(value - scale_.low)];
    ++n_;
  }
  /// Counts `times` answers of `value` at once, as `times` calls of add(value) would.
  void add(int value, std::uint64_t times) {
    assert(scale_.contains(value));
    counts_[static_cast<std::size_t>(value - scale_.low)] += times;
    n_ += times;
  }

  /// Adds another set of counts over the same scale.
  void merge(const rating_counts& other) {
    assert(other.scale_ == scale_);
    for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
    n_ += other.n_;
  }

  rating_scale scale() const { return scale_; }
  /// Number of answers.
  std::uint64_t n() const { return n_; }
  /// Answers equal to `value` (0 off the scale).
  std::uint64_t count(int value) const {
    return scale_.contains(value) ? counts_[static_cast<std::size_t>(value - scale_.low)] : 0;
  }
  /// Answers in [from, to], clipped to the scale.
  std::uint64_t count_between(int from, int to) const {
    std::uint64_t total = 0;
    for (int v = from < scale_.low ? scale_.low : from; v <= to && v <= scale_.high; ++v) total += count(v);
    return total;
  }

  /// Mean answer; NaN when there are none.
  double mean() const {
    if (n_ == 0) return std::numeric_limits<double>::quiet_NaN();
    return static_cast<double>(sum()) / static_cast<double>(n_);
  }

  /// Sample variance (n - 1 in the denominator); NaN below two answers.
  /// Computed from exact integer sums, so there is no cancellation to fear
  /// for integer scales of at most 101 points.
  double sample_variance() const {
    if (n_ < 2) return std::numeric_limits<double>::quiet_NaN();
    const double n = static_cast<double>(n_);
    const double s = static_cast<double>(sum());
    const double ss = static_cast<double>(sum_of_squares());
    return (ss - s * s / n) / (n - 1.0);
  }

 private:
  // Integer sums: at most 100 × 2^64 would overflow, far beyond any file.
  std::uint64_t sum() const {
    std::uint64_t s = 0;
    for (int v = scale_.low; v <= scale_.high; ++v) s += static_cast<std::uint64_t>(v) * count(v);
    return s;
  }
  std::uint64_t sum_of_squares() const {
    std::uint64_t s = 0;
    for (int v = scale_.low; v <= scale_.high; ++v) s += static_cast<std::uint64_t>(v) * static_cast<std::uint64_t>(v) * count(v);
    return s;
  }

  rating_scale scale_;
  std::vector<std::uint64_t> counts_;
  std::uint64_t n_ = 0;
};

}  // namespace cxkpi
