#pragma once
/// \file
/// A small unconstrained minimiser for the model fits (BG/NBD, Gamma-Gamma):
/// BFGS with a backtracking (Armijo) line search, Nelder-Mead as the fallback
/// when gradients fail, and a finite-difference Hessian for standard errors.
/// The models optimise over log-parameters, so "unconstrained" is enough.
/// Internal: include cxkpi/bgnbd.hpp or cxkpi/gamma_gamma.hpp instead.
///
/// References: Nocedal & Wright, Numerical Optimization (2nd ed., 2006),
/// algorithm 6.1 (BFGS), 3.1 (backtracking), eq. 6.20 (first inverse-Hessian
/// scaling); Lagarias et al. (1998) for Nelder-Mead; Gao & Han (2012) for the
/// dimension-adaptive Nelder-Mead coefficients.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <numeric>
#include <optional>
#include <utility>
#include <vector>

namespace cxkpi::detail {

using vec = std::vector<double>;
/// The objective: returns f(x); when `grad` is not null, also writes the
/// gradient there (size n). A non-finite return value means "outside the
/// domain" and makes the line search step back.
using objective = std::function<double(const vec& x, vec* grad)>;

/// Options of the minimisers. Tolerances suit objectives scaled to O(1), such
/// as a mean negative log-likelihood per customer.
struct minimize_options {
  int max_iterations = 500;     ///< BFGS iterations, or Nelder-Mead iterations
  double gradient_tol = 1e-9;   ///< stop when max |gradient component| <= this
  double step_tol = 1e-12;      ///< stop when the max |step| is below this ...
  double value_tol = 1e-15;     ///< ... and the relative decrease of f below this
  double max_step = 2.0;        ///< largest move of one line-search step (in x units)
};

/// What a minimiser returns.
struct minimize_result {
  vec x;                   ///< best point found
  double value = std::numeric_limits<double>::infinity();  ///< f(x)
  vec gradient;            ///< gradient at x (empty for Nelder-Mead)
  int iterations = 0;
  int evaluations = 0;     ///< calls of the objective (with or without gradient)
  bool converged = false;  ///< the stopping rule held (not just the iteration cap)
};

/// Central-difference gradient of `f` at x (step h_i = 1e-5 max(1, |x_i|)),
/// for objectives that do not provide an analytic one. 2n evaluations.
inline vec numerical_gradient(const std::function<double(const vec&)>& f, const vec& x) {
  vec g(x.size());
  vec xp = x;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double h = 1e-5 * std::max(1.0, std::fabs(x[i]));
    xp[i] = x[i] + h;
    const double fp = f(xp);
    xp[i] = x[i] - h;
    const double fm = f(xp);
    xp[i] = x[i];
    g[i] = (fp - fm) / (2.0 * h);
  }
  return g;
}

/// Wraps a value-only function into an `objective` with a central-difference
/// gradient.
inline objective with_numerical_gradient(std::function<double(const vec&)> f) {
  return [f = std::move(f)](const vec& x, vec* grad) {
    const double v = f(x);
    if (grad != nullptr && std::isfinite(v)) *grad = numerical_gradient(f, x);
    return v;
  };
}

inline double max_abs(const vec& v) {
  double m = 0.0;
  for (double e : v) m = std::max(m, std::fabs(e));
  return m;
}

inline bool all_finite(const vec& v) {
  return std::all_of(v.begin(), v.end(), [](double e) { return std::isfinite(e); });
}

/// BFGS minimisation of `f` from x0 (Nocedal & Wright alg. 6.1) with an
/// Armijo backtracking line search; the inverse-Hessian update is skipped when
/// the curvature condition s'y > 0 fails. Never throws for a bad objective:
/// `converged` is false and `x` is the best point seen.
inline minimize_result minimize_bfgs(const objective& f, vec x0, const minimize_options& opt = {}) {
  const std::size_t n = x0.size();
  minimize_result res;
  res.x = std::move(x0);
  vec g(n);
  res.value = f(res.x, &g);
  res.evaluations = 1;
  if (!std::isfinite(res.value) || !all_finite(g)) return res;
  res.gradient = g;

  // Inverse Hessian approximation, row-major n x n; starts as identity and is
  // rescaled after the first step (N&W eq. 6.20).
  vec h(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i) h[i * n + i] = 1.0;
  bool scaled = false;
  int small_steps = 0;

  vec p(n), x_new(n), g_new(n), s(n), y(n), hy(n);
  for (res.iterations = 0; res.iterations < opt.max_iterations; ++res.iterations) {
    if (max_abs(g) <= opt.gradient_tol) {
      res.converged = true;
      break;
    }
    // Search direction p = -H g; fall back to steepest descent if not downhill.
    for (std::size_t i = 0; i < n; ++i) {
      double acc = 0.0;
      for (std::size_t j = 0; j < n; ++j) acc += h[i * n + j] * g[j];
      p[i] = -acc;
    }
    double slope = std::inner_product(p.begin(), p.end(), g.begin(), 0.0);
    if (!(slope < 0.0)) {
      std::fill(h.begin(), h.end(), 0.0);
      for (std::size_t i = 0; i < n; ++i) h[i * n + i] = 1.0;
      for (std::size_t i = 0; i < n; ++i) p[i] = -g[i];
      slope = -std::inner_product(g.begin(), g.end(), g.begin(), 0.0);
    }
    // At the floating-point floor of f the predicted decrease is below what
    // f can resolve: nothing more to gain, stop if the gradient is small.
    if (-slope <= 1e-16 * std::max(1.0, std::fabs(res.value))) {
      res.converged = max_abs(g) <= 1e3 * opt.gradient_tol;
      break;
    }
    double step = 1.0;
    const double pmax = max_abs(p);
    if (pmax * step > opt.max_step) step = opt.max_step / pmax;

    // Backtracking line search on the Armijo condition.
    double f_new = std::numeric_limits<double>::infinity();
    bool accepted = false;
    for (int k = 0; k < 40; ++k) {
      for (std::size_t i = 0; i < n; ++i) x_new[i] = res.x[i] + step * p[i];
      f_new = f(x_new, &g_new);
      ++res.evaluations;
      if (std::isfinite(f_new) && all_finite(g_new) && f_new <= res.value + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) {
      // No decrease along a descent direction: we are at the floating-point
      // floor of f. Count it as converged only if the gradient is small-ish.
      res.converged = max_abs(g) <= 1e3 * opt.gradient_tol;
      break;
    }
    for (std::size_t i = 0; i < n; ++i) {
      s[i] = x_new[i] - res.x[i];
      y[i] = g_new[i] - g[i];
    }
    const double decrease = res.value - f_new;
    res.x = x_new;
    g = g_new;
    res.value = f_new;
    res.gradient = g;

    if (max_abs(s) <= opt.step_tol && decrease <= opt.value_tol * std::max(1.0, std::fabs(f_new))) {
      if (++small_steps >= 3) {
        res.converged = max_abs(g) <= 1e3 * opt.gradient_tol;
        break;
      }
    } else {
      small_steps = 0;
    }

    const double sy = std::inner_product(s.begin(), s.end(), y.begin(), 0.0);
    if (sy > 1e-12 * std::sqrt(std::inner_product(s.begin(), s.end(), s.begin(), 0.0) *
                               std::inner_product(y.begin(), y.end(), y.begin(), 0.0))) {
      if (!scaled) {
        const double yy = std::inner_product(y.begin(), y.end(), y.begin(), 0.0);
        const double gamma = sy / yy;
        for (std::size_t i = 0; i < n; ++i) {
          for (std::size_t j = 0; j < n; ++j) h[i * n + j] = (i == j) ? gamma : 0.0;
        }
        scaled = true;
      }
      // H+ = (I - rho s y') H (I - rho y s') + rho s s', rho = 1/s'y.
      const double rho = 1.0 / sy;
      for (std::size_t i = 0; i < n; ++i) {
        double acc = 0.0;
        for (std::size_t j = 0; j < n; ++j) acc += h[i * n + j] * y[j];
        hy[i] = acc;
      }
      const double yhy = std::inner_product(y.begin(), y.end(), hy.begin(), 0.0);
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < n; ++j) {
          h[i * n + j] += (1.0 + rho * yhy) * rho * s[i] * s[j] - rho * (hy[i] * s[j] + s[i] * hy[j]);
        }
      }
    }
  }
  return res;
}

/// Nelder-Mead minimisation of a value-only function from x0 with an initial
/// simplex of edge `initial_step`, adaptive coefficients (Gao & Han 2012).
/// Stops when the simplex's spread in f is below value_tol (relative) and its
/// size below 1e-8, or after 200 n iterations times max_iterations/500.
inline minimize_result minimize_nelder_mead(const std::function<double(const vec&)>& f, const vec& x0,
                                            const minimize_options& opt = {},
                                            double initial_step = 0.5) {
  const std::size_t n = x0.size();
  const double dn = static_cast<double>(n);
  const double alpha = 1.0, beta = 1.0 + 2.0 / dn, gamma = 0.75 - 1.0 / (2.0 * dn),
               delta = 1.0 - 1.0 / dn;
  auto safe = [&](const vec& x) {
    const double v = f(x);
    return std::isfinite(v) ? v : std::numeric_limits<double>::infinity();
  };
  std::vector<vec> pts(n + 1, x0);
  vec vals(n + 1);
  minimize_result res;
  for (std::size_t i = 0; i < n; ++i) pts[i + 1][i] += initial_step;
  for (std::size_t i = 0; i <= n; ++i) vals[i] = safe(pts[i]);
  res.evaluations = static_cast<int>(n + 1);
  std::vector<std::size_t> order(n + 1);
  const int max_iter = std::max(200 * static_cast<int>(n), opt.max_iterations * 4);
  vec centroid(n), xr(n), xe(n), xc(n);
  for (res.iterations = 0; res.iterations < max_iter; ++res.iterations) {
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return vals[a] < vals[b]; });
    const std::size_t best = order.front(), worst = order.back(), second = order[n - 1];
    double size = 0.0;
    for (std::size_t i = 0; i <= n; ++i) {
      for (std::size_t j = 0; j < n; ++j) size = std::max(size, std::fabs(pts[i][j] - pts[best][j]));
    }
    if (std::isfinite(vals[worst]) &&
        vals[worst] - vals[best] <= opt.value_tol * std::max(1.0, std::fabs(vals[best])) && size <= 1e-8) {
      res.converged = true;
      break;
    }
    std::fill(centroid.begin(), centroid.end(), 0.0);
    for (std::size_t i = 0; i <= n; ++i) {
      if (i == worst) continue;
      for (std::size_t j = 0; j < n; ++j) centroid[j] += pts[i][j] / dn;
    }
    for (std::size_t j = 0; j < n; ++j) xr[j] = centroid[j] + alpha * (centroid[j] - pts[worst][j]);
    const double fr = safe(xr);
    ++res.evaluations;
    if (fr < vals[best]) {
      for (std::size_t j = 0; j < n; ++j) xe[j] = centroid[j] + beta * (xr[j] - centroid[j]);
      const double fe = safe(xe);
      ++res.evaluations;
      if (fe < fr) {
        pts[worst] = xe;
        vals[worst] = fe;
      } else {
        pts[worst] = xr;
        vals[worst] = fr;
      }
      continue;
    }
    if (fr < vals[second]) {
      pts[worst] = xr;
      vals[worst] = fr;
      continue;
    }
    const bool outside = fr < vals[worst];
    for (std::size_t j = 0; j < n; ++j) {
      xc[j] = outside ? centroid[j] + gamma * (xr[j] - centroid[j])
                      : centroid[j] - gamma * (centroid[j] - pts[worst][j]);
    }
    const double fc = safe(xc);
    ++res.evaluations;
    if (fc < (outside ? fr : vals[worst])) {
      pts[worst] = xc;
      vals[worst] = fc;
      continue;
    }
    for (std::size_t i = 0; i <= n; ++i) {  // shrink towards the best point
      if (i == best) continue;
      for (std::size_t j = 0; j < n; ++j) pts[i][j] = pts[best][j] + delta * (pts[i][j] - pts[best][j]);
      vals[i] = safe(pts[i]);
      ++res.evaluations;
    }
  }
  const auto best = static_cast<std::size_t>(std::min_element(vals.begin(), vals.end()) - vals.begin());
  res.x = pts[best];
  res.value = vals[best];
  return res;
}

/// Hessian of `f` at x by central differences of its gradient (2n gradient
/// evaluations, step h_i = 1e-4 max(1, |x_i|)), symmetrised. Returns an empty
/// vector when an evaluation is not finite.
inline vec hessian_from_gradient(const objective& f, const vec& x) {
  const std::size_t n = x.size();
  vec hess(n * n, 0.0), gp(n), gm(n), xp = x;
  for (std::size_t j = 0; j < n; ++j) {
    const double h = 1e-4 * std::max(1.0, std::fabs(x[j]));
    xp[j] = x[j] + h;
    const double fp = f(xp, &gp);
    xp[j] = x[j] - h;
    const double fm = f(xp, &gm);
    xp[j] = x[j];
    if (!std::isfinite(fp) || !std::isfinite(fm) || !all_finite(gp) || !all_finite(gm)) return {};
    for (std::size_t i = 0; i < n; ++i) hess[i * n + j] = (gp[i] - gm[i]) / (2.0 * h);
  }
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      const double m = 0.5 * (hess[i * n + j] + hess[j * n + i]);
      hess[i * n + j] = hess[j * n + i] = m;
    }
  }
  return hess;
}

/// Hessian of a value-only `f` at x by second central differences (step
/// h_i = 1e-4 max(1, |x_i|)). Returns an empty vector when an evaluation is
/// not finite.
inline vec hessian_from_values(const std::function<double(const vec&)>& f, const vec& x) {
  const std::size_t n = x.size();
  vec hess(n * n, 0.0), xp = x, h(n);
  for (std::size_t i = 0; i < n; ++i) h[i] = 1e-4 * std::max(1.0, std::fabs(x[i]));
  const double f0 = f(x);
  if (!std::isfinite(f0)) return {};
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i; j < n; ++j) {
      double v;
      if (i == j) {
        xp[i] = x[i] + h[i];
        const double fp = f(xp);
        xp[i] = x[i] - h[i];
        const double fm = f(xp);
        xp[i] = x[i];
        v = (fp - 2.0 * f0 + fm) / (h[i] * h[i]);
      } else {
        double acc = 0.0;
        for (int si = -1; si <= 1; si += 2) {
          for (int sj = -1; sj <= 1; sj += 2) {
            xp[i] = x[i] + si * h[i];
            xp[j] = x[j] + sj * h[j];
            acc += si * sj * f(xp);
          }
        }
        xp[i] = x[i];
        xp[j] = x[j];
        v = acc / (4.0 * h[i] * h[j]);
      }
      if (!std::isfinite(v)) return {};
      hess[i * n + j] = hess[j * n + i] = v;
    }
  }
  return hess;
}

/// Inverse of a symmetric positive-definite n x n matrix (row-major) by
/// Cholesky factorisation; nullopt when the matrix is not positive definite.
inline std::optional<vec> invert_spd(const vec& m, std::size_t n) {
  if (m.size() != n * n) return std::nullopt;
  vec l(n * n, 0.0);
  for (std::size_t j = 0; j < n; ++j) {
    double d = m[j * n + j];
    for (std::size_t k = 0; k < j; ++k) d -= l[j * n + k] * l[j * n + k];
    if (!(d > 0.0) || !std::isfinite(d)) return std::nullopt;
    l[j * n + j] = std::sqrt(d);
    for (std::size_t i = j + 1; i < n; ++i) {
      double v = m[i * n + j];
      for (std::size_t k = 0; k < j; ++k) v -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = v / l[j * n + j];
    }
  }
  // Solve L L' X = I column by column.
  vec inv(n * n, 0.0), col(n);
  for (std::size_t c = 0; c < n; ++c) {
    for (std::size_t i = 0; i < n; ++i) {
      double v = (i == c) ? 1.0 : 0.0;
      for (std::size_t k = 0; k < i; ++k) v -= l[i * n + k] * col[k];
      col[i] = v / l[i * n + i];
    }
    for (std::size_t ii = n; ii-- > 0;) {
      double v = col[ii];
      for (std::size_t k = ii + 1; k < n; ++k) v -= l[k * n + ii] * inv[k * n + c];
      inv[ii * n + c] = v / l[ii * n + ii];
    }
  }
  return inv;
}

/// What minimize_multistart returns: the best run and the work of all.
struct multistart_result {
  minimize_result best;  ///< value +inf when no start reached a finite value
  int iterations = 0;    ///< over every run (BFGS, Nelder-Mead, polish)
  int evaluations = 0;
  int starts = 0;        ///< starting points tried
};

/// The model fits' driver: minimises `f` from each of the first
/// `max_starts` points of `starts` (at least one) in turn. A BFGS run that
/// does not converge is retried with Nelder-Mead from the best point BFGS
/// reached (from its start when that was not finite), then polished with
/// BFGS, the polish kept when it is no worse. The best finite run is kept (a
/// converged one wins a tie within 1e-12); the loop stops early once two
/// converged runs agree on the best value to 1e-9 (relative): two starts
/// that reach the same optimum are enough evidence.
inline multistart_result minimize_multistart(const objective& f, const std::vector<vec>& starts,
                                             std::size_t max_starts, const minimize_options& opt = {}) {
  multistart_result out;
  const std::function<double(const vec&)> value = [&f](const vec& v) { return f(v, nullptr); };
  std::vector<double> converged_values;
  const std::size_t tries = std::min(std::max<std::size_t>(max_starts, 1), starts.size());
  for (std::size_t k = 0; k < tries; ++k) {
    const vec& x0 = starts[k];
    minimize_result run = minimize_bfgs(f, x0, opt);
    out.iterations += run.iterations;
    out.evaluations += run.evaluations;
    ++out.starts;
    if (!run.converged) {
      const minimize_result nm = minimize_nelder_mead(value, std::isfinite(run.value) ? run.x : x0, opt);
      out.iterations += nm.iterations;
      out.evaluations += nm.evaluations;
      if (std::isfinite(nm.value)) {
        minimize_result polish = minimize_bfgs(f, nm.x, opt);
        out.iterations += polish.iterations;
        out.evaluations += polish.evaluations;
        if (polish.value <= run.value || !std::isfinite(run.value)) run = std::move(polish);
      }
    }
    if (!std::isfinite(run.value)) continue;
    if (run.converged) converged_values.push_back(run.value);
    minimize_result& best = out.best;
    if (run.value < best.value || (run.converged && !best.converged && run.value <= best.value + 1e-12))
      best = std::move(run);
    const auto agree = std::count_if(converged_values.begin(), converged_values.end(), [&](double v) {
      return std::fabs(v - best.value) <= 1e-9 * std::max(1.0, std::fabs(best.value));
    });
    if (best.converged && agree >= 2) break;
  }
  return out;
}

}  // namespace cxkpi::detail
