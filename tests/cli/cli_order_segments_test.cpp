// End-to-end tests of --by on the order commands (rpr, services, clv): one row
// per segment after the all row, each over its own rows (issue 4, item 1).

#include "run_cxkpi.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>
#include <vector>

using Catch::Detail::Approx;
using nlohmann::json;

namespace {

const std::string orders = data("order_segments/orders.csv");

// The row of `kpi` for `segment` ("" = the all row).
json row_of(const json& report, const std::string& kpi, const std::string& segment) {
  for (const json& k : report["kpis"])
    if (k["kpi"] == kpi && k.value("segment", "") == segment) return k;
  FAIL("no " << kpi << " row for segment \"" << segment << "\"");
  return {};
}

std::vector<std::string> segments_of(const json& report, const std::string& kpi) {
  std::vector<std::string> out;
  for (const json& k : report["kpis"])
    if (k["kpi"] == kpi) out.push_back(k.value("segment", "(all)"));
  return out;
}

}  // namespace

// tests/data/order_segments/orders.csv, 13 rows (12 orders with an amount, 6
// customers A-F, regions North, South and one blank):
//   North: A 100 (01-05), A 50 (02-10), B 80 (01-12), C 40 (01-20), C 60 (03-02),
//          F 30 (02-14); and B with no amount (03-05, product support): no order,
//          but a service use.
//   South: D 200 (01-08), D 100 (02-08), D 100 (03-08), E 70 (02-20), F 90 (03-01).
//   blank: E 30 (03-25)  -> segment "region=(blank)".
// F orders in North and South, E in South and (blank): each counts in both.
//
// All: customers A..F = 6; orders A2 B1 C2 D3 E2 F2 = 12; repeat A C D E F = 5;
//   RPR = 5 / 6 = 83.33%; revenue 100+50+80+40+60+30+200+100+100+70+90+30 = 950;
//   AOV = 950 / 12 = 79.17.
// North: customers A B C F = 4; orders 6 (B's row without amount is skipped:
//   missing_amount); repeat A (2), C (2) = 2; RPR = 2 / 4 = 50%;
//   revenue 100+50+80+40+60+30 = 360; AOV = 360 / 6 = 60.
//   Wilson 95% for 2 of 4: centre (0.5 + 1.96²/8) / (1 + 1.96²/4) = 0.5,
//   half-width 1.96 × √(0.25/4 + 1.96²/64) / 1.9604 = 1.96 × 0.350036 / 1.9604
//   = 0.349965 -> [15.00, 85.00].
// South: customers D E F = 3; orders 5; repeat D (3) = 1; RPR = 1 / 3 = 33.33%;
//   revenue 200+100+100+70+90 = 560; AOV = 560 / 5 = 112.
// (blank): customer E, 1 order, RPR 0%; revenue 30, AOV 30.
TEST_CASE("rpr --by region: per-region customers, repeat customers, RPR and AOV", "[cli][rpr][segments]") {
  auto r = run_cxkpi("rpr '" + orders + "' --by region --format json");
  REQUIRE(r.exit_code == 0);
  auto j = json::parse(r.out);

  // The all row first, then the segments in key order ('(' sorts before letters).
  CHECK(segments_of(j, "rpr") ==
        std::vector<std::string>{"(all)", "region=(blank)", "region=North", "region=South"});
  CHECK_FALSE(j["kpis"][0].contains("segment"));

  auto all = row_of(j, "rpr", "");
  CHECK(all["value"].get<double>() == Approx(500.0 / 6));
  CHECK(all["n"] == 6);
  CHECK(all["repeat_customers"] == 5);
  CHECK(all["orders"] == 12);
  CHECK(all["revenue"].get<double>() == Approx(950.0));
  CHECK(all["aov"].get<double>() == Approx(950.0 / 12));
  CHECK(all["small_sample"] == true);  // 6 < --min-n 30

  // The all row carries the same figures as a run without --by.
  auto plain = json::parse(run_cxkpi("rpr '" + orders + "' --format json").out);
  REQUIRE(plain["kpis"].size() == 1);
  for (const char* key : {"value", "n", "ci95", "band", "customers", "repeat_customers", "orders",
                          "aov", "revenue", "first_order", "last_order", "rows"})
    CHECK(all[key] == plain["kpis"][0][key]);
  CHECK(j["rows"] == plain["rows"]);

  auto north = row_of(j, "rpr", "region=North");
  CHECK(north["value"].get<double>() == Approx(50.0));
  CHECK(north["n"] == 4);
  CHECK(north["customers"] == 4);
  CHECK(north["repeat_customers"] == 2);
  CHECK(north["orders"] == 6);
  CHECK(north["revenue"].get<double>() == Approx(360.0));
  CHECK(north["aov"].get<double>() == Approx(60.0));
  CHECK(north["ci95"][0].get<double>() == Approx(15.0035).margin(0.01));
  CHECK(north["ci95"][1].get<double>() == Approx(84.9965).margin(0.01));
  CHECK(north["band"] == "strong");  // 30 and up
  CHECK(north["first_order"] == "2025-01-05");
  CHECK(north["last_order"] == "2025-03-02");
  CHECK(north["small_sample"] == true);
  CHECK(north["rows"]["read"] == 7);
  CHECK(north["rows"]["used"] == 6);
  CHECK(north["rows"]["skipped_by_reason"]["missing_amount"] == 1);

  auto south = row_of(j, "rpr", "region=South");
  CHECK(south["value"].get<double>() == Approx(100.0 / 3));
  CHECK(south["n"] == 3);
  CHECK(south["repeat_customers"] == 1);
  CHECK(south["orders"] == 5);
  CHECK(south["revenue"].get<double>() == Approx(560.0));
  CHECK(south["aov"].get<double>() == Approx(112.0));
  CHECK(south["rows"]["read"] == 5);
  CHECK(south["rows"]["used"] == 5);

  auto blank = row_of(j, "rpr", "region=(blank)");
  CHECK(blank["value"].get<double>() == Approx(0.0));
  CHECK(blank["n"] == 1);
  CHECK(blank["orders"] == 1);
  CHECK(blank["aov"].get<double>() == Approx(30.0));
  CHECK(blank["rows"]["read"] == 1);

  // Every row is in exactly one segment: the segments' rows add up to the all row's.
  CHECK(north["rows"]["read"].get<int>() + south["rows"]["read"].get<int>() + blank["rows"]["read"].get<int>() ==
        all["rows"]["read"].get<int>());
  CHECK(all["rows"]["read"] == 13);

  // --min-n 3: the all row (6) and South (3) and North (4) are no longer small; (blank) (1) is.
  j = json::parse(run_cxkpi("rpr '" + orders + "' --by region --min-n 3 --format json").out);
  CHECK(row_of(j, "rpr", "")["small_sample"] == false);
  CHECK(row_of(j, "rpr", "region=North")["small_sample"] == false);
  CHECK(row_of(j, "rpr", "region=South")["small_sample"] == false);
  CHECK(row_of(j, "rpr", "region=(blank)")["small_sample"] == true);

  // --sort value: North 50, South 33.33, (blank) 0, after the all row.
  j = json::parse(run_cxkpi("rpr '" + orders + "' --by region --sort value --format json").out);
  CHECK(segments_of(j, "rpr") ==
        std::vector<std::string>{"(all)", "region=North", "region=South", "region=(blank)"});

  // The cross: --by region --by product. North × basic: A 100, B 80, C 40, F 30:
  // 4 customers, none twice -> 0%; South × premium: D 200, D 100 -> 1 of 1 = 100%.
  j = json::parse(run_cxkpi("rpr '" + orders + "' --by region --by product --format json").out);
  CHECK(row_of(j, "rpr", "region=North, product=basic")["n"] == 4);
  CHECK(row_of(j, "rpr", "region=North, product=basic")["value"].get<double>() == Approx(0.0));
  CHECK(row_of(j, "rpr", "region=South, product=premium")["value"].get<double>() == Approx(100.0));
  CHECK(row_of(j, "rpr", "region=South, product=premium")["orders"] == 2);

  // Tables show the segment.
  auto table = run_cxkpi("rpr '" + orders + "' --by region");
  REQUIRE(table.exit_code == 0);
  CHECK_THAT(table.out, Catch::Contains("region=North"));
}

// Services: distinct (customer, service) pairs / distinct customers.
// All: A {basic, support}, B {basic, support} (support from the row without an
//   amount: still a service use), C {basic, premium}, D {premium, support},
//   E {basic, support}, F {basic, support} -> 12 pairs / 6 = 2.00.
// North: A 2, B 2, C 2, F {basic} 1 -> 7 / 4 = 1.75; basic 4 of 4 = 100%,
//   support (A, B) 2 of 4 = 50%, premium (C) 1 of 4 = 25%.
// South: D {premium, support} 2, E {basic} 1, F {support} 1 -> 4 / 3 = 1.33.
// (blank): E {support} -> 1 / 1 = 1.00.
TEST_CASE("services --by region: services per customer and penetration per region", "[cli][services][segments]") {
  auto r = run_cxkpi("services '" + orders + "' --by region --format json");
  REQUIRE(r.exit_code == 0);
  auto j = json::parse(r.out);
  CHECK(segments_of(j, "services") ==
        std::vector<std::string>{"(all)", "region=(blank)", "region=North", "region=South"});
  auto all = row_of(j, "services", "");
  CHECK(all["value"].get<double>() == Approx(2.0));
  CHECK(all["pairs"] == 12);
  CHECK(all["n"] == 6);
  auto north = row_of(j, "services", "region=North");
  CHECK(north["value"].get<double>() == Approx(1.75));
  CHECK(north["n"] == 4);
  CHECK(north["pairs"] == 7);
  CHECK(north["penetration"]["basic"].get<double>() == Approx(100.0));
  CHECK(north["penetration"]["support"].get<double>() == Approx(50.0));
  CHECK(north["penetration"]["premium"].get<double>() == Approx(25.0));
  CHECK(north["rows"]["used"] == 7);  // every North row names a product
  auto south = row_of(j, "services", "region=South");
  CHECK(south["value"].get<double>() == Approx(4.0 / 3));
  CHECK(south["n"] == 3);
  CHECK(row_of(j, "services", "region=(blank)")["value"].get<double>() == Approx(1.0));
}

// CLV with --lifespan 12 (duration 12 months), per segment over its own window
// (first order to the day after its last; months of 30.436875 days):
// North: 2025-01-05 .. 2025-03-02 -> 57 days = 1.872728 months; orders per
//   customer 6 / 4 = 1.5; frequency 1.5 / 1.872728 = 0.800970;
//   CLV = 60 × 0.800970 × 12 = 576.70. Profit form with --margin 0.25:
//   W = 0.25 × 60 = 15, A = 1.5 -> 22.50.
// South: 2025-01-08 .. 2025-03-08 -> 60 days = 1.971293 months; 5 / 3 = 1.6667
//   orders per customer; frequency 0.845469; CLV = 112 × 0.845469 × 12 = 1136.31;
//   W × A = 0.25 × 112 × 5/3 = 46.67.
// All: 2025-01-05 .. 2025-03-25 -> 80 days = 2.628391 months; 12 / 6 = 2;
//   frequency 0.760922; CLV = 79.1667 × 0.760922 × 12 = 722.88; W × A = 39.58.
TEST_CASE("clv --by region: the components per region, and clv_cac per region", "[cli][clv][segments]") {
  auto r = run_cxkpi("clv '" + orders + "' --by region --lifespan 12 --margin 0.25 --cac 100 --format json");
  REQUIRE(r.exit_code == 0);
  auto j = json::parse(r.out);
  CHECK(segments_of(j, "clv") ==
        std::vector<std::string>{"(all)", "region=(blank)", "region=North", "region=South"});
  CHECK(segments_of(j, "clv_cac") ==
        std::vector<std::string>{"(all)", "region=(blank)", "region=North", "region=South"});
  CHECK(j["kpis"][0]["kpi"] == "clv");  // every clv row, then every clv_cac row
  CHECK(j["kpis"][4]["kpi"] == "clv_cac");
  auto all = row_of(j, "clv", "");
  CHECK(all["value"].get<double>() == Approx(722.876).margin(0.01));
  CHECK(all["clv_profit"].get<double>() == Approx(39.5833).margin(0.001));
  auto north = row_of(j, "clv", "region=North");
  CHECK(north["n"] == 4);
  CHECK(north["aov"].get<double>() == Approx(60.0));
  CHECK(north["window_days"] == 57);
  CHECK(north["frequency_per_month"].get<double>() == Approx(0.800970).margin(1e-5));
  CHECK(north["value"].get<double>() == Approx(576.699).margin(0.01));
  CHECK(north["clv_profit"].get<double>() == Approx(22.5));
  auto south = row_of(j, "clv", "region=South");
  CHECK(south["window_days"] == 60);
  CHECK(south["value"].get<double>() == Approx(1136.31).margin(0.01));
  CHECK(south["clv_profit"].get<double>() == Approx(46.6667).margin(0.001));
  // clv_cac = CLV / 100.
  CHECK(row_of(j, "clv_cac", "region=South")["value"].get<double>() == Approx(11.3631).margin(0.001));
}

TEST_CASE("checks on an order segment: rpr[region=North]>=30 passes, rpr[region=South]>=40 fails",
          "[cli][rpr][segments][check]") {
  // North 50% >= 30: exit 0.
  auto pass = run_cxkpi("rpr '" + orders + "' --by region --check 'rpr[region=North]>=30' --format json");
  CHECK(pass.exit_code == 0);
  // South 33.33% < 40: exit 1, and the failure names the row.
  auto fail = run_cxkpi("rpr '" + orders + "' --by region --check 'rpr[region=South]>=40' --format json");
  CHECK(fail.exit_code == 1);
  CHECK_THAT(fail.err, Catch::Contains("region=South"));
  // Without a selector the check applies to every row: (blank) at 0% fails.
  CHECK(run_cxkpi("rpr '" + orders + "' --by region --check 'rpr>=10'").exit_code == 1);
  // services[region=North] 1.75 >= 1.5.
  CHECK(run_cxkpi("services '" + orders + "' --by region --check 'services[region=North]>=1.5'").exit_code == 0);
}

TEST_CASE("order commands: --period is a usage error, an unknown --by column a data error", "[cli][segments]") {
  for (const char* command : {"rpr", "services", "clv"}) {
    INFO(command);
    auto r = run_cxkpi(std::string(command) + " '" + orders + "' --period month");
    CHECK(r.exit_code == 64);
    CHECK_THAT(r.err, Catch::Contains("--period is not supported"));
    CHECK(r.out.empty());
  }
  auto r = run_cxkpi("rpr '" + orders + "' --by nosuch");
  CHECK(r.exit_code == 65);
  CHECK_THAT(r.err, Catch::Contains("nosuch"));
}

// A file past src/scan.hpp's parallel threshold (8 MB), read on 1 and 3 threads:
// the per-segment maps merge exactly, so the JSON is the same.
TEST_CASE("rpr and services --by on several threads give the same JSON as one", "[cli][segments][parallel]") {
  const std::string big = scratch_dir() + "/order_segments_big.csv";
  {
    std::ofstream out(big);
    out << "customer_id,order_date,amount,region,product\n";
    const char* regions[] = {"North", "South", "", "East"};
    const char* products[] = {"basic", "support", "premium"};
    for (int i = 0; i < 260000; ++i)
      out << "customer-" << (i * 7919) % 40000 << ",2025-" << (i % 2 == 0 ? "01-" : "02-") << 10 + i % 18 << ','
          << (i % 101 == 0 ? std::string() : std::to_string(10 + i % 90)) << ',' << regions[(i / 3) % 4] << ','
          << products[(i / 5) % 3] << '\n';
  }
  for (const char* command : {"rpr", "services"}) {
    INFO(command);
    const std::string args = std::string(command) + " '" + big + "' --by region --format json";
    auto one = run_cxkpi(args + " --threads 1");
    auto three = run_cxkpi(args + " --threads 3");
    REQUIRE(one.exit_code == 0);
    CHECK(three.exit_code == 0);
    CHECK(one.out == three.out);
  }
}
