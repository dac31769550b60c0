// Repeat purchase rate, AOV and order counts; exact money; merge == one pass.
#include <catch2/catch.hpp>

#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cxkpi/rpr.hpp"

using cxkpi::date;
using cxkpi::order_accumulator;

namespace {

date d(int year, int month, int day) { return *cxkpi::make_date(year, month, day); }
std::int64_t money(const char* text) { return cxkpi::parse_money(text).micros; }

void check_same(const cxkpi::rpr_result& a, const cxkpi::rpr_result& b) {
  CHECK(a.customers == b.customers);
  CHECK(a.repeat_customers == b.repeat_customers);
  CHECK(a.orders == b.orders);
  CHECK(a.revenue_micros == b.revenue_micros);
  CHECK(a.profit_orders == b.profit_orders);
  CHECK(a.profit_micros == b.profit_micros);
  CHECK(a.first_order == b.first_order);
  CHECK(a.last_order == b.last_order);
  // Computed from equal integers, the ratios are equal bit for bit.
  CHECK(a.rpr_percent == b.rpr_percent);
  CHECK(a.aov == b.aov);
  CHECK(a.orders_per_customer == b.orders_per_customer);
}

}  // namespace

TEST_CASE("issue 3 acceptance: A (10, 20, 30), B (40), C (50, 50)") {
  order_accumulator orders;
  orders.add("A", d(2025, 1, 5), money("10"));
  orders.add("A", d(2025, 2, 5), money("20"));
  orders.add("A", d(2025, 3, 5), money("30"));
  orders.add("B", d(2025, 1, 20), money("40"));
  orders.add("C", d(2025, 2, 1), money("50"));
  orders.add("C", d(2025, 3, 31), money("50"));
  const auto r = orders.result();
  CHECK(r.orders == 6);
  CHECK(r.customers == 3);
  CHECK(r.repeat_customers == 2);  // A with 3 orders, C with 2; B has 1
  // Revenue 10 + 20 + 30 + 40 + 50 + 50 = 200, exactly.
  CHECK(r.revenue_micros == 200'000'000);
  // RPR = 100 × 2 / 3 = 66.666...%, shown as 66.67.
  REQUIRE(r.rpr_percent);
  CHECK(*r.rpr_percent == Approx(200.0 / 3));
  CHECK(cxkpi::format_money(static_cast<std::int64_t>(*r.rpr_percent * 1e6 + 0.5)) == "66.67");
  // AOV = 200 / 6 = 33.333..., shown as 33.33.
  REQUIRE(r.aov);
  CHECK(*r.aov == Approx(100.0 / 3));
  // Orders per customer = 6 / 3 = 2.0.
  CHECK(r.orders_per_customer == 2.0);
  CHECK(r.first_order == d(2025, 1, 5));
  CHECK(r.last_order == d(2025, 3, 31));
  CHECK(r.profit_orders == 0);
}

TEST_CASE("a window [from, to) drops the orders outside it") {
  order_accumulator orders(cxkpi::date_window{d(2025, 2, 1), d(2025, 3, 31)});
  CHECK_FALSE(orders.add("A", d(2025, 1, 5), money("10")));   // before from
  CHECK(orders.add("A", d(2025, 2, 5), money("20")));
  CHECK(orders.add("A", d(2025, 3, 5), money("30")));
  CHECK_FALSE(orders.add("B", d(2025, 1, 20), money("40")));  // before from
  CHECK(orders.add("C", d(2025, 2, 1), money("50")));         // from is inside
  CHECK_FALSE(orders.add("C", d(2025, 3, 31), money("50")));  // to is outside
  const auto r = orders.result();
  // Inside: A (20, 30) and C (50): 3 orders, 2 customers, 1 repeat; revenue 100.
  CHECK(r.orders == 3);
  CHECK(r.customers == 2);
  CHECK(r.repeat_customers == 1);
  CHECK(r.revenue_micros == 100'000'000);
  CHECK(*r.rpr_percent == 50.0);                   // 100 × 1 / 2
  CHECK(*r.aov == Approx(100.0 / 3));              // 100 / 3
  CHECK(*r.orders_per_customer == 1.5);            // 3 / 2
  CHECK(r.first_order == d(2025, 2, 1));
  CHECK(r.last_order == d(2025, 3, 5));
  CHECK(r.window.from == d(2025, 2, 1));
}

TEST_CASE("empty input gives zero counts and no ratios") {
  const auto r = order_accumulator().result();
  CHECK(r.customers == 0);
  CHECK(r.orders == 0);
  CHECK(r.revenue_micros == 0);
  CHECK_FALSE(r.rpr_percent);
  CHECK_FALSE(r.aov);
  CHECK_FALSE(r.orders_per_customer);
  CHECK_FALSE(r.first_order);
  CHECK_FALSE(r.last_order);
}

TEST_CASE("undated orders and profits") {
  order_accumulator orders;
  orders.add_undated("A", money("10"), money("2.5"));
  orders.add_undated("A", money("30"), cxkpi::parse_money("-1.25", {cxkpi::decimal_mark::point, true}).micros);
  orders.add_undated("B", money("20"));
  const auto r = orders.result();
  CHECK(r.orders == 3);
  CHECK(r.revenue_micros == 60'000'000);   // 10 + 30 + 20
  CHECK(r.profit_orders == 2);
  CHECK(r.profit_micros == 1'250'000);     // 2.5 - 1.25
  CHECK(*r.rpr_percent == 50.0);           // A repeats, B does not: 1 / 2
  CHECK_FALSE(r.first_order);
}

TEST_CASE("lookups with a string_view of a longer buffer find the same customer") {
  const std::string line = "customer-0001,customer-0001x";
  order_accumulator orders;
  orders.add_undated(std::string_view(line).substr(0, 13), 1);
  orders.add_undated(std::string_view(line).substr(14, 13), 1);
  orders.add_undated(std::string_view(line).substr(14, 14), 1);
  const auto r = orders.result();
  CHECK(r.customers == 2);
  CHECK(r.repeat_customers == 1);
}

TEST_CASE("merging any split of the orders equals one pass") {
  std::mt19937_64 random(20250307);
  for (int round = 0; round < 30; ++round) {
    struct row {
      std::string customer;
      date day;
      std::int64_t amount;
      std::optional<std::int64_t> profit;
    };
    std::vector<row> rows;
    const int customers = 1 + static_cast<int>(random() % 40);
    const int count = static_cast<int>(random() % 300);
    for (int i = 0; i < count; ++i) {
      std::optional<std::int64_t> profit;
      if (random() % 2) profit = static_cast<std::int64_t>(random() % 2'000'000) - 1'000'000;
      rows.push_back({"c" + std::to_string(random() % static_cast<unsigned>(customers)),
                      cxkpi::add_days(d(2024, 1, 1), static_cast<std::int32_t>(random() % 500)),
                      static_cast<std::int64_t>(random() % 500'000'000), profit});
    }
    const cxkpi::date_window window =
        round % 2 ? cxkpi::date_window{d(2024, 3, 1), d(2025, 1, 1)} : cxkpi::date_window{};

    order_accumulator whole(window);
    for (const auto& r : rows) whole.add(r.customer, r.day, r.amount, r.profit);

    const std::size_t parts = 1 + random() % 4;
    std::vector<order_accumulator> split(parts, order_accumulator(window));
    for (const auto& r : rows) split[random() % parts].add(r.customer, r.day, r.amount, r.profit);
    order_accumulator merged(window);
    for (const auto& part : split) merged.merge(part);
    check_same(whole.result(), merged.result());

    // Merging in the other direction, into a non-empty accumulator, too.
    order_accumulator reversed = split.back();
    for (std::size_t i = 0; i + 1 < parts; ++i) reversed.merge(split[i]);
    check_same(whole.result(), reversed.result());
  }
}

TEST_CASE("merging figures over different windows is refused") {
  order_accumulator a(cxkpi::date_window{d(2025, 1, 1), std::nullopt});
  order_accumulator b;
  CHECK_THROWS_AS(a.merge(b), std::invalid_argument);
}

TEST_CASE("a revenue total past 9.2e12 units is a data_error that changes nothing") {
  // INT64_MAX micro-units is 9,223,372,036,854.775807 units (money.hpp):
  // two orders of 9e12 pass it.
  order_accumulator orders;
  orders.add("C1", d(2025, 1, 3), money("9000000000000"));
  CHECK_THROWS_WITH(orders.add("C1", d(2025, 1, 4), money("9000000000000")),
                    "revenue total out of range: 9000000000000 + 9000000000000 passes 9223372036854.775807, "
                    "the largest total kept exactly");
  orders.add("C2", d(2025, 1, 5), money("1"));
  const cxkpi::rpr_result r = orders.result();
  CHECK(r.orders == 2);  // C1's first order and C2's: the refused one left no trace
  CHECK(r.customers == 2);
  CHECK(r.repeat_customers == 0);
  CHECK(r.revenue_micros == 9'000'000'000'001'000'000);

  // Two halves that fit on their own overflow when merged.
  order_accumulator a, b;
  a.add("A", d(2025, 1, 3), money("5000000000000"));
  b.add("B", d(2025, 1, 3), money("5000000000000"));
  CHECK_THROWS_AS(a.merge(b), cxkpi::data_error);
}

TEST_CASE("real data: CDNOW transactions") {
  // CDNOW_master.txt: header, then `customer_id date(YYYYMMDD) cds dollars`, whitespace-separated, CRLF.
  // Expected, from the shell:
  //   awk 'NR>1{n[$1]++; o++; s+=$4} END{for(k in n){c++; if(n[k]>=2) r++};
  //        printf "%d orders %d customers %d repeat %.6f sum\n", o,c,r,s}' CDNOW_master.txt
  //   → 69659 orders 23570 customers 11662 repeat 2500315.630000 sum
  //   awk 'NR>1{print $2}' CDNOW_master.txt | sort | sed -n '1p;$p'  → 19970101, 19980630
  // RPR = 100 × 11662 / 23570 = 49.478...%; AOV = 2500315.63 / 69659 = 35.8936...
  std::ifstream in(CXKPI_SHARED_DATA "/cdnow/CDNOW_master.txt");
  REQUIRE(in);
  std::string line;
  std::getline(in, line);  // header
  order_accumulator whole, odd, even;
  std::uint64_t rows = 0, bad_rows = 0;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string customer, day_text, cds, dollars;
    fields >> customer >> day_text >> cds >> dollars;
    const auto day = cxkpi::parse_date(day_text);
    const auto amount = cxkpi::parse_money(dollars);  // `>>` leaves the CR of CRLF behind
    if (!fields || !day || !amount) {
      ++bad_rows;
      continue;
    }
    whole.add(customer, *day, amount.micros);
    (rows++ % 2 ? odd : even).add(customer, *day, amount.micros);
  }
  const auto r = whole.result();
  CHECK(bad_rows == 0);
  CHECK(rows == 69659);
  CHECK(r.orders == 69659);
  CHECK(r.customers == 23570);
  CHECK(r.repeat_customers == 11662);
  CHECK(r.revenue_micros == 2'500'315'630'000);  // exactly 2500315.63
  CHECK(*r.rpr_percent == Approx(100.0 * 11662 / 23570));
  CHECK(*r.rpr_percent == Approx(49.478).margin(0.001));
  CHECK(*r.aov == Approx(35.8936).margin(0.0001));
  CHECK(r.first_order == d(1997, 1, 1));
  CHECK(r.last_order == d(1998, 6, 30));
  odd.merge(even);
  check_same(r, odd.result());
}
