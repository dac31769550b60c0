#include <cxkpi/ces.hpp>

#include <catch2/catch.hpp>

#include <random>

using Catch::Detail::Approx;

TEST_CASE("CES mean, t interval and % easy on 1-7", "[ces]") {
  // 7,6,5,5,4 (by hand): mean 27/5 = 5.4; variance
  // (1.6² + 0.6² + 0.4² + 0.4² + 1.4²)/4 = 5.2/4 = 1.3, s = 1.140175;
  // SE = s/sqrt(5) = 0.509902; t(0.975, 4) = 2.776445;
  // interval 5.4 ± 1.415703 = [3.9843, 6.8157]; easy (5-7) = 4/5 = 80%.
  cxkpi::ces_accumulator acc;
  for (int a : {7, 6, 5, 5, 4}) acc.add(a);
  const auto r = acc.result();
  CHECK(r.n == 5);
  CHECK(r.value == Approx(5.4));
  CHECK(r.standard_deviation == Approx(1.140175).margin(1e-6));
  CHECK(r.ci95.low == Approx(3.9843).margin(0.0001));
  CHECK(r.ci95.high == Approx(6.8157).margin(0.0001));
  CHECK(r.pct_easy == Approx(80.0));
}

TEST_CASE("CES lower-is-better answers are mirrored", "[ces]") {
  // "How much effort" on 1-5, answers 1,2,2,5: mirrored v → 6 − v = 5,4,4,1;
  // mean 14/4 = 3.5; easy on a 5-point scale = top two (4-5) → 3/4 = 75%.
  cxkpi::ces_accumulator acc({{1, 5}, true});
  for (int a : {1, 2, 2, 5}) acc.add(a);
  const auto r = acc.result();
  CHECK(r.value == Approx(3.5));
  CHECK(r.pct_easy == Approx(75.0));
  // 3.5 on 1-5 sits at 1 + (3.5 − 1)·6/4 = 4.75 on the 1-7 band scale.
  CHECK(cxkpi::ces_on_seven_point_scale(3.5, {1, 5}) == Approx(4.75));
}

TEST_CASE("CES answers added in bulk count as added one by one, mirrored too", "[ces]") {
  // 3 answers of 1 and 2 of 4 on 1-5, lower is better: mirrored 5,5,5,2,2,
  // mean 19/5 = 3.8, easy (4-5) 3/5 = 60%; the same as five add() calls.
  cxkpi::ces_accumulator bulk({{1, 5}, true});
  bulk.add(1, 3);
  bulk.add(4, 2);
  cxkpi::ces_accumulator single({{1, 5}, true});
  for (int a : {1, 1, 1, 4, 4}) single.add(a);
  CHECK(bulk.result().n == 5);
  CHECK(bulk.result().value == Approx(3.8));
  CHECK(bulk.result().pct_easy == Approx(60.0));
  CHECK(bulk.counts().n() == single.counts().n());
  for (int v = 1; v <= 5; ++v) CHECK(bulk.counts().count(v) == single.counts().count(v));
}

TEST_CASE("CES of one answer has a mean but no interval", "[ces]") {
  cxkpi::ces_accumulator acc;
  acc.add(6);
  CHECK(acc.result().value == 6.0);
  CHECK(std::isnan(acc.result().ci95.low));
  CHECK(std::isnan(cxkpi::ces_accumulator().result().value));
}

TEST_CASE("CES merge equals one pass", "[ces][merge]") {
  std::mt19937 rng(11);
  for (int round = 0; round < 100; ++round) {
    cxkpi::ces_accumulator whole, left, right;
    const int n = 2 + static_cast<int>(rng() % 300);
    const int split = static_cast<int>(rng() % static_cast<unsigned>(n + 1));
    for (int i = 0; i < n; ++i) {
      const int v = 1 + static_cast<int>(rng() % 7);
      whole.add(v);
      (i < split ? left : right).add(v);
    }
    left.merge(right);
    REQUIRE(whole.result().value == left.result().value);
    REQUIRE(whole.result().ci95.low == left.result().ci95.low);
  }
}
