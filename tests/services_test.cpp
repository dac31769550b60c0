// Services per customer, penetration, distribution; merge == one pass.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "cxkpi/services.hpp"

using cxkpi::services_accumulator;

namespace {

void check_same(const cxkpi::services_result& a, const cxkpi::services_result& b) {
  CHECK(a.customers == b.customers);
  CHECK(a.pairs == b.pairs);
  CHECK(a.services_per_customer == b.services_per_customer);
  CHECK(a.distribution == b.distribution);
  REQUIRE(a.penetration.size() == b.penetration.size());
  for (std::size_t i = 0; i < a.penetration.size(); ++i) {
    CHECK(a.penetration[i].service == b.penetration[i].service);
    CHECK(a.penetration[i].customers == b.penetration[i].customers);
    CHECK(a.penetration[i].percent == b.penetration[i].percent);
  }
}

}  // namespace

TEST_CASE("issue 3 acceptance: A {x, y}, B {x}, C {x, y, z}") {
  services_accumulator services;
  services.add("A", "x");
  services.add("A", "y");
  services.add("B", "x");
  services.add("C", "z");
  services.add("C", "x");
  services.add("C", "y");
  services.add("A", "x");  // a repeated row counts once
  const auto r = services.result();
  // Pairs: A 2 + B 1 + C 3 = 6 over 3 customers: 2.0 per customer.
  CHECK(r.customers == 3);
  CHECK(r.pairs == 6);
  CHECK(*r.services_per_customer == 2.0);
  // Penetration: x 3 / 3 = 100%, y 2 / 3 = 66.7%, z 1 / 3 = 33.3%, in name order.
  REQUIRE(r.penetration.size() == 3);
  CHECK(r.penetration[0].service == "x");
  CHECK(r.penetration[0].customers == 3);
  CHECK(r.penetration[0].percent == 100.0);
  CHECK(r.penetration[1].service == "y");
  CHECK(r.penetration[1].customers == 2);
  CHECK(r.penetration[1].percent == Approx(200.0 / 3));
  CHECK(r.penetration[2].service == "z");
  CHECK(r.penetration[2].percent == Approx(100.0 / 3));
  // Distribution: 1 service: B; 2: A; 3: C.
  CHECK(r.distribution == std::vector<std::uint64_t>{1, 1, 1});
}

TEST_CASE("empty input") {
  const auto r = services_accumulator().result();
  CHECK(r.customers == 0);
  CHECK(r.pairs == 0);
  CHECK_FALSE(r.services_per_customer);
  CHECK(r.penetration.empty());
  CHECK(r.distribution.empty());
}

TEST_CASE("more than 64 services, and gaps in the distribution") {
  services_accumulator services;
  // P uses 70 services s00..s69; Q uses s69 and s00 only.
  for (int i = 0; i < 70; ++i) services.add("P", "s" + std::string(i < 10 ? "0" : "") + std::to_string(i));
  services.add("Q", "s69");
  services.add("Q", "s00");
  services.add("Q", "s69");
  services.add("P", "s65");
  const auto r = services.result();
  // Pairs 70 + 2 = 72 over 2 customers: 36 per customer.
  CHECK(r.pairs == 72);
  CHECK(*r.services_per_customer == 36.0);
  // Distribution: index 1 (2 services) = 1 (Q), index 69 (70 services) = 1 (P), 0 elsewhere.
  REQUIRE(r.distribution.size() == 70);
  CHECK(r.distribution[1] == 1);
  CHECK(r.distribution[69] == 1);
  CHECK(r.distribution[0] == 0);
  CHECK(r.penetration.front().service == "s00");
  CHECK(r.penetration.front().percent == 100.0);
  CHECK(r.penetration.back().service == "s69");
  CHECK(r.penetration.back().customers == 2);
  CHECK(r.penetration[65].customers == 1);  // s65: P only, 50%
  CHECK(r.penetration[65].percent == 50.0);
}

TEST_CASE("merging any split of the rows equals one pass") {
  std::mt19937_64 random(42);
  for (int round = 0; round < 40; ++round) {
    // Up to 100 services so that ids beyond 64 occur, interned in a different order per part.
    const unsigned service_count = 1 + static_cast<unsigned>(random() % 100);
    const unsigned customers = 1 + static_cast<unsigned>(random() % 50);
    std::vector<std::pair<std::string, std::string>> rows;
    const int count = static_cast<int>(random() % 400);
    for (int i = 0; i < count; ++i)
      rows.emplace_back("customer-" + std::to_string(random() % customers), "service " + std::to_string(random() % service_count));

    services_accumulator whole;
    for (const auto& [customer, service] : rows) whole.add(customer, service);
    const std::size_t parts = 1 + random() % 4;
    std::vector<services_accumulator> split(parts);
    for (const auto& [customer, service] : rows) split[random() % parts].add(customer, service);

    services_accumulator merged;
    for (const auto& part : split) merged.merge(part);
    check_same(whole.result(), merged.result());

    services_accumulator reversed = split.back();  // a copy: the accumulator is copyable
    for (std::size_t i = 0; i + 1 < parts; ++i) reversed.merge(split[i]);
    check_same(whole.result(), reversed.result());

    // The distribution sums to the customers, and the pairs to Σ k × customers with k.
    const auto r = whole.result();
    std::uint64_t people = 0, pairs = 0;
    for (std::size_t k = 0; k < r.distribution.size(); ++k) {
      people += r.distribution[k];
      pairs += (k + 1) * r.distribution[k];
    }
    CHECK(people == r.customers);
    CHECK(pairs == r.pairs);
  }
}
