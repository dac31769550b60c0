#pragma once
/// \file
/// Points in time, for durations (`cxkpi norm`: ordered → delivered, asked →
/// answered). Unlike a KPI's period, which takes the calendar date as written
/// (date.hpp), a duration must honour offsets: 10:00+02:00 to 09:30Z is 30
/// minutes, not −30.

#include <cxkpi/date.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace cxkpi {

/// Seconds since 1970-01-01T00:00:00 UTC. A time without an offset (or with a
/// zone name such as `AST`, which cannot be resolved without a time-zone
/// database) is taken as UTC: both ends of a duration in one file share that
/// reading, so their difference is right.
using timestamp = std::int64_t;

/// Parses a date-time: the date part as parse_date reads it in `format`,
/// then optionally `T` or blanks, `H:MM[:SS[.fraction]]`, `AM`/`PM`, and a zone
/// (`Z`, `±HH`, `±HHMM`, `±HH:MM`, or a 2–5 letter name, ignored). A date
/// alone is its midnight. Returns nothing for anything else; never throws.
inline std::optional<timestamp> parse_timestamp(std::string_view text, date_format format = date_format::iso) noexcept {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  // The date part ends at the first 'T' or blank.
  std::size_t cut = 0;
  while (cut < text.size() && text[cut] != 'T' && text[cut] != 't' && text[cut] != ' ' && text[cut] != '\t') ++cut;
  const std::optional<date> day = parse_date(text.substr(0, cut), format);
  // parse_date validates the whole text (time and zone) too; use it as the
  // gate so both functions accept exactly the same forms.
  if (!day || !parse_date(text, format)) return std::nullopt;
  timestamp seconds = static_cast<timestamp>(day->days) * 86400;
  detail::date_cursor c{text, cut};
  if (c.at_end()) return seconds;
  if (!c.consume('T') && !c.consume('t')) c.skip_blanks();
  int hour = 0, minute = 0, second = 0;
  c.number(1, 2, hour);
  c.consume(':');
  c.number(2, 2, minute);
  if (c.consume(':')) {
    c.number(2, 2, second);
    if (c.consume('.') || c.consume(',')) c.pos += c.digit_run();  // fractions of a second are dropped
  }
  const std::size_t before = c.pos;
  c.skip_blanks();
  if (c.consume_word("am")) {
    if (hour == 12) hour = 0;
  } else if (c.consume_word("pm")) {
    if (hour != 12) hour += 12;
  } else {
    c.pos = before;
  }
  seconds += hour * 3600 + minute * 60 + second;
  c.skip_blanks();
  const bool east = c.peek() == '+';
  if (c.consume('+') || c.consume('-')) {
    int offset_hours = 0, offset_minutes = 0;
    if (c.digit_run() == 4) {
      int both = 0;
      c.number(4, 4, both);
      offset_hours = both / 100;
      offset_minutes = both % 100;
    } else {
      c.number(2, 2, offset_hours);
      if (c.consume(':')) c.number(2, 2, offset_minutes);
    }
    const timestamp offset = offset_hours * 3600 + offset_minutes * 60;
    seconds += east ? -offset : offset;  // local time minus its offset is UTC
  }
  return seconds;
}

/// Parses a duration: a number and a unit, `90s`, `90m`, `1.5h`, `2d`, `1w`
/// (seconds, minutes, hours, days, weeks). Returns seconds; nothing for
/// anything else, a negative or a non-finite value.
inline std::optional<double> parse_duration(std::string_view text) noexcept {
  if (text.size() < 2) return std::nullopt;
  double unit = 0;
  switch (text.back()) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    case 'w': unit = 7 * 86400; break;
    default: return std::nullopt;
  }
  text.remove_suffix(1);
  double value = 0;
  bool seen_digit = false, seen_point = false;
  double scale = 1;
  for (char ch : text) {
    if (ch >= '0' && ch <= '9') {
      seen_digit = true;
      if (seen_point) {
        scale /= 10;
        value += (ch - '0') * scale;
      } else {
        value = value * 10 + (ch - '0');
      }
    } else if (ch == '.' && !seen_point) {
      seen_point = true;
    } else {
      return std::nullopt;
    }
  }
  if (!seen_digit || value * unit > 1e15) return std::nullopt;
  return value * unit;
}

}  // namespace cxkpi
