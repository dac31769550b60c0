#pragma once
/// \file
/// Net Promoter Score: answers 0-10 to "how likely are you to recommend us".
/// Promoters answer 9-10, passives 7-8, detractors 0-6.
/// NPS = 100 × (promoters − detractors) / n, from −100 to 100.

#include <cxkpi/rating_counts.hpp>
#include <cxkpi/stats.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace cxkpi {

/// The standard NPS scale, 0-10.
inline constexpr rating_scale nps_scale{0, 10};

/// An NPS with its parts and its uncertainty.
struct nps_result {
  std::uint64_t n = 0;           ///< valid answers
  std::uint64_t promoters = 0;   ///< answers 9-10
  std::uint64_t passives = 0;    ///< answers 7-8
  std::uint64_t detractors = 0;  ///< answers 0-6
  /// NPS in points, −100…100; NaN when n = 0.
  double value = std::numeric_limits<double>::quiet_NaN();
  /// Standard error in points: 100 × √(var / n) with the per-respondent
  /// variance var = p + d − (p − d)², p and d the promoter and detractor
  /// shares. NaN when n = 0.
  double standard_error = std::numeric_limits<double>::quiet_NaN();
  /// 95% interval NPS ± 1.96·SE, clipped to [−100, 100].
  interval ci95;
};

/// Computes an NPS from its three counts (SPEC.md's formulas).
inline nps_result nps_from_counts(std::uint64_t promoters, std::uint64_t passives,
                                  std::uint64_t detractors) {
  nps_result r;
  r.promoters = promoters;
  r.passives = passives;
  r.detractors = detractors;
  r.n = promoters + passives + detractors;
  if (r.n == 0) return r;
  const double n = static_cast<double>(r.n);
  const double p = static_cast<double>(promoters) / n;
  const double d = static_cast<double>(detractors) / n;
  r.value = 100.0 * (p - d);
  // max(0, …) guards the rounding of p + d − (p − d)² when it is 0 exactly.
  const double variance = std::max(0.0, p + d - (p - d) * (p - d));
  r.standard_error = 100.0 * std::sqrt(variance / n);
  r.ci95 = {std::max(-100.0, r.value - z95 * r.standard_error),
            std::min(100.0, r.value + z95 * r.standard_error)};
  return r;
}

/// Streams NPS answers: add() each valid 0-10 answer, merge() partial
/// results from other threads or files, result() at the end.
class nps_accumulator {
 public:
  nps_accumulator() : counts_(nps_scale) {}

  /// Counts one answer, 0-10 (the caller validates: see io::read_score).
  void add(int score) { counts_.add(score); }
  /// Counts `times` answers of `score` at once, as `times` calls of add(score) would.
  void add(int score, std::uint64_t times) { counts_.add(score, times); }
  /// Adds the answers another accumulator saw.
  void merge(const nps_accumulator& other) { counts_.merge(other.counts_); }
  /// Answers per point 0-10.
  const rating_counts& counts() const { return counts_; }

  nps_result result() const {
    return nps_from_counts(counts_.count_between(9, 10), counts_.count_between(7, 8),
                           counts_.count_between(0, 6));
  }

 private:
  rating_counts counts_;
};

/// Whether two NPS values differ: z = (NPS₂ − NPS₁) / √(SE₁² + SE₂²),
/// significant when |z| > 1.96 (SPEC.md). `difference` is NPS₂ − NPS₁.
inline comparison compare_nps(const nps_result& first, const nps_result& second) {
  return compare_estimates(first.value, first.standard_error, second.value, second.standard_error);
}

}  // namespace cxkpi
