// order_book: the order figures and services per customer of one table equal
// those of an order_accumulator fed the order rows and a
// services_accumulator fed the service rows; merges (into an empty book, and
// into a full one) equal one pass. Figures worked out by hand in comments.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "cxkpi/order_book.hpp"

using cxkpi::date;
using cxkpi::order_book;
using cxkpi::order_line;
using cxkpi::detail::hashed_key;

namespace {

date d(int year, int month, int day) { return *cxkpi::make_date(year, month, day); }

// One input row: a customer, maybe an order, maybe a service.
struct row {
  std::string customer;
  std::optional<order_line> order;
  std::optional<std::string> service;
};

// A: two orders (web, app); B: one order (web); C: a service only (its
// amount was bad, say); D: an order with no service.
std::vector<row> rows() {
  return {
      {"A", order_line{d(2025, 1, 5), 10'000'000, std::nullopt}, "web"},
      {"B", order_line{d(2025, 1, 10), 5'500'000, std::nullopt}, "web"},
      {"C", std::nullopt, "web"},
      {"A", order_line{d(2025, 2, 1), 20'000'000, std::nullopt}, "app"},
      {"D", order_line{d(2025, 1, 20), 3'000'000, std::nullopt}, std::nullopt},
  };
}

void add(order_book& book, const row& r) {
  book.add(hashed_key(r.customer), r.order, r.service ? book.service_id(*r.service) : order_book::no_service);
}

void check_hand_figures(const order_book& book) {
  // Orders: customers with an order A, B, D = 3 (C has none); repeat: A = 1;
  // RPR 100 × 1 / 3; 4 orders; revenue 10 + 5.5 + 20 + 3 = 38.5; AOV 9.625.
  const cxkpi::rpr_result o = book.orders();
  CHECK(o.customers == 3);
  CHECK(o.repeat_customers == 1);
  CHECK(o.orders == 4);
  CHECK(o.revenue_micros == 38'500'000);
  CHECK(*o.rpr_percent == Approx(100.0 / 3));
  CHECK(*o.aov == 9.625);
  CHECK(*o.first_order == d(2025, 1, 5));
  CHECK(*o.last_order == d(2025, 2, 1));
  // Services: customers with a service A, B, C = 3 (D has none); pairs
  // A {web, app} 2 + B {web} 1 + C {web} 1 = 4, 4 / 3 per customer;
  // app 1 of 3 customers, web 3 of 3; B and C use 1 service, A 2.
  const cxkpi::services_result s = book.services();
  CHECK(s.customers == 3);
  CHECK(s.pairs == 4);
  CHECK(*s.services_per_customer == Approx(4.0 / 3));
  REQUIRE(s.penetration.size() == 2);
  CHECK(s.penetration[0].service == "app");
  CHECK(s.penetration[0].customers == 1);
  CHECK(s.penetration[0].percent == Approx(100.0 / 3));
  CHECK(s.penetration[1].service == "web");
  CHECK(s.penetration[1].customers == 3);
  CHECK(s.penetration[1].percent == 100.0);
  CHECK(s.distribution == std::vector<std::uint64_t>{2, 1});
}

}  // namespace

TEST_CASE("order_book: RPR and services of the same rows, by hand", "[order_book]") {
  order_book book;
  for (const row& r : rows()) add(book, r);
  check_hand_figures(book);
}

TEST_CASE("order_book: the figures of the two accumulators it stands for", "[order_book]") {
  order_book book;
  cxkpi::order_accumulator orders;
  cxkpi::services_accumulator services;
  for (const row& r : rows()) {
    add(book, r);
    if (r.order) orders.add(r.customer, *r.order->day, r.order->amount_micros);
    if (r.service) services.add(r.customer, *r.service);
  }
  const cxkpi::rpr_result a = book.orders(), b = orders.result();
  CHECK(a.customers == b.customers);
  CHECK(a.repeat_customers == b.repeat_customers);
  CHECK(a.revenue_micros == b.revenue_micros);
  CHECK(*a.rpr_percent == *b.rpr_percent);
  const cxkpi::services_result s = book.services(), t = services.result();
  CHECK(s.customers == t.customers);
  CHECK(s.pairs == t.pairs);
  CHECK(s.distribution == t.distribution);
}

TEST_CASE("order_book: merged parts equal one pass", "[order_book]") {
  const std::vector<row> all = rows();
  // Every split point, the parts merged into an empty book (which takes the
  // first part whole) and then into each other; the second part names the
  // services in another order, so its ids differ and are mapped by name.
  for (std::size_t cut = 0; cut <= all.size(); ++cut) {
    order_book first, second, merged;
    for (std::size_t i = 0; i < cut; ++i) add(first, all[i]);
    for (std::size_t i = all.size(); i-- > cut;) add(second, all[i]);
    merged.merge(std::move(first));
    merged.merge(std::move(second));
    check_hand_figures(merged);
  }
}

TEST_CASE("order_book: the window", "[order_book]") {
  // [2025-01-06, 2025-02-01): A's 5 Jan and 1 Feb orders are outside, and
  // are not counted at all (nor their services); B and D remain.
  order_book book(cxkpi::date_window{d(2025, 1, 6), d(2025, 2, 1)});
  std::size_t counted = 0;
  for (const row& r : rows()) {
    const std::uint32_t service = r.service ? book.service_id(*r.service) : order_book::no_service;
    counted += book.add(hashed_key(r.customer), r.order, service) ? 1 : 0;
  }
  CHECK(counted == 3);  // B, C (no order: no day to judge), D
  const cxkpi::rpr_result o = book.orders();
  CHECK(o.customers == 2);
  CHECK(o.repeat_customers == 0);
  CHECK(o.revenue_micros == 8'500'000);
  CHECK(book.services().customers == 2);  // B and C
  order_book other;
  CHECK_THROWS_AS(book.merge(std::move(other)), std::invalid_argument);
}
