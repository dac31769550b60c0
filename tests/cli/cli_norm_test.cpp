// cxkpi norm end to end on a hand-made delivery file (issue 4).

#include "run_cxkpi.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using Catch::Detail::Approx;
using nlohmann::json;

TEST_CASE("norm on deliveries: within 2 days, median, p90, slowest", "[cli][norm]") {
  // tests/data/norm/deliveries.csv, durations by hand:
  //   D1 24h; D2 12:00+01:00 = 11:00Z → 48h (exactly at the norm: within);
  //   D3 72h; D4 12h; D5 108h; D6 no delivery (missing_end);
  //   D7 delivered before ordered (end_before_start); D8 30h; D9 72h;
  //   D10 dates only, 24h.
  // Used 8: within 24, 48, 12, 30, 24 → 5/8 = 62.5%; sorted 12 24 24 30 48
  // 72 72 108 → median 39h, p90 82.8h, max 108h; slowest D5, D3, D9.
  auto r = run_cxkpi("norm '" + data("norm/deliveries.csv") +
                     "' --start-column ordered_at --end-column delivered_at --max 2d --format json -q");
  REQUIRE(r.exit_code == 0);
  const json k = json::parse(r.out)["kpis"][0];
  CHECK(k["kpi"] == "within");
  CHECK(k["value"].get<double>() == Approx(62.5));
  CHECK(k["n"] == 8);
  CHECK(k["within"] == 5);
  CHECK(k["median_hours"].get<double>() == Approx(39.0));
  CHECK(k["p90_hours"].get<double>() == Approx(82.8));
  CHECK(k["max_hours"].get<double>() == Approx(108.0));
  REQUIRE(k["slowest"].size() == 3);
  CHECK(k["slowest"][0]["id"] == "D5");
  CHECK(k["slowest"][1]["id"] == "D3");
  CHECK(k["slowest"][2]["id"] == "D9");
  CHECK(k["rows"]["read"] == 10);
  CHECK(k["rows"]["skipped_by_reason"]["missing_end"] == 1);
  CHECK(k["rows"]["skipped_by_reason"]["end_before_start"] == 1);
}

TEST_CASE("norm by region, and its check", "[cli][norm]") {
  const std::string base = "norm '" + data("norm/deliveries.csv") +
                           "' --start-column ordered_at --end-column delivered_at --max 2d -q ";
  // North used: D1 24, D2 48, D5 108, D9 72 → within 2 of 4 = 50%.
  // South used: D3 72, D4 12, D8 30, D10 24 → within 3 of 4 = 75%.
  auto r = run_cxkpi(base + "--by region --format json");
  REQUIRE(r.exit_code == 0);
  const json doc = json::parse(r.out);
  REQUIRE(doc["kpis"].size() == 3);
  CHECK(doc["kpis"][1]["segment"] == "region=North");
  CHECK(doc["kpis"][1]["value"].get<double>() == Approx(50.0));
  CHECK(doc["kpis"][2]["value"].get<double>() == Approx(75.0));
  CHECK(run_cxkpi(base + "--check 'within>=90'").exit_code == 1);
  CHECK(run_cxkpi(base + "--check 'within>=60'").exit_code == 0);
  CHECK(run_cxkpi(base + "--check 'within.p90_hours<=48'").exit_code == 1);
  // A norm that is not a duration is a usage error.
  auto bad = run_cxkpi("norm '" + data("norm/deliveries.csv") +
                       "' --start-column ordered_at --end-column delivered_at --max soon");
  CHECK(bad.exit_code == 64);
  CHECK_THAT(bad.err, Catch::Contains("--max takes a duration such as 90m, 1h, 2d, not \"soon\""));
}
