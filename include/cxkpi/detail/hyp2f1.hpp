#pragma once
/// \file
/// The Gauss hypergeometric function 2F1(a, b; c; z) by its power series, for
/// the BG/NBD expectations (cxkpi/bgnbd.hpp). Internal: include bgnbd.hpp.
///
///   2F1(a, b; c; z) = sum_{n>=0} (a)_n (b)_n / ((c)_n n!) z^n,   |z| < 1,
///
/// with (y)_n = y (y+1) ... (y+n-1) the rising factorial. Negative z is mapped
/// into [0, 1/2) by Pfaff's transformation
///   2F1(a, b; c; z) = (1-z)^(-a) 2F1(a, c-b; c; z/(z-1)),
/// so the series always runs on 0 <= z < 1 (Abramowitz & Stegun 15.3.4).
///
/// Stopping rule: once the term ratio t_{n+1}/t_n has settled below
/// rho = max(|ratio|, z) < 1, the tail after t_n is at most |t_n| rho/(1-rho);
/// the sum stops when that bound is below 1e-16 of the partial sum. Near z = 1
/// this needs about log(1e-16)/log(z) terms (3,700 at z = 0.99); past
/// `max_terms` the function throws rather than return an unconverged value.

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "cxkpi/error.hpp"

namespace cxkpi::detail {

/// Upper bound on series terms before giving up (about 1 ms of work).
inline constexpr std::int64_t hyp2f1_max_terms = 1'000'000;

/// The sum S = sum_{n>=1} t_n of a hypergeometric-type series whose first term
/// is `first` (t_1) and whose terms follow t_{n+1} = t_n (a+n)(b+n) z /
/// ((c+n)(n+1)), n >= 1. Throws data_error if the series does not converge.
inline double hyp2f1_tail_from(double first, double a, double b, double c, double z) {
  const double eps = 1e-16;
  double term = first;
  double sum = first;
  if (term == 0.0) return 0.0;
  for (std::int64_t n = 1; n < hyp2f1_max_terms; ++n) {
    const double dn = static_cast<double>(n);
    const double ratio = (a + dn) * (b + dn) / ((c + dn) * (dn + 1.0)) * z;
    term *= ratio;
    sum += term;
    if (term == 0.0) return sum;  // a or b hit a non-positive integer: the series ended
    const double rho = std::fmax(std::fabs(ratio), z);
    // The ratio tends to z from one side; once it is below 1 and the next ratio
    // is no larger (checked by the bound with rho), the geometric bound holds.
    if (rho < 1.0 && dn > 1.0 && std::fabs(term) * rho <= eps * std::fabs(sum) * (1.0 - rho)) {
      return sum;
    }
    if (!std::isfinite(sum)) break;
  }
  throw data_error("hypergeometric series 2F1(" + std::to_string(a) + ", " + std::to_string(b) +
                       "; " + std::to_string(c) + "; " + std::to_string(z) +
                       ") did not converge (z too close to 1: shorten the horizon)",
                   {});
}

/// 2F1(a, b; c; z) for -1 < z < 1 and c not a non-positive integer.
/// Throws data_error outside that domain or if the series does not converge.
inline double hyp2f1(double a, double b, double c, double z) {
  if (!(z > -1.0 && z < 1.0) || !std::isfinite(a) || !std::isfinite(b) || !std::isfinite(c)) {
    throw data_error("hypergeometric function 2F1 needs -1 < z < 1, got z = " + std::to_string(z), {});
  }
  if (c <= 0.0 && c == std::floor(c)) {
    throw data_error("hypergeometric function 2F1 needs c not a non-positive integer, got c = " +
                         std::to_string(c),
                     {});
  }
  if (z < 0.0) {
    // Pfaff: 2F1(a,b;c;z) = (1-z)^-a 2F1(a, c-b; c; w), w = z/(z-1) in (0, 1/2).
    const double w = z / (z - 1.0);
    return std::pow(1.0 - z, -a) * hyp2f1(a, c - b, c, w);
  }
  if (z == 0.0) return 1.0;
  return 1.0 + hyp2f1_tail_from(a * b / c * z, a, b, c, z);
}

/// c (2F1(a, b; c; z) - 1) / b for 0 <= z < 1, written as the series
///   sum_{n>=1} (a)_n (b+1)_{n-1} / ((c+1)_{n-1} n!) z^n,
/// which stays finite at b = 0 and at c = 0 (c > -1). The BG/NBD expectation
/// needs exactly this: its prefactor (a+b-1)/(a-1) has a removable pole at
/// a = 1 and a zero at a + b = 1. Throws data_error if the series does not
/// converge or z is outside [0, 1).
inline double hyp2f1_scaled_excess(double a, double b, double c, double z) {
  if (!(z >= 0.0 && z < 1.0) || !(c > -1.0)) {
    throw data_error("hypergeometric series needs 0 <= z < 1 and c > -1, got z = " + std::to_string(z) +
                         ", c = " + std::to_string(c),
                     {});
  }
  if (z == 0.0) return 0.0;
  return hyp2f1_tail_from(a * z, a, b, c, z);
}

}  // namespace cxkpi::detail
