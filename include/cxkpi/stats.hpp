#pragma once
/// \file
/// The statistics behind every interval and significance flag: normal and
/// Student t quantiles, the Wilson score interval, and the two-sample tests
/// used to compare periods and segments. Standard library only.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace cxkpi {

/// A closed interval [low, high]. Both are NaN when it is undefined
/// (no data, or a t interval from a single answer).
struct interval {
  double low = std::numeric_limits<double>::quiet_NaN();
  double high = std::numeric_limits<double>::quiet_NaN();
};

/// The 97.5th percentile of the standard normal distribution: the z of a
/// two-sided 95% interval. 1.96 is its usual rounding; we keep every digit.
inline constexpr double z95 = 1.959963984540054;

/// Standard normal cumulative distribution function.
inline double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

/// Two-sided p-value of a z statistic.
inline double two_sided_p(double z) { return 2.0 * normal_cdf(-std::fabs(z)); }

namespace detail {

// Continued fraction for the regularized incomplete beta function, evaluated
// by the modified Lentz method (converges fast for x < (a+1)/(a+b+2)).
inline double beta_continued_fraction(double a, double b, double x) {
  constexpr double tiny = 1e-300;
  constexpr double epsilon = 1e-15;
  double c = 1.0;
  double d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::fabs(d) < tiny) d = tiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 10000; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
    d = 1.0 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double step = d * c;
    h *= step;
    if (std::fabs(step - 1.0) < epsilon) break;
  }
  return h;
}

}  // namespace detail

/// Regularized incomplete beta function I_x(a, b), for a, b > 0, x in [0, 1].
inline double incomplete_beta(double a, double b, double x) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  const double log_front =
      std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  // Use the symmetry I_x(a,b) = 1 - I_{1-x}(b,a) where the fraction converges.
  if (x < (a + 1.0) / (a + b + 2.0))
    return std::exp(log_front) * detail::beta_continued_fraction(a, b, x) / a;
  return 1.0 - std::exp(log_front) * detail::beta_continued_fraction(b, a, 1.0 - x) / b;
}

/// Student t cumulative distribution function with `df` > 0 degrees of
/// freedom (df need not be an integer: Welch's test gives fractional df).
inline double student_t_cdf(double t, double df) {
  const double tail = 0.5 * incomplete_beta(df / 2.0, 0.5, df / (df + t * t));
  return t >= 0 ? 1.0 - tail : tail;
}

/// The t with P(T <= t) = p for `df` degrees of freedom, p in (0, 1).
/// Solved by bisection on the CDF: slow next to a table, exact to 1e-12,
/// and called once per interval, not per row.
inline double student_t_quantile(double p, double df) {
  if (p == 0.5) return 0.0;
  if (p < 0.5) return -student_t_quantile(1.0 - p, df);
  double low = 0.0;
  double high = 1.0;
  while (student_t_cdf(high, df) < p) high *= 2.0;
  for (int i = 0; i < 200 && high - low > 1e-13 * high; ++i) {
    const double mid = 0.5 * (low + high);
    (student_t_cdf(mid, df) < p ? low : high) = mid;
  }
  return 0.5 * (low + high);
}

/// Wilson score interval for a proportion `successes / n` at normal
/// quantile `z` (z95 for 95%), as proportions in [0, 1]. Unlike the Wald
/// interval it stays inside [0, 1] and is sensible for p near 0 or 1 and
/// small n. Empty input gives a NaN interval.
inline interval wilson_interval(std::uint64_t successes, std::uint64_t n, double z = z95) {
  if (n == 0) return {};
  const double nn = static_cast<double>(n);
  const double p = static_cast<double>(successes) / nn;
  const double z2 = z * z;
  const double centre = (p + z2 / (2.0 * nn)) / (1.0 + z2 / nn);
  const double half = z / (1.0 + z2 / nn) * std::sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn));
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

/// The result of comparing two estimates.
struct comparison {
  double difference = 0;  ///< second minus first, in the estimates' unit
  double statistic = 0;   ///< z (or t for Welch)
  double p_value = 1;     ///< two-sided
  bool significant = false;  ///< at the 95% level
};

/// Two independent estimates with standard errors: z = (b - a) / sqrt(se_a² +
/// se_b²), significant when |z| > 1.96 (SPEC.md's rule for NPS). Equal
/// estimates with zero error are not significant.
inline comparison compare_estimates(double a, double se_a, double b, double se_b) {
  comparison out;
  out.difference = b - a;
  const double se = std::sqrt(se_a * se_a + se_b * se_b);
  if (se > 0) {
    out.statistic = out.difference / se;
    out.p_value = two_sided_p(out.statistic);
    out.significant = std::fabs(out.statistic) > z95;
  }
  return out;
}

/// Two-proportion z-test with the pooled proportion: k1 of n1 against k2 of
/// n2. The difference is in percentage points.
inline comparison compare_proportions(std::uint64_t k1, std::uint64_t n1, std::uint64_t k2,
                                      std::uint64_t n2) {
  comparison out;
  if (n1 == 0 || n2 == 0) return out;
  const double p1 = static_cast<double>(k1) / static_cast<double>(n1);
  const double p2 = static_cast<double>(k2) / static_cast<double>(n2);
  out.difference = 100.0 * (p2 - p1);
  const double pooled = static_cast<double>(k1 + k2) / static_cast<double>(n1 + n2);
  const double se = std::sqrt(pooled * (1.0 - pooled) *
                              (1.0 / static_cast<double>(n1) + 1.0 / static_cast<double>(n2)));
  if (se > 0) {
    out.statistic = (p2 - p1) / se;
    out.p_value = two_sided_p(out.statistic);
    out.significant = std::fabs(out.statistic) > z95;
  }
  return out;
}

/// Welch's unequal-variance t-test of two means from their sample variances
/// and sizes (each n >= 2), with Welch–Satterthwaite degrees of freedom.
inline comparison compare_means(double mean1, double var1, std::uint64_t n1, double mean2,
                                double var2, std::uint64_t n2) {
  comparison out;
  out.difference = mean2 - mean1;
  if (n1 < 2 || n2 < 2) return out;
  const double s1 = var1 / static_cast<double>(n1);
  const double s2 = var2 / static_cast<double>(n2);
  const double se = std::sqrt(s1 + s2);
  if (se <= 0) return out;
  const double df = (s1 + s2) * (s1 + s2) /
                    (s1 * s1 / static_cast<double>(n1 - 1) + s2 * s2 / static_cast<double>(n2 - 1));
  out.statistic = out.difference / se;
  out.p_value = 2.0 * student_t_cdf(-std::fabs(out.statistic), df);
  out.significant = out.p_value < 0.05;
  return out;
}

}  // namespace cxkpi
