// Dates: the accepted forms, the offset rule, invalid dates, periods and keys.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "cxkpi/date.hpp"

using cxkpi::date;
using cxkpi::date_format;
using cxkpi::parse_date;
using cxkpi::period_kind;

namespace {

// Shorthand for a date known to exist.
date d(int year, int month, int day) { return *cxkpi::make_date(year, month, day); }

std::string parsed(std::string_view text, date_format format = date_format::iso) {
  const auto day = parse_date(text, format);
  return day ? cxkpi::to_string(*day) : std::string("invalid");
}

}  // namespace

TEST_CASE("a date counts days since 1970-01-01") {
  CHECK(d(1970, 1, 1).days == 0);
  CHECK(d(1969, 12, 31).days == -1);
  // 1970-01-01 .. 2024-12-31 is 55 years, 14 of them leap (1972, 1976, ..., 2024):
  // 55 × 365 + 14 = 20089 days, so 2025-01-01 is day 20089 and
  // 2025-03-07 is 20089 + 31 (January) + 28 (February) + 6 = 20154.
  CHECK(d(2025, 3, 7).days == 20154);
  CHECK(cxkpi::to_string(date{20154}) == "2025-03-07");
  CHECK(cxkpi::to_string(d(1, 1, 1)) == "0001-01-01");
  CHECK(d(2025, 3, 7) < d(2025, 3, 8));
  CHECK(cxkpi::add_days(d(2025, 2, 28), 1) == d(2025, 3, 1));
}

TEST_CASE("make_date rejects days that do not exist") {
  CHECK_FALSE(cxkpi::make_date(2025, 2, 29));
  CHECK(cxkpi::make_date(2024, 2, 29));   // 2024 is divisible by 4
  CHECK_FALSE(cxkpi::make_date(1900, 2, 29));  // divisible by 100, not by 400
  CHECK(cxkpi::make_date(2000, 2, 29));   // divisible by 400
  CHECK_FALSE(cxkpi::make_date(2025, 4, 31));
  CHECK_FALSE(cxkpi::make_date(2025, 13, 1));
  CHECK_FALSE(cxkpi::make_date(2025, 0, 1));
  CHECK_FALSE(cxkpi::make_date(2025, 1, 0));
  CHECK_FALSE(cxkpi::make_date(0, 1, 1));
  CHECK_FALSE(cxkpi::make_date(10000, 1, 1));
}

TEST_CASE("ISO dates and date-times") {
  CHECK(parsed("2025-03-07") == "2025-03-07");
  CHECK(parsed("2025/03/07") == "2025-03-07");
  CHECK(parsed("2025-3-7") == "2025-03-07");
  CHECK(parsed("  2025-03-07\t") == "2025-03-07");
  CHECK(parsed("2025-03-07T14:03:00Z") == "2025-03-07");
  CHECK(parsed("2025-03-07t14:03:00z") == "2025-03-07");
  CHECK(parsed("2025-03-07T14:03:00+02:00") == "2025-03-07");
  CHECK(parsed("2025-03-07T14:03:00+0200") == "2025-03-07");
  CHECK(parsed("2025-03-07T14:03:00-05") == "2025-03-07");
  CHECK(parsed("2025-03-07T14:03:00.250Z") == "2025-03-07");
  CHECK(parsed("2025-03-07T14:03") == "2025-03-07");
  CHECK(parsed("2025-03-07 14:03:00") == "2025-03-07");
  CHECK(parsed("2025-12-06 10:37:33 -0500") == "2025-12-06");  // Shopify `Created at`
  CHECK(parsed("2017-07-18 08:28:48") == "2017-07-18");        // Qualtrics `RecordedDate`
  CHECK(parsed("2011-07-20T22:55:29Z") == "2011-07-20");       // Zendesk `created_at`
  CHECK(parsed("2022/03/26 11:00:19 PM AST") == "2022-03-26"); // Google Forms `Timestamp`
  CHECK(parsed("2025-03-07T14:03:00 UTC") == "2025-03-07");
  CHECK(parsed("20250307") == "2025-03-07");                   // compact, as CDNOW writes
  CHECK(parsed("19970101") == "1997-01-01");
}

TEST_CASE("a time or offset never moves the date: it is the local date as written") {
  // 23:30 at UTC-5 is 04:30 UTC on 1 April, but the customer saw 31 March.
  CHECK(parsed("2025-03-31T23:30:00-05:00") == "2025-03-31");
  // 00:30 at UTC+2 is 22:30 UTC on 31 March, but the written date is 1 April.
  CHECK(parsed("2025-04-01T00:30:00+02:00") == "2025-04-01");
  CHECK(parsed("2025-03-31T23:59:59Z") == "2025-03-31");
}

TEST_CASE("day-first and month-first forms need their format") {
  for (const char* text : {"07-03-2025", "07.03.2025", "07/03/2025", "7.3.2025", "07.03.2025 14:03", "07/03/2025 14:03:00"})
    CHECK(parsed(text, date_format::day_first) == "2025-03-07");
  CHECK(parsed("3/7/2025 9:05:13", date_format::month_first) == "2025-03-07");
  CHECK(parsed("11/1/2019 8:51:12", date_format::month_first) == "2019-11-01");  // the Sudzilla survey export
  CHECK(parsed("3/7/2025 9:05 PM", date_format::month_first) == "2025-03-07");
  CHECK(parsed("12/31/2024 12:00:00 am", date_format::month_first) == "2024-12-31");
  CHECK(parsed("03-07-2025", date_format::month_first) == "2025-03-07");
  // The ISO forms are unambiguous and accepted in every format ...
  CHECK(parsed("2025-03-07", date_format::day_first) == "2025-03-07");
  CHECK(parsed("2025-03-07T14:03:00Z", date_format::month_first) == "2025-03-07");
  // ... but compact digits are not: 07032025 could be read as DDMMYYYY.
  CHECK(parsed("07032025", date_format::day_first) == "invalid");
  CHECK(parsed("20250307", date_format::day_first) == "invalid");
  // Without the format a day-first date is rejected, never guessed.
  CHECK(parsed("07-03-2025") == "invalid");
  CHECK(parsed("3/7/2025") == "invalid");
}

TEST_CASE("invalid dates and garbage are rejected without throwing") {
  for (const char* text :
       {"", "   ", "2025-02-30", "2025-13-01", "2025-00-10", "2025-01-00", "2023-02-29", "2025-03-07x",
        "2025-03-07T", "2025-03-07Z", "2025-03-07T25:00", "2025-03-07T24:00:00", "2025-03-07T14:60",
        "2025-03-07T14:03:61", "2025-03-07T14:03:00+24:00", "2025-03-07T14:03:00+02:60", "2025-03-07T14:03:00 A", "2025-03-07T14:03:00 EUROPE",
        "2025-03-07T14:03:00 ast", "2025-03-07T14:03:00+02:00 CET", "2025-03-07 AST",
        "2025-03-07T1403", "2025-03/07", "2025-003-07", "25-03-07", "202503071", "2025030", "March 7, 2025",
        "2025-03-07 13:00 PM", "2025-03-07 0:00 AM", "not a date", "2025-03-07T14:03:00.Z"}) {
    INFO(text);
    CHECK_FALSE(parse_date(text));
  }
  CHECK_FALSE(parse_date("31/02/2025", date_format::day_first));
  CHECK_FALSE(parse_date("13/13/2025", date_format::day_first));
  CHECK_FALSE(parse_date("07-03.2025", date_format::day_first));  // two different separators
  CHECK_FALSE(parse_date("07-03-25", date_format::day_first));    // two-digit year
  CHECK_FALSE(parse_date("13/7/2025", date_format::month_first));
}

TEST_CASE("format and period names") {
  CHECK(cxkpi::parse_date_format("iso") == date_format::iso);
  CHECK(cxkpi::parse_date_format("dmy") == date_format::day_first);
  CHECK(cxkpi::parse_date_format("day-first") == date_format::day_first);
  CHECK(cxkpi::parse_date_format("mdy") == date_format::month_first);
  CHECK_FALSE(cxkpi::parse_date_format("european"));
  CHECK(cxkpi::parse_period_kind("quarter") == period_kind::quarter);
  CHECK(cxkpi::parse_period_kind("week") == period_kind::week);
  CHECK_FALSE(cxkpi::parse_period_kind("Month"));
  CHECK(cxkpi::to_string(period_kind::year) == "year");
}

TEST_CASE("periods are half-open and have keys") {
  const date day = d(2025, 3, 7);  // a Friday

  const auto month = cxkpi::period_of(day, period_kind::month);
  CHECK(month.start == d(2025, 3, 1));
  CHECK(month.end == d(2025, 4, 1));
  CHECK(cxkpi::period_key(month) == "2025-03");
  CHECK(month.contains(d(2025, 3, 31)));
  CHECK_FALSE(month.contains(d(2025, 4, 1)));

  const auto quarter = cxkpi::period_of(day, period_kind::quarter);
  CHECK(quarter.start == d(2025, 1, 1));
  CHECK(quarter.end == d(2025, 4, 1));
  CHECK(cxkpi::period_key(quarter) == "2025-Q1");
  CHECK(cxkpi::period_key(cxkpi::period_of(d(2025, 12, 31), period_kind::quarter)) == "2025-Q4");

  const auto year = cxkpi::period_of(day, period_kind::year);
  CHECK(year.start == d(2025, 1, 1));
  CHECK(year.end == d(2026, 1, 1));
  CHECK(cxkpi::period_key(year) == "2025");

  const auto one_day = cxkpi::period_of(day, period_kind::day);
  CHECK(one_day.end == d(2025, 3, 8));
  CHECK(cxkpi::period_key(one_day) == "2025-03-07");

  // ISO week: Monday 3 March to Sunday 9 March. 2025 began on a Wednesday, so
  // week 1 is Monday 30 Dec 2024 to 5 Jan 2025; 3 March is 63 days = 9 weeks later: W10.
  const auto week = cxkpi::period_of(day, period_kind::week);
  CHECK(week.start == d(2025, 3, 3));
  CHECK(week.end == d(2025, 3, 10));
  CHECK(cxkpi::period_key(week) == "2025-W10");
  CHECK(cxkpi::period_key(cxkpi::period_of(d(2025, 2, 26), period_kind::week)) == "2025-W09");
  CHECK(cxkpi::period_of(d(2025, 3, 9), period_kind::week).start == d(2025, 3, 3));   // Sunday
  CHECK(cxkpi::period_of(d(2025, 3, 10), period_kind::week).start == d(2025, 3, 10)); // Monday
  // Around New Year the ISO week-year differs from the calendar year.
  CHECK(cxkpi::period_key(cxkpi::period_of(d(2024, 12, 30), period_kind::week)) == "2025-W01");
  // 2020 began on a Wednesday and was leap: it has 53 ISO weeks; Sunday 3 Jan 2021 is in 2020-W53.
  CHECK(cxkpi::period_key(cxkpi::period_of(d(2021, 1, 3), period_kind::week)) == "2020-W53");
  CHECK(cxkpi::period_key(cxkpi::period_of(d(2021, 1, 4), period_kind::week)) == "2021-W01");
}

TEST_CASE("next period and series of periods") {
  const auto december = cxkpi::period_of(d(2024, 12, 15), period_kind::month);
  const auto january = cxkpi::next_period(december);
  CHECK(january.start == d(2025, 1, 1));
  CHECK(cxkpi::period_key(january) == "2025-01");
  CHECK(cxkpi::period_key(cxkpi::next_period(cxkpi::period_of(d(2024, 11, 1), period_kind::quarter))) == "2025-Q1");
  CHECK(cxkpi::next_period(cxkpi::period_of(d(2024, 2, 10), period_kind::month)).start == d(2024, 3, 1));

  // [15 Jan, 1 Apr) overlaps January, February and March, each whole.
  const auto months = cxkpi::periods_covering(d(2025, 1, 15), d(2025, 4, 1), period_kind::month);
  REQUIRE(months.size() == 3);
  CHECK(months[0].start == d(2025, 1, 1));
  CHECK(cxkpi::period_key(months[2]) == "2025-03");
  // [1 Jan, 2 Apr) reaches into April.
  CHECK(cxkpi::periods_covering(d(2025, 1, 1), d(2025, 4, 2), period_kind::month).size() == 4);
  CHECK(cxkpi::periods_covering(d(2025, 1, 1), d(2025, 1, 1), period_kind::month).empty());
  CHECK(cxkpi::periods_covering(d(2025, 2, 1), d(2025, 1, 1), period_kind::month).empty());
  // 2024-12-30 .. 2025-01-12 inclusive is two ISO weeks.
  CHECK(cxkpi::periods_covering(d(2024, 12, 30), d(2025, 1, 13), period_kind::week).size() == 2);
}

TEST_CASE("date windows are half-open with optional bounds") {
  const cxkpi::date_window both{d(2025, 1, 1), d(2025, 2, 1)};
  CHECK(both.contains(d(2025, 1, 1)));
  CHECK(both.contains(d(2025, 1, 31)));
  CHECK_FALSE(both.contains(d(2025, 2, 1)));
  CHECK_FALSE(both.contains(d(2024, 12, 31)));
  CHECK(cxkpi::date_window{}.contains(d(1, 1, 1)));
  CHECK(cxkpi::date_window{d(2025, 1, 1), std::nullopt}.contains(d(9999, 12, 31)));
  CHECK_FALSE(cxkpi::date_window{std::nullopt, d(2025, 1, 1)}.contains(d(2025, 1, 1)));
}
