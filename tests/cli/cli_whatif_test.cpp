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

namespace {

// tests/data/whatif/ (copies of tests/data/orders/{orders,subscriptions}.csv), by hand:
// orders.csv: A 10 (2025-01-05), 20 (02-10), 30 (03-15); B 40 (01-20); C 50 (02-01), 50 (03-01).
//   customers: A, B, C = 3 distinct.  AOV: (10+20+30+40+50+50) / 6 = 200 / 6 = 33.333…
//   frequency (CLV's): window 2025-01-05 up to the day after the last order, 2025-03-16
//   = 26 + 28 + 16 = 70 days = 70 / 30.436875 months; 6 orders / 3 customers = 2 per
//   customer → 2 × 30.436875 / 70 = 0.869625 orders per customer per month.
// subscriptions.csv: monthly churn, pooled (worked in cli_churn_test.cpp): lost
//   0+1+1+1+1 = 4 of 1+4+4+3+3 = 15 customers at a month's start = 26.666…%; 9 rows,
//   W's skipped (end_before_start).
// With --churn-reduction 20%: churn 26.667% → 21.333%; lifespan 100 / 26.667 = 3.75 →
//   100 / 21.333 = 4.6875 months; CLV = 33.333 × 0.869625 × lifespan = 28.9875 × 3.75 =
//   108.703 → 28.9875 × 4.6875 = 135.879.
const std::string whatif_orders = data("whatif/orders.csv");
const std::string whatif_subscriptions = data("whatif/subscriptions.csv");
constexpr double hand_aov = 200.0 / 6, hand_frequency = 0.869625, hand_churn = 400.0 / 15;

void check_same_scenarios(const json& files, const json& flags) {
  REQUIRE(files.size() == 3);
  REQUIRE(flags.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(files[i]["segment"] == flags[i]["segment"]);
    for (const char* key : {"value", "monthly_churn_percent", "lifespan_months", "clv", "customers_after_year",
                            "yearly_revenue"})
      CHECK(files[i][key].get<double>() == Approx(flags[i][key].get<double>()).margin(1e-9));
    CHECK(files[i]["n"] == flags[i]["n"]);
  }
}

}  // namespace

TEST_CASE("whatif: inputs from --orders and --subscriptions", "[cli][whatif]") {
  auto files = run_cxkpi("whatif --churn-reduction 20% --orders '" + whatif_orders + "' --subscriptions '" +
                         whatif_subscriptions + "' --format json -q");
  REQUIRE(files.exit_code == 0);
  const json j = json::parse(files.out);
  const json k = j["kpis"];
  REQUIRE(k.size() == 3);
  CHECK(k[0]["customers_from_orders"] == 3);
  CHECK(k[0]["n"] == 3);
  CHECK(k[0]["aov_from_orders"].get<double>() == Approx(hand_aov));
  CHECK(k[0]["frequency_from_orders"].get<double>() == Approx(hand_frequency));
  CHECK(k[0]["churn_from_subscriptions"].get<double>() == Approx(hand_churn));
  CHECK(k[0]["monthly_churn_percent"].get<double>() == Approx(hand_churn));
  CHECK(k[1]["monthly_churn_percent"].get<double>() == Approx(hand_churn * 0.8));
  CHECK(k[0]["lifespan_months"].get<double>() == Approx(3.75));
  CHECK(k[1]["lifespan_months"].get<double>() == Approx(4.6875));
  CHECK(k[0]["clv"].get<double>() == Approx(28.9875 * 3.75));
  CHECK(k[1]["clv"].get<double>() == Approx(28.9875 * 4.6875));
  CHECK(k[0]["inputs"] ==
        json({{"customers", "orders"}, {"churn", "subscriptions"}, {"aov", "orders"}, {"frequency", "orders"}}));
  // The rows read are both files': 6 orders + 9 subscription rows, W's skipped.
  CHECK(j["rows"]["read"] == 15);
  CHECK(j["rows"]["used"] == 14);
  CHECK(j["rows"]["skipped_by_reason"]["end_before_start"] == 1);

  // The same run with the hand figures as flags gives the same scenarios.
  auto flags = run_cxkpi(
      "whatif --churn-reduction 20% --customers 3 --churn 26.666666666666667 --aov 33.333333333333333 "
      "--frequency 0.869625 --format json");
  REQUIRE(flags.exit_code == 0);
  check_same_scenarios(k, json::parse(flags.out)["kpis"]);
  CHECK_FALSE(json::parse(flags.out)["kpis"][0].contains("inputs"));  // flags only: output as before

  // Every format says where the inputs came from.
  auto csv = run_cxkpi("whatif --churn-reduction 20% --orders '" + whatif_orders + "' --subscriptions '" +
                       whatif_subscriptions + "' --format csv -q");
  REQUIRE(csv.exit_code == 0);
  CHECK_THAT(csv.out, Catch::Contains("customers_from_orders=3;churn_from_subscriptions=26.66"));
  auto table = run_cxkpi("whatif --churn-reduction 20% --orders '" + whatif_orders + "' --subscriptions '" +
                         whatif_subscriptions + "'");
  REQUIRE(table.exit_code == 0);
  CHECK_THAT(table.out, Catch::Contains("customers from orders 3, churn from subscriptions 26.67, aov from orders "
                                        "33.33, frequency from orders 0.87"));
}

TEST_CASE("whatif: a flag overrides the files", "[cli][whatif]") {
  // --churn 5 and --customers 1000 win over the files; AOV and frequency still come from the orders.
  auto r = run_cxkpi("whatif --churn-reduction 20% --orders '" + whatif_orders + "' --subscriptions '" +
                     whatif_subscriptions + "' --churn 5 --customers 1000 --format json -q");
  REQUIRE(r.exit_code == 0);
  const json j = json::parse(r.out);
  const json k = j["kpis"];
  CHECK(k[0]["inputs"] ==
        json({{"customers", "flag"}, {"churn", "flag"}, {"aov", "orders"}, {"frequency", "orders"}}));
  CHECK(k[0]["monthly_churn_percent"].get<double>() == Approx(5.0));
  CHECK(k[0]["customers_from_flag"] == 1000);
  CHECK(k[0]["churn_from_flag"].get<double>() == Approx(5.0));
  CHECK(k[0]["aov_from_orders"].get<double>() == Approx(hand_aov));
  CHECK(k[0]["n"] == 1000);
  CHECK(k[0]["clv"].get<double>() == Approx(28.9875 * 20));  // lifespan 100 / 5 = 20 months
  CHECK(j["rows"]["read"] == 15);  // the subscriptions were still read
  auto flags = run_cxkpi("whatif --churn-reduction 20% --customers 1000 --churn 5 --aov 33.333333333333333 "
                         "--frequency 0.869625 --format json");
  REQUIRE(flags.exit_code == 0);
  check_same_scenarios(k, json::parse(flags.out)["kpis"]);
}

TEST_CASE("whatif: a missing input is a usage error naming its flag", "[cli][whatif]") {
  // Orders only: no churn.
  auto no_churn = run_cxkpi("whatif --churn-reduction 20% --orders '" + whatif_orders + "'");
  CHECK(no_churn.exit_code == 64);
  CHECK_THAT(no_churn.err, Catch::Contains("--churn"));
  // Subscriptions only: no customers, AOV or frequency.
  auto no_orders = run_cxkpi("whatif --churn-reduction 20% --subscriptions '" + whatif_subscriptions + "' --aov 50");
  CHECK(no_orders.exit_code == 64);
  CHECK_THAT(no_orders.err, Catch::Contains("--customers"));
  auto no_frequency = run_cxkpi("whatif --churn-reduction 20% --customers 10 --churn 5 --aov 50");
  CHECK(no_frequency.exit_code == 64);
  CHECK_THAT(no_frequency.err, Catch::Contains("--frequency"));
}
