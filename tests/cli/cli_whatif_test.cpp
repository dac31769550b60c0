// cxkpi whatif end to end (issue 4); the arithmetic is in whatif_test.cpp.

#include "run_cxkpi.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using Catch::Detail::Approx;
using nlohmann::json;

TEST_CASE("whatif: before, after and the difference", "[cli][whatif]") {
  // 1000 customers, 5% churn, AOV 50, 0.5 orders/month, churn 20% lower (→ 4%):
  // CLV 500 → 625; next year's revenue 229,820.0 → 242,056.4 (+12,236.4).
  auto r = run_cxkpi("whatif --churn-reduction 20% --customers 1000 --churn 5 --aov 50 --frequency 0.5 --format json");
  REQUIRE(r.exit_code == 0);
  const json k = json::parse(r.out)["kpis"];
  REQUIRE(k.size() == 3);
  CHECK(k[0]["segment"] == "before");
  CHECK(k[0]["clv"].get<double>() == Approx(500.0));
  CHECK(k[1]["monthly_churn_percent"].get<double>() == Approx(4.0));
  CHECK(k[1]["lifespan_months"].get<double>() == Approx(25.0));
  CHECK(k[2]["yearly_revenue"].get<double>() == Approx(12236.4).margin(1.0));
  CHECK(run_cxkpi("whatif --churn-reduction 150% --customers 1 --churn 5 --aov 1 --frequency 1").exit_code == 64);
  CHECK(run_cxkpi("whatif --churn-reduction 20% --customers 1 --churn 500 --aov 1 --frequency 1").exit_code == 64);
}
