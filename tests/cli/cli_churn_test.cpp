// End-to-end tests of cxkpi churn (issue 3): subscriptions, counts, snapshot.

#include "run_cxkpi.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <string>

using Catch::Detail::Approx;
using nlohmann::json;

namespace {

// The row of `kpi` with this segment and period ("" = none).
json row_of(const json& report, const std::string& segment, const std::string& period) {
  for (const json& k : report["kpis"])
    if (k.value("segment", "") == segment && k.value("period", "") == period) return k;
  FAIL("no row for segment \"" << segment << "\" period \"" << period << "\"");
  return {};
}

const std::string subscriptions = data("orders/subscriptions.csv");

}  // namespace

// tests/data/orders/subscriptions.csv, by hand. Rows (start – end, empty = active):
//   P  2024-11-03 –                 still active
//   Q  2024-12-15 – 2025-02-01      leaves on the first day of February
//   R  2025-01-10 – 2025-01-25      joins and leaves in January
//   S  2024-12-01 – 2025-02-20 and 2025-02-10 – 2025-03-31   two overlapping rows: one
//      customer, 2024-12-01 – 2025-03-31
//   T  2025-01-15 – 2025-04-10
//   U  2024-12-20 – 2025-01-05
//   V  2025-03-01 –                 starts on the first day of March: new in March
//   W  2025-02-10 – 2025-02-01      end before start: skipped (end_before_start)
// Active at the start s of a month: start < s and (no end or end >= s). Lost: active
// at s and end in the month. New: start in the month.
// The data run from 2024-11-03 to 2025-04-10; November 2024 has nobody at its start
// (P joins on the 3rd), so the series starts in December.
//   2024-12  at start P                         = 1  lost -                 0   new S, Q, U  3
//   2025-01  at start P, Q, S, U                = 4  lost U (Jan 5)         1   new R, T     2
//   2025-02  at start P, Q (ends Feb 1), S, T   = 4  lost Q (Feb 1)         1   new -        0
//   2025-03  at start P, S, T                   = 3  lost S (Mar 31)        1   new V        1
//   2025-04  at start P, T, V                   = 3  lost T (Apr 10)        1   new -        0
// Churn: 0/1 = 0%, 1/4 = 25%, 1/4 = 25%, 1/3 = 33.33%, 1/3 = 33.33%.
// Acquisition: 3/1 = 300%, 2/4 = 50%, 0/4 = 0%, 1/3 = 33.33%, 0/3 = 0%.
// Overall (pooled): lost 0+1+1+1+1 = 4 of 1+4+4+3+3 = 15 customer-months = 26.67%;
// new 3+2+0+1+0 = 6 → 6/15 = 40%; unweighted mean (0+25+25+33.33+33.33)/5 = 23.33%.
TEST_CASE("churn per month on the hand-built subscriptions", "[cli][churn]") {
  auto r = run_cxkpi("churn '" + subscriptions + "' --format json");
  REQUIRE(r.exit_code == 0);
  auto j = json::parse(r.out);
  REQUIRE(j["kpis"].size() == 6);

  struct expected {
    const char* period;
    std::uint64_t at_start, lost, added;
    double churn, acquisition;
    const char* band;
  };
  const expected months[] = {
      {"2024-12", 1, 0, 3, 0.0, 300.0, "low"},
      {"2025-01", 4, 1, 2, 25.0, 50.0, "high"},
      {"2025-02", 4, 1, 0, 25.0, 0.0, "high"},
      {"2025-03", 3, 1, 1, 100.0 / 3, 100.0 / 3, "high"},
      {"2025-04", 3, 1, 0, 100.0 / 3, 0.0, "high"},
  };
  for (std::size_t i = 0; i < 5; ++i) {
    const expected& e = months[i];
    INFO(e.period);
    const json& k = j["kpis"][i + 1];
    CHECK(k["kpi"] == "churn");
    CHECK(k["period"] == e.period);
    CHECK(k["value"].get<double>() == Approx(e.churn));
    CHECK(k["n"] == e.at_start);
    CHECK(k["customers_at_start"] == e.at_start);
    CHECK(k["lost"] == e.lost);
    CHECK(k["new"] == e.added);
    CHECK(k["acquisition_rate"].get<double>() == Approx(e.acquisition));
    CHECK(k["band"] == e.band);
  }
  // Wilson interval of 1 lost of 4: 100 × [0.04559, 0.69936].
  CHECK(j["kpis"][2]["ci95"][0].get<double>() == Approx(4.5587).margin(0.001));
  CHECK(j["kpis"][2]["ci95"][1].get<double>() == Approx(69.9358).margin(0.001));

  const json& all = j["kpis"][0];
  CHECK(all["kpi"] == "churn");
  CHECK_FALSE(all.contains("period"));
  CHECK(all["method"] == "subscriptions");
  CHECK(all["period_kind"] == "month");
  CHECK(all["value"].get<double>() == Approx(400.0 / 15));
  CHECK(all["n"] == 15);
  CHECK(all["customer_periods"] == 15);
  CHECK(all["lost"] == 4);
  CHECK(all["new"] == 6);
  CHECK(all["acquisition_rate"].get<double>() == Approx(40.0));
  CHECK(all["mean_churn"].get<double>() == Approx((0 + 25 + 25 + 100.0 / 3 + 100.0 / 3) / 5));
  CHECK(all["periods"] == 5);
  CHECK(all["customers"] == 7);  // P to V; W's only row was skipped
  CHECK(all["from"] == "2024-12-01");
  CHECK(all["to"] == "2025-05-01");
  CHECK(all["band"] == "high");

  // 9 rows: 8 used, W's skipped and named on stderr with file, line and column.
  CHECK(j["rows"]["read"] == 9);
  CHECK(j["rows"]["used"] == 8);
  CHECK(j["rows"]["skipped_by_reason"]["end_before_start"] == 1);
  CHECK_THAT(r.err, Catch::Contains("subscriptions.csv:10:4: skipped row: end date \"2025-02-01\" is before the "
                                    "start date \"2025-02-10\" in column \"end_date\""));
}

TEST_CASE("churn per quarter, and a --from/--to range", "[cli][churn]") {
  // Quarters: 2024-Q4 has nobody at its start (P joins on 3 November): the series
  // starts in 2025-Q1. Q1: at start P, Q, S, U = 4; lost U, Q, S = 3 → 75%; new R, T,
  // V = 3. Q2: at start P, T, V = 3; lost T = 1 → 33.33%. Monthly equivalent of 75% a
  // quarter: 1 − 0.25^(1/3) = 37.00% ("high": the bands are monthly).
  auto q = run_cxkpi("churn '" + subscriptions + "' --period quarter --format json -q");
  REQUIRE(q.exit_code == 0);
  auto j = json::parse(q.out);
  REQUIRE(j["kpis"].size() == 3);
  CHECK(j["kpis"][1]["period"] == "2025-Q1");
  CHECK(j["kpis"][1]["value"].get<double>() == Approx(75.0));
  CHECK(j["kpis"][1]["lost"] == 3);
  CHECK(j["kpis"][1]["new"] == 3);
  CHECK(j["kpis"][1]["monthly_equivalent"].get<double>() == Approx(100 * (1 - std::cbrt(0.25))));
  CHECK(j["kpis"][2]["period"] == "2025-Q2");
  CHECK(j["kpis"][2]["value"].get<double>() == Approx(100.0 / 3));
  // Overall: 4 lost of 4 + 3 = 7 customer-quarters = 57.14%.
  CHECK(j["kpis"][0]["value"].get<double>() == Approx(400.0 / 7));
  CHECK(j["kpis"][0]["period_kind"] == "quarter");

  // --from 2025-01-01 --to 2025-04-01: January to March only. Pooled: 1+1+1 = 3 lost of
  // 4+4+3 = 11 → 27.27%.
  auto w = run_cxkpi("churn '" + subscriptions + "' --from 2025-01-01 --to 2025-04-01 --format json -q");
  REQUIRE(w.exit_code == 0);
  j = json::parse(w.out);
  REQUIRE(j["kpis"].size() == 4);
  CHECK(j["kpis"][0]["value"].get<double>() == Approx(300.0 / 11));
  CHECK(j["kpis"][0]["from"] == "2025-01-01");
  CHECK(j["kpis"][0]["to"] == "2025-04-01");
  CHECK(j["kpis"][3]["period"] == "2025-03");
}

TEST_CASE("churn by segment", "[cli][churn][segments]") {
  // plan=basic: P, R, T, V. At start per month Dec..Apr: P; P; P, T; P, T; P, T, V →
  // 1+1+2+2+3 = 9; lost T in April → 1/9 = 11.11%.
  // plan=pro: Q, S, U (W skipped). At start: -; Q, S, U; Q, S; S; - → 0+3+2+1+0 = 6;
  // lost U, Q, S → 3/6 = 50%.
  auto r = run_cxkpi("churn '" + subscriptions + "' --by plan --format json -q");
  REQUIRE(r.exit_code == 0);
  auto j = json::parse(r.out);
  CHECK(row_of(j, "plan=basic", "")["value"].get<double>() == Approx(100.0 / 9));
  CHECK(row_of(j, "plan=pro", "")["value"].get<double>() == Approx(50.0));
  CHECK(row_of(j, "plan=pro", "")["rows"]["skipped_by_reason"]["end_before_start"] == 1);
  // April for pro: nobody at start → no rate, no band.
  CHECK(row_of(j, "plan=pro", "2025-04")["value"].is_null());
  CHECK(row_of(j, "plan=pro", "2025-04")["band"].is_null());
  CHECK(row_of(j, "", "")["value"].get<double>() == Approx(400.0 / 15));
}

TEST_CASE("churn from counts", "[cli][churn][counts]") {
  // 30 of 1000 = 3% (average: 2-5); 80 new of 1000 = 8% acquisition.
  auto r = run_cxkpi("churn --start-count 1000 --lost 30 --new 80 --format json");
  REQUIRE(r.exit_code == 0);
  auto k = json::parse(r.out)["kpis"][0];
  CHECK(k["method"] == "counts");
  CHECK(k["value"].get<double>() == Approx(3.0));
  CHECK(k["n"] == 1000);
  CHECK(k["lost"] == 30);
  CHECK(k["new"] == 80);
  CHECK(k["acquisition_rate"].get<double>() == Approx(8.0));
  CHECK(k["band"] == "average");
  // Without --new, no acquisition figure. 50/1000 = 5% is "high" (5 starts that band).
  auto no_new = run_cxkpi("churn --start-count 1000 --lost 50 --format json");
  REQUIRE(no_new.exit_code == 0);
  k = json::parse(no_new.out)["kpis"][0];
  CHECK(k["new"].is_null());
  CHECK(k["acquisition_rate"].is_null());
  CHECK(k["band"] == "high");
  // A yearly count: 30% a year is 1 − 0.7^(1/12) = 2.93% a month → "average".
  auto yearly = run_cxkpi("churn --start-count 100 --lost 30 --period year --format json");
  REQUIRE(yearly.exit_code == 0);
  k = json::parse(yearly.out)["kpis"][0];
  CHECK(k["monthly_equivalent"].get<double>() == Approx(100 * (1 - std::pow(0.7, 1.0 / 12))));
  CHECK(k["band"] == "average");

  auto too_many = run_cxkpi("churn --start-count 10 --lost 11");
  CHECK(too_many.exit_code == 64);
  CHECK_THAT(too_many.err, Catch::Contains("--lost 11 is more than --start-count 10"));
  auto alone = run_cxkpi("churn --lost 5");
  CHECK(alone.exit_code == 64);
  auto with_file = run_cxkpi("churn '" + subscriptions + "' --start-count 10 --lost 1");
  CHECK(with_file.exit_code == 64);
  auto nothing = run_cxkpi("churn");
  CHECK(nothing.exit_code == 64);
  CHECK_THAT(nothing.err, Catch::Contains("churn needs input files, or --start-count and --lost"));
}

TEST_CASE("snapshot churn from a flag column, by contract (Telco)", "[cli][churn][snapshot]") {
  // Expected, from the shell (the file has no quoted fields; Contract is field 16,
  // Churn field 21):
  //   awk -F, 'NR>1 {n[$16]++; if ($21 ~ /Yes/) c[$16]++; N++; if ($21 ~ /Yes/) C++}
  //            END {for (k in n) print k, c[k], n[k]; print "all", C, N}' Telco-Customer-Churn.csv
  //   → Month-to-month 1655 3875, One year 166 1473, Two year 48 1695, all 1869 7043
  // 1869/7043 = 26.54%; 1655/3875 = 42.71%; 166/1473 = 11.27%; 48/1695 = 2.83%.
  const std::string telco = std::string(CXKPI_SHARED_DATA) + "/telco-churn/Telco-Customer-Churn.csv";
  auto r = run_cxkpi("churn '" + telco + "' --flag-column Churn --by Contract --format json");
  REQUIRE(r.exit_code == 0);
  auto j = json::parse(r.out);
  REQUIRE(j["kpis"].size() == 4);
  const json all = row_of(j, "", "");
  CHECK(all["method"] == "snapshot");
  CHECK(all["value"].get<double>() == Approx(100.0 * 1869 / 7043));
  CHECK(all["n"] == 7043);
  CHECK(all["churned"] == 1869);
  CHECK(row_of(j, "Contract=Month-to-month", "")["value"].get<double>() == Approx(100.0 * 1655 / 3875));
  CHECK(row_of(j, "Contract=One year", "")["churned"] == 166);
  CHECK(row_of(j, "Contract=Two year", "")["value"].get<double>() == Approx(100.0 * 48 / 1695));
  CHECK(row_of(j, "Contract=Two year", "")["band"] == "average");
  CHECK(j["rows"]["read"] == 7043);
  CHECK(j["rows"]["used"] == 7043);
  // The Churn column is found without the flag, by its usual name.
  auto detected = run_cxkpi("churn '" + telco + "' --by Contract --format json");
  REQUIRE(detected.exit_code == 0);
  CHECK(detected.out == r.out);
}

TEST_CASE("snapshot churn: bad flags are skipped, or an error under --strict", "[cli][churn][snapshot]") {
  // flags.csv: yes, No, TRUE, 0, maybe, (empty), 1 → 5 valid, 3 churned = 60%.
  auto r = run_cxkpi("churn '" + data("orders/flags.csv") + "' --format json");
  REQUIRE(r.exit_code == 0);
  auto j = json::parse(r.out);
  CHECK(j["kpis"][0]["value"].get<double>() == Approx(60.0));
  CHECK(j["kpis"][0]["n"] == 5);
  CHECK(j["rows"]["skipped_by_reason"]["bad_flag"] == 1);
  CHECK(j["rows"]["skipped_by_reason"]["missing_flag"] == 1);
  CHECK_THAT(r.err, Catch::Contains("flags.csv:6:2: skipped row: invalid churn flag \"maybe\" in column \"churned\""));
  auto strict = run_cxkpi("churn '" + data("orders/flags.csv") + "' --strict");
  CHECK(strict.exit_code == 65);
  CHECK_THAT(strict.err, Catch::Contains("flags.csv:6:2: invalid churn flag \"maybe\""));
  CHECK(strict.out.empty());
}

TEST_CASE("churn: errors and checks", "[cli][churn][errors]") {
  // Under --strict, W's row (line 10) is an error.
  auto strict = run_cxkpi("churn '" + subscriptions + "' --strict");
  CHECK(strict.exit_code == 65);
  CHECK_THAT(strict.err, Catch::Contains("subscriptions.csv:10:4: end date \"2025-02-01\" is before the start date"));
  // A file with neither a start date nor a churn flag names its columns.
  auto neither = run_cxkpi("churn '" + data("orders/services.csv") + "'");
  CHECK(neither.exit_code == 65);
  CHECK_THAT(neither.err, Catch::Contains("no start date column (subscriptions) nor churn flag column"));
  CHECK_THAT(neither.err, Catch::Contains("\"customer\", \"service\""));
  auto bad_from = run_cxkpi("churn '" + subscriptions + "' --from 2025-13-01");
  CHECK(bad_from.exit_code == 64);
  CHECK_THAT(bad_from.err, Catch::Contains("--from takes a date such as 2025-01-31, not \"2025-13-01\""));
  auto bad_period = run_cxkpi("churn '" + subscriptions + "' --period week");
  CHECK(bad_period.exit_code == 64);
  // A check applies to every churn row: March and April (33.33%) fail churn<=30.
  auto check = run_cxkpi("churn '" + subscriptions + "' -q --check 'churn<=30'");
  CHECK(check.exit_code == 1);
  CHECK_THAT(check.err, Catch::Contains("check failed: churn<=30 (churn 2025-03 is 33.33; 1 more row fails)"));
  auto lost = run_cxkpi("churn '" + subscriptions + "' -q --check 'churn.lost<=4'");
  CHECK(lost.exit_code == 0);
}
