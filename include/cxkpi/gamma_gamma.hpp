#pragma once
/// \file
/// The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005,
/// "RFM and CLV: Using Iso-Value Curves for Customer Base Analysis", Journal
/// of Marketing Research 42(4):415-430; the likelihood as written in Fader &
/// Hardie 2013, "The Gamma-Gamma Model of Monetary Value"). A customer's
/// transaction values are Gamma(p, nu) around their mean p/nu, and
/// nu ~ Gamma(q, gamma) across customers. Fitted on repeat customers (x > 0)
/// with their mean repeat spend zbar (cxkpi/rfm.hpp).
///
/// The model assumes spend independent of purchase frequency: check
/// frequency_spend_correlation() before using it for CLV.
///
/// Formulas: docs/predictive-clv.md.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cxkpi/detail/optimize.hpp"
#include "cxkpi/error.hpp"
#include "cxkpi/rfm.hpp"

namespace cxkpi {

/// Largest |Pearson correlation| between x and zbar of repeat customers at
/// which the Gamma-Gamma model is used. Above it, spend depends on frequency,
/// the independence assumption fails, and callers should refuse (lifetimes'
/// documentation shows 0.11 on CDNOW; 0.3 is a conventional "weak" bound).
inline constexpr double gamma_gamma_max_correlation = 0.3;

/// Gamma-Gamma parameters p, q, gamma (gamma in currency units). All > 0;
/// the population mean spend p gamma / (q - 1) exists for q > 1.
struct gamma_gamma_params {
  double p = 0.0;
  double q = 0.0;
  double gamma = 0.0;
};

/// What the fit returns; see bgnbd_fit for the conventions.
struct gamma_gamma_fit {
  gamma_gamma_params params;
  /// Asymptotic standard errors from the Hessian of the log-likelihood
  /// (finite differences of the analytic gradient, delta method from
  /// log-parameters); nullopt when the Hessian is not negative definite.
  std::optional<gamma_gamma_params> standard_errors;
  double log_likelihood = 0.0;  ///< sum over repeat customers, natural log
  bool converged = false;
  int iterations = 0;
  int evaluations = 0;
  int starts = 0;
  std::size_t customers = 0;    ///< repeat customers fitted (x > 0)
  double mean_spend = 0.0;      ///< mean zbar of those customers
  /// Empty when the fit converged to a point with standard errors; otherwise
  /// why it did not converge, or why there are no standard errors.
  std::string message;
};

/// Fit options.
struct gamma_gamma_fit_options {
  std::optional<gamma_gamma_params> initial;  ///< tried first when set
  int max_starts = 4;
  int max_iterations = 500;
};

namespace detail {

struct gamma_gamma_data {
  std::vector<std::int64_t> x;  // sorted ascending
  std::vector<double> zbar;
  std::vector<double> log_zbar;
  double mean_zbar = 0.0;
};

inline gamma_gamma_data prepare_gamma_gamma(std::span<const rfm_summary> customers) {
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < customers.size(); ++i) {
    const rfm_summary& c = customers[i];
    if (c.x < 0) throw data_error("customer at index " + std::to_string(i) + ": negative x", {});
    if (c.x == 0) continue;
    if (!std::isfinite(c.zbar) || !(c.zbar > 0.0)) {
      throw data_error("customer at index " + std::to_string(i) + ": x = " + std::to_string(c.x) +
                           " but mean repeat spend zbar = " + std::to_string(c.zbar) +
                           " (the Gamma-Gamma model needs positive spend)",
                       {});
    }
    rows.push_back(i);
  }
  if (rows.size() < 2) {
    throw data_error("Gamma-Gamma needs at least 2 customers with repeat purchases (x > 0), got " +
                         std::to_string(rows.size()),
                     {});
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [&](std::size_t i, std::size_t j) { return customers[i].x < customers[j].x; });
  gamma_gamma_data d;
  double sum = 0.0;
  for (std::size_t i : rows) {
    d.x.push_back(customers[i].x);
    d.zbar.push_back(customers[i].zbar);
    d.log_zbar.push_back(std::log(customers[i].zbar));
    sum += customers[i].zbar;
  }
  d.mean_zbar = sum / static_cast<double>(rows.size());
  return d;
}

/// Digamma function psi(y) = d ln Gamma(y) / dy for y > 0: the recurrence
/// psi(y) = psi(y+1) - 1/y up to y >= 10, then the asymptotic series
/// ln y - 1/(2y) - sum B_2k / (2k y^2k) (Abramowitz & Stegun 6.3.5, 6.3.18);
/// absolute error below 1e-14.
inline double digamma(double y) {
  double shift = 0.0;
  while (y < 10.0) {
    shift -= 1.0 / y;
    y += 1.0;
  }
  const double inv = 1.0 / y, inv2 = inv * inv;
  const double series =
      inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240 - inv2 * (1.0 / 132)))));
  return shift + std::log(y) - 0.5 * inv - series;
}

/// Sum over customers of the log density of zbar given x:
///   lnG(px+q) - lnG(px) - lnG(q) + q ln(gamma) + (px-1) ln(zbar)
///   + px ln(x) - (px+q) ln(gamma + x zbar),
/// and (optionally) its gradient with respect to (p, q, gamma):
///   d/dp     = x (psi(px+q) - psi(px) + ln(zbar) + ln(x) - ln(gamma + x zbar)),
///   d/dq     = psi(px+q) - psi(q) + ln(gamma) - ln(gamma + x zbar),
///   d/dgamma = q/gamma - (px+q)/(gamma + x zbar).
inline double gamma_gamma_ll(const gamma_gamma_data& d, const gamma_gamma_params& g, double* grad = nullptr) {
  const double p = g.p, q = g.q, gamma = g.gamma;
  const double log_gamma = std::log(gamma);
  const double common = -std::lgamma(q) + q * log_gamma;
  const double psi_q = grad != nullptr ? digamma(q) : 0.0;
  double ll = 0.0, row_const = 0.0, psi_pxq = 0.0, psi_px = 0.0, log_x = 0.0;
  double g_p = 0.0, g_q = 0.0, g_gamma = 0.0;
  std::int64_t current = -1;
  for (std::size_t i = 0; i < d.x.size(); ++i) {
    const double xd = static_cast<double>(d.x[i]);
    const double px = p * xd;
    if (d.x[i] != current) {
      current = d.x[i];
      log_x = std::log(xd);
      row_const = std::lgamma(px + q) - std::lgamma(px) + common + px * log_x;
      if (grad != nullptr) {
        psi_pxq = digamma(px + q);
        psi_px = digamma(px);
      }
    }
    const double denom = gamma + xd * d.zbar[i];
    const double log_denom = std::log(denom);
    ll += row_const + (px - 1.0) * d.log_zbar[i] - (px + q) * log_denom;
    if (grad != nullptr) {
      g_p += xd * (psi_pxq - psi_px + d.log_zbar[i] + log_x - log_denom);
      g_q += psi_pxq - psi_q + log_gamma - log_denom;
      g_gamma += q / gamma - (px + q) / denom;
    }
  }
  if (grad != nullptr) {
    grad[0] = g_p;
    grad[1] = g_q;
    grad[2] = g_gamma;
  }
  return ll;
}

inline void check_gamma_gamma_params(const gamma_gamma_params& g) {
  if (!(g.p > 0.0 && g.q > 0.0 && g.gamma > 0.0) || !std::isfinite(g.p + g.q + g.gamma)) {
    throw data_error("Gamma-Gamma parameters p, q, gamma must be positive and finite", {});
  }
}

}  // namespace detail

/// Pearson correlation between x and zbar over the repeat customers (x > 0):
///   r = sum (x - mean x)(zbar - mean zbar) / sqrt(sum (x - mean x)^2 sum (zbar - mean zbar)^2).
/// 0 when either has no variance (e.g. every repeat customer has the same x).
/// Throws data_error with fewer than 2 repeat customers. Refuse the
/// Gamma-Gamma model when |r| > gamma_gamma_max_correlation.
inline double frequency_spend_correlation(std::span<const rfm_summary> customers) {
  double n = 0.0, mx = 0.0, mz = 0.0;
  for (const rfm_summary& c : customers) {
    if (c.x <= 0) continue;
    n += 1.0;
    mx += static_cast<double>(c.x);
    mz += c.zbar;
  }
  if (n < 2.0) {
    throw data_error("the frequency-spend correlation needs at least 2 customers with repeat purchases, got " +
                         std::to_string(static_cast<std::int64_t>(n)),
                     {});
  }
  mx /= n;
  mz /= n;
  double sxy = 0.0, sxx = 0.0, szz = 0.0;
  for (const rfm_summary& c : customers) {
    if (c.x <= 0) continue;
    const double dx = static_cast<double>(c.x) - mx, dz = c.zbar - mz;
    sxy += dx * dz;
    sxx += dx * dx;
    szz += dz * dz;
  }
  if (!(sxx > 0.0) || !(szz > 0.0) || !std::isfinite(sxy)) return 0.0;
  return sxy / std::sqrt(sxx * szz);
}

/// Log-likelihood of the Gamma-Gamma model over the repeat customers of
/// `customers` (x = 0 rows are skipped). Throws data_error for invalid
/// parameters, zbar <= 0 with x > 0, or fewer than 2 repeat customers.
inline double gamma_gamma_log_likelihood(const gamma_gamma_params& params, std::span<const rfm_summary> customers) {
  detail::check_gamma_gamma_params(params);
  return detail::gamma_gamma_ll(detail::prepare_gamma_gamma(customers), params);
}

/// Maximum-likelihood fit of p, q, gamma on the repeat customers (x > 0) of
/// `customers`: BFGS on log-parameters with an analytic gradient,
/// several starts scaled to the mean zbar, Nelder-Mead as fallback. Throws
/// data_error for fewer than 2 repeat customers or a repeat customer with
/// zbar <= 0; non-convergence is reported in the result, not thrown. Does not
/// check the correlation: call frequency_spend_correlation() first.
inline gamma_gamma_fit fit_gamma_gamma(std::span<const rfm_summary> customers,
                                       const gamma_gamma_fit_options& options = {}) {
  const detail::gamma_gamma_data data = detail::prepare_gamma_gamma(customers);
  const double n = static_cast<double>(data.x.size());
  // Objective: mean negative log-likelihood over log-parameters.
  const detail::objective objective = [&](const detail::vec& v, detail::vec* grad) {
    for (double e : v) {
      if (!(std::fabs(e) <= 30.0)) return std::numeric_limits<double>::infinity();
    }
    const gamma_gamma_params g{std::exp(v[0]), std::exp(v[1]), std::exp(v[2])};
    double gr[3];
    const double ll = detail::gamma_gamma_ll(data, g, grad != nullptr ? gr : nullptr);
    if (grad != nullptr) {
      grad->assign(3, 0.0);
      const double theta[3] = {g.p, g.q, g.gamma};
      for (std::size_t i = 0; i < 3; ++i) (*grad)[i] = -gr[i] * theta[i] / n;
    }
    return -ll / n;
  };

  std::vector<gamma_gamma_params> starts;
  if (options.initial) {
    detail::check_gamma_gamma_params(*options.initial);
    starts.push_back(*options.initial);
  }
  // Starts whose population mean p gamma/(q-1) equals the observed mean.
  const double m = data.mean_zbar;
  starts.push_back({1.0, 2.0, m});
  starts.push_back({4.0, 3.0, m / 2.0});
  starts.push_back({1.0, 1.0, 1.0});
  starts.push_back({10.0, 5.0, 0.4 * m});

  std::vector<detail::vec> log_starts;
  log_starts.reserve(starts.size());
  for (const gamma_gamma_params& s : starts)
    log_starts.push_back({std::log(s.p), std::log(s.q), std::log(s.gamma)});
  detail::minimize_options opt;
  opt.max_iterations = options.max_iterations;
  const detail::multistart_result runs = detail::minimize_multistart(
      objective, log_starts, static_cast<std::size_t>(std::max(options.max_starts, 1)), opt);
  const detail::minimize_result& best = runs.best;
  gamma_gamma_fit fit;
  fit.customers = data.x.size();
  fit.mean_spend = m;
  fit.iterations = runs.iterations;
  fit.evaluations = runs.evaluations;
  fit.starts = runs.starts;
  if (!std::isfinite(best.value)) {
    fit.message = "Gamma-Gamma fit failed: the log-likelihood is not finite at any starting point";
    fit.log_likelihood = -std::numeric_limits<double>::infinity();
    return fit;
  }
  fit.params = {std::exp(best.x[0]), std::exp(best.x[1]), std::exp(best.x[2])};
  fit.log_likelihood = -best.value * n;
  fit.converged = best.converged;
  if (!fit.converged) {
    fit.message = "Gamma-Gamma fit did not converge after " + std::to_string(fit.starts) +
                  " starts; reporting the best point found";
  }
  for (double e : best.x) {
    if (std::fabs(e) > 20.0) {
      fit.converged = false;
      fit.message = "Gamma-Gamma fit ran to a boundary (a parameter below e^-20 or above e^20): "
                    "the data do not identify the model";
    }
  }
  const detail::vec hess = detail::hessian_from_gradient(objective, best.x);
  if (!hess.empty()) {
    detail::vec total(hess.size());
    for (std::size_t i = 0; i < hess.size(); ++i) total[i] = hess[i] * n;
    if (const auto cov = detail::invert_spd(total, 3)) {
      const double theta[3] = {fit.params.p, fit.params.q, fit.params.gamma};
      double se[3];
      for (std::size_t i = 0; i < 3; ++i) se[i] = theta[i] * std::sqrt((*cov)[i * 3 + i]);
      fit.standard_errors = gamma_gamma_params{se[0], se[1], se[2]};
    }
  }
  if (fit.converged && !fit.standard_errors) {
    fit.message = "Gamma-Gamma fit converged, but the log-likelihood is flat or not concave at the optimum "
                  "(a parameter drifts towards a boundary): no standard errors";
  }
  return fit;
}

/// Population mean spend per transaction, E[Z] = p gamma / (q - 1), in
/// currency units. Throws data_error when q <= 1 (the mean is infinite).
inline double gamma_gamma_mean_spend(const gamma_gamma_params& params) {
  detail::check_gamma_gamma_params(params);
  if (!(params.q > 1.0)) {
    throw data_error("Gamma-Gamma q = " + std::to_string(params.q) + " <= 1: the mean spend is infinite", {});
  }
  return params.p * params.gamma / (params.q - 1.0);
}

/// Conditional expected spend per transaction of a customer with x repeat
/// purchases of mean value zbar (Fader, Hardie & Lee 2005, eq. 5):
///   E[Z | x, zbar] = p (gamma + x zbar) / (p x + q - 1)
///                  = w p gamma/(q-1) + (1-w) zbar,  w = (q-1)/(p x + q - 1),
/// a weighted mean of the population mean and the customer's own mean. For
/// x = 0 it is the population mean (zbar is ignored). Currency units. Throws
/// data_error for x < 0, zbar < 0 or non-finite, invalid parameters, or
/// p x + q <= 1 (infinite mean).
inline double gamma_gamma_expected_spend(const gamma_gamma_params& params, std::int64_t x, double zbar) {
  detail::check_gamma_gamma_params(params);
  if (x < 0) throw data_error("negative repeat purchases x = " + std::to_string(x), {});
  if (x > 0 && (!std::isfinite(zbar) || zbar < 0.0)) {
    throw data_error("mean repeat spend zbar must be >= 0 and finite, got " + std::to_string(zbar), {});
  }
  const double xd = static_cast<double>(x);
  const double denominator = params.p * xd + params.q - 1.0;
  if (!(denominator > 0.0)) {
    throw data_error("Gamma-Gamma q = " + std::to_string(params.q) + " <= 1: the mean spend is infinite", {});
  }
  return params.p * (params.gamma + (x > 0 ? xd * zbar : 0.0)) / denominator;
}

/// Conditional expected spend of one summary (see above).
inline double gamma_gamma_expected_spend(const gamma_gamma_params& params, const rfm_summary& c) {
  return gamma_gamma_expected_spend(params, c.x, c.zbar);
}

/// Conditional expected spend of every customer, in input order (x = 0
/// customers get the population mean). Empty input gives an empty vector.
inline std::vector<double> gamma_gamma_expected_spend(const gamma_gamma_params& params,
                                                      std::span<const rfm_summary> customers) {
  std::vector<double> out;
  out.reserve(customers.size());
  for (const rfm_summary& c : customers) out.push_back(gamma_gamma_expected_spend(params, c));
  return out;
}

}  // namespace cxkpi
