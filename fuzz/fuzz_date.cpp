// Fuzz target: dates and times (parse_date in every format, parse_timestamp,
// parse_duration, periods).
//
// Invariants checked on every input:
//  - nothing throws or crashes (the parsers are noexcept);
//  - a parsed date lies in years 1-9999, and to_string() of it is ISO text
//    that parses back to the same date in every format;
//  - ISO input `YYYY-MM-DD` that parses gives exactly that text back, and one
//    that does not is a day that does not exist (or a bad year);
//  - a date that parses in iso format parses to the same day in the other
//    formats (year-first forms mean the same everywhere), except compact
//    `YYYYMMDD`, which only iso reads;
//  - parse_timestamp accepts exactly what parse_date accepts, and lands
//    within a day and a half of that date's midnight (time plus offset);
//  - the period of each kind that holds a date contains it, and its key
//    has the documented shape;
//  - a duration is finite and not negative.

#include "fuzz_common.hpp"

#include <cxkpi/date.hpp>
#include <cxkpi/timestamp.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using namespace cxkpi;

bool iso_shape(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (t[i] < '0' || t[i] > '9') return false;
  return true;
}

void check_periods(date day) {
  for (period_kind kind : {period_kind::day, period_kind::week, period_kind::month, period_kind::quarter,
                           period_kind::year}) {
    const period p = period_of(day, kind);
    FUZZ_ASSERT(p.contains(day), "the period of a date contains it");
    FUZZ_ASSERT(next_period(p).start == p.end, "the next period starts where this one ends");
    const std::string key = period_key(p);
    const std::size_t want = kind == period_kind::day ? 10 : kind == period_kind::week ? 8
                             : kind == period_kind::year ? 4 : 7;
    FUZZ_ASSERT(key.size() == want, "a period key has its documented length");
    FUZZ_ASSERT(parse_period_kind(to_string(kind)) == kind, "period kind names round-trip");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const date_format formats[] = {date_format::iso, date_format::day_first, date_format::month_first};

  std::optional<date> by_format[3];
  for (int f = 0; f < 3; ++f) {
    const std::optional<date> d = parse_date(text, formats[f]);
    by_format[f] = d;
    const std::optional<timestamp> t = parse_timestamp(text, formats[f]);
    FUZZ_ASSERT(d.has_value() == t.has_value(), "parse_timestamp accepts exactly what parse_date accepts");
    if (!d) continue;
    const auto ymd = d->to_ymd();
    FUZZ_ASSERT(ymd.ok() && static_cast<int>(ymd.year()) >= 1 && static_cast<int>(ymd.year()) <= 9999,
                "a parsed date is a real day in years 1-9999");
    const std::string iso = to_string(*d);
    FUZZ_ASSERT(iso_shape(iso), "to_string gives YYYY-MM-DD");
    for (date_format g : formats) FUZZ_ASSERT(parse_date(iso, g) == d, "to_string parses back to the same date");
    FUZZ_ASSERT(make_date(static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
                          static_cast<int>(static_cast<unsigned>(ymd.day()))) == d,
                "make_date of its parts gives the date");
    const std::int64_t midnight = static_cast<std::int64_t>(d->days) * 86400;
    FUZZ_ASSERT(*t >= midnight - 86400 && *t < midnight + 2 * 86400,
                "a timestamp lies within a day of its date (time and offset)");
    check_periods(*d);
  }
  if (iso_shape(text)) {
    if (by_format[0]) {
      FUZZ_ASSERT(to_string(*by_format[0]) == text, "ISO input round-trips through to_string");
    } else {
      const int year = std::stoi(std::string(text.substr(0, 4)));
      const int month = std::stoi(std::string(text.substr(5, 2)));
      const int day = std::stoi(std::string(text.substr(8, 2)));
      FUZZ_ASSERT(!make_date(year, month, day), "well-formed ISO text of an existing day is rejected");
    }
  }
  // Year-first text means the same in every format; compact YYYYMMDD is iso only.
  if (by_format[0]) {
    const bool same = by_format[1] == by_format[0] && by_format[2] == by_format[0];
    std::string_view trimmed = text;
    while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\t')) trimmed.remove_prefix(1);
    while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\t')) trimmed.remove_suffix(1);
    const bool compact = trimmed.size() == 8 && trimmed.find_first_not_of("0123456789") == std::string_view::npos;
    FUZZ_ASSERT(same || (compact && !by_format[1] && !by_format[2]),
                "a year-first date reads the same in every format");
  }
  if (by_format[1] && by_format[2] && by_format[1] != by_format[2]) {
    // Day-first and month-first may differ only for `dd?mm?yyyy` text.
    FUZZ_ASSERT(!by_format[0], "iso text read differently by day-first and month-first");
  }

  if (const auto seconds = parse_duration(text)) {
    FUZZ_ASSERT(std::isfinite(*seconds) && *seconds >= 0, "a duration is finite and not negative");
  }
  if (const auto kind = parse_period_kind(text)) FUZZ_ASSERT(to_string(*kind) == text, "period names round-trip");
  if (const auto f = parse_date_format(text)) (void)f;
  return 0;
}
