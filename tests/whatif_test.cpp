#include <cxkpi/whatif.hpp>

#include <catch2/catch.hpp>

using Catch::Detail::Approx;

TEST_CASE("a 20% churn reduction on 1000 customers", "[whatif]") {
  // By hand: 1000 customers, churn 5%/month, AOV 50, 0.5 orders a month.
  // Before: lifespan 1/0.05 = 20 months; CLV = 50 × 0.5 × 20 = 500;
  //   0.95^12 = 0.540360; customers after a year 540.36;
  //   revenue = 25 × 1000 × (1 − 0.540360)/0.05 = 25,000 × 9.192802 = 229,820.0.
  // After (churn 4%): lifespan 25; CLV 625; 0.96^12 = 0.612710;
  //   revenue = 25,000 × (1 − 0.612710)/0.04 = 25,000 × 9.682255 = 242,056.4.
  const cxkpi::whatif_inputs in{1000, 5, 50, 0.5, 36};
  const auto r = cxkpi::churn_whatif(in, 0.2);
  CHECK(r.before.lifespan_months == Approx(20.0));
  CHECK(r.before.clv == Approx(500.0));
  CHECK(r.before.customers_after_year == Approx(540.36).margin(0.01));
  CHECK(r.before.yearly_revenue == Approx(229820.0).margin(1.0));
  CHECK(r.after.monthly_churn_percent == Approx(4.0));
  CHECK(r.after.lifespan_months == Approx(25.0));
  CHECK(r.after.clv == Approx(625.0));
  CHECK(r.after.yearly_revenue == Approx(242056.4).margin(1.0));
  CHECK(r.difference.clv == Approx(125.0));
  CHECK(r.difference.yearly_revenue == Approx(12236.4).margin(1.0));
}

TEST_CASE("what-if edge cases", "[whatif]") {
  // Churn 2%: lifespan 50 months, capped at the 36-month horizon.
  CHECK(cxkpi::project_scenario({100, 2, 10, 1, 36}).lifespan_months == Approx(36.0));
  // No churn: the base stays, 12 months of revenue: 100 × 10 × 1 × 12.
  CHECK(cxkpi::project_scenario({100, 0, 10, 1, 36}).yearly_revenue == Approx(12000.0));
  CHECK_THROWS_AS(cxkpi::churn_whatif({100, 5, 10, 1, 36}, 1.5), std::invalid_argument);
  CHECK_THROWS_AS(cxkpi::project_scenario({100, 120, 10, 1, 36}), std::invalid_argument);
  CHECK_THROWS_AS(cxkpi::project_scenario({-1, 5, 10, 1, 36}), std::invalid_argument);
}
