// Tests of cxkpi/gamma_gamma.hpp: the published CDNOW Gamma-Gamma fit from the
// raw transactions, the conditional expected spend, the frequency-spend
// correlation check and the errors for spend the model cannot take.

#include "cxkpi/gamma_gamma.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "cdnow_data.hpp"

namespace {

using cxkpi::gamma_gamma_params;
using cxkpi::rfm_summary;
using cxkpi::test_data::cdnow_summaries;

// The published per-customer file with zbar rounded to cents
// (cdnow_customers_summary_with_transactions.csv: ID,x,t_x,T,zbar): the input
// lifetimes' documentation fits.
std::vector<rfm_summary> cdnow_rounded_file() {
  std::ifstream in(std::string(CXKPI_SHARED_DATA) + "/cdnow/cdnow_customers_summary_with_transactions.csv");
  REQUIRE(in);
  std::string line;
  std::getline(in, line);
  std::vector<rfm_summary> out;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, x, t_x, T, zbar;
    std::getline(fields, id, ',');
    std::getline(fields, x, ',');
    std::getline(fields, t_x, ',');
    std::getline(fields, T, ',');
    std::getline(fields, zbar, ',');
    rfm_summary s;
    s.x = std::stol(x);
    s.t_x = std::stod(t_x);
    s.T = std::stod(T);
    s.zbar = std::stod(zbar);
    out.push_back(s);
  }
  return out;
}

rfm_summary repeat(std::int64_t x, double zbar) {
  rfm_summary s;
  s.x = x;
  s.zbar = zbar;
  s.t_x = x > 0 ? 1.0 : 0.0;
  s.T = 2.0;
  return s;
}

}  // namespace

// Source: Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value"
// (the note accompanying Fader, Hardie & Lee 2005, "RFM and CLV"): on the 946
// CDNOW customers with repeat purchases in the 39-week calibration period,
// p = 6.25, q = 3.74, gamma = 15.44; mean repeat spend $35.08.
TEST_CASE("Gamma-Gamma fit reproduces the published CDNOW estimates from the raw transactions", "[gamma_gamma][cdnow]") {
  const auto fit = cxkpi::fit_gamma_gamma(cdnow_summaries());
  INFO(fit.message);
  CHECK(fit.converged);
  CHECK(fit.customers == 946);
  CHECK(fit.mean_spend == Approx(35.08).margin(0.005));
  CHECK(fit.params.p == Approx(6.25).margin(0.005));
  CHECK(fit.params.q == Approx(3.74).margin(0.005));
  CHECK(fit.params.gamma == Approx(15.44).margin(0.005));
  CHECK(cxkpi::gamma_gamma_log_likelihood(fit.params, cdnow_summaries()) == Approx(fit.log_likelihood).epsilon(1e-12));
  REQUIRE(fit.standard_errors);
  CHECK(fit.standard_errors->p > 0.0);
  // The model's mean spend p gamma/(q-1) is close to the observed mean.
  CHECK(cxkpi::gamma_gamma_mean_spend(fit.params) == Approx(35.17).margin(0.01));
}

// Source: lifetimes' documentation (docs/Quickstart.md), on the published file
// with zbar rounded to cents: correlation of frequency and monetary value
// 0.113884; GammaGammaFitter p: 6.25, q: 3.74, v: 15.45; conditional expected
// average profit 24.658619 (customer 1: x = 2, zbar = 22.35), 18.911489
// (customer 2: x = 1, zbar = 11.77), 35.170981 (x = 0), 71.462843 (customer 6:
// x = 7, zbar = 73.74), 27.282408 (customer 9: x = 2, zbar = 25.55); mean of
// the repeat customers' monetary value 35.078551797.
TEST_CASE("Gamma-Gamma agrees with lifetimes' documented outputs on the rounded file", "[gamma_gamma][cdnow]") {
  const auto rounded = cdnow_rounded_file();
  CHECK(cxkpi::frequency_spend_correlation(rounded) == Approx(0.113884).margin(1e-6));
  const auto fit = cxkpi::fit_gamma_gamma(rounded);
  CHECK(fit.converged);
  CHECK(fit.mean_spend == Approx(35.078551797).epsilon(1e-10));
  CHECK(fit.params.p == Approx(6.25).margin(0.005));
  CHECK(fit.params.q == Approx(3.74).margin(0.005));
  CHECK(fit.params.gamma == Approx(15.45).margin(0.005));
  CHECK(cxkpi::gamma_gamma_expected_spend(fit.params, 2, 22.35) == Approx(24.658619).margin(1e-4));
  CHECK(cxkpi::gamma_gamma_expected_spend(fit.params, 1, 11.77) == Approx(18.911489).margin(1e-4));
  CHECK(cxkpi::gamma_gamma_expected_spend(fit.params, 0, 0.0) == Approx(35.170981).margin(1e-4));
  CHECK(cxkpi::gamma_gamma_expected_spend(fit.params, 7, 73.74) == Approx(71.462843).margin(1e-4));
  CHECK(cxkpi::gamma_gamma_expected_spend(fit.params, 2, 25.55) == Approx(27.282408).margin(1e-4));
  // On the raw transactions the correlation is the same to 3 decimals.
  const double r = cxkpi::frequency_spend_correlation(cdnow_summaries());
  CHECK(r == Approx(0.1139).margin(5e-5));
  CHECK(std::fabs(r) <= cxkpi::gamma_gamma_max_correlation);
}

// Fader, Hardie & Lee (2005, "RFM and CLV"), eq. (5): the expected spend is a
// weighted mean of the population mean p gamma/(q-1) and the customer's zbar,
// with weight (q-1)/(px+q-1) on the population mean. By hand for p = 6,
// q = 4, gamma = 15, x = 3, zbar = 40: population mean 6*15/3 = 30, weight
// 3/21 = 1/7, so 30/7 + 40*6/7 = 38.5714...; and p(gamma + x zbar)/(px+q-1) =
// 6*135/21 = 38.5714...
TEST_CASE("Gamma-Gamma conditional expected spend shrinks zbar towards the mean", "[gamma_gamma]") {
  const gamma_gamma_params g{6.0, 4.0, 15.0};
  CHECK(cxkpi::gamma_gamma_mean_spend(g) == Approx(30.0));
  CHECK(cxkpi::gamma_gamma_expected_spend(g, 3, 40.0) == Approx(810.0 / 21.0));
  CHECK(cxkpi::gamma_gamma_expected_spend(g, 0, 123.0) == Approx(30.0));  // zbar ignored without repeats
  // More repeat purchases: more weight on the customer's own mean.
  CHECK(cxkpi::gamma_gamma_expected_spend(g, 30, 40.0) > cxkpi::gamma_gamma_expected_spend(g, 3, 40.0));
  CHECK(cxkpi::gamma_gamma_expected_spend(g, 30, 40.0) < 40.0);
  const auto batch = cxkpi::gamma_gamma_expected_spend(g, std::vector<rfm_summary>{repeat(3, 40.0), repeat(0, 0.0)});
  REQUIRE(batch.size() == 2);
  CHECK(batch[0] == Approx(810.0 / 21.0));
  CHECK(batch[1] == Approx(30.0));
}

TEST_CASE("digamma and the Gamma-Gamma gradient", "[gamma_gamma]") {
  // Abramowitz & Stegun 6.3.2, 6.3.3: psi(1) = -Euler's gamma, psi(1/2) = -gamma - 2 ln 2.
  const double euler = 0.57721566490153286;
  CHECK(cxkpi::detail::digamma(1.0) == Approx(-euler).epsilon(1e-13));
  CHECK(cxkpi::detail::digamma(0.5) == Approx(-euler - 2.0 * std::log(2.0)).epsilon(1e-13));
  CHECK(cxkpi::detail::digamma(11.0) == Approx(-euler + 1.0 + 1.0 / 2 + 1.0 / 3 + 1.0 / 4 + 1.0 / 5 + 1.0 / 6 +
                                                1.0 / 7 + 1.0 / 8 + 1.0 / 9 + 1.0 / 10)
                                             .epsilon(1e-13));

  const auto data = cxkpi::detail::prepare_gamma_gamma(cdnow_summaries());
  const gamma_gamma_params at{3.0, 2.5, 20.0};
  double g[3];
  cxkpi::detail::gamma_gamma_ll(data, at, g);
  for (int i = 0; i < 3; ++i) {
    gamma_gamma_params up = at, down = at;
    double* u[3] = {&up.p, &up.q, &up.gamma};
    double* d[3] = {&down.p, &down.q, &down.gamma};
    const double h = 1e-5 * *u[i];
    *u[i] += h;
    *d[i] -= h;
    const double numeric =
        (cxkpi::detail::gamma_gamma_ll(data, up) - cxkpi::detail::gamma_gamma_ll(data, down)) / (2 * h);
    CHECK(g[i] == Approx(numeric).epsilon(1e-6));
  }
}

TEST_CASE("frequency-spend correlation flags dependent spend", "[gamma_gamma]") {
  // zbar rising with x: strongly correlated, the caller must refuse.
  std::vector<rfm_summary> dependent;
  for (int x = 1; x <= 20; ++x) dependent.push_back(repeat(x, 10.0 + 3.0 * x + (x % 3)));
  dependent.push_back(repeat(0, 0.0));  // x = 0 customers are left out
  const double r = cxkpi::frequency_spend_correlation(dependent);
  CHECK(r > 0.95);
  CHECK(std::fabs(r) > cxkpi::gamma_gamma_max_correlation);
  // Every repeat customer with the same x: no variance, no correlation.
  CHECK(cxkpi::frequency_spend_correlation(std::vector<rfm_summary>{repeat(2, 10.0), repeat(2, 30.0)}) == 0.0);
  CHECK_THROWS_WITH(cxkpi::frequency_spend_correlation(std::vector<rfm_summary>{repeat(2, 10.0), repeat(0, 0.0)}),
                    Catch::Contains("at least 2 customers with repeat purchases, got 1"));
}

TEST_CASE("Gamma-Gamma refuses spend it cannot model, with a clear message", "[gamma_gamma][errors]") {
  using Catch::Contains;
  CHECK_THROWS_WITH(cxkpi::fit_gamma_gamma(std::vector<rfm_summary>{repeat(2, 10.0), repeat(1, 0.0)}),
                    Contains("customer at index 1: x = 1 but mean repeat spend zbar = 0") &&
                        Contains("needs positive spend"));
  CHECK_THROWS_AS(cxkpi::fit_gamma_gamma(std::vector<rfm_summary>{repeat(2, 10.0), repeat(1, -4.0)}),
                  cxkpi::data_error);
  CHECK_THROWS_AS(cxkpi::fit_gamma_gamma(std::vector<rfm_summary>{
                      repeat(2, 10.0), repeat(1, std::numeric_limits<double>::quiet_NaN())}),
                  cxkpi::data_error);
  // No repeat customers at all (x = 0 everywhere), or only one.
  CHECK_THROWS_WITH(cxkpi::fit_gamma_gamma(std::vector<rfm_summary>{repeat(0, 0.0), repeat(0, 0.0)}),
                    Contains("at least 2 customers with repeat purchases (x > 0), got 0"));
  CHECK_THROWS_WITH(cxkpi::fit_gamma_gamma(std::vector<rfm_summary>{repeat(3, 10.0)}), Contains("got 1"));
  CHECK_THROWS_WITH(cxkpi::fit_gamma_gamma(std::vector<rfm_summary>{}), Contains("got 0"));
  // q <= 1: the mean spend does not exist.
  CHECK_THROWS_WITH(cxkpi::gamma_gamma_mean_spend({2.0, 0.8, 10.0}), Contains("mean spend is infinite"));
  CHECK_THROWS_AS(cxkpi::gamma_gamma_expected_spend({2.0, 0.8, 10.0}, 0, 0.0), cxkpi::data_error);
  CHECK(std::isfinite(cxkpi::gamma_gamma_expected_spend({2.0, 0.8, 10.0}, 1, 5.0)));  // p x + q - 1 > 0
  CHECK_THROWS_AS(cxkpi::gamma_gamma_expected_spend({-2.0, 3.0, 10.0}, 1, 5.0), cxkpi::data_error);
  CHECK_THROWS_AS(cxkpi::gamma_gamma_expected_spend({2.0, 3.0, 10.0}, 1, -5.0), cxkpi::data_error);
}
