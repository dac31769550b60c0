#pragma once
/// \file
/// The BG/NBD model of repeat buying (Fader, Hardie & Lee 2005, "Counting Your
/// Customers the Easy Way: An Alternative to the Pareto/NBD Model", Marketing
/// Science 24(2):275-284; equation numbers below refer to it). While alive, a
/// customer buys as a Poisson process of rate lambda ~ Gamma(r, alpha); after
/// each purchase they drop out with probability p ~ Beta(a, b).
///
/// Inputs are per-customer summaries (x, t_x, T) from cxkpi/rfm.hpp. All
/// times -- t_x, T, alpha (a scale: the mean rate is r / alpha per unit), and
/// every horizon t -- are in ONE time unit, the one the summaries were built
/// with (rfm_window::unit). Predictions for a horizon in another unit need the
/// horizon converted first (e.g. 52 weeks, not 12 "months").
///
/// Formulas: docs/predictive-clv.md.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "cxkpi/detail/hyp2f1.hpp"
#include "cxkpi/detail/optimize.hpp"
#include "cxkpi/error.hpp"
#include "cxkpi/rfm.hpp"

namespace cxkpi {

/// BG/NBD parameters: r, alpha (in time units) of the Gamma purchase rate;
/// a, b of the Beta drop-out probability. All > 0.
struct bgnbd_params {
  double r = 0.0;
  double alpha = 0.0;
  double a = 0.0;
  double b = 0.0;
};

/// What the fit returns. On failure to converge the best point found is still
/// here, with `converged == false` and `message` saying why: the caller
/// decides whether to use it.
struct bgnbd_fit {
  bgnbd_params params;
  /// Asymptotic standard errors, sqrt(diag(inverse of minus the Hessian of the
  /// log-likelihood)), computed in log-parameters by finite differences and
  /// mapped back with the delta method; nullopt when the Hessian is not
  /// negative definite (e.g. a parameter ran to a boundary).
  std::optional<bgnbd_params> standard_errors;
  double log_likelihood = 0.0;  ///< sum over customers, natural log (eq. 6)
  bool converged = false;
  int iterations = 0;           ///< optimiser iterations over all starts
  int evaluations = 0;          ///< log-likelihood evaluations over all starts
  int starts = 0;               ///< starting points tried
  std::size_t customers = 0;    ///< customers fitted
  /// Empty when the fit converged to a point with standard errors; otherwise
  /// why it did not converge, or why there are no standard errors.
  std::string message;
};

/// Fit options.
struct bgnbd_fit_options {
  /// Tried first when set; then built-in starts scaled to the data.
  std::optional<bgnbd_params> initial;
  int max_starts = 5;           ///< starting points to try at most
  int max_iterations = 500;     ///< BFGS iterations per start
};

namespace detail {

/// Customers with identical (x, t_x, T) collapsed into one row with a
/// weight, sorted by x: the likelihood then costs O(distinct rows) plus
/// O(max x) per evaluation.
struct bgnbd_data {
  std::vector<std::int64_t> x;
  std::vector<double> t_x;
  std::vector<double> T;
  std::vector<double> weight;
  double customers = 0.0;
  double mean_x = 0.0;
  double mean_T = 0.0;
};

/// Index value meaning "no index" in messages about one customer.
inline constexpr std::size_t no_index = static_cast<std::size_t>(-1);

inline void check_bgnbd_customer(const rfm_summary& c, std::size_t i) {
  const std::string who = i == no_index ? std::string("customer: ") : "customer at index " + std::to_string(i) + ": ";
  if (!std::isfinite(c.t_x) || !std::isfinite(c.T)) throw data_error(who + "t_x and T must be finite", {});
  if (c.x < 0) throw data_error(who + "negative repeat purchases x = " + std::to_string(c.x), {});
  if (c.T < 0.0) throw data_error(who + "negative age T = " + std::to_string(c.T), {});
  if (c.t_x < 0.0 || c.t_x > c.T) {
    throw data_error(who + "t_x = " + std::to_string(c.t_x) + " outside [0, T = " + std::to_string(c.T) + "]", {});
  }
  if (c.x == 0 && c.t_x != 0.0) {
    throw data_error(who + "x = 0 but t_x = " + std::to_string(c.t_x) + " (must be 0 without repeat purchases)", {});
  }
}

inline bgnbd_data prepare_bgnbd(std::span<const rfm_summary> customers) {
  if (customers.size() < 2) {
    throw data_error("BG/NBD needs at least 2 customers, got " + std::to_string(customers.size()), {});
  }
  bool any_repeat = false;
  for (std::size_t i = 0; i < customers.size(); ++i) {
    check_bgnbd_customer(customers[i], i);
    any_repeat = any_repeat || customers[i].x > 0;
  }
  if (!any_repeat) {
    throw data_error("BG/NBD cannot be fitted: all " + std::to_string(customers.size()) +
                         " customers have x = 0 (no repeat purchases in the calibration window)",
                     {});
  }
  struct row {
    std::int64_t x;
    double t_x, T;
    bool operator<(const row& o) const { return std::tie(x, t_x, T) < std::tie(o.x, o.t_x, o.T); }
    bool operator==(const row& o) const { return x == o.x && t_x == o.t_x && T == o.T; }
  };
  std::vector<row> rows;
  rows.reserve(customers.size());
  double sum_x = 0.0, sum_T = 0.0;
  for (const rfm_summary& c : customers) {
    rows.push_back({c.x, c.t_x, c.T});
    sum_x += static_cast<double>(c.x);
    sum_T += c.T;
  }
  std::sort(rows.begin(), rows.end());
  bgnbd_data d;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    if (k > 0 && rows[k] == rows[k - 1]) {
      d.weight.back() += 1.0;
      continue;
    }
    d.x.push_back(rows[k].x);
    d.t_x.push_back(rows[k].t_x);
    d.T.push_back(rows[k].T);
    d.weight.push_back(1.0);
  }
  d.customers = static_cast<double>(customers.size());
  d.mean_x = sum_x / d.customers;
  d.mean_T = sum_T / d.customers;
  return d;
}

/// Softplus log(1 + e^u) without overflow.
inline double softplus(double u) { return u > 0.0 ? u + std::log1p(std::exp(-u)) : std::log1p(std::exp(u)); }

/// Log-likelihood of eq. (6), summed with weights, and (optionally) its
/// gradient with respect to (r, alpha, a, b). For each customer
///   ll = K(x) + r ln(alpha) - (r+x) ln(alpha+T) + [x>0] softplus(u),
///   K(x) = lnG(r+x) - lnG(r) + lnG(b+x) - lnG(b) + lnG(a+b) - lnG(a+b+x),
///   u = ln(a) - ln(b+x-1) + (r+x) (ln(alpha+T) - ln(alpha+t_x)).
/// Digamma differences in the gradient are exact finite sums,
/// psi(y+x) - psi(y) = sum_{k<x} 1/(y+k), so no digamma is needed.
inline double bgnbd_ll(const bgnbd_data& d, const bgnbd_params& p, double* grad) {
  const double r = p.r, alpha = p.alpha, a = p.a, b = p.b;
  const double log_alpha = std::log(alpha), log_a = std::log(a);
  const double lg_r = std::lgamma(r), lg_b = std::lgamma(b), lg_ab = std::lgamma(a + b);
  double ll = 0.0, g_r = 0.0, g_alpha = 0.0, g_a = 0.0, g_b = 0.0;
  // Running digamma differences for the current x, advanced as x grows (the
  // rows are sorted by x).
  std::int64_t k_done = 0;
  double dr = 0.0, db = 0.0, dab = 0.0;
  std::int64_t current_x = -1;
  double kx = 0.0, log_bx1 = 0.0;
  for (std::size_t i = 0; i < d.x.size(); ++i) {
    const std::int64_t x = d.x[i];
    const double xd = static_cast<double>(x);
    if (x != current_x) {
      current_x = x;
      kx = std::lgamma(r + xd) - lg_r + std::lgamma(b + xd) - lg_b + lg_ab - std::lgamma(a + b + xd);
      log_bx1 = x > 0 ? std::log(b + xd - 1.0) : 0.0;
      if (grad != nullptr) {
        for (; k_done < x; ++k_done) {
          const double k = static_cast<double>(k_done);
          dr += 1.0 / (r + k);
          db += 1.0 / (b + k);
          dab += 1.0 / (a + b + k);
        }
      }
    }
    const double w = d.weight[i];
    const double rx = r + xd;
    const double log_aT = std::log(alpha + d.T[i]);
    if (x == 0) {
      ll += w * (kx + r * (log_alpha - log_aT));
      if (grad != nullptr) {
        g_r += w * (log_alpha - log_aT);
        g_alpha += w * (r / alpha - r / (alpha + d.T[i]));
      }
      continue;
    }
    const double log_atx = std::log(alpha + d.t_x[i]);
    const double u = log_a - log_bx1 + rx * (log_aT - log_atx);
    // softplus(u) = max(u, 0) + log1p(e), s = 1/(1 + e^-u) = 1 - P(alive),
    // both from e = exp(-|u|).
    const double e = std::exp(-std::fabs(u));
    const double s = u > 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
    ll += w * (kx + r * log_alpha - rx * log_aT + std::fmax(u, 0.0) + std::log1p(e));
    if (grad != nullptr) {
      g_r += w * (dr + log_alpha - log_aT + s * (log_aT - log_atx));
      g_alpha += w * (r / alpha - rx / (alpha + d.T[i]) + s * rx * (1.0 / (alpha + d.T[i]) - 1.0 / (alpha + d.t_x[i])));
      g_a += w * (-dab + s / a);
      g_b += w * (db - dab - s / (b + xd - 1.0));
    }
  }
  if (grad != nullptr) {
    grad[0] = g_r;
    grad[1] = g_alpha;
    grad[2] = g_a;
    grad[3] = g_b;
  }
  return ll;
}

inline bgnbd_params bgnbd_from_log(const vec& v) {
  return {std::exp(v[0]), std::exp(v[1]), std::exp(v[2]), std::exp(v[3])};
}

inline void check_bgnbd_params(const bgnbd_params& p) {
  if (!(p.r > 0.0 && p.alpha > 0.0 && p.a > 0.0 && p.b > 0.0) ||
      !std::isfinite(p.r + p.alpha + p.a + p.b)) {
    throw data_error("BG/NBD parameters r, alpha, a, b must be positive and finite", {});
  }
}

/// E[number of purchases in (0, t]] for a customer alive at time 0 whose
/// rate is Gamma(r2, alpha2) and whose drop-out probability is Beta(a, b2):
///   (a+b2-1)/(a-1) [1 - (alpha2/(alpha2+t))^r2 2F1(r2, b2; a+b2-1; z)],
///   z = t/(alpha2+t)  (eq. 7 with r2 = r, alpha2 = alpha, b2 = b; the
/// numerator of eq. 10 with r2 = r+x, alpha2 = alpha+T, b2 = b+x).
/// Evaluated after Euler's transformation
///   (1-z)^r2 2F1(r2, b2; c; z) = (1-z)^(a-1) 2F1(c-r2, a-1; c; z),  c = a+b2-1,
/// whose parameters do not grow with x, and with the pole at a = 1 removed:
///   = c (-expm1((a-1) L)/(a-1)) - (1-z)^(a-1) S,  L = ln(1-z),
///   S = c (2F1(c-r2, a-1; c; z) - 1)/(a-1)  (detail::hyp2f1_scaled_excess).
inline double expected_purchases_alive(double r2, double alpha2, double a, double b2, double t) {
  if (!(t > 0.0)) return 0.0;
  const double z = t / (alpha2 + t);
  const double log1mz = -std::log1p(t / alpha2);  // ln(1 - z) without cancellation
  const double c = a + b2 - 1.0;
  const double am1 = a - 1.0;
  const double first = am1 == 0.0 ? -log1mz : -std::expm1(am1 * log1mz) / am1;
  const double s = hyp2f1_scaled_excess(c - r2, am1, c, z);
  return c * first - std::exp(am1 * log1mz) * s;
}

/// sum_{i=1..horizon} (E(i) - E(i-1)) / (1+d)^i for an alive customer, with
/// E = expected_purchases_alive(r2, alpha2, a, b2, .).
inline double discounted_purchases_alive(double r2, double alpha2, double a, double b2, int horizon,
                                         double discount_rate) {
  double sum = 0.0, previous = 0.0, factor = 1.0;
  for (int i = 1; i <= horizon; ++i) {
    const double e = expected_purchases_alive(r2, alpha2, a, b2, static_cast<double>(i));
    factor /= 1.0 + discount_rate;
    sum += (e - previous) * factor;
    previous = e;
  }
  return sum;
}

/// Calls fn(x, T, first, last) for each run of customers with equal (x, T),
/// [first, last) indexing `order`, which it fills with the customers'
/// indices sorted by (x, T). The expectation of an alive customer depends on
/// (x, T) only, so batch predictions compute it once per run.
template <class Fn>
void for_each_x_T_group(std::span<const rfm_summary> customers, std::vector<std::size_t>& order, Fn fn) {
  order.resize(customers.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) {
    return std::tie(customers[i].x, customers[i].T) < std::tie(customers[j].x, customers[j].T);
  });
  for (std::size_t k = 0; k < order.size();) {
    std::size_t m = k;
    const rfm_summary& c = customers[order[k]];
    while (m < order.size() && customers[order[m]].x == c.x && customers[order[m]].T == c.T) ++m;
    fn(c.x, c.T, k, m);
    k = m;
  }
}

}  // namespace detail

/// Log-likelihood of the BG/NBD model, eq. (6), summed over `customers`
/// (natural log). Throws data_error for invalid parameters or summaries
/// (x < 0, t_x outside [0, T]); an empty span gives 0.
inline double bgnbd_log_likelihood(const bgnbd_params& params, std::span<const rfm_summary> customers) {
  detail::check_bgnbd_params(params);
  detail::bgnbd_data data;  // input order, unit weights: fine for the value alone
  for (std::size_t i = 0; i < customers.size(); ++i) {
    detail::check_bgnbd_customer(customers[i], i);
    data.x.push_back(customers[i].x);
    data.t_x.push_back(customers[i].t_x);
    data.T.push_back(customers[i].T);
    data.weight.push_back(1.0);
  }
  return detail::bgnbd_ll(data, params, nullptr);
}

/// Maximum-likelihood fit of r, alpha, a, b on `customers` (all of them,
/// including those with x = 0). BFGS with an analytic gradient on the
/// log-parameters, from several starting points (the caller's `initial`,
/// then starts scaled to the data's mean x and T); a start that fails is
/// retried with Nelder-Mead. Stops early once two starts agree on the
/// optimum. Throws data_error for fewer than 2 customers, all x = 0, or an
/// invalid summary; an optimisation that does not converge is *not* an
/// exception (see bgnbd_fit::converged).
inline bgnbd_fit fit_bgnbd(std::span<const rfm_summary> customers, const bgnbd_fit_options& options = {}) {
  const detail::bgnbd_data data = detail::prepare_bgnbd(customers);
  const double n = data.customers;
  // Objective: mean negative log-likelihood per customer over log-parameters,
  // so the tolerances do not depend on the number of customers.
  const detail::objective objective = [&](const detail::vec& v, detail::vec* grad) {
    for (double e : v) {
      if (!(std::fabs(e) <= 30.0)) return std::numeric_limits<double>::infinity();
    }
    const bgnbd_params p = detail::bgnbd_from_log(v);
    double g[4];
    const double ll = detail::bgnbd_ll(data, p, grad != nullptr ? g : nullptr);
    if (grad != nullptr) {
      grad->assign(4, 0.0);
      const double theta[4] = {p.r, p.alpha, p.a, p.b};
      for (int i = 0; i < 4; ++i) (*grad)[static_cast<std::size_t>(i)] = -g[i] * theta[i] / n;
    }
    return -ll / n;
  };

  std::vector<bgnbd_params> starts;
  if (options.initial) {
    detail::check_bgnbd_params(*options.initial);
    starts.push_back(*options.initial);
  }
  // The mean purchase rate is r/alpha per unit; mean_x/mean_T estimates it
  // (biased low by drop-out, which is fine for a start).
  const double rate = std::max(data.mean_x / std::max(data.mean_T, 1e-9), 1e-9);
  starts.push_back({1.0, 1.0 / rate, 1.0, 3.0});
  starts.push_back({0.5, 0.5 / rate, 0.5, 1.0});
  starts.push_back({1.0, 1.0, 1.0, 1.0});
  starts.push_back({2.0, 2.0 / rate, 2.0, 8.0});
  starts.push_back({0.1, 0.1 / rate, 0.2, 0.5});

  std::vector<detail::vec> log_starts;
  log_starts.reserve(starts.size());
  for (const bgnbd_params& s : starts)
    log_starts.push_back({std::log(s.r), std::log(s.alpha), std::log(s.a), std::log(s.b)});
  detail::minimize_options opt;
  opt.max_iterations = options.max_iterations;
  const detail::multistart_result runs = detail::minimize_multistart(
      objective, log_starts, static_cast<std::size_t>(std::max(options.max_starts, 1)), opt);
  const detail::minimize_result& best = runs.best;
  bgnbd_fit fit;
  fit.customers = customers.size();
  fit.iterations = runs.iterations;
  fit.evaluations = runs.evaluations;
  fit.starts = runs.starts;
  if (!std::isfinite(best.value)) {
    fit.message = "BG/NBD fit failed: the log-likelihood is not finite at any starting point";
    fit.log_likelihood = -std::numeric_limits<double>::infinity();
    return fit;
  }
  fit.params = detail::bgnbd_from_log(best.x);
  fit.log_likelihood = -best.value * n;
  fit.converged = best.converged;
  if (!fit.converged) {
    fit.message = "BG/NBD fit did not converge after " + std::to_string(fit.starts) +
                  " starts; reporting the best point found (max |gradient| " +
                  std::to_string(detail::max_abs(best.gradient)) + ")";
  }
  for (double e : best.x) {
    if (std::fabs(e) > 20.0) {
      fit.converged = false;
      fit.message = "BG/NBD fit ran to a boundary (a parameter below e^-20 or above e^20): "
                    "the data do not identify the model";
    }
  }
  // Standard errors: Hessian of the total negative log-likelihood in
  // log-parameters; at the optimum SE(theta) = theta * SE(log theta).
  const detail::vec hess = detail::hessian_from_gradient(objective, best.x);
  if (!hess.empty()) {
    detail::vec total(hess.size());
    for (std::size_t i = 0; i < hess.size(); ++i) total[i] = hess[i] * n;
    if (const auto cov = detail::invert_spd(total, 4)) {
      const double theta[4] = {fit.params.r, fit.params.alpha, fit.params.a, fit.params.b};
      double se[4];
      for (std::size_t i = 0; i < 4; ++i) se[i] = theta[i] * std::sqrt((*cov)[i * 4 + i]);
      fit.standard_errors = bgnbd_params{se[0], se[1], se[2], se[3]};
    }
  }
  if (fit.converged && !fit.standard_errors) {
    fit.message = "BG/NBD fit converged, but the log-likelihood is flat or not concave at the optimum "
                  "(a parameter drifts towards a boundary): no standard errors";
  }
  return fit;
}

/// P(alive at T | x, t_x, T), eq. (11):
///   1 / (1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)).
/// 1 for x = 0 (the model lets customers drop out only after a purchase).
/// Throws data_error for invalid parameters or summary.
inline double bgnbd_p_alive(const bgnbd_params& params, std::int64_t x, double t_x, double T) {
  detail::check_bgnbd_params(params);
  detail::check_bgnbd_customer({x, t_x, T, 0.0, 0, 0, 0.0}, detail::no_index);
  if (x == 0) return 1.0;
  const double xd = static_cast<double>(x);
  const double u = std::log(params.a) - std::log(params.b + xd - 1.0) +
                   (params.r + xd) * (std::log(params.alpha + T) - std::log(params.alpha + t_x));
  return 1.0 / (1.0 + std::exp(u));
}

/// P(alive) of one summary (see above).
inline double bgnbd_p_alive(const bgnbd_params& params, const rfm_summary& c) {
  return bgnbd_p_alive(params, c.x, c.t_x, c.T);
}

/// E[Y(t) | x, t_x, T], eq. (10): expected purchases in the next t time units
/// (after T) of a customer with history (x, t_x, T):
///   (a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x)
///       2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))] / (1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)),
/// i.e. P(alive) times the expectation of an alive customer. 0 for t <= 0.
/// Throws data_error for invalid parameters or summary, or a non-finite t.
inline double bgnbd_expected_purchases(const bgnbd_params& params, std::int64_t x, double t_x, double T, double t) {
  const double alive = bgnbd_p_alive(params, x, t_x, T);
  if (!std::isfinite(t)) throw data_error("BG/NBD horizon t must be finite", {});
  if (!(t > 0.0)) return 0.0;
  const double xd = static_cast<double>(x);
  return alive * detail::expected_purchases_alive(params.r + xd, params.alpha + T, params.a, params.b + xd, t);
}

/// E[Y(t) | x, t_x, T] of one summary (see above).
inline double bgnbd_expected_purchases(const bgnbd_params& params, const rfm_summary& c, double t) {
  return bgnbd_expected_purchases(params, c.x, c.t_x, c.T, t);
}

/// E[X(t)], eq. (7): expected repeat purchases in (0, t] of a customer born at
/// 0, unconditional on history:
///   (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))].
/// 0 for t <= 0. Throws data_error for invalid parameters or a non-finite t.
inline double bgnbd_expected_purchases_new(const bgnbd_params& params, double t) {
  detail::check_bgnbd_params(params);
  if (!std::isfinite(t)) throw data_error("BG/NBD horizon t must be finite", {});
  if (!(t > 0.0)) return 0.0;
  return detail::expected_purchases_alive(params.r, params.alpha, params.a, params.b, t);
}

/// Expected cumulative repeat purchases of a cohort at each time in `at`:
///   result[k] = sum_i E[X(at[k] - birth[i])]   (terms with at[k] <= birth[i] are 0),
/// the "predicted" curve of the paper's Figure 1 when each customer is born at
/// their own first purchase. `birth` and `at` share one origin and the model's
/// time unit (e.g. (first_day - day0) / 7 for weeks). Equal births are
/// computed once. Empty `birth` gives zeros; empty `at` an empty vector.
inline std::vector<double> bgnbd_expected_cumulative_repeats(const bgnbd_params& params,
                                                             std::span<const double> birth,
                                                             std::span<const double> at) {
  detail::check_bgnbd_params(params);
  std::vector<double> b(birth.begin(), birth.end());
  for (double v : b) {
    if (!std::isfinite(v)) throw data_error("birth times must be finite", {});
  }
  std::sort(b.begin(), b.end());
  std::vector<double> out(at.size(), 0.0);
  for (std::size_t i = 0; i < b.size();) {
    std::size_t j = i;
    while (j < b.size() && b[j] == b[i]) ++j;
    const double count = static_cast<double>(j - i);
    for (std::size_t k = 0; k < at.size(); ++k) {
      if (at[k] > b[i]) out[k] += count * bgnbd_expected_purchases_new(params, at[k] - b[i]);
    }
    i = j;
  }
  return out;
}

/// Predicted customer lifetime value over the next `horizon` time units after
/// T, discounted per time unit, in the manner of lifetimes'
/// `customer_lifetime_value` but with one time unit throughout:
///   CLV = sum_{i=1..horizon} (E[Y(i)] - E[Y(i-1)]) * spend / (1 + discount_rate)^i,
/// where E[Y(i)] is bgnbd_expected_purchases(params, x, t_x, T, i) and
/// `spend` the value per purchase (e.g. gamma_gamma_expected_spend, times a
/// margin). Cash flows of period i are discounted to the calibration end as
/// if at the end of period i. A rate per year converts as
/// (1 + annual)^(1/periods_per_year) - 1. horizon = 0 gives 0.
/// Throws data_error for a negative horizon, discount_rate <= -1, negative or
/// non-finite spend, or invalid parameters/summary.
inline double bgnbd_clv(const bgnbd_params& params, const rfm_summary& customer, double spend, int horizon,
                        double discount_rate) {
  if (horizon < 0) throw data_error("CLV horizon must be >= 0 time units", {});
  if (!(discount_rate > -1.0) || !std::isfinite(discount_rate)) {
    throw data_error("discount rate per time unit must be > -1 and finite", {});
  }
  if (!(spend >= 0.0) || !std::isfinite(spend)) {
    throw data_error("spend per purchase must be >= 0 and finite, got " + std::to_string(spend), {});
  }
  const double alive = bgnbd_p_alive(params, customer);
  const double xd = static_cast<double>(customer.x);
  const double clv = detail::discounted_purchases_alive(params.r + xd, params.alpha + customer.T, params.a,
                                                         params.b + xd, horizon, discount_rate);
  return alive * spend * clv;
}

/// P(alive) of every customer, in input order (see the single-customer
/// overload). Empty input gives an empty vector.
inline std::vector<double> bgnbd_p_alive(const bgnbd_params& params, std::span<const rfm_summary> customers) {
  std::vector<double> out;
  out.reserve(customers.size());
  for (const rfm_summary& c : customers) out.push_back(bgnbd_p_alive(params, c));
  return out;
}

/// E[Y(t) | x, t_x, T] of every customer, in input order: expected purchases
/// in the next t time units (e.g. t = rfm_window::holdout_length() to compare
/// with rfm_summary::holdout_x). Customers with equal (x, T) share one
/// hypergeometric evaluation. Empty input gives an empty vector.
inline std::vector<double> bgnbd_expected_purchases(const bgnbd_params& params,
                                                    std::span<const rfm_summary> customers, double t) {
  std::vector<double> out = bgnbd_p_alive(params, customers);
  if (!std::isfinite(t)) throw data_error("BG/NBD horizon t must be finite", {});
  if (!(t > 0.0)) {
    std::fill(out.begin(), out.end(), 0.0);
    return out;
  }
  std::vector<std::size_t> order;
  detail::for_each_x_T_group(customers, order, [&](std::int64_t x, double T, std::size_t first, std::size_t last) {
    const double xd = static_cast<double>(x);
    const double e = detail::expected_purchases_alive(params.r + xd, params.alpha + T, params.a, params.b + xd, t);
    for (std::size_t k = first; k < last; ++k) out[order[k]] *= e;
  });
  return out;
}

/// CLV of every customer, in input order (see the single-customer overload);
/// `spend[i]` is the value per purchase of customers[i] (same size). Customers
/// with equal (x, T) share the discounted expectation, so a million
/// customers cost about as much as their distinct (x, T) pairs. Empty input
/// gives an empty vector. Throws data_error on a size mismatch and as the
/// single-customer overload.
inline std::vector<double> bgnbd_clv(const bgnbd_params& params, std::span<const rfm_summary> customers,
                                     std::span<const double> spend, int horizon, double discount_rate) {
  if (spend.size() != customers.size()) {
    throw data_error("CLV needs one spend per customer: " + std::to_string(spend.size()) + " spends for " +
                         std::to_string(customers.size()) + " customers",
                     {});
  }
  if (horizon < 0) throw data_error("CLV horizon must be >= 0 time units", {});
  if (!(discount_rate > -1.0) || !std::isfinite(discount_rate)) {
    throw data_error("discount rate per time unit must be > -1 and finite", {});
  }
  std::vector<double> out = bgnbd_p_alive(params, customers);
  for (std::size_t i = 0; i < spend.size(); ++i) {
    if (!(spend[i] >= 0.0) || !std::isfinite(spend[i])) {
      throw data_error("customer at index " + std::to_string(i) + ": spend per purchase must be >= 0 and finite, got " +
                           std::to_string(spend[i]),
                       {});
    }
    out[i] *= spend[i];
  }
  std::vector<std::size_t> order;
  detail::for_each_x_T_group(customers, order, [&](std::int64_t x, double T, std::size_t first, std::size_t last) {
    const double xd = static_cast<double>(x);
    const double d = detail::discounted_purchases_alive(params.r + xd, params.alpha + T, params.a, params.b + xd,
                                                        horizon, discount_rate);
    for (std::size_t k = first; k < last; ++k) out[order[k]] *= d;
  });
  return out;
}

}  // namespace cxkpi
