// --by and --period end to end (issue 4): every cell's NPS, interval, n,
// change and small-sample flag against hand computation.

#include "run_cxkpi.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using Catch::Detail::Approx;
using nlohmann::json;

namespace {

const json* find_row(const json& doc, const std::string& segment, const std::string& period) {
  for (const json& k : doc["kpis"])
    if (k.value("segment", "") == segment && k.value("period", "") == period) return &k;
  return nullptr;
}

// The row of `kpi` for `segment` ("" = the all row), or nullptr.
const json* find_kpi(const json& doc, const std::string& kpi, const std::string& segment) {
  for (const json& k : doc["kpis"])
    if (k["kpi"] == kpi && k.value("segment", "") == segment) return &k;
  return nullptr;
}

}  // namespace

TEST_CASE("NPS by region and month matches the hand computation", "[cli][segments]") {
  // tests/data/survey/regions_months.csv (23 answers, shuffled):
  //   North 2025-01: 10,10,9,6        → P3 Pa0 D1 n4: NPS 50;  p=.75 d=.25,
  //                  var = 1 − .5² = .75,   SE = 100·√(.75/4)  = 43.30
  //   North 2025-02: 10,7,6,6,0       → P1 Pa1 D3 n5: NPS −40; var = .8 − .4² = .64, SE = 35.78
  //   South 2025-01: 9,9,8,8,8,3      → P2 Pa3 D1 n6: NPS 16.67; var = .5 − (1/6)² = .47222, SE = 28.05
  //   South 2025-02: 10,10,10,10,9,9,8,5 → P6 Pa1 D1 n8: NPS 62.5; var = .875 − .625² = .484375, SE = 24.61
  //   2025-01 all: P5 Pa3 D2 n10: NPS 30;   2025-02 all: P7 Pa2 D4 n13: NPS 23.08
  //   North change −90, z = −90/√(43.30² + 35.78²) = −1.602: not significant.
  //   South change +45.83, z = 45.83/√(28.05² + 24.61²) = 1.229: not significant.
  auto r = run_cxkpi("nps '" + data("survey/regions_months.csv") + "' --by region --period month --format json");
  REQUIRE(r.exit_code == 0);
  const json doc = json::parse(r.out);
  // Order: all; segments; then per month its all row and its segments.
  std::vector<std::string> order;
  for (const json& k : doc["kpis"]) order.push_back(k.value("segment", "") + "|" + k.value("period", ""));
  CHECK(order == std::vector<std::string>{"|", "region=North|", "region=South|", "|2025-01", "region=North|2025-01",
                                          "region=South|2025-01", "|2025-02", "region=North|2025-02",
                                          "region=South|2025-02"});

  const json* n1 = find_row(doc, "region=North", "2025-01");
  REQUIRE(n1);
  CHECK((*n1)["value"].get<double>() == Approx(50.0));
  CHECK((*n1)["n"] == 4);
  CHECK((*n1)["standard_error"].get<double>() == Approx(43.30).margin(0.005));
  CHECK((*n1)["ci95"][1] == 100.0);  // 50 + 84.87, clipped
  CHECK((*n1)["small_sample"] == true);
  CHECK((*n1)["change"].is_null());  // no earlier month

  const json* n2 = find_row(doc, "region=North", "2025-02");
  REQUIRE(n2);
  CHECK((*n2)["value"].get<double>() == Approx(-40.0));
  CHECK((*n2)["standard_error"].get<double>() == Approx(35.78).margin(0.005));
  CHECK((*n2)["change"].get<double>() == Approx(-90.0));
  CHECK((*n2)["change_z"].get<double>() == Approx(-1.602).margin(0.001));
  CHECK((*n2)["change_significant"] == false);

  const json* s2 = find_row(doc, "region=South", "2025-02");
  REQUIRE(s2);
  CHECK((*s2)["value"].get<double>() == Approx(62.5));
  CHECK((*s2)["change"].get<double>() == Approx(45.833).margin(0.001));
  CHECK((*s2)["change_z"].get<double>() == Approx(1.229).margin(0.001));

  const json* all1 = find_row(doc, "", "2025-01");
  const json* all2 = find_row(doc, "", "2025-02");
  REQUIRE(all1);
  REQUIRE(all2);
  CHECK((*all1)["value"].get<double>() == Approx(30.0));
  CHECK((*all2)["value"].get<double>() == Approx(100.0 * 3 / 13));
  CHECK((*all2)["n"] == 13);

  const json* all = find_row(doc, "", "");
  REQUIRE(all);
  CHECK((*all)["n"] == 23);  // every answer once in the all row
  CHECK(doc["rows"]["read"] == 23);
}

TEST_CASE("checks on segments, changes and with @95", "[cli][segments][check]") {
  const std::string base = "nps '" + data("survey/regions_months.csv") + "' -q --by region --period month ";
  // North's February NPS is −40: a check on every row fails and names that row.
  auto every = run_cxkpi(base + "--check 'nps>=-30'");
  CHECK(every.exit_code == 1);
  CHECK_THAT(every.err, Catch::Contains("nps[region=North] 2025-02 is -40"));
  // Named rows: South never falls below 16.67.
  CHECK(run_cxkpi(base + "--check 'nps[region=South]>=15'").exit_code == 0);
  // All rows fell from 30 to 23.08 (−6.92) and North by 90 points; the
  // failure names the first failing row and counts the others.
  auto change = run_cxkpi(base + "--check 'nps.change>=-5'");
  CHECK(change.exit_code == 1);
  CHECK_THAT(change.err, Catch::Contains("(nps 2025-02.change is -6.923; 1 more row fails)"));
  // South rose: its change passes.
  CHECK(run_cxkpi(base + "--check 'nps[region=South].change>=0'").exit_code == 0);
  // @95: North February's interval is −40 ± 70.1 = [−100, 30.1], which
  // still reaches 25, so nps[region=North]>=25@95 passes; >=31 does not.
  CHECK(run_cxkpi(base + "--check 'nps[region=North]>=25@95'").exit_code == 0);
  CHECK(run_cxkpi(base + "--check 'nps[region=North]>=31@95'").exit_code == 1);
  // A selector that matches no row fails.
  CHECK(run_cxkpi(base + "--check 'nps[region=Mars]>=0'").exit_code == 1);
}

TEST_CASE("bad dates under --period are counted skips, or errors with --strict", "[cli][segments]") {
  const std::string file = scratch_dir() + "/bad_dates.csv";
  {
    std::ofstream out(file);
    out << "id,date,nps\n1,2025-01-05,10\n2,2025-02-30,9\n3,,8\n4,2025-02-01,0\n";
  }
  auto r = run_cxkpi("nps '" + file + "' --period month --format json -q");
  REQUIRE(r.exit_code == 0);
  const json doc = json::parse(r.out);
  CHECK(doc["rows"]["read"] == 4);
  CHECK(doc["rows"]["used"] == 2);
  CHECK(doc["rows"]["skipped_by_reason"]["bad_date"] == 1);
  CHECK(doc["rows"]["skipped_by_reason"]["missing_date"] == 1);
  auto strict = run_cxkpi("nps '" + file + "' --period month --strict");
  CHECK(strict.exit_code == 65);
  CHECK_THAT(strict.err, Catch::Contains("bad_dates.csv:3:2: invalid date \"2025-02-30\" in column \"date\""));
}

TEST_CASE("report --by splits the sections whose files have the column, and says which do not", "[cli][segments][report]") {
  // Survey: tests/data/survey/regions_months.csv over both months (the
  // counts of the first test, summed per region):
  //   North P3+1=4 Pa0+1=1 D1+3=4, n 9:  NPS (4 − 4) / 9 = 0;
  //   South P2+6=8 Pa3+1=4 D1+1=2, n 14: NPS (8 − 2) / 14 = 42.86;
  //   all   P12 Pa5 D6, n 23:            NPS 6 / 23 = 26.09.
  // Orders: tests/data/order_segments/orders.csv, figures in
  //   cli_order_segments_test.cpp: RPR North 2 of 4 = 50%, South 1 of 3 =
  //   33.33%, (blank) 0 of 1, all 5 of 6 = 83.33%.
  // Subscriptions: tests/data/orders/subscriptions.csv has no region column:
  //   churn is reported whole (one row), with a warning naming the file.
  const std::string base = "report --survey '" + data("survey/regions_months.csv") + "' --orders '" +
                           data("order_segments/orders.csv") + "' --subscriptions '" +
                           data("orders/subscriptions.csv") + "' --by region --format json";
  auto r = run_cxkpi(base);
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  const json doc = json::parse(r.out);

  const json* nps_all = find_kpi(doc, "nps", "");
  const json* north = find_kpi(doc, "nps", "region=North");
  const json* south = find_kpi(doc, "nps", "region=South");
  REQUIRE((nps_all && north && south));
  CHECK((*nps_all)["value"].get<double>() == Approx(600.0 / 23));
  CHECK((*north)["value"].get<double>() == Approx(0.0).margin(1e-9));
  CHECK((*north)["n"] == 9);
  CHECK((*north)["small_sample"] == true);  // 9 < --min-n 30
  CHECK((*south)["value"].get<double>() == Approx(600.0 / 14));
  CHECK((*south)["n"] == 14);

  const json* rpr_north = find_kpi(doc, "rpr", "region=North");
  const json* rpr_south = find_kpi(doc, "rpr", "region=South");
  const json* rpr_blank = find_kpi(doc, "rpr", "region=(blank)");
  const json* rpr_all = find_kpi(doc, "rpr", "");
  REQUIRE((rpr_north && rpr_south && rpr_blank && rpr_all));
  CHECK((*rpr_north)["value"].get<double>() == Approx(50.0));
  CHECK((*rpr_south)["value"].get<double>() == Approx(100.0 / 3));
  CHECK((*rpr_blank)["value"].get<double>() == Approx(0.0).margin(1e-9));
  CHECK((*rpr_all)["value"].get<double>() == Approx(500.0 / 6));
  // CLV and services are split too: one row per region after the all row.
  for (const char* kpi : {"clv", "services"}) {
    int rows = 0;
    for (const json& k : doc["kpis"]) rows += k["kpi"] == kpi;
    CHECK(rows == 4);
  }

  // Churn: one row, no segment.
  int churn_rows = 0;
  for (const json& k : doc["kpis"]) churn_rows += k["kpi"] == "churn";
  CHECK(churn_rows == 1);
  CHECK_THAT(r.err, Catch::Contains("subscriptions.csv has no column \"region\": its KPIs are not split by --by"));
  CHECK_THAT(run_cxkpi(base + " --quiet").err, !Catch::Contains("not split"));

  // A --by column no file has is the usual error (a typo), not a report
  // split nowhere.
  auto typo = run_cxkpi("report --survey '" + data("survey/regions_months.csv") + "' --orders '" +
                        data("order_segments/orders.csv") + "' --by regoin");
  CHECK(typo.exit_code == 65);
  CHECK_THAT(typo.err, Catch::Contains("regions_months.csv:1: no column \"regoin\""));
}
