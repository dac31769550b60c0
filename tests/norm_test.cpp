#include <cxkpi/norm.hpp>
#include <cxkpi/timestamp.hpp>

#include <catch2/catch.hpp>

using Catch::Detail::Approx;

TEST_CASE("timestamps honour offsets", "[timestamp]") {
  // 2025-03-01 is day 20148 since 1970-01-01 (20089 days to 2025-01-01, + 59).
  const auto day = 20148LL * 86400;
  CHECK(cxkpi::parse_timestamp("2025-03-01").value() == day);
  CHECK(cxkpi::parse_timestamp("2025-03-01T10:00:00Z").value() == day + 10 * 3600);
  // 12:00 at +01:00 is 11:00 UTC; 10:37:33 at −05:00 is 15:37:33 UTC.
  CHECK(cxkpi::parse_timestamp("2025-03-01T12:00:00+01:00").value() == day + 11 * 3600);
  CHECK(cxkpi::parse_timestamp("2025-03-01 10:37:33 -0500").value() == day + 15 * 3600 + 37 * 60 + 33);
  // 12 AM is midnight, 12 PM noon, 9 PM 21:00.
  CHECK(cxkpi::parse_timestamp("2025/03/01 12:00:00 AM").value() == day);
  CHECK(cxkpi::parse_timestamp("2025/03/01 9:05 PM AST").value() == day + 21 * 3600 + 5 * 60);
  CHECK(cxkpi::parse_timestamp("01.03.2025 08:30", cxkpi::date_format::day_first).value() == day + 8 * 3600 + 30 * 60);
  CHECK_FALSE(cxkpi::parse_timestamp("2025-02-30T10:00:00Z").has_value());
  CHECK_FALSE(cxkpi::parse_timestamp("2025-03-01T25:00:00Z").has_value());
  CHECK_FALSE(cxkpi::parse_timestamp("yesterday").has_value());
}

TEST_CASE("durations", "[timestamp]") {
  CHECK(cxkpi::parse_duration("90m").value() == 5400.0);
  CHECK(cxkpi::parse_duration("1h").value() == 3600.0);
  CHECK(cxkpi::parse_duration("1.5h").value() == 5400.0);
  CHECK(cxkpi::parse_duration("2d").value() == 172800.0);
  CHECK(cxkpi::parse_duration("1w").value() == 604800.0);
  CHECK_FALSE(cxkpi::parse_duration("2").has_value());
  CHECK_FALSE(cxkpi::parse_duration("-2d").has_value());
  CHECK_FALSE(cxkpi::parse_duration("2x").has_value());
}

TEST_CASE("norm: share within, percentiles, slowest", "[norm]") {
  // Durations in hours 24, 48, 72, 12, 108, 30, 72, 24 against 48 h (by hand):
  // within (<= 48) 24, 48, 12, 30, 24 → 5 of 8 = 62.5%.
  // Sorted 12 24 24 30 48 72 72 108: median h = 7·0.5 = 3.5 → 30 + 0.5·18 = 39;
  // p90 h = 7·0.9 = 6.3 → 72 + 0.3·36 = 82.8; max 108.
  // Slowest three: 108 (case 5), then the two 72s in input order (3, 7).
  cxkpi::norm_accumulator acc(48 * 3600.0, 3);
  const double hours[] = {24, 48, 72, 12, 108, 30, 72, 24};
  for (std::size_t i = 0; i < 8; ++i) acc.add(hours[i] * 3600, "case" + std::to_string(i + 1), i + 1);
  const auto r = acc.result();
  CHECK(r.n == 8);
  CHECK(r.within == 5);
  CHECK(r.pct_within == Approx(62.5));
  CHECK(r.median_seconds / 3600 == Approx(39.0));
  CHECK(r.p90_seconds / 3600 == Approx(82.8));
  CHECK(r.max_seconds / 3600 == Approx(108.0));
  REQUIRE(r.slowest.size() == 3);
  CHECK(r.slowest[0].id == "case5");
  CHECK(r.slowest[1].id == "case3");
  CHECK(r.slowest[2].id == "case7");
  // Wilson 95% for 5/8 (computed with the formula in stats.hpp): 30.574% to 86.316%.
  CHECK(r.ci95.low == Approx(30.574).margin(0.001));
  CHECK(r.ci95.high == Approx(86.316).margin(0.001));
}

TEST_CASE("norm: merging halves equals one pass, including the slowest list", "[norm][merge]") {
  cxkpi::norm_accumulator whole(3600, 2), left(3600, 2), right(3600, 2);
  const double seconds[] = {100, 5000, 3600, 7200, 7200, 10};
  for (std::size_t i = 0; i < 6; ++i) {
    whole.add(seconds[i], std::to_string(i), i);
    (i < 3 ? left : right).add(seconds[i], std::to_string(i), i);
  }
  right.merge(left);  // the later half first: order must not matter
  const auto a = whole.result(), b = right.result();
  CHECK(a.within == b.within);
  CHECK(a.median_seconds == b.median_seconds);
  REQUIRE(b.slowest.size() == 2);
  CHECK(b.slowest[0].id == "3");  // 7200 at position 3 before 7200 at 4
  CHECK(b.slowest[1].id == "4");
  CHECK(a.slowest[0].id == b.slowest[0].id);
}
