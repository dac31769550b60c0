// Tests of cxkpi/rfm.hpp: the per-customer RFM summary, reproduced row by row
// from the raw CDNOW transactions against the published summary files.

#include "cxkpi/rfm.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cdnow_data.hpp"

namespace {

using cxkpi::rfm_accumulator;
using cxkpi::rfm_summary;
using cxkpi::rfm_window;
using cxkpi::time_unit;

using cxkpi::test_data::cdnow_window;
using cxkpi::test_data::day_of;
using cxkpi::test_data::read_cdnow_sample;

const std::string cdnow = cxkpi::test_data::cdnow_dir();

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, ',')) out.push_back(field);
  return out;
}

// std::getline that also drops the '\r' of CRLF files (one of the published
// files has Windows line endings).
bool get_line(std::istream& in, std::string& line) {
  if (!std::getline(in, line)) return false;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return true;
}

// The published files give 2 decimals: a value matches when it rounds to them.
bool matches_2dp(double ours, const std::string& published) {
  return std::fabs(ours - std::stod(published)) <= 0.005 + 1e-9;
}

}  // namespace

TEST_CASE("time units convert days, purchases stay grouped by day", "[rfm]") {
  CHECK(cxkpi::days_per_unit(time_unit::day) == 1.0);
  CHECK(cxkpi::days_per_unit(time_unit::week) == 7.0);
  CHECK(cxkpi::days_per_unit(time_unit::month) == Approx(30.436875));
  CHECK(cxkpi::time_unit_name(time_unit::week) == "week");
  CHECK(cxkpi::parse_time_unit("months") == time_unit::month);
  CHECK_FALSE(cxkpi::parse_time_unit("fortnight").has_value());

  rfm_accumulator acc;
  acc.add(day_of(2024, 1, 1), 10.0);
  acc.add(day_of(2024, 1, 15), 20.0);
  const std::int32_t end = day_of(2024, 3, 1);  // 60 days after the first purchase
  const auto days = acc.summarize({end, std::nullopt, time_unit::day});
  const auto weeks = acc.summarize({end, std::nullopt, time_unit::week});
  const auto months = acc.summarize({end, std::nullopt, time_unit::month});
  REQUIRE(days);
  REQUIRE(weeks);
  REQUIRE(months);
  CHECK(days->x == 1);
  CHECK(weeks->x == 1);
  CHECK(days->t_x == 14.0);
  CHECK(days->T == 60.0);
  CHECK(weeks->t_x == 2.0);
  CHECK(weeks->T == Approx(60.0 / 7.0));
  CHECK(months->T == Approx(60.0 / 30.436875));
}

TEST_CASE("several orders on one day count once, their spend is summed", "[rfm]") {
  rfm_accumulator acc;
  acc.add(100, 5.0);   // first day: 5 + 7, not part of zbar
  acc.add(100, 7.0);
  acc.add(110, 10.0);  // repeat day 1: 10 + 20 = 30
  acc.add(110, 20.0);
  acc.add(110, 0.0);   // a free item is still an order of that day
  acc.add(120, 6.0);   // repeat day 2: 6
  REQUIRE(acc.days().size() == 3);
  const auto s = acc.summarize({130, std::nullopt, time_unit::day});
  REQUIRE(s);
  CHECK(s->x == 2);
  CHECK(s->t_x == 20.0);
  CHECK(s->T == 30.0);
  CHECK(s->zbar == Approx((30.0 + 6.0) / 2.0));
  CHECK(s->first_day == 100);
}

TEST_CASE("unsorted input gives the same summary as sorted input", "[rfm]") {
  const std::vector<std::pair<std::int32_t, double>> orders = {
      {100, 5.0}, {100, 7.0}, {103, 1.5}, {110, 10.0}, {110, 20.0}, {125, 4.0}, {140, 8.0}, {141, 2.0}};
  rfm_accumulator sorted, shuffled;
  for (const auto& [d, v] : orders) sorted.add(d, v);
  for (std::size_t i : {6u, 3u, 0u, 7u, 4u, 1u, 5u, 2u}) shuffled.add(orders[i].first, orders[i].second);
  const rfm_window w{130, 140, time_unit::day};
  const auto a = sorted.summarize(w);
  const auto b = shuffled.summarize(w);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->x == 3);  // days 103, 110, 125
  CHECK(b->x == a->x);
  CHECK(b->t_x == a->t_x);
  CHECK(b->T == a->T);
  CHECK(b->zbar == Approx(a->zbar));
  CHECK(a->zbar == Approx((1.5 + 30.0 + 4.0) / 3.0));
  CHECK(a->holdout_x == 1);  // day 140 is in (130, 140]; day 141 is after the holdout
  CHECK(b->holdout_x == 1);
  CHECK(a->holdout_spend == 8.0);
}

TEST_CASE("a purchase on the calibration end counts, with t_x = T", "[rfm]") {
  rfm_accumulator acc;
  acc.add(10, 1.0);
  acc.add(17, 2.0);
  const auto s = acc.summarize({17, 24, time_unit::week});
  REQUIRE(s);
  CHECK(s->x == 1);
  CHECK(s->t_x == 1.0);
  CHECK(s->T == 1.0);
  CHECK(s->holdout_x == 0);
}

TEST_CASE("customers born after the calibration end have no summary", "[rfm]") {
  rfm_accumulator later, none;
  later.add(200, 3.0);
  CHECK_FALSE(later.summarize({199, 300, time_unit::day}).has_value());
  CHECK(none.empty());
  CHECK_FALSE(none.summarize({199, 300, time_unit::day}).has_value());
}

TEST_CASE("bad orders and windows throw data_error", "[rfm][errors]") {
  rfm_accumulator acc;
  CHECK_THROWS_AS(acc.add(1, -5.0), cxkpi::data_error);
  CHECK_THROWS_WITH(acc.add(1, -5.0), Catch::Contains("negative spend"));
  CHECK_THROWS_AS(acc.add(1, std::numeric_limits<double>::quiet_NaN()), cxkpi::data_error);
  CHECK_THROWS_AS(acc.add(1, std::numeric_limits<double>::infinity()), cxkpi::data_error);
  CHECK(acc.empty());  // rejected orders leave nothing behind
  acc.add(1, 1.0);
  CHECK_THROWS_AS(acc.summarize({10, 10, time_unit::day}), cxkpi::data_error);
  CHECK_THROWS_WITH(acc.summarize({10, 5, time_unit::day}),
                    Catch::Contains("holdout end must be after the calibration end"));
}

// Source of the expected values: the per-customer CDNOW summaries distributed
// with Fader, Hardie & Lee (2005) and with lifetimes (cdnow_customers_summary.csv:
// ID,frequency,recency,T; ..._with_transactions.csv: ID,x,t_x,T,zbar), weeks,
// calibration end 1997-09-30. Every row must be reproduced from the raw
// transactions. This fixes the definitions: T counts days from the first
// purchase to 1997-09-30 (272 days = 38.86 weeks for a 1997-01-01 birth),
// purchases are grouped by day, zbar is the mean over repeat days only.
TEST_CASE("CDNOW summaries are reproduced row by row from the raw transactions", "[rfm][cdnow]") {
  const auto customers = read_cdnow_sample();
  REQUIRE(customers.size() == 2357);
  std::map<long, rfm_summary> summaries;
  for (const auto& [id, acc] : customers) {
    const auto s = acc.summarize(cdnow_window);
    REQUIRE(s);  // everyone's first purchase is in 1997-Q1
    summaries[id] = *s;
  }

  SECTION("cdnow_customers_summary.csv: frequency, recency, T") {
    std::ifstream in(cdnow + "cdnow_customers_summary.csv");
    REQUIRE(in);
    std::string line;
    get_line(in, line);
    REQUIRE(line == "ID,frequency,recency,T");
    std::size_t rows = 0, mismatches = 0;
    while (get_line(in, line)) {
      const auto f = split_csv(line);
      REQUIRE(f.size() == 4);
      const auto it = summaries.find(std::stol(f[0]));
      REQUIRE(it != summaries.end());
      const rfm_summary& s = it->second;
      ++rows;
      if (s.x != std::stol(f[1]) || !matches_2dp(s.t_x, f[2]) || !matches_2dp(s.T, f[3])) {
        ++mismatches;
        UNSCOPED_INFO("row " << line << ": ours x=" << s.x << " t_x=" << s.t_x << " T=" << s.T);
      }
    }
    CHECK(rows == 2357);
    CHECK(mismatches == 0);
  }

  SECTION("cdnow_customers_summary_with_transactions.csv: x, t_x, T, zbar") {
    std::ifstream in(cdnow + "cdnow_customers_summary_with_transactions.csv");
    REQUIRE(in);
    std::string line;
    get_line(in, line);
    REQUIRE(line == "ID,x,t_x,T,zbar");
    std::size_t rows = 0, mismatches = 0;
    while (get_line(in, line)) {
      const auto f = split_csv(line);
      REQUIRE(f.size() == 5);
      const auto it = summaries.find(std::stol(f[0]));
      REQUIRE(it != summaries.end());
      const rfm_summary& s = it->second;
      ++rows;
      if (s.x != std::stol(f[1]) || !matches_2dp(s.t_x, f[2]) || !matches_2dp(s.T, f[3]) ||
          !matches_2dp(s.zbar, f[4])) {
        ++mismatches;
        UNSCOPED_INFO("row " << line << ": ours x=" << s.x << " t_x=" << s.t_x << " T=" << s.T
                             << " zbar=" << s.zbar);
      }
    }
    CHECK(rows == 2357);
    CHECK(mismatches == 0);
  }

  SECTION("totals and the holdout window") {
    // Counted independently from the raw file: distinct (sample id, date)
    // pairs, minus one first day per customer, in each window
    // (awk '$3<=19970930' and '$3>19970930 && $3<=19980630' | sort -u).
    std::int64_t repeat = 0, holdout = 0, repeat_customers = 0;
    for (const auto& [id, s] : summaries) {
      repeat += s.x;
      holdout += s.holdout_x;
      repeat_customers += s.x > 0 ? 1 : 0;
    }
    CHECK(repeat == 4814 - 2357);
    CHECK(holdout == 1882);
    CHECK(repeat_customers == 946);  // Fader & Hardie (2013): 946 repeat customers
    CHECK(cdnow_window.holdout_length() == Approx(39.0));
  }
}
