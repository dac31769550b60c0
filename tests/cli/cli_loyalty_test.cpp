// Revenue by NPS group end to end (issue 4, item 4): cxkpi report --survey S
// --orders O on the hand-made pair in tests/data/loyalty/, every figure
// computed by hand below.
//
// survey.csv (12 rows):
//   C01 10, C02 9            promoters
//   C03 8, C04 7             passives
//   C05 3, C06 6, C07 0      detractors
//   C08 9                    promoter who never ordered
//   C09 4 on 2025-03-20 (line 10), C09 9 on 2025-03-02 (line 12): the latest
//                            answer by date is the 4 (detractor), though read first
//   line 11: no customer id (skipped for the join: missing_customer)
//   line 13: C03 "n/a" (skipped: not_a_number; C03 keeps its 8)
//   → 9 respondents; rows 12 = 9 used + 3 skipped (missing_customer 1,
//     not_a_number 1, superseded_answer 1: C09's earlier 9).
// orders.csv (17 rows):
//   C01 150 + 100 + 50 = 300 (3), C02 200 (1)
//   C03 60.25 + 39.75 = 100 (2), C04 100 (1)
//   C05 80 + 40 = 120 (2), C06 15 (1), C07 25 + 20 = 45 (2), C09 120 (1)
//   C10 30 + 20 = 50 (2): never answered
//   line 8: no customer id (missing_customer); line 14: C01 "abc" (not_a_number)
//   → 15 orders, 1050.00; rows 17 = 15 used + 2 skipped.
// Groups:
//   promoters  C01, C02: 2 customers, 4 orders, 500.00 → 250.00 per customer,
//              2.0 orders per customer, AOV 500 / 4 = 125.00; C08 without orders
//   passives   C03, C04: 2 customers, 3 orders, 200.00 → 100.00, 1.5, AOV 66.67
//   detractors C05, C06, C07, C09: 4 customers, 6 orders, 300.00 → 75.00, 1.5, AOV 50.00
//   matched revenue 500 + 200 + 300 = 1000.00: shares 50%, 20%, 30%
//   detractor share 100 × 300 / 1000 = 30%
//   at risk (revenue descending, ties by id): C05 120 (score 3, 2 orders),
//   C09 120 (score 4, 1 order), C07 45 (score 0, 2 orders); then C06 15.

#include "run_cxkpi.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <tuple>
#include <vector>

using Catch::Detail::Approx;
using nlohmann::json;

namespace {

const std::string survey = data("loyalty/survey.csv");
const std::string orders = data("loyalty/orders.csv");
const std::string both = "report --survey '" + survey + "' --orders '" + orders + "'";

json row_of(const json& doc, const std::string& kpi, const std::string& segment = "") {
  for (const json& k : doc["kpis"])
    if (k["kpi"] == kpi && k.value("segment", "") == segment) return k;
  FAIL("no " << kpi << " row [" << segment << "]");
  return {};
}

std::vector<std::string> loyalty_kpis(const json& doc) {
  std::vector<std::string> out;
  for (const json& k : doc["kpis"])
    if (k["kpi"] == "revenue_per_customer" || k["kpi"] == "detractor_revenue_share" || k["kpi"] == "at_risk")
      out.push_back(k["kpi"].get<std::string>() + "[" + k.value("segment", "") + "]");
  return out;
}

}  // namespace

TEST_CASE("revenue by NPS group on the hand-made pair", "[cli][report][loyalty]") {
  auto r = run_cxkpi(both + " --at-risk 3 --format json");
  REQUIRE(r.exit_code == 0);
  const json doc = json::parse(r.out);

  // After every other KPI, in a fixed order.
  CHECK(loyalty_kpis(doc) ==
        std::vector<std::string>{"revenue_per_customer[nps_group=promoter]", "revenue_per_customer[nps_group=passive]",
                                 "revenue_per_customer[nps_group=detractor]", "detractor_revenue_share[]",
                                 "at_risk[customer=C05]", "at_risk[customer=C09]", "at_risk[customer=C07]"});

  const json promoters = row_of(doc, "revenue_per_customer", "nps_group=promoter");
  CHECK(promoters["value"].get<double>() == 250.0);  // 500 / 2
  CHECK(promoters["n"] == 2);
  CHECK(promoters["customers"] == 2);
  CHECK(promoters["orders"] == 4);
  CHECK(promoters["revenue"].get<double>() == 500.0);
  CHECK(promoters["orders_per_customer"].get<double>() == 2.0);  // 4 / 2
  CHECK(promoters["aov"].get<double>() == 125.0);                // 500 / 4
  CHECK(promoters["revenue_share_pct"].get<double>() == 50.0);   // 100 × 500 / 1000
  CHECK(promoters["respondents_without_orders"] == 1);           // C08
  CHECK(promoters["ci95"].is_null());
  CHECK(promoters["band"].is_null());

  const json passives = row_of(doc, "revenue_per_customer", "nps_group=passive");
  CHECK(passives["value"].get<double>() == 100.0);  // 200 / 2
  CHECK(passives["customers"] == 2);
  CHECK(passives["orders"] == 3);
  CHECK(passives["revenue"].get<double>() == 200.0);            // 60.25 + 39.75 + 100, exact
  CHECK(passives["orders_per_customer"].get<double>() == 1.5);  // 3 / 2
  CHECK(passives["aov"].get<double>() == Approx(200.0 / 3));    // 66.67
  CHECK(passives["revenue_share_pct"].get<double>() == 20.0);
  CHECK(passives["respondents_without_orders"] == 0);

  const json detractors = row_of(doc, "revenue_per_customer", "nps_group=detractor");
  CHECK(detractors["value"].get<double>() == 75.0);  // 300 / 4
  CHECK(detractors["customers"] == 4);               // C09 among them: its latest answer is the 4
  CHECK(detractors["orders"] == 6);
  CHECK(detractors["revenue"].get<double>() == 300.0);
  CHECK(detractors["orders_per_customer"].get<double>() == 1.5);  // 6 / 4
  CHECK(detractors["aov"].get<double>() == 50.0);                 // 300 / 6
  CHECK(detractors["revenue_share_pct"].get<double>() == 30.0);

  const json share = row_of(doc, "detractor_revenue_share");
  CHECK(share["value"].get<double>() == 30.0);  // 100 × 300 / 1000
  CHECK(share["n"] == 8);                       // matched customers: 2 + 2 + 4
  CHECK(share["detractor_revenue"].get<double>() == 300.0);
  CHECK(share["revenue"].get<double>() == 1000.0);
  CHECK(share["respondents"] == 9);
  // Unmatched, both sides: C08 answered and never ordered; C10 ordered twice
  // (30 + 20) and never answered.
  CHECK(share["respondents_without_orders"] == 1);
  CHECK(share["customers_without_answer"] == 1);
  CHECK(share["orders_without_answer"] == 2);
  CHECK(share["revenue_without_answer"].get<double>() == 50.0);

  // The customers to call first.
  const std::vector<std::tuple<std::string, double, int, int>> expected = {
      {"customer=C05", 120.0, 3, 2}, {"customer=C09", 120.0, 4, 1}, {"customer=C07", 45.0, 0, 2}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& [segment, revenue, score, order_count] = expected[i];
    const json k = row_of(doc, "at_risk", segment);
    CHECK(k["value"].get<double>() == revenue);
    CHECK(k["rank"] == i + 1);
    CHECK(k["score"] == score);
    CHECK(k["orders"] == order_count);
  }

  // Row accounting of the join: survey 12 = 9 + 3, orders 17 = 15 + 2.
  const json rows = share["rows"];
  CHECK(rows["read"] == 12 + 17);
  CHECK(rows["used"] == 9 + 15);
  CHECK(rows["skipped"] == 3 + 2);
  CHECK(rows["skipped_by_reason"] ==
        json{{"missing_customer", 1 + 1}, {"not_a_number", 1 + 1}, {"superseded_answer", 1}});
  CHECK(rows["read"].get<int>() == rows["used"].get<int>() + rows["skipped"].get<int>());
  CHECK(promoters["rows"] == rows);  // every row of the join carries its accounting
  // The report counts each input row once: the join reads the same rows again.
  CHECK(doc["rows"]["read"] == 12 + 17);
  CHECK(doc["rows"]["used"].get<int>() + doc["rows"]["skipped"].get<int>() == 29);

  // The join holds every order RPR counts: 13 matched + 2 unmatched = 15;
  // 1000 + 50 = 1050.00.
  const json rpr = row_of(doc, "rpr");
  CHECK(rpr["orders"] == 4 + 3 + 6 + 2);
  CHECK(rpr["revenue"].get<double>() == 1050.0);

  // Skipped rows named on stderr: the join's own (no customer id in the
  // survey), after the sections' (the survey's "n/a", the orders' two).
  CHECK_THAT(r.err, Catch::Contains("survey.csv:11:2: skipped row: revenue by NPS group: missing customer id in column "
                                    "\"customer_id\""));
  CHECK_THAT(r.err, Catch::Contains("survey.csv:13:4: skipped row: nps: not a number \"n/a\""));
  CHECK_THAT(r.err, Catch::Contains("orders.csv:8:2: skipped row: missing customer id"));
}

TEST_CASE("revenue by NPS group in every format", "[cli][report][loyalty]") {
  const std::string args = both + " --at-risk 2 -q";
  auto table = run_cxkpi(args);
  REQUIRE(table.exit_code == 0);
  CHECK_THAT(table.out, Catch::Contains("REVENUE_PER_CUSTOMER [nps_group=promoter]"));
  CHECK_THAT(table.out, Catch::Contains("customers 2, orders 4, revenue 500.00, orders per customer 2.00, aov 125.00, "
                                        "revenue share 50.0%, respondents without orders 1"));
  CHECK_THAT(table.out, Catch::Contains("DETRACTOR_REVENUE_SHARE"));
  CHECK_THAT(table.out, Catch::Contains("customers without answer 1, orders without answer 2, revenue without answer "
                                        "50.00"));
  CHECK_THAT(table.out, Catch::Contains("AT_RISK [customer=C05]"));
  CHECK_THAT(table.out, Catch::Contains("rank 2, score 4, orders 1"));
  CHECK_THAT(table.out, Catch::Contains("DETRACTOR_REVENUE_SHARE: rows: 29 read, 24 used, 5 skipped (missing_customer "
                                        "2, not_a_number 2, superseded_answer 1)"));

  auto csv = run_cxkpi(args + " --format csv");
  REQUIRE(csv.exit_code == 0);
  CHECK_THAT(csv.out, Catch::Contains("\nrevenue_per_customer,nps_group=detractor,,75.0,,,4,,29,24,5,"
                                      "missing_customer=2;not_a_number=2;superseded_answer=1,"
                                      "customers=4;orders=6;revenue=300.0;orders_per_customer=1.5;aov=50.0;"
                                      "revenue_share_pct=30.0;respondents_without_orders=0\n"));
  CHECK_THAT(csv.out, Catch::Contains("\ndetractor_revenue_share,,,30.0,,,8,"));
  CHECK_THAT(csv.out,
             Catch::Contains("customers_without_answer=1;orders_without_answer=2;revenue_without_answer=50.0"));
  CHECK_THAT(csv.out, Catch::Contains("\nat_risk,customer=C05,,120.0,,,1,"));
  CHECK_THAT(csv.out, Catch::Contains("rank=1;score=3;orders=2\n"));
  CHECK_THAT(csv.out, Catch::Contains("\nat_risk,customer=C09,,120.0,,,1,"));

  auto markdown = run_cxkpi(args + " --format markdown");
  REQUIRE(markdown.exit_code == 0);
  CHECK_THAT(markdown.out, Catch::Contains("| REVENUE_PER_CUSTOMER [nps_group=passive] | 100.00 |"));
  CHECK_THAT(markdown.out, Catch::Contains("| DETRACTOR_REVENUE_SHARE | 30.0 |"));
  CHECK_THAT(markdown.out, Catch::Contains("| AT_RISK [customer=C09] | 120.00 |"));

  // Without --at-risk: the groups and the share, no list.
  auto plain = run_cxkpi(both + " -q --format json");
  REQUIRE(plain.exit_code == 0);
  CHECK(loyalty_kpis(json::parse(plain.out)).size() == 4);
}

TEST_CASE("checks on revenue by NPS group", "[cli][report][loyalty][check]") {
  auto failing = run_cxkpi(both + " -q --check 'detractor_revenue_share<=25'");
  CHECK(failing.exit_code == 1);
  CHECK_THAT(failing.err, Catch::Contains("cxkpi: check failed: detractor_revenue_share<=25 (detractor_revenue_share "
                                          "is 30)"));
  auto passing = run_cxkpi(both +
                           " -q --check 'detractor_revenue_share<=30' --check "
                           "'revenue_per_customer[nps_group=promoter]>=250' --check "
                           "'detractor_revenue_share.customers_without_answer<=1'");
  CHECK(passing.exit_code == 0);
  // A selector names one group: the detractors' 75.00 fails >= 100 on its own.
  auto group = run_cxkpi(both + " -q --check 'revenue_per_customer[nps_group=detractor]>=100'");
  CHECK(group.exit_code == 1);
  CHECK_THAT(group.err, Catch::Contains("(revenue_per_customer[nps_group=detractor] is 75)"));
}

TEST_CASE("repeat answers without a date column: the last row read counts", "[cli][report][loyalty]") {
  // survey_undated.csv: survey.csv without submitted_at. C09's last row read
  // is the 9 (line 12): C09 is a promoter now.
  //   promoters  C01 300, C02 200, C09 120: 3 customers, 5 orders, 620.00 → 206.67
  //   detractors C05 120, C06 15, C07 45: 3 customers, 5 orders, 180.00 → 60.00
  //   share 100 × 180 / 1000 = 18%; at risk C05 120, C07 45, C06 15.
  auto r = run_cxkpi("report --survey '" + data("loyalty/survey_undated.csv") + "' --orders '" + orders +
                     "' --at-risk 5 -q --format json");
  REQUIRE(r.exit_code == 0);
  const json doc = json::parse(r.out);
  const json promoters = row_of(doc, "revenue_per_customer", "nps_group=promoter");
  CHECK(promoters["customers"] == 3);
  CHECK(promoters["orders"] == 5);
  CHECK(promoters["value"].get<double>() == Approx(620.0 / 3));
  const json detractors = row_of(doc, "revenue_per_customer", "nps_group=detractor");
  CHECK(detractors["customers"] == 3);
  CHECK(detractors["value"].get<double>() == 60.0);
  CHECK(row_of(doc, "detractor_revenue_share")["value"].get<double>() == Approx(18.0));
  CHECK(loyalty_kpis(doc) ==
        std::vector<std::string>{"revenue_per_customer[nps_group=promoter]", "revenue_per_customer[nps_group=passive]",
                                 "revenue_per_customer[nps_group=detractor]", "detractor_revenue_share[]",
                                 "at_risk[customer=C05]", "at_risk[customer=C07]", "at_risk[customer=C06]"});
  CHECK(row_of(doc, "detractor_revenue_share")["rows"]["skipped_by_reason"]["superseded_answer"] == 1);
}

TEST_CASE("revenue by NPS group: what it cannot join", "[cli][report][loyalty]") {
  const std::string anonymous = data("loyalty/survey_no_customer.csv");
  // No customer id in the survey: the report still gives every other KPI;
  // --verbose says why there is no revenue by group.
  auto without = run_cxkpi("report --survey '" + anonymous + "' --orders '" + orders + "' -q -v --format json");
  REQUIRE(without.exit_code == 0);
  CHECK(loyalty_kpis(json::parse(without.out)).empty());
  CHECK_THAT(without.err, Catch::Contains("no revenue by NPS group: " + anonymous +
                                          ": no customer id column found; the columns are \"response_id\", "
                                          "\"submitted_at\", \"nps\"; name one with --survey-customer-column"));
  // --at-risk asks for the join: a data error (65) naming the file and its columns.
  auto asked = run_cxkpi("report --survey '" + anonymous + "' --orders '" + orders + "' -q --at-risk 3");
  CHECK(asked.exit_code == 65);
  CHECK(asked.out.empty());
  CHECK_THAT(asked.err, Catch::Contains("cxkpi: error: " + anonymous +
                                        ":1: no customer id column found for --at-risk (revenue by NPS group); the "
                                        "columns are \"response_id\", \"submitted_at\", \"nps\"; name one with "
                                        "--survey-customer-column"));
  // Naming the column: a name that is not there is an error too.
  auto named = run_cxkpi(both + " -q --survey-customer-column client");
  CHECK(named.exit_code == 65);
  CHECK_THAT(named.err, Catch::Contains("no column \"client\"; the columns are"));
  auto renamed = run_cxkpi(both + " -q --survey-customer-column customer_id --format json");
  CHECK(renamed.exit_code == 0);

  // Usage errors (64), before any data is read.
  auto alone = run_cxkpi("report --survey '" + survey + "' --at-risk 3");
  CHECK(alone.exit_code == 64);
  CHECK_THAT(alone.err, Catch::Contains("--at-risk needs --survey and --orders"));
  auto piped = run_cxkpi("report --survey - --orders '" + orders + "' --at-risk 3", survey);
  CHECK(piped.exit_code == 64);
  CHECK_THAT(piped.err, Catch::Contains("--at-risk needs files, not standard input"));
  CHECK(piped.out.empty());
  auto not_a_count = run_cxkpi(both + " --at-risk many");
  CHECK(not_a_count.exit_code == 64);
  // Standard input without --at-risk: the other KPIs, no join.
  auto stdin_plain = run_cxkpi("report --survey - --orders '" + orders + "' -q --format json", survey);
  REQUIRE(stdin_plain.exit_code == 0);
  CHECK(loyalty_kpis(json::parse(stdin_plain.out)).empty());
}

TEST_CASE("the worked example of docs/loyalty-revenue.md", "[cli][report][loyalty]") {
  // examples/survey.csv: 60 rows, one "n/a" score; 59 answers from 34
  // customers, so 25 are earlier answers of a customer who answered again
  // (the latest by submitted_at counts). examples/orders.csv: 97 orders, 45
  // customers, 2719.50. Checked outside cxkpi with Python's csv and Decimal:
  //   promoters  19 customers, 40 orders, 893.00 → 47.00 per customer, AOV 22.325
  //   passives   12 customers, 30 orders, 892.00 → 74.33, AOV 29.73
  //   detractors  3 customers,  5 orders, 115.50 → 38.50, AOV 23.10
  //   matched 1900.50: detractor share 100 × 115.5 / 1900.5 = 6.08%
  //   11 customers never answered: 22 orders, 819.00 (1900.50 + 819 = 2719.50)
  //   at risk: C017 66.00 (score 1, 3 orders), C036 32.00 (5, 1), C026 17.50 (5, 1)
  const std::string examples = std::string(CXKPI_EXAMPLES);
  auto r = run_cxkpi("report --survey '" + examples + "/survey.csv' --orders '" + examples +
                     "/orders.csv' --at-risk 5 -q --format json");
  REQUIRE(r.exit_code == 0);
  const json doc = json::parse(r.out);
  const json promoters = row_of(doc, "revenue_per_customer", "nps_group=promoter");
  CHECK(promoters["customers"] == 19);
  CHECK(promoters["orders"] == 40);
  CHECK(promoters["value"].get<double>() == Approx(47.0));
  CHECK(promoters["aov"].get<double>() == Approx(22.325));
  const json passives = row_of(doc, "revenue_per_customer", "nps_group=passive");
  CHECK(passives["customers"] == 12);
  CHECK(passives["revenue"].get<double>() == 892.0);
  const json detractors = row_of(doc, "revenue_per_customer", "nps_group=detractor");
  CHECK(detractors["customers"] == 3);
  CHECK(detractors["value"].get<double>() == Approx(38.5));
  const json share = row_of(doc, "detractor_revenue_share");
  CHECK(share["value"].get<double>() == Approx(100.0 * 115.5 / 1900.5));
  CHECK(share["respondents"] == 34);
  CHECK(share["respondents_without_orders"] == 0);
  CHECK(share["customers_without_answer"] == 11);
  CHECK(share["orders_without_answer"] == 22);
  CHECK(share["revenue_without_answer"].get<double>() == 819.0);
  CHECK(share["rows"]["skipped_by_reason"] == json{{"not_a_number", 1}, {"superseded_answer", 25}});
  CHECK(loyalty_kpis(doc).size() == 4 + 3);  // only 3 detractors have orders
  CHECK(row_of(doc, "at_risk", "customer=C017")["value"].get<double>() == 66.0);
  CHECK(row_of(doc, "at_risk", "customer=C036")["rank"] == 2);
  CHECK(row_of(doc, "at_risk", "customer=C026")["rank"] == 3);
}
