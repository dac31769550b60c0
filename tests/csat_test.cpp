#include <cxkpi/csat.hpp>

#include <catch2/catch.hpp>

#include <random>

using Catch::Detail::Approx;

TEST_CASE("CSAT on a 1-5 scale", "[csat]") {
  // Ratings 5,5,5,4,4,3,2,1,5,4 (by hand): satisfied (4-5) = 7 of 10 → 70%;
  // mean = 38/10 = 3.8; top box (5) = 4/10 = 40%; bottom-2-box (1-2) = 2/10 = 20%.
  // Wilson 95% for 7/10: centre = (0.7 + 1.9208/10)/(1.38416) = 0.64449,
  // half = 1.96/1.38416 · sqrt(0.021 + 0.0096040) = 0.24772 → [39.68%, 89.22%].
  cxkpi::csat_accumulator acc;
  for (int r : {5, 5, 5, 4, 4, 3, 2, 1, 5, 4}) acc.add(r);
  const auto r = acc.result();
  CHECK(r.n == 10);
  CHECK(r.satisfied == 7);
  CHECK(r.value == Approx(70.0));
  CHECK(r.mean == Approx(3.8));
  CHECK(r.top_box_pct == Approx(40.0));
  CHECK(r.bottom2_box_pct == Approx(20.0));
  CHECK(r.ci95.low == Approx(39.68).margin(0.01));
  CHECK(r.ci95.high == Approx(89.22).margin(0.01));
  CHECK(r.distribution == std::vector<std::uint64_t>{1, 1, 1, 3, 4});
}

TEST_CASE("CSAT on a 1-7 scale counts 6-7 as satisfied", "[csat]") {
  // 7,6,5,7 → satisfied 3 of 4 = 75%; top box (7) 2/4 = 50%; bottom-2 (1-2) 0%.
  auto acc = cxkpi::csat_accumulator(cxkpi::csat_options::for_scale({1, 7}));
  for (int r : {7, 6, 5, 7}) acc.add(r);
  const auto r = acc.result();
  CHECK(r.options.satisfied.low == 6);
  CHECK(r.value == Approx(75.0));
  CHECK(r.top_box_pct == Approx(50.0));
  CHECK(r.bottom2_box_pct == Approx(0.0));
}

TEST_CASE("CSAT with a custom satisfied range and no data", "[csat]") {
  cxkpi::csat_options o{{1, 5}, {5, 5}};
  cxkpi::csat_accumulator acc(o);
  CHECK(std::isnan(acc.result().value));
  for (int r : {5, 4, 4, 5}) acc.add(r);
  CHECK(acc.result().value == Approx(50.0));  // only the 5s: 2 of 4
}

TEST_CASE("CSAT merge equals one pass", "[csat][merge]") {
  std::mt19937 rng(7);
  for (int round = 0; round < 100; ++round) {
    cxkpi::csat_accumulator whole, left, right;
    const int n = 1 + static_cast<int>(rng() % 300);
    const int split = static_cast<int>(rng() % static_cast<unsigned>(n + 1));
    for (int i = 0; i < n; ++i) {
      const int v = 1 + static_cast<int>(rng() % 5);
      whole.add(v);
      (i < split ? left : right).add(v);
    }
    left.merge(right);
    REQUIRE(whole.result().value == left.result().value);
    REQUIRE(whole.result().mean == left.result().mean);
    REQUIRE(whole.result().distribution == left.result().distribution);
  }
}
