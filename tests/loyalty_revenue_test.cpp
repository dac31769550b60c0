// Revenue by loyalty group: the latest answer per customer, orders per
// customer, the join, the at-risk ranking; merge == one pass.
#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cxkpi/loyalty_revenue.hpp"

using cxkpi::customer_orders;
using cxkpi::latest_answers;
using cxkpi::nps_group;

namespace {

std::int64_t money(const char* text) { return cxkpi::parse_money(text).micros; }
// Day d as a timestamp (seconds): only the order of answers matters here.
cxkpi::timestamp day(int d) { return cxkpi::timestamp{86400} * d; }

// The pair of tests/data/loyalty/ (survey.csv, orders.csv) as the CLI reads
// it, without the rows the CLI skips (no customer id, "n/a", "abc").
latest_answers fixture_answers() {
  latest_answers a;
  a.add("C01", 10, day(1));
  a.add("C02", 9, day(1));
  a.add("C03", 8, day(2));
  a.add("C04", 7, day(2));
  a.add("C05", 3, day(3));
  a.add("C06", 6, day(3));
  a.add("C07", 0, day(4));
  a.add("C08", 9, day(4));   // answered, never ordered
  a.add("C09", 4, day(20));  // C09's latest answer ...
  a.add("C09", 9, day(2));   // ... read after an earlier one, which it keeps out
  return a;
}

customer_orders fixture_orders() {
  customer_orders o;
  o.add("C01", money("150.00"));
  o.add("C05", money("80.00"));
  o.add("C03", money("60.25"));
  o.add("C10", money("30.00"));  // ordered, never answered
  o.add("C07", money("25.00"));
  o.add("C02", money("200.00"));
  o.add("C09", money("120.00"));
  o.add("C01", money("100.00"));
  o.add("C04", money("100.00"));
  o.add("C06", money("15.00"));
  o.add("C05", money("40.00"));
  o.add("C03", money("39.75"));
  o.add("C07", money("20.00"));
  o.add("C10", money("20.00"));
  o.add("C01", money("50.00"));
  return o;
}

}  // namespace

TEST_CASE("NPS groups: 9-10 promoter, 7-8 passive, 0-6 detractor") {
  CHECK(cxkpi::nps_group_of(10) == nps_group::promoter);
  CHECK(cxkpi::nps_group_of(9) == nps_group::promoter);
  CHECK(cxkpi::nps_group_of(8) == nps_group::passive);
  CHECK(cxkpi::nps_group_of(7) == nps_group::passive);
  CHECK(cxkpi::nps_group_of(6) == nps_group::detractor);
  CHECK(cxkpi::nps_group_of(0) == nps_group::detractor);
  CHECK(cxkpi::to_string(nps_group::passive) == "passive");
}

TEST_CASE("latest answer: by date when there is one, else the last read") {
  SECTION("the later date wins, whatever the order read") {
    latest_answers a;
    a.add("A", 2, day(10));
    a.add("A", 9, day(3));
    REQUIRE(a.find("A") != nullptr);
    CHECK(a.find("A")->score == 2);
    CHECK(a.answers() == 2);
    CHECK(a.customers() == 1);
    CHECK(a.superseded() == 1);
  }
  SECTION("same date: the one read last") {
    latest_answers a;
    a.add("A", 2, day(3));
    a.add("A", 9, day(3));
    CHECK(a.find("A")->score == 9);
  }
  SECTION("no dates: the one read last") {
    latest_answers a;
    a.add("A", 2);
    a.add("A", 9);
    a.add("A", 5);
    CHECK(a.find("A")->score == 5);
    CHECK(a.superseded() == 2);
  }
  SECTION("a dated answer beats an undated one, read before or after") {
    latest_answers a;
    a.add("A", 2, day(3));
    a.add("A", 9);
    a.add("B", 9);
    a.add("B", 2, day(3));
    CHECK(a.find("A")->score == 2);
    CHECK(a.find("B")->score == 2);
  }
  SECTION("scores outside 0-10 are refused") {
    latest_answers a;
    CHECK_THROWS_AS(a.add("A", 11), std::invalid_argument);
    CHECK_THROWS_AS(a.add("A", -1), std::invalid_argument);
    CHECK(a.answers() == 0);
    CHECK(a.find("Z") == nullptr);
  }
}

// The figures the CLI test asserts too (tests/cli/cli_loyalty_test.cpp).
//   promoters  C01 150 + 100 + 50 = 300 (3 orders), C02 200 (1); C08 no orders
//              → 2 customers, 4 orders, 500.00
//   passives   C03 60.25 + 39.75 = 100 (2 orders), C04 100 (1)
//              → 2 customers, 3 orders, 200.00
//   detractors C05 80 + 40 = 120 (2), C06 15 (1), C07 25 + 20 = 45 (2),
//              C09 120 (1; latest answer 4, not the earlier 9)
//              → 4 customers, 6 orders, 300.00
//   matched revenue 500 + 200 + 300 = 1000.00; C10 never answered: 2 orders, 50.00
TEST_CASE("join: the hand-made pair, group by group") {
  const auto r = cxkpi::join_loyalty_revenue(fixture_answers(), fixture_orders(), 3);

  const auto& promoters = r.group(nps_group::promoter);
  CHECK(promoters.customers == 2);
  CHECK(promoters.orders == 4);
  CHECK(promoters.revenue_micros == 500'000'000);
  CHECK(promoters.respondents_without_orders == 1);                       // C08
  CHECK(promoters.revenue_per_customer == std::optional<double>(250.0));  // 500 / 2
  CHECK(promoters.orders_per_customer == std::optional<double>(2.0));     // 4 / 2
  CHECK(promoters.aov == std::optional<double>(125.0));                   // 500 / 4
  CHECK(promoters.revenue_share_percent == std::optional<double>(50.0));  // 100 × 500 / 1000

  const auto& passives = r.group(nps_group::passive);
  CHECK(passives.customers == 2);
  CHECK(passives.orders == 3);
  CHECK(passives.revenue_micros == 200'000'000);  // 60.25 + 39.75 + 100, exactly
  CHECK(passives.respondents_without_orders == 0);
  CHECK(passives.revenue_per_customer == std::optional<double>(100.0));  // 200 / 2
  CHECK(passives.orders_per_customer == std::optional<double>(1.5));     // 3 / 2
  REQUIRE(passives.aov);
  CHECK(*passives.aov == Approx(200.0 / 3));                             // 66.67
  CHECK(passives.revenue_share_percent == std::optional<double>(20.0));  // 100 × 200 / 1000

  const auto& detractors = r.group(nps_group::detractor);
  CHECK(detractors.customers == 4);
  CHECK(detractors.orders == 6);
  CHECK(detractors.revenue_micros == 300'000'000);
  CHECK(detractors.revenue_per_customer == std::optional<double>(75.0));    // 300 / 4
  CHECK(detractors.orders_per_customer == std::optional<double>(1.5));      // 6 / 4
  CHECK(detractors.aov == std::optional<double>(50.0));                     // 300 / 6
  CHECK(r.detractor_revenue_share_percent == std::optional<double>(30.0));  // 100 × 300 / 1000

  // Both sides' unmatched customers.
  CHECK(r.respondents == 9);  // C01-C09, C09 once
  CHECK(r.matched_customers == 8);
  CHECK(r.matched_orders == 13);  // 4 + 3 + 6
  CHECK(r.matched_revenue_micros == 1'000'000'000);
  CHECK(r.respondents_without_orders == 1);  // C08
  CHECK(r.customers_without_answer == 1);    // C10
  CHECK(r.orders_without_answer == 2);
  CHECK(r.revenue_without_answer_micros == 50'000'000);  // 30 + 20
  // With the unmatched, the join holds every order: 13 + 2 = 15, 1000 + 50 = 1050.
  CHECK(r.matched_orders + r.orders_without_answer == 15);

  // To call first: C05 and C09 tie at 120.00 (C05 first, by id), then C07 45.00;
  // C06 (15.00) is fourth and left out of 3.
  REQUIRE(r.at_risk.size() == 3);
  CHECK(r.at_risk[0].customer == "C05");
  CHECK(r.at_risk[0].score == 3);
  CHECK(r.at_risk[0].orders == 2);
  CHECK(r.at_risk[0].revenue_micros == 120'000'000);
  CHECK(r.at_risk[1].customer == "C09");
  CHECK(r.at_risk[1].score == 4);
  CHECK(r.at_risk[1].orders == 1);
  CHECK(r.at_risk[1].revenue_micros == 120'000'000);
  CHECK(r.at_risk[2].customer == "C07");
  CHECK(r.at_risk[2].score == 0);
  CHECK(r.at_risk[2].revenue_micros == 45'000'000);
}

TEST_CASE("at risk: as many as asked, at most every detractor with orders") {
  const latest_answers answers = fixture_answers();
  const customer_orders orders = fixture_orders();
  CHECK(cxkpi::join_loyalty_revenue(answers, orders).at_risk.empty());  // 0: none
  const auto all = cxkpi::join_loyalty_revenue(answers, orders, 100);
  REQUIRE(all.at_risk.size() == 4);  // C05, C09, C07, C06
  CHECK(all.at_risk[3].customer == "C06");
  CHECK(all.at_risk[3].revenue_micros == 15'000'000);
}

TEST_CASE("join: empty sides give counts and no ratios") {
  SECTION("nothing at all") {
    const auto r = cxkpi::join_loyalty_revenue(latest_answers{}, customer_orders{}, 5);
    CHECK(r.respondents == 0);
    CHECK(r.matched_customers == 0);
    CHECK_FALSE(r.detractor_revenue_share_percent);
    for (nps_group g : cxkpi::all_nps_groups) {
      CHECK_FALSE(r.group(g).revenue_per_customer);
      CHECK_FALSE(r.group(g).aov);
      CHECK_FALSE(r.group(g).revenue_share_percent);
    }
    CHECK(r.at_risk.empty());
  }
  SECTION("answers only: every respondent is without orders") {
    const auto r = cxkpi::join_loyalty_revenue(fixture_answers(), customer_orders{});
    CHECK(r.respondents_without_orders == 9);
    CHECK(r.group(nps_group::promoter).respondents_without_orders == 3);   // C01, C02, C08
    CHECK(r.group(nps_group::passive).respondents_without_orders == 2);    // C03, C04
    CHECK(r.group(nps_group::detractor).respondents_without_orders == 4);  // C05, C06, C07, C09
    CHECK_FALSE(r.detractor_revenue_share_percent);
  }
  SECTION("orders only: every customer is without an answer") {
    const auto r = cxkpi::join_loyalty_revenue(latest_answers{}, fixture_orders());
    CHECK(r.customers_without_answer == 9);  // C01-C07, C09, C10
    CHECK(r.orders_without_answer == 15);
    CHECK(r.revenue_without_answer_micros == 1'050'000'000);
    CHECK_FALSE(r.detractor_revenue_share_percent);
  }
  SECTION("matched revenue of 0: no shares") {
    latest_answers a;
    a.add("A", 3);
    customer_orders o;
    o.add("A", 0);
    const auto r = cxkpi::join_loyalty_revenue(a, o, 1);
    CHECK(r.group(nps_group::detractor).customers == 1);
    CHECK(r.group(nps_group::detractor).aov == std::optional<double>(0.0));
    CHECK_FALSE(r.detractor_revenue_share_percent);
    REQUIRE(r.at_risk.size() == 1);
  }
}

TEST_CASE("merge: parts read in order equal one pass, wherever the cut") {
  // Rows of both sides as (customer, score or amount, day); split at every
  // point, the two halves merged give the one-pass result.
  struct answer_row {
    const char* customer;
    int score;
    std::optional<int> d;
  };
  const std::vector<answer_row> answer_rows = {
      {"A", 9, 3}, {"B", 2, std::nullopt}, {"A", 4, 3}, {"C", 7, 1}, {"B", 10, std::nullopt}, {"C", 1, 5},
      {"A", 6, 2}, {"D", 0, std::nullopt}, {"C", 8, 5}, {"B", 3, 1}};
  const auto add_answers = [&](latest_answers& a, std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i)
      a.add(answer_rows[i].customer, answer_rows[i].score,
            answer_rows[i].d ? std::optional(day(*answer_rows[i].d)) : std::nullopt);
  };
  latest_answers whole;
  add_answers(whole, 0, answer_rows.size());
  // By hand: A keeps 4 (day 3, read after the 9 of day 3); B keeps 3 (the
  // only dated one); C keeps 8 (day 5, read after the 1 of day 5); D 0.
  CHECK(whole.find("A")->score == 4);
  CHECK(whole.find("B")->score == 3);
  CHECK(whole.find("C")->score == 8);
  CHECK(whole.find("D")->score == 0);

  const std::vector<std::pair<const char*, const char*>> order_rows = {
      {"A", "10.10"}, {"E", "5"}, {"C", "0.01"}, {"A", "3.33"}, {"B", "7"}, {"E", "2.5"}, {"C", "99.99"}};
  customer_orders all_orders;
  for (const auto& [c, amount] : order_rows) all_orders.add(c, money(amount));
  const auto expected = cxkpi::join_loyalty_revenue(whole, all_orders, 10);

  for (std::size_t cut = 0; cut <= answer_rows.size(); ++cut) {
    latest_answers first, second;
    add_answers(first, 0, cut);
    add_answers(second, cut, answer_rows.size());
    first.merge(second);
    CHECK(first.answers() == whole.answers());
    CHECK(first.customers() == whole.customers());
    for (const auto& [customer, answer] : whole) {
      REQUIRE(first.find(customer) != nullptr);
      CHECK(first.find(customer)->score == answer.score);
    }
  }
  for (std::size_t cut = 0; cut <= order_rows.size(); ++cut) {
    customer_orders first, second;
    for (std::size_t i = 0; i < order_rows.size(); ++i)
      (i < cut ? first : second).add(order_rows[i].first, money(order_rows[i].second));
    first.merge(second);
    const auto r = cxkpi::join_loyalty_revenue(whole, first, 10);
    for (nps_group g : cxkpi::all_nps_groups) {
      CHECK(r.group(g).customers == expected.group(g).customers);
      CHECK(r.group(g).orders == expected.group(g).orders);
      CHECK(r.group(g).revenue_micros == expected.group(g).revenue_micros);
      CHECK(r.group(g).revenue_share_percent == expected.group(g).revenue_share_percent);
    }
    CHECK(r.revenue_without_answer_micros == expected.revenue_without_answer_micros);
    REQUIRE(r.at_risk.size() == expected.at_risk.size());
    for (std::size_t i = 0; i < r.at_risk.size(); ++i) CHECK(r.at_risk[i].customer == expected.at_risk[i].customer);
  }
  // By hand: A (4, detractor) 10.10 + 3.33 = 13.43; B (3, detractor) 7;
  // C (8, passive) 0.01 + 99.99 = 100; E never answered: 5 + 2.5 = 7.50; D
  // answered, no orders. Detractors 20.43 of 120.43 matched.
  CHECK(expected.group(nps_group::detractor).revenue_micros == 20'430'000);
  CHECK(expected.group(nps_group::passive).revenue_micros == 100'000'000);
  CHECK(expected.revenue_without_answer_micros == 7'500'000);
  CHECK(expected.respondents_without_orders == 1);
  REQUIRE(expected.detractor_revenue_share_percent);
  CHECK(*expected.detractor_revenue_share_percent == Approx(100.0 * 20.43 / 120.43));
  REQUIRE(expected.at_risk.size() == 2);
  CHECK(expected.at_risk[0].customer == "A");
  CHECK(expected.at_risk[1].customer == "B");
}
