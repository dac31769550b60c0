// Tests of cxkpi/bgnbd.hpp (and the hypergeometric function and optimiser it
// uses): the published CDNOW fit of Fader, Hardie & Lee (2005) from the raw
// transactions, the prediction formulas against independent computations, and
// the errors for inputs the model cannot fit.

#include "cxkpi/bgnbd.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "cdnow_data.hpp"
#include "cxkpi/detail/hyp2f1.hpp"

namespace {

using cxkpi::bgnbd_params;
using cxkpi::rfm_summary;
using cxkpi::test_data::cdnow_summaries;

const cxkpi::bgnbd_fit& cdnow_fit() {
  static const cxkpi::bgnbd_fit fit = cxkpi::fit_bgnbd(cdnow_summaries());
  return fit;
}

// Published estimates, Fader, Hardie & Lee (2005), section 4 (CDNOW, weeks).
const bgnbd_params published{0.243, 4.414, 0.793, 2.426};

rfm_summary customer(std::int64_t x, double t_x, double T) {
  rfm_summary s;
  s.x = x;
  s.t_x = t_x;
  s.T = T;
  return s;
}

// E[X(t)] by direct numerical integration over the drop-out probability p,
//   E[X(t)] = int_0^1 (1 - (alpha/(alpha + p t))^r) / p  Beta(p; a, b) dp
// (given p, integrating the Gamma rate out of (1 - e^(-lambda p t))/p), by
// tanh-sinh quadrature, which copes with the endpoint singularities of the
// Beta density. Independent of any 2F1 code.
double expected_by_integration(const bgnbd_params& m, double t) {
  const double half_pi = 2.0 * std::atan(1.0);
  const double log_beta = std::lgamma(m.a) + std::lgamma(m.b) - std::lgamma(m.a + m.b);
  const double h = 1.0 / 64.0;
  double sum = 0.0;
  for (int k = -6 * 64; k <= 6 * 64; ++k) {
    const double u = k * h;
    const double s = half_pi * std::sinh(u);
    const double p = 1.0 / (1.0 + std::exp(-2.0 * s));  // (1 + tanh s) / 2
    const double q = 1.0 / (1.0 + std::exp(2.0 * s));   // 1 - p, without cancellation
    if (!(p > 0.0) || !(q > 0.0)) continue;
    const double weight = half_pi * std::cosh(u) * p * q * 2.0;  // dp/du
    const double g = -std::expm1(-m.r * std::log1p(p * t / m.alpha)) / p;
    sum += weight * g * std::exp((m.a - 1.0) * std::log(p) + (m.b - 1.0) * std::log(q) - log_beta);
  }
  return sum * h;
}

// Eq. (10) of Fader, Hardie & Lee (2005) evaluated literally with the plain
// 2F1 series (no Euler transformation, no pole removal).
double expected_eq10(const bgnbd_params& m, std::int64_t x, double t_x, double T, double t) {
  const double xd = static_cast<double>(x);
  const double z = t / (m.alpha + T + t);
  const double f = cxkpi::detail::hyp2f1(m.r + xd, m.b + xd, m.a + m.b + xd - 1.0, z);
  const double num = (m.a + m.b + xd - 1.0) / (m.a - 1.0) *
                     (1.0 - std::pow((m.alpha + T) / (m.alpha + T + t), m.r + xd) * f);
  const double den =
      1.0 + (x > 0 ? m.a / (m.b + xd - 1.0) * std::pow((m.alpha + T) / (m.alpha + t_x), m.r + xd) : 0.0);
  return num / den;
}

}  // namespace

TEST_CASE("hyp2f1 matches closed forms", "[bgnbd][hyp2f1]") {
  using cxkpi::detail::hyp2f1;
  // Abramowitz & Stegun 15.1.3, 15.1.8, 15.1.6.
  for (double z : {0.1, 0.5, 0.9, 0.99, -0.3, -0.9}) {
    CHECK(hyp2f1(1.0, 1.0, 2.0, z) == Approx(-std::log(1.0 - z) / z).epsilon(1e-12));
    CHECK(hyp2f1(0.7, 2.5, 2.5, z) == Approx(std::pow(1.0 - z, -0.7)).epsilon(1e-12));
  }
  for (double s : {0.2, 0.7, 0.95}) {
    CHECK(hyp2f1(0.5, 0.5, 1.5, s * s) == Approx(std::asin(s) / s).epsilon(1e-12));
  }
  CHECK(hyp2f1(-2.0, 3.0, 4.0, 0.5) == Approx(1.0 - 2.0 * 3.0 / 4.0 * 0.5 + 3.0 * 4.0 / 20.0 * 0.25));  // terminates
  CHECK(hyp2f1(1.0, 1.0, 2.0, 0.0) == 1.0);
  CHECK_THROWS_AS(hyp2f1(1.0, 1.0, 2.0, 1.0), cxkpi::data_error);
  CHECK_THROWS_AS(hyp2f1(1.0, 1.0, -2.0, 0.5), cxkpi::data_error);
  // The scaled excess c (2F1 - 1) / b, finite at b = 0: its limit there is
  // c d/db 2F1 at b = 0 = sum (a)_n (n-1)! / ((c+1)_{n-1} n!) z^n; for a = c = 1,
  // sum z^n / n = -ln(1 - z).
  CHECK(cxkpi::detail::hyp2f1_scaled_excess(1.0, 0.0, 1.0, 0.6) == Approx(-std::log(0.4)).epsilon(1e-12));
  CHECK(cxkpi::detail::hyp2f1_scaled_excess(1.3, 0.4, 2.2, 0.6) ==
        Approx(2.2 * (hyp2f1(1.3, 0.4, 2.2, 0.6) - 1.0) / 0.4).epsilon(1e-12));
}

TEST_CASE("the optimiser finds the minimum of the Rosenbrock function", "[bgnbd][optimize]") {
  using cxkpi::detail::vec;
  const auto rosen = [](const vec& v) {
    return 100.0 * std::pow(v[1] - v[0] * v[0], 2) + std::pow(1.0 - v[0], 2);
  };
  const auto bfgs = cxkpi::detail::minimize_bfgs(cxkpi::detail::with_numerical_gradient(rosen), {-1.2, 1.0});
  CHECK(bfgs.converged);
  CHECK(bfgs.x[0] == Approx(1.0).margin(1e-5));
  CHECK(bfgs.x[1] == Approx(1.0).margin(1e-5));
  const auto nm = cxkpi::detail::minimize_nelder_mead(rosen, {-1.2, 1.0});
  CHECK(nm.converged);
  CHECK(nm.x[0] == Approx(1.0).margin(1e-4));
  const auto inv = cxkpi::detail::invert_spd({4.0, 2.0, 2.0, 3.0}, 2);
  REQUIRE(inv);
  CHECK((*inv)[0] == Approx(3.0 / 8.0));
  CHECK((*inv)[1] == Approx(-2.0 / 8.0));
  CHECK_FALSE(cxkpi::detail::invert_spd({1.0, 2.0, 2.0, 1.0}, 2).has_value());
}

// Source: Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way",
// Marketing Science 24(2), section 4: r = 0.243, alpha = 4.414, a = 0.793,
// b = 2.426, LL = -9582.4 on the 2,357 CDNOW customers, 39 calibration weeks.
TEST_CASE("BG/NBD fit reproduces the published CDNOW estimates from the raw transactions", "[bgnbd][cdnow]") {
  const auto& fit = cdnow_fit();
  INFO(fit.message);
  CHECK(fit.converged);
  CHECK(fit.message.empty());
  CHECK(fit.customers == 2357);
  CHECK(fit.params.r == Approx(0.243).margin(0.0005));
  CHECK(fit.params.alpha == Approx(4.414).margin(0.0005));
  CHECK(fit.params.a == Approx(0.793).margin(0.0005));
  CHECK(fit.params.b == Approx(2.426).margin(0.0005));
  CHECK(fit.log_likelihood == Approx(-9582.4).margin(0.05));
  CHECK(cxkpi::bgnbd_log_likelihood(fit.params, cdnow_summaries()) == Approx(fit.log_likelihood).epsilon(1e-12));

  // More digits: CLVTools' correctness test for bgnbd() on cdnow
  // (tests/testthat/test_correctness_bgnbd.R): r = 0.2425945,
  // alpha = 4.4136019, a = 0.7929199, b = 2.4258881, LL = -9582.429.
  CHECK(fit.params.r == Approx(0.2425945).epsilon(1e-4));
  CHECK(fit.params.alpha == Approx(4.4136019).epsilon(1e-4));
  CHECK(fit.params.a == Approx(0.7929199).epsilon(1e-4));
  CHECK(fit.params.b == Approx(2.4258881).epsilon(1e-4));
  CHECK(fit.log_likelihood == Approx(-9582.429).margin(0.001));

  // Standard errors: lifetimes' documentation (docs/Quickstart.md, bgf.summary
  // on the same data): 0.012557, 0.378221, 0.185719, 0.705345.
  REQUIRE(fit.standard_errors);
  CHECK(fit.standard_errors->r == Approx(0.012557).epsilon(2e-3));
  CHECK(fit.standard_errors->alpha == Approx(0.378221).epsilon(2e-3));
  CHECK(fit.standard_errors->a == Approx(0.185719).epsilon(2e-3));
  CHECK(fit.standard_errors->b == Approx(0.705345).epsilon(2e-3));
}

// Source: Fader, Hardie & Lee (2005), section 4: a customer with x = 2,
// t_x = 30.43, T = 38.86 is expected to make 1.226 purchases in the next 39
// weeks.
TEST_CASE("BG/NBD conditional expectation reproduces the published example", "[bgnbd][cdnow]") {
  const auto& fit = cdnow_fit();
  CHECK(cxkpi::bgnbd_expected_purchases(fit.params, 2, 30.43, 38.86, 39.0) == Approx(1.226).margin(0.0005));
  CHECK(cxkpi::bgnbd_expected_purchases(published, 2, 30.43, 38.86, 39.0) == Approx(1.226).margin(0.0005));
}

// Source: lifetimes' documentation (docs/Quickstart.md): with its fitted
// parameters r = 0.242593, alpha = 4.413532, a = 0.792886, b = 2.425752,
// conditional_expected_number_of_purchases_up_to_time(1, ...) for its top five
// customers, and customer_lifetime_value(time=12, discount_rate=0.01) = 140.096211
// for customer 1 with an expected spend of 24.658619. That CLV uses lifetimes'
// default freq='D' on week data: 12 steps of 30 *weeks* (the "months that are
// really weeks" of issue 8), reproduced here with explicit 30-week steps.
TEST_CASE("BG/NBD predictions agree with lifetimes' documented outputs", "[bgnbd]") {
  const bgnbd_params lt{0.242593, 4.413532, 0.792886, 2.425752};
  CHECK(cxkpi::bgnbd_expected_purchases(lt, 26, 30.86, 31.00, 1.0) == Approx(0.710623).margin(1e-6));
  CHECK(cxkpi::bgnbd_expected_purchases(lt, 29, 37.71, 38.00, 1.0) == Approx(0.662396).margin(1e-6));
  CHECK(cxkpi::bgnbd_expected_purchases(lt, 17, 28.43, 28.86, 1.0) == Approx(0.486526).margin(1e-6));
  CHECK(cxkpi::bgnbd_expected_purchases(lt, 19, 34.00, 34.14, 1.0) == Approx(0.474738).margin(1e-6));
  CHECK(cxkpi::bgnbd_expected_purchases(lt, 18, 35.14, 35.86, 1.0) == Approx(0.424877).margin(1e-6));

  double clv = 0.0, previous = 0.0;
  for (int i = 1; i <= 12; ++i) {
    const double e = cxkpi::bgnbd_expected_purchases(lt, 2, 30.43, 38.86, 30.0 * i);
    clv += (e - previous) * 24.658619 / std::pow(1.01, i);
    previous = e;
  }
  CHECK(clv == Approx(140.096211).margin(1e-3));
}

// P(alive), eq. (11), by hand with the published parameters for x = 2,
// t_x = 30.43, T = 38.86:
//   a/(b+x-1) = 0.793/3.426 = 0.231465
//   ((alpha+T)/(alpha+t_x))^(r+x) = (43.274/34.844)^2.243 = 1.24194^2.243 = 1.62577
//   P = 1/(1 + 0.231465 * 1.62577) = 1/1.37631 = 0.72658
TEST_CASE("BG/NBD P(alive) matches a hand computation", "[bgnbd]") {
  CHECK(cxkpi::bgnbd_p_alive(published, 2, 30.43, 38.86) == Approx(0.72658).margin(2e-5));
  CHECK(cxkpi::bgnbd_p_alive(published, 0, 0.0, 38.86) == 1.0);  // no purchase, no chance to drop out
  // Recent buyers are more likely alive than customers silent since long ago.
  CHECK(cxkpi::bgnbd_p_alive(published, 5, 38.0, 38.86) > cxkpi::bgnbd_p_alive(published, 5, 10.0, 38.86));
  // Extreme histories give 0 <= P <= 1, never NaN.
  const double p = cxkpi::bgnbd_p_alive(published, 5000, 1.0, 1000.0);
  CHECK(p >= 0.0);
  CHECK(p < 1e-100);
  const auto batch = cxkpi::bgnbd_p_alive(published, std::vector<rfm_summary>{customer(2, 30.43, 38.86), customer(0, 0, 5)});
  REQUIRE(batch.size() == 2);
  CHECK(batch[0] == cxkpi::bgnbd_p_alive(published, 2, 30.43, 38.86));
  CHECK(batch[1] == 1.0);
}

TEST_CASE("BG/NBD expectations agree with eq. (10) literally and with numerical integration", "[bgnbd]") {
  // E[X(t)], eq. (7), against an integral that uses no hypergeometric function.
  for (double t : {0.5, 5.0, 39.0, 78.0, 300.0}) {
    CHECK(cxkpi::bgnbd_expected_purchases_new(published, t) ==
          Approx(expected_by_integration(published, t)).epsilon(1e-6));
  }
  const bgnbd_params other{1.7, 12.0, 2.5, 0.6};  // a > 1, b < 1, a + b > 1
  for (double t : {1.0, 20.0, 100.0}) {
    CHECK(cxkpi::bgnbd_expected_purchases_new(other, t) == Approx(expected_by_integration(other, t)).epsilon(1e-6));
  }
  const bgnbd_params low{0.3, 2.0, 0.4, 0.35};  // a + b < 1: eq. (7)'s c = a+b-1 is negative
  for (double t : {1.0, 20.0}) {
    CHECK(cxkpi::bgnbd_expected_purchases_new(low, t) == Approx(expected_by_integration(low, t)).epsilon(1e-6));
  }
  // Conditional expectation: ours (Euler-transformed, pole removed) vs eq. (10) as printed.
  for (const auto& c : {customer(0, 0.0, 38.86), customer(2, 30.43, 38.86), customer(7, 29.43, 38.86),
                        customer(26, 30.86, 31.0), customer(1, 1.71, 20.0)}) {
    for (double t : {1.0, 13.0, 39.0, 104.0}) {
      CHECK(cxkpi::bgnbd_expected_purchases(published, c, t) ==
            Approx(expected_eq10(published, c.x, c.t_x, c.T, t)).epsilon(1e-9));
      CHECK(cxkpi::bgnbd_expected_purchases(other, c, t) ==
            Approx(expected_eq10(other, c.x, c.t_x, c.T, t)).epsilon(1e-9));
    }
  }
  // Unconditional = conditional for a newborn (x = 0, T = 0).
  CHECK(cxkpi::bgnbd_expected_purchases(published, 0, 0.0, 0.0, 39.0) ==
        Approx(cxkpi::bgnbd_expected_purchases_new(published, 39.0)).epsilon(1e-14));
  // a = 1 is a removable singularity of eq. (10): the value is continuous.
  const bgnbd_params at_one{0.5, 5.0, 1.0, 2.0};
  const bgnbd_params near_one{0.5, 5.0, 1.0 + 1e-7, 2.0};
  const double at = cxkpi::bgnbd_expected_purchases(at_one, 3, 20.0, 30.0, 26.0);
  CHECK(std::isfinite(at));
  CHECK(at == Approx(cxkpi::bgnbd_expected_purchases(near_one, 3, 20.0, 30.0, 26.0)).epsilon(1e-6));
  // Nothing expected in no time; more expected in more time.
  CHECK(cxkpi::bgnbd_expected_purchases(published, 2, 30.43, 38.86, 0.0) == 0.0);
  CHECK(cxkpi::bgnbd_expected_purchases_new(published, -1.0) == 0.0);
  double previous = 0.0;
  for (double t = 1.0; t <= 520.0; t *= 2.0) {
    const double e = cxkpi::bgnbd_expected_purchases(published, 2, 30.43, 38.86, t);
    CHECK(e > previous);
    previous = e;
  }
  // Small t: rate of an alive customer is E[lambda | x, T] = (r+x)/(alpha+T).
  const double dt = 1e-6;
  CHECK(cxkpi::bgnbd_expected_purchases(published, 2, 30.43, 38.86, dt) / dt ==
        Approx(cxkpi::bgnbd_p_alive(published, 2, 30.43, 38.86) * (published.r + 2) / (published.alpha + 38.86))
            .epsilon(1e-4));
}

TEST_CASE("BG/NBD batch predictions equal the single-customer ones", "[bgnbd]") {
  const auto& all = cdnow_summaries();
  const std::vector<rfm_summary> some(all.begin(), all.begin() + 200);
  const auto e = cxkpi::bgnbd_expected_purchases(published, some, 39.0);
  REQUIRE(e.size() == some.size());
  for (std::size_t i = 0; i < some.size(); ++i) {
    CHECK(e[i] == Approx(cxkpi::bgnbd_expected_purchases(published, some[i], 39.0)).epsilon(1e-14));
  }
  CHECK(cxkpi::bgnbd_expected_purchases(published, std::vector<rfm_summary>{}, 39.0).empty());
}

TEST_CASE("BG/NBD cumulative repeat purchases sum each customer's E[X(t - birth)]", "[bgnbd]") {
  const std::vector<double> birth = {0.0, 0.0, 1.5, 10.0};
  const std::vector<double> at = {0.0, 1.0, 5.0, 10.0, 39.0, 78.0};
  const auto curve = cxkpi::bgnbd_expected_cumulative_repeats(published, birth, at);
  REQUIRE(curve.size() == at.size());
  for (std::size_t k = 0; k < at.size(); ++k) {
    double expected = 0.0;
    for (double b : birth) expected += cxkpi::bgnbd_expected_purchases_new(published, at[k] - b);
    CHECK(curve[k] == Approx(expected).epsilon(1e-14));
  }
  CHECK(curve[0] == 0.0);
  const auto none = cxkpi::bgnbd_expected_cumulative_repeats(published, {}, at);
  CHECK(none == std::vector<double>(at.size(), 0.0));
}

TEST_CASE("BG/NBD CLV discounts per time unit", "[bgnbd][clv]") {
  const rfm_summary c = customer(2, 30.43, 38.86);
  // Without discounting the sum telescopes to spend * E[Y(horizon)].
  CHECK(cxkpi::bgnbd_clv(published, c, 20.0, 39, 0.0) ==
        Approx(20.0 * cxkpi::bgnbd_expected_purchases(published, c, 39.0)).epsilon(1e-12));
  CHECK(cxkpi::bgnbd_clv(published, c, 20.0, 0, 0.01) == 0.0);
  // One period: spend * E[Y(1)] / (1 + d).
  CHECK(cxkpi::bgnbd_clv(published, c, 20.0, 1, 0.01) ==
        Approx(20.0 * cxkpi::bgnbd_expected_purchases(published, c, 1.0) / 1.01).epsilon(1e-12));
  // Discounting lowers the value; more horizon raises it.
  CHECK(cxkpi::bgnbd_clv(published, c, 20.0, 52, 0.002) < cxkpi::bgnbd_clv(published, c, 20.0, 52, 0.0));
  CHECK(cxkpi::bgnbd_clv(published, c, 20.0, 104, 0.002) > cxkpi::bgnbd_clv(published, c, 20.0, 52, 0.002));

  const auto& all = cdnow_summaries();
  const std::vector<rfm_summary> some(all.begin(), all.begin() + 100);
  std::vector<double> spend(some.size());
  for (std::size_t i = 0; i < spend.size(); ++i) spend[i] = 10.0 + static_cast<double>(i);
  const auto batch = cxkpi::bgnbd_clv(published, some, spend, 52, 0.002);
  REQUIRE(batch.size() == some.size());
  for (std::size_t i = 0; i < some.size(); ++i) {
    CHECK(batch[i] == Approx(cxkpi::bgnbd_clv(published, some[i], spend[i], 52, 0.002)).epsilon(1e-14));
  }

  CHECK_THROWS_AS(cxkpi::bgnbd_clv(published, c, 20.0, -1, 0.01), cxkpi::data_error);
  CHECK_THROWS_AS(cxkpi::bgnbd_clv(published, c, 20.0, 10, -1.0), cxkpi::data_error);
  CHECK_THROWS_AS(cxkpi::bgnbd_clv(published, c, -3.0, 10, 0.01), cxkpi::data_error);
  CHECK_THROWS_WITH(cxkpi::bgnbd_clv(published, some, std::vector<double>(3, 1.0), 10, 0.01),
                    Catch::Contains("one spend per customer"));
}

TEST_CASE("BG/NBD analytic gradient matches finite differences", "[bgnbd]") {
  const auto data = cxkpi::detail::prepare_bgnbd(cdnow_summaries());
  const bgnbd_params at{0.4, 6.0, 1.2, 3.5};  // away from the optimum
  double g[4];
  cxkpi::detail::bgnbd_ll(data, at, g);
  for (int i = 0; i < 4; ++i) {
    bgnbd_params up = at, down = at;
    double* u[4] = {&up.r, &up.alpha, &up.a, &up.b};
    double* d[4] = {&down.r, &down.alpha, &down.a, &down.b};
    const double h = 1e-5 * *u[i];
    *u[i] += h;
    *d[i] -= h;
    const double numeric = (cxkpi::detail::bgnbd_ll(data, up, nullptr) - cxkpi::detail::bgnbd_ll(data, down, nullptr)) / (2 * h);
    CHECK(g[i] == Approx(numeric).epsilon(1e-6));
  }
}

TEST_CASE("BG/NBD fit reports non-convergence instead of throwing", "[bgnbd]") {
  // Everyone bought on the last day: no sign of drop-out, the likelihood keeps
  // rising as a -> 0 and b -> infinity. The fit says so and still returns the
  // best (finite) point.
  const std::vector<rfm_summary> no_dropout = {customer(5, 10.0, 10.0), customer(3, 10.0, 10.0),
                                               customer(4, 10.0, 10.0), customer(6, 10.0, 10.0)};
  const auto fit = cxkpi::fit_bgnbd(no_dropout);
  CHECK_FALSE(fit.converged);
  CHECK_THAT(fit.message, Catch::Contains("boundary"));
  CHECK(std::isfinite(fit.log_likelihood));
  CHECK(std::isfinite(fit.params.r));
  CHECK(std::isfinite(fit.params.b));
  CHECK_FALSE(fit.standard_errors.has_value());

  // A fit held to very few iterations is rescued by the Nelder-Mead fallback.
  cxkpi::bgnbd_fit_options short_run;
  short_run.max_iterations = 2;
  short_run.max_starts = 1;
  const auto rescued = cxkpi::fit_bgnbd(cdnow_summaries(), short_run);
  CHECK(rescued.converged);
  CHECK(rescued.log_likelihood == Approx(cdnow_fit().log_likelihood).margin(1e-5));

  cxkpi::bgnbd_fit_options from_published;
  from_published.initial = published;
  const auto refit = cxkpi::fit_bgnbd(cdnow_summaries(), from_published);
  CHECK(refit.converged);
  CHECK(refit.log_likelihood == Approx(cdnow_fit().log_likelihood).margin(1e-6));
}

TEST_CASE("BG/NBD refuses inputs it cannot fit, with a clear message", "[bgnbd][errors]") {
  using Catch::Contains;
  const std::vector<rfm_summary> none;
  const std::vector<rfm_summary> one = {customer(2, 3.0, 5.0)};
  const std::vector<rfm_summary> all_zero = {customer(0, 0.0, 5.0), customer(0, 0.0, 7.0), customer(0, 0.0, 9.0)};
  CHECK_THROWS_WITH(cxkpi::fit_bgnbd(none), Contains("at least 2 customers, got 0"));
  CHECK_THROWS_WITH(cxkpi::fit_bgnbd(one), Contains("at least 2 customers, got 1"));
  CHECK_THROWS_AS(cxkpi::fit_bgnbd(all_zero), cxkpi::data_error);
  CHECK_THROWS_WITH(cxkpi::fit_bgnbd(all_zero), Contains("all 3 customers have x = 0"));
  CHECK_THROWS_WITH(cxkpi::fit_bgnbd(std::vector<rfm_summary>{customer(1, 6.0, 5.0), customer(1, 1.0, 5.0)}),
                    Contains("customer at index 0: t_x = 6") && Contains("outside [0, T"));
  CHECK_THROWS_WITH(cxkpi::fit_bgnbd(std::vector<rfm_summary>{customer(1, 1.0, 5.0), customer(-1, 0.0, 5.0)}),
                    Contains("customer at index 1: negative repeat purchases"));
  CHECK_THROWS_WITH(cxkpi::fit_bgnbd(std::vector<rfm_summary>{customer(1, 1.0, 5.0), customer(0, 2.0, 5.0)}),
                    Contains("x = 0 but t_x"));
  CHECK_THROWS_AS(cxkpi::bgnbd_p_alive(bgnbd_params{0.0, 1.0, 1.0, 1.0}, 1, 1.0, 2.0), cxkpi::data_error);
  CHECK_THROWS_AS(cxkpi::bgnbd_expected_purchases(published, 1, 1.0, 2.0, std::nan("")), cxkpi::data_error);
  CHECK_THROWS_AS(cxkpi::bgnbd_log_likelihood(bgnbd_params{1.0, -1.0, 1.0, 1.0}, one), cxkpi::data_error);
  CHECK(cxkpi::bgnbd_log_likelihood(published, none) == 0.0);
}
