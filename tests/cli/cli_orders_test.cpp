// End-to-end tests of cxkpi rpr, clv, services and report (issue 3).

#include "run_cxkpi.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using Catch::Detail::Approx;
using nlohmann::json;

namespace {

const std::string orders = data("orders/orders.csv");

json kpi_of(const json& report, const std::string& kpi) {
  for (const json& k : report["kpis"])
    if (k["kpi"] == kpi) return k;
  FAIL("no " << kpi << " row");
  return {};
}

}  // namespace

// tests/data/orders/orders.csv: A orders 10 (2025-01-05), 20 (02-10), 30 (03-15);
// B 40 (01-20); C 50 (02-01), 50 (03-01).
// RPR: A and C ordered twice or more: 2 of 3 = 66.67% ("strong": 30 and up).
// AOV: 200 / 6 = 33.33. Orders per customer: 6 / 3 = 2.0.
TEST_CASE("rpr on A (10, 20, 30), B (40), C (50, 50)", "[cli][rpr]") {
  auto r = run_cxkpi("rpr '" + orders + "' --format json");
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  auto j = json::parse(r.out);
  REQUIRE(j["kpis"].size() == 1);
  auto k = j["kpis"][0];
  CHECK(k["kpi"] == "rpr");
  CHECK(k["value"].get<double>() == Approx(200.0 / 3));
  CHECK(k["n"] == 3);
  CHECK(k["customers"] == 3);
  CHECK(k["repeat_customers"] == 2);
  CHECK(k["orders"] == 6);
  CHECK(k["aov"].get<double>() == Approx(200.0 / 6));
  CHECK(k["orders_per_customer"].get<double>() == Approx(2.0));
  CHECK(k["revenue"].get<double>() == Approx(200.0));
  CHECK(k["first_order"] == "2025-01-05");
  CHECK(k["last_order"] == "2025-03-15");
  CHECK(k["band"] == "strong");
  CHECK(j["rows"]["read"] == 6);
  CHECK(j["rows"]["used"] == 6);

  // The table rounds for the eye.
  auto table = run_cxkpi("rpr '" + orders + "'");
  REQUIRE(table.exit_code == 0);
  CHECK_THAT(table.out, Catch::Contains("RPR  66.67"));
  CHECK_THAT(table.out, Catch::Contains("aov 33.33"));

  // --from 2025-02-01 --to 2025-03-15 (the 15th not counted): A 20; C 50, 50 → C
  // repeats: 1 of 2 = 50%; 3 orders; the other 3 rows are outside the window.
  auto w = run_cxkpi("rpr '" + orders + "' --from 2025-02-01 --to 2025-03-15 --format json");
  REQUIRE(w.exit_code == 0);
  CHECK(w.err.empty());  // rows outside the window are no error
  j = json::parse(w.out);
  CHECK(j["kpis"][0]["value"].get<double>() == Approx(50.0));
  CHECK(j["kpis"][0]["orders"] == 3);
  CHECK(j["kpis"][0]["from"] == "2025-02-01");
  CHECK(j["kpis"][0]["to"] == "2025-03-15");
  CHECK(j["rows"]["skipped_by_reason"]["outside_window"] == 3);
}

TEST_CASE("clv: every component, in the revenue and the profit form", "[cli][clv]") {
  // Profit form with --margin 0.25: W = 0.25 × 33.333 = 8.33; A = 2 → W × A = 16.67.
  // Revenue form: the window runs from the first order (2025-01-05) to the day after
  // the last (2025-03-16): 27 + 28 + 15 = 70 days = 70 / 30.436875 = 2.29985 months;
  // frequency = 2 / 2.29985 = 0.869626 orders per customer per month; no lifespan or
  // churn: duration = the 36-month horizon (rule horizon_cap);
  // CLV = 33.333 × 0.869626 × 36 = 1043.55.
  auto r = run_cxkpi("clv '" + orders + "' --margin 0.25 --format json");
  REQUIRE(r.exit_code == 0);
  auto k = json::parse(r.out)["kpis"][0];
  CHECK(k["kpi"] == "clv");
  CHECK(k["profit_basis"] == "margin");
  CHECK(k["profit_per_order"].get<double>() == Approx(25.0 / 3));
  CHECK(k["orders_per_customer"].get<double>() == Approx(2.0));
  CHECK(k["clv_profit"].get<double>() == Approx(50.0 / 3));
  CHECK(k["aov"].get<double>() == Approx(200.0 / 6));
  CHECK(k["window_days"].get<double>() == Approx(70.0));
  CHECK(k["window_months"].get<double>() == Approx(70 / 30.436875));
  CHECK(k["frequency_per_month"].get<double>() == Approx(2 / (70 / 30.436875)));
  CHECK(k["duration_months"].get<double>() == Approx(36.0));
  CHECK(k["duration_rule"] == "horizon_cap");
  CHECK(k["value"].get<double>() == Approx(200.0 / 6 * 2 / (70 / 30.436875) * 36));
  CHECK(k["value"].get<double>() == Approx(1043.55).margin(0.005));
  CHECK(k["band"].is_null());
  CHECK(k["clv_cac"].is_null());
  // 25% is the same margin as 0.25.
  auto percent = run_cxkpi("clv '" + orders + "' --margin 25% --format json");
  CHECK(percent.out == r.out);

  // --churn 5 (% a month): duration 100 / 5 = 20 months → CLV = 28.9875 × 20 = 579.75
  // (28.9875 = AOV × frequency = 33.333 × 0.869626). --cac 100: CLV:CAC 5.80, healthy.
  auto churn = run_cxkpi("clv '" + orders + "' --churn 5 --cac 100 --format json");
  REQUIRE(churn.exit_code == 0);
  auto j = json::parse(churn.out);
  REQUIRE(j["kpis"].size() == 2);
  k = j["kpis"][0];
  CHECK(k["duration_months"].get<double>() == Approx(20.0));
  CHECK(k["duration_rule"] == "churn");
  CHECK(k["monthly_churn"].get<double>() == Approx(5.0));
  CHECK(k["churn_source"] == "given");
  CHECK(k["value"].get<double>() == Approx(579.75));
  CHECK(k["clv_cac"].get<double>() == Approx(5.7975));
  CHECK(k["profit_basis"] == "none");
  CHECK(k["clv_profit"].is_null());
  auto ratio = j["kpis"][1];
  CHECK(ratio["kpi"] == "clv_cac");
  CHECK(ratio["value"].get<double>() == Approx(5.7975));
  CHECK(ratio["band"] == "healthy");

  // --lifespan 12 wins over --churn: 28.9875 × 12 = 347.85.
  auto lifespan = run_cxkpi("clv '" + orders + "' --lifespan 12 --churn 5 --format json");
  REQUIRE(lifespan.exit_code == 0);
  k = json::parse(lifespan.out)["kpis"][0];
  CHECK(k["duration_rule"] == "lifespan");
  CHECK(k["value"].get<double>() == Approx(347.85));
  // --churn 1: 100 months, capped at --horizon 24.
  auto capped = run_cxkpi("clv '" + orders + "' --churn 1 --horizon 24 --format json");
  k = json::parse(capped.out)["kpis"][0];
  CHECK(k["duration_months"].get<double>() == Approx(24.0));
  CHECK(k["duration_rule"] == "horizon_cap");

  // --subscriptions: the monthly churn of tests/data/orders/subscriptions.csv is
  // 4 / 15 = 26.67% (see cli_churn_test.cpp) → duration 100 / 26.667 = 3.75 months →
  // CLV = 28.9875 × 3.75 = 108.70; with --cac 300, CLV:CAC = 0.362 ("loses money").
  auto subs = run_cxkpi("clv '" + orders + "' --subscriptions '" + data("orders/subscriptions.csv") +
                        "' --cac 300 --format json -q");
  REQUIRE(subs.exit_code == 0);
  j = json::parse(subs.out);
  k = j["kpis"][0];
  CHECK(k["churn_source"] == "subscriptions");
  CHECK(k["monthly_churn"].get<double>() == Approx(400.0 / 15));
  CHECK(k["duration_months"].get<double>() == Approx(3.75));
  CHECK(k["value"].get<double>() == Approx(28.9875 * 3.75));
  CHECK(j["kpis"][1]["band"] == "loses money");
  CHECK(j["rows"]["read"] == 6);  // the orders; the subscriptions feed one figure
}

TEST_CASE("clv: the profit form from a profit column", "[cli][clv]") {
  // orders_profit.csv: the same orders with profits 3, 5, 9, 10, 12 and one blank:
  // a blank profit is an order without a profit figure, not a skipped row.
  // W = (3 + 5 + 9 + 10 + 12) / 5 = 7.8; A = 6 / 3 = 2 → W × A = 15.6.
  auto r = run_cxkpi("clv '" + data("orders/orders_profit.csv") + "' --format json");
  REQUIRE(r.exit_code == 0);
  auto k = json::parse(r.out)["kpis"][0];
  CHECK(k["profit_basis"] == "profit_column");
  CHECK(k["profit_per_order"].get<double>() == Approx(7.8));
  CHECK(k["clv_profit"].get<double>() == Approx(15.6));
  CHECK(k["orders"] == 6);
  // --margin wins over the column (and the column is then not read).
  auto margin = run_cxkpi("clv '" + data("orders/orders_profit.csv") + "' --margin 0.25 --format json");
  CHECK(json::parse(margin.out)["kpis"][0]["clv_profit"].get<double>() == Approx(50.0 / 3));
}

TEST_CASE("clv: option errors are usage errors", "[cli][clv][errors]") {
  for (const char* flags : {"--margin 1.5", "--margin abc", "--churn 120", "--lifespan 0", "--horizon -1",
                            "--cac 0", "--churn 5 --subscriptions x.csv"}) {
    INFO(flags);
    auto r = run_cxkpi("clv '" + orders + "' " + flags);
    CHECK(r.exit_code == 64);
    CHECK_THAT(r.err, Catch::Contains("--help"));
    CHECK(r.out.empty());
  }
  auto margin = run_cxkpi("clv '" + orders + "' --margin 1.5");
  CHECK_THAT(margin.err,
             Catch::Contains("--margin takes a fraction between 0 and 1 (0.25) or a percentage (25%), not \"1.5\""));
  // CLV needs amounts: a file without one names its columns.
  auto no_amount = run_cxkpi("clv '" + data("orders/services.csv") + "'");
  CHECK(no_amount.exit_code == 65);
}

// tests/data/orders/services.csv: A {x, y, x again}, B {x}, C {x, y, z}.
// Pairs: A 2, B 1, C 3 = 6 of 3 customers = 2.0 services per customer.
// Penetration: x 3/3 = 100%, y 2/3 = 66.7%, z 1/3 = 33.3%.
// Distribution: 1 service B, 2 services A, 3 services C.
TEST_CASE("services per customer, penetration, distribution", "[cli][services]") {
  auto r = run_cxkpi("services '" + data("orders/services.csv") + "' --format json");
  REQUIRE(r.exit_code == 0);
  auto j = json::parse(r.out);
  auto k = j["kpis"][0];
  CHECK(k["kpi"] == "services");
  CHECK(k["value"].get<double>() == Approx(2.0));
  CHECK(k["n"] == 3);
  CHECK(k["pairs"] == 6);
  CHECK(k["services"] == 3);
  CHECK(k["penetration"]["x"].get<double>() == Approx(100.0));
  CHECK(k["penetration"]["y"].get<double>() == Approx(200.0 / 3));
  CHECK(k["penetration"]["z"].get<double>() == Approx(100.0 / 3));
  CHECK(k["service_customers"]["y"] == 2);
  CHECK(k["distribution"] == json({{"1", 1}, {"2", 1}, {"3", 1}}));
  CHECK(j["rows"]["read"] == 7);
  CHECK(j["rows"]["used"] == 7);
  // Orders without a service column: an error naming the columns and the flag.
  auto none = run_cxkpi("services '" + orders + "'");
  CHECK(none.exit_code == 65);
  CHECK_THAT(none.err, Catch::Contains("no service column found; the columns are \"order_id\", \"customer_id\", "
                                       "\"order_date\", \"amount\"; name one with --service-column"));
}

TEST_CASE("the same orders as , CSV, ; CSV with decimal commas and day-first dates, JSON Lines",
          "[cli][rpr][clv][formats]") {
  // orders_semicolon.csv: 05.01.2025 and "10,00", "20,0", "30,000"; orders.jsonl: numbers,
  // a string amount and "40.0". Same orders, so the same bytes of JSON.
  for (const char* command : {"rpr", "clv"}) {
    INFO(command);
    const std::string extra = std::string(command) == "clv" ? " --margin 0.25 --cac 50" : "";
    auto csv = run_cxkpi(std::string(command) + " '" + orders + "' --format json" + extra);
    REQUIRE(csv.exit_code == 0);
    auto semicolon = run_cxkpi(std::string(command) + " '" + data("orders/orders_semicolon.csv") +
                               "' --date-format day-first --format json" + extra);
    REQUIRE(semicolon.exit_code == 0);
    CHECK(semicolon.out == csv.out);
    auto jsonl = run_cxkpi(std::string(command) + " '" + data("orders/orders.jsonl") + "' --format json" + extra);
    REQUIRE(jsonl.exit_code == 0);
    CHECK(jsonl.out == csv.out);
  }
  // Without --date-format, day-first dates are never guessed: every row is a bad date.
  auto guessed = run_cxkpi("rpr '" + data("orders/orders_semicolon.csv") + "' --format json -q");
  REQUIRE(guessed.exit_code == 0);
  CHECK(json::parse(guessed.out)["rows"]["skipped_by_reason"]["bad_date"] == 6);
}

TEST_CASE("bad rows are skipped with their reason, or an error under --strict", "[cli][rpr][errors]") {
  // bad_orders.csv, 9 rows: line 2 A 10 ok; 3 A 2025-02-30 (bad_date); 4 B -5
  // (negative_amount); 5 B abc (not_a_number); 6 no customer (missing_customer); 7 C 50
  // ok; 8 C no date (missing_date); 9 D no amount (missing_amount); 10 A 30 ok.
  // Used: A 10, C 50, A 30 → A repeats: 1 of 2 = 50%; AOV 90 / 3 = 30.
  auto r = run_cxkpi("rpr '" + data("orders/bad_orders.csv") + "' --format json");
  REQUIRE(r.exit_code == 0);
  auto j = json::parse(r.out);
  CHECK(j["kpis"][0]["value"].get<double>() == Approx(50.0));
  CHECK(j["kpis"][0]["aov"].get<double>() == Approx(30.0));
  CHECK(j["rows"]["read"] == 9);
  CHECK(j["rows"]["used"] == 3);
  CHECK(j["rows"]["skipped"] == 6);
  for (const char* reason :
       {"bad_date", "negative_amount", "not_a_number", "missing_customer", "missing_date", "missing_amount"}) {
    INFO(reason);
    CHECK(j["rows"]["skipped_by_reason"][reason] == 1);
    CHECK(j["kpis"][0]["rows"]["skipped_by_reason"][reason] == 1);
  }
  CHECK_THAT(r.err, Catch::Contains("bad_orders.csv:3:2: skipped row: invalid date \"2025-02-30\" in column "
                                    "\"order_date\""));
  CHECK_THAT(r.err, Catch::Contains("bad_orders.csv:4:3: skipped row: negative amount \"-5\" in column \"amount\""));
  CHECK_THAT(r.err, Catch::Contains("bad_orders.csv:5:3: skipped row: not a number \"abc\" in column \"amount\""));
  CHECK_THAT(r.err, Catch::Contains("bad_orders.csv:6:1: skipped row: missing customer id in column \"customer_id\""));

  auto strict = run_cxkpi("rpr '" + data("orders/bad_orders.csv") + "' --strict");
  CHECK(strict.exit_code == 65);
  CHECK(strict.out.empty());
  CHECK_THAT(strict.err, Catch::Contains("cxkpi: error: "));
  CHECK_THAT(strict.err, Catch::Contains("bad_orders.csv:3:2: invalid date \"2025-02-30\" in column \"order_date\""));
  // Each reason on its own under --strict: the first bad row of a file that has only it.
  auto negative = run_cxkpi("clv - --strict", data("orders/bad_orders_negative.csv"));
  CHECK(negative.exit_code == 65);
  CHECK_THAT(negative.err, Catch::Contains("<stdin>:3:3: negative amount \"-5\" in column \"amount\""));
}

TEST_CASE("CDNOW: whitespace-separated, compact dates", "[cli][rpr][cdnow]") {
  // As in tests/rpr_test.cpp: 69,659 orders of 23,570 customers, 11,662 of them
  // repeat → RPR 100 × 11662 / 23570 = 49.48%; revenue 2,500,315.63 → AOV 35.89.
  const std::string cdnow = std::string(CXKPI_SHARED_DATA) + "/cdnow/CDNOW_master.txt";
  auto r = run_cxkpi("rpr '" + cdnow + "' --delimiter whitespace --date-format iso --format json");
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  auto k = json::parse(r.out)["kpis"][0];
  CHECK(k["value"].get<double>() == Approx(100.0 * 11662 / 23570));
  CHECK(k["value"].get<double>() == Approx(49.48).margin(0.005));
  CHECK(k["orders"] == 69659);
  CHECK(k["customers"] == 23570);
  CHECK(k["repeat_customers"] == 11662);
  CHECK(k["aov"].get<double>() == Approx(2500315.63 / 69659));
  CHECK(k["first_order"] == "1997-01-01");
  CHECK(k["last_order"] == "1998-06-30");
}

TEST_CASE("report: every KPI the bundled examples support", "[cli][report]") {
  const std::string examples = std::string(CXKPI_EXAMPLES);
  const std::string args = "report --survey '" + examples + "/survey.csv' --orders '" + examples +
                           "/orders.csv' --subscriptions '" + examples + "/subscriptions.csv' -q";
  auto r = run_cxkpi(args + " --format json");
  REQUIRE(r.exit_code == 0);
  auto j = json::parse(r.out);
  std::vector<std::string> kpis;
  for (const json& k : j["kpis"]) kpis.push_back(k["kpi"]);
  // Survey and orders together add revenue by NPS group (tests/cli/cli_loyalty_test.cpp).
  CHECK(kpis == std::vector<std::string>{"nps", "csat", "ces", "churn", "rpr", "clv", "services",
                                         "revenue_per_customer", "revenue_per_customer", "revenue_per_customer",
                                         "detractor_revenue_share"});
  // From the shell: awk -F, 'NR>1 {n[$2]++} END {for (c in n) {C++; if (n[c]>=2) R++};
  // print R, C}' examples/orders.csv → 26 45: RPR = 100 × 26 / 45 = 57.78%.
  CHECK(kpi_of(j, "rpr")["value"].get<double>() == Approx(100.0 * 26 / 45));
  // Distinct (customer, product) pairs: 56 of 45 customers = 1.244.
  CHECK(kpi_of(j, "services")["value"].get<double>() == Approx(56.0 / 45));
  // CLV takes the subscriptions' monthly churn.
  CHECK(kpi_of(j, "clv")["churn_source"] == "subscriptions");
  CHECK(kpi_of(j, "clv")["monthly_churn"].get<double>() == Approx(kpi_of(j, "churn")["value"].get<double>()));
  CHECK(kpi_of(j, "nps")["value"].get<double>() == Approx(37.29).margin(0.01));
  // Every input row once: survey 60 + subscriptions 41 + orders 97.
  CHECK(j["rows"]["read"] == 60 + 41 + 97);

  // Every format holds the seven KPIs.
  auto table = run_cxkpi(args);
  REQUIRE(table.exit_code == 0);
  for (const char* label : {"NPS", "CSAT", "CES", "CHURN", "RPR", "CLV", "SERVICES"})
    CHECK_THAT(table.out, Catch::Contains(label));
  auto csv = run_cxkpi(args + " --format csv");
  REQUIRE(csv.exit_code == 0);
  for (const char* line : {"\nnps,", "\ncsat,", "\nces,", "\nchurn,", "\nrpr,", "\nclv,", "\nservices,"})
    CHECK_THAT(csv.out, Catch::Contains(line));
  auto markdown = run_cxkpi(args + " --format markdown");
  REQUIRE(markdown.exit_code == 0);
  CHECK_THAT(markdown.out, Catch::Contains("| SERVICES |"));

  // Checks on any KPI.
  auto checks = run_cxkpi(args + " --check 'churn<=10' --check 'rpr>=25' --check 'nps>=30'");
  CHECK(checks.exit_code == 0);
  auto cac = run_cxkpi(args + " --cac 40 --check 'clv_cac>=3' --format json");
  CHECK(cac.exit_code == 0);
  CHECK(kpi_of(json::parse(cac.out), "clv_cac")["band"] == "healthy");
}

TEST_CASE("report: checks and the KPIs of orders alone", "[cli][report][check]") {
  // The fixture's RPR is 66.67%: rpr>=80 fails, with one line on stderr.
  auto failing = run_cxkpi("report --orders '" + orders + "' -q --check 'rpr>=80'");
  CHECK(failing.exit_code == 1);
  CHECK_THAT(failing.err, Catch::Contains("cxkpi: check failed: rpr>=80 (rpr is 66.67)"));
  // A KPI the inputs cannot give fails its check: no subscriptions, no churn.
  auto no_churn = run_cxkpi("report --orders '" + orders + "' -q --check 'churn<=3'");
  CHECK(no_churn.exit_code == 1);
  CHECK_THAT(no_churn.err, Catch::Contains("no churn result in this report"));

  // orders_services.csv: A x 10; A y "oops"; B x 40; C (no product) 50. Each KPI keeps
  // its own accounting: orders use 3 (A's "oops" is not a number), services use 3
  // (C has no product); every row is used by one KPI at least.
  // RPR: A, B, C one order each → 0%. Services: A {x, y}, B {x} → 3 / 2 = 1.5.
  auto r = run_cxkpi("report --orders '" + data("orders/orders_services.csv") + "' --format json");
  REQUIRE(r.exit_code == 0);
  auto j = json::parse(r.out);
  CHECK(kpi_of(j, "rpr")["value"].get<double>() == Approx(0.0));
  CHECK(kpi_of(j, "rpr")["rows"]["skipped_by_reason"]["not_a_number"] == 1);
  CHECK(kpi_of(j, "services")["value"].get<double>() == Approx(1.5));
  CHECK(kpi_of(j, "services")["rows"]["skipped_by_reason"]["missing_service"] == 1);
  CHECK(j["rows"]["read"] == 4);
  CHECK(j["rows"]["used"] == 4);
  CHECK_THAT(r.err, Catch::Contains("orders_services.csv:3:4: skipped row: orders: not a number \"oops\""));
  CHECK_THAT(r.err,
             Catch::Contains("orders_services.csv:5:3: skipped row: services: missing service in column \"product\""));

  auto nothing = run_cxkpi("report");
  CHECK(nothing.exit_code == 64);
  auto positional = run_cxkpi("report '" + orders + "'");
  CHECK(positional.exit_code == 64);
  CHECK_THAT(positional.err, Catch::Contains("report takes its files with --survey, --orders and --subscriptions"));
}
