#include <cxkpi/nps.hpp>

#include <catch2/catch.hpp>

#include <random>
#include <vector>

using Catch::Detail::Approx;

TEST_CASE("NPS of the issue's ten answers", "[nps]") {
  // Issue 2 acceptance: scores 10,10,9,9,9,8,7,6,3,0.
  // Promoters 5 (10,10,9,9,9), passives 2 (8,7), detractors 3 (6,3,0).
  // NPS = 100 × (5 − 3) / 10 = 20. p = 0.5, d = 0.3,
  // var = 0.5 + 0.3 − 0.2² = 0.76, SE = 100 × sqrt(0.76 / 10) = 27.5681,
  // interval 20 ± 1.96 × 27.5681 = [−34.03, 74.03].
  cxkpi::nps_accumulator acc;
  for (int s : {10, 10, 9, 9, 9, 8, 7, 6, 3, 0}) acc.add(s);
  const auto r = acc.result();
  CHECK(r.n == 10);
  CHECK(r.promoters == 5);
  CHECK(r.passives == 2);
  CHECK(r.detractors == 3);
  CHECK(r.value == Approx(20.0));
  CHECK(r.standard_error == Approx(27.57).margin(0.005));
  CHECK(r.ci95.low == Approx(-34.03).margin(0.005));
  CHECK(r.ci95.high == Approx(74.03).margin(0.005));
}

TEST_CASE("NPS answers added in bulk count as added one by one", "[nps]") {
  // The ten answers as (score, times): 10×2, 9×3, 8, 7, 6, 3, 0.
  cxkpi::nps_accumulator acc;
  acc.add(10, 2);
  acc.add(9, 3);
  for (int s : {8, 7, 6, 3, 0}) acc.add(s, 1);
  const auto r = acc.result();
  CHECK(r.n == 10);
  CHECK(r.promoters == 5);
  CHECK(r.passives == 2);
  CHECK(r.detractors == 3);
  CHECK(r.value == Approx(20.0));
}

TEST_CASE("NPS interval is clipped to [-100, 100]", "[nps]") {
  // 3 promoters, 1 detractor: NPS 50, p = .75, d = .25,
  // var = 1 − 0.25 = 0.75, SE = 100 × sqrt(0.75/4) = 43.30,
  // 50 + 1.96 × 43.30 = 134.9 → clipped to 100; 50 − 84.9 = −34.87.
  cxkpi::nps_accumulator acc;
  for (int s : {10, 9, 9, 2}) acc.add(s);
  const auto r = acc.result();
  CHECK(r.value == Approx(50.0));
  CHECK(r.ci95.high == 100.0);
  CHECK(r.ci95.low == Approx(-34.87).margin(0.01));
}

TEST_CASE("NPS of no answers is NaN, of unanimous answers has zero error", "[nps]") {
  CHECK(std::isnan(cxkpi::nps_accumulator().result().value));
  // All promoters: NPS 100, var = 1 + 0 − 1 = 0.
  auto all = cxkpi::nps_from_counts(7, 0, 0);
  CHECK(all.value == 100.0);
  CHECK(all.standard_error == 0.0);
  CHECK(all.ci95.low == 100.0);
}

TEST_CASE("two NPS values: significant with 1000 answers, not with 100", "[nps][significance]") {
  // Issue 4: period 1: 550 promoters, 300 passives, 150 detractors → NPS 40,
  // var = .55 + .15 − .4² = .54, SE = 100·sqrt(.54/1000) = 2.3238.
  // Period 2: 500/300/200 → NPS 30, var = .7 − .3² = .61, SE = 2.4698.
  // z = (30 − 40) / sqrt(2.3238² + 2.4698²) = −10 / 3.3912 = −2.949: significant.
  auto first = cxkpi::nps_from_counts(550, 300, 150);
  auto second = cxkpi::nps_from_counts(500, 300, 200);
  auto c = cxkpi::compare_nps(first, second);
  CHECK(c.difference == Approx(-10.0));
  CHECK(c.statistic == Approx(-2.95).margin(0.005));
  CHECK(c.significant);
  // Same shares with 100 answers each: SEs 7.348 and 7.810,
  // z = −10 / sqrt(54 + 61) = −0.9325: not significant.
  auto small = cxkpi::compare_nps(cxkpi::nps_from_counts(55, 30, 15), cxkpi::nps_from_counts(50, 30, 20));
  CHECK(small.statistic == Approx(-0.93).margin(0.005));
  CHECK_FALSE(small.significant);
}

TEST_CASE("merging two halves equals one pass (random splits)", "[nps][merge]") {
  std::mt19937 rng(20261123);
  std::uniform_int_distribution<int> score(0, 10);
  for (int round = 0; round < 200; ++round) {
    std::vector<int> answers(1 + rng() % 500);
    for (int& a : answers) a = score(rng);
    const std::size_t split = rng() % (answers.size() + 1);
    cxkpi::nps_accumulator whole, left, right;
    for (std::size_t i = 0; i < answers.size(); ++i) {
      whole.add(answers[i]);
      (i < split ? left : right).add(answers[i]);
    }
    left.merge(right);
    const auto a = whole.result();
    const auto b = left.result();
    REQUIRE(a.n == b.n);
    REQUIRE(a.promoters == b.promoters);
    REQUIRE(a.detractors == b.detractors);
    REQUIRE(a.value == b.value);  // bit-identical: computed from the same counts
    REQUIRE(a.standard_error == b.standard_error);
  }
}
