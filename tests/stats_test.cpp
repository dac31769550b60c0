#include <cxkpi/stats.hpp>

#include <catch2/catch.hpp>

using Catch::Detail::Approx;

TEST_CASE("normal quantile and CDF", "[stats]") {
  // 1.959963984540054: the 97.5th percentile of N(0,1) (Python's
  // statistics.NormalDist().inv_cdf(0.975) prints 1.9599639845400536).
  CHECK(cxkpi::normal_cdf(cxkpi::z95) == Approx(0.975).epsilon(1e-12));
  CHECK(cxkpi::normal_cdf(0) == Approx(0.5));
  // Two-sided p of z = 1.96 is 0.05 (every statistics table).
  CHECK(cxkpi::two_sided_p(1.959963984540054) == Approx(0.05).epsilon(1e-9));
}

TEST_CASE("Student t quantiles match the printed tables", "[stats]") {
  // Two-sided 95% critical values from any t table (e.g. NIST/SEMATECH
  // e-Handbook, table 1.3.6.7.2): df 1 → 12.706, 4 → 2.776, 9 → 2.262,
  // 29 → 2.045, 120 → 1.980.
  CHECK(cxkpi::student_t_quantile(0.975, 1) == Approx(12.706).margin(0.001));
  CHECK(cxkpi::student_t_quantile(0.975, 4) == Approx(2.776).margin(0.001));
  CHECK(cxkpi::student_t_quantile(0.975, 9) == Approx(2.262).margin(0.001));
  CHECK(cxkpi::student_t_quantile(0.975, 29) == Approx(2.045).margin(0.001));
  CHECK(cxkpi::student_t_quantile(0.975, 120) == Approx(1.980).margin(0.001));
  // Symmetry: the 2.5th percentile is the negative of the 97.5th.
  CHECK(cxkpi::student_t_quantile(0.025, 9) == Approx(-2.262).margin(0.001));
  // With one degree of freedom t is Cauchy: P(T <= 1) = 0.75 exactly.
  CHECK(cxkpi::student_t_cdf(1.0, 1) == Approx(0.75).epsilon(1e-12));
}

TEST_CASE("Wilson score intervals match Newcombe (1998)", "[stats]") {
  // Newcombe R.G., "Two-sided confidence intervals for the single
  // proportion", Statistics in Medicine 17 (1998), Table II, method 3 (score):
  // 81/263 → 0.2553 to 0.3662; 15/148 → 0.0624 to 0.1605; 0/20 → 0 to 0.1611;
  // 1/29 → 0.0061 to 0.1718.
  auto a = cxkpi::wilson_interval(81, 263);
  CHECK(a.low == Approx(0.2553).margin(0.00005));
  CHECK(a.high == Approx(0.3662).margin(0.00005));
  auto b = cxkpi::wilson_interval(15, 148);
  CHECK(b.low == Approx(0.0624).margin(0.00005));
  CHECK(b.high == Approx(0.1605).margin(0.00005));
  auto c = cxkpi::wilson_interval(0, 20);
  CHECK(c.low == 0.0);
  CHECK(c.high == Approx(0.1611).margin(0.00005));
  auto d = cxkpi::wilson_interval(1, 29);
  CHECK(d.low == Approx(0.0061).margin(0.00005));
  CHECK(d.high == Approx(0.1718).margin(0.00005));
  // No data: no interval.
  CHECK(std::isnan(cxkpi::wilson_interval(0, 0).low));
}

TEST_CASE("two-proportion z-test", "[stats]") {
  // 80/100 vs 60/100: pooled p = 0.7, SE = sqrt(0.7·0.3·(2/100)) = 0.064807;
  // z = (0.6 − 0.8) / 0.064807 = −3.0861 (by hand).
  auto c = cxkpi::compare_proportions(80, 100, 60, 100);
  CHECK(c.difference == Approx(-20.0));
  CHECK(c.statistic == Approx(-3.0861).margin(0.0001));
  CHECK(c.significant);
  // 52/100 vs 50/100: z = −0.02 / sqrt(0.51·0.49·0.02) = −0.2829: not significant.
  auto n = cxkpi::compare_proportions(52, 100, 50, 100);
  CHECK(n.statistic == Approx(-0.2829).margin(0.0001));
  CHECK_FALSE(n.significant);
}

TEST_CASE("Welch's t-test", "[stats]") {
  // Samples {7,6,5,5,4} (mean 5.4, variance 1.3) and {6,5,4,3,2} (mean 4,
  // variance 2.5), by hand: SE = sqrt(1.3/5 + 2.5/5) = sqrt(0.76) = 0.87178;
  // t = (4 − 5.4) / 0.87178 = −1.6059; df = 0.76² / (0.26²/4 + 0.5²/4) = 7.2746.
  // t(0.975, 7) = 2.365 > 1.606, so not significant; p lies between the
  // table's two-sided 0.10 (t = 1.895) and 0.20 (t = 1.415) columns for df 7.
  auto c = cxkpi::compare_means(5.4, 1.3, 5, 4.0, 2.5, 5);
  CHECK(c.difference == Approx(-1.4));
  CHECK(c.statistic == Approx(-1.6059).margin(0.0001));
  CHECK_FALSE(c.significant);
  CHECK(c.p_value > 0.10);
  CHECK(c.p_value < 0.20);
}
