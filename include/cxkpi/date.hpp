#pragma once
/// \file
/// Calendar dates, the date forms found in exports, and calendar periods
/// (day, ISO week, month, quarter, year) with their keys (`2025-03-07`,
/// `2025-W09`, `2025-03`, `2025-Q1`, `2025`).
///
/// **What a date-time with a time or an offset means.** A KPI needs the day an
/// event belongs to, and the day is the local calendar date *as written*: the
/// time of day and any UTC offset or `Z` are checked for validity and then
/// ignored (so is a zone name such as `AST`). `2025-03-31T23:30:00-05:00` is 31 March (the day the customer saw),
/// although it is 1 April in UTC; `2025-03-31T23:30:00Z` is 31 March too. So a
/// file is never shifted by the time zone of the machine that reads it, and a
/// row lands in the period its own text names.

#include <chrono>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cxkpi {

/// A calendar date without time or zone: days since 1970-01-01 (negative
/// before it), proleptic Gregorian calendar. Ordered and comparable.
struct date {
  std::int32_t days = 0;  ///< days since 1970-01-01

  /// Dates compare in calendar order.
  friend constexpr bool operator==(date, date) = default;
  // clang-tidy 14 takes the literal 0 a defaulted operator<=> compares its
  // result with for a null pointer (a false positive).
  // NOLINTNEXTLINE(modernize-use-nullptr)
  friend constexpr auto operator<=>(date, date) = default;

  /// The same day as a `std::chrono::sys_days`.
  constexpr std::chrono::sys_days to_sys_days() const noexcept {
    return std::chrono::sys_days{std::chrono::days{days}};
  }
  /// The same day as year, month and day.
  constexpr std::chrono::year_month_day to_ymd() const noexcept {
    return std::chrono::year_month_day{to_sys_days()};
  }
  /// The date of a `std::chrono::sys_days` (or a valid `year_month_day`, which converts).
  static constexpr date from_sys_days(std::chrono::sys_days day) noexcept {
    return date{static_cast<std::int32_t>(day.time_since_epoch().count())};
  }
};

/// The date `year-month-day`, or `std::nullopt` when it does not exist
/// (`2025-02-30`, month 13, day 0) or the year is outside 1–9999.
constexpr std::optional<date> make_date(int year, int month, int day) noexcept {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                                        std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::nullopt;
  return date::from_sys_days(std::chrono::sys_days{ymd});
}

/// `day` moved by `count` days (negative moves back).
constexpr date add_days(date day, std::int32_t count) noexcept { return date{day.days + count}; }

namespace detail {

/// Appends `value` zero-padded to `width` digits (a `-` first when negative).
inline void append_padded(std::string& out, long long value, int width) {
  if (value < 0) {
    out += '-';
    value = -value;
  }
  const std::string digits = std::to_string(value);
  if (static_cast<int>(digits.size()) < width) out.append(static_cast<std::size_t>(width) - digits.size(), '0');
  out += digits;
}

}  // namespace detail

/// `YYYY-MM-DD`, e.g. `2025-03-07`.
inline std::string to_string(date day) {
  const auto ymd = day.to_ymd();
  std::string out;
  detail::append_padded(out, static_cast<int>(ymd.year()), 4);
  out += '-';
  detail::append_padded(out, static_cast<unsigned>(ymd.month()), 2);
  out += '-';
  detail::append_padded(out, static_cast<unsigned>(ymd.day()), 2);
  return out;
}

/// Which order of day, month and year `parse_date` expects besides ISO.
/// Every format accepts the year-first forms (`2025-03-07`, `2025/03/07`, with
/// a time), which cannot be misread.
enum class date_format : std::uint8_t {
  iso,          ///< year first: `2025-03-07`, `2025/03/07`, and compact `20250307`
  day_first,    ///< also `07-03-2025`, `07.03.2025`, `07/03/2025`, `7.3.2025` (Europe)
  month_first,  ///< also `3/7/2025`, `03-07-2025` (United States)
};

/// The `--date-format` names: `iso`; `day-first` or `dmy`; `month-first` or
/// `mdy` (case-sensitive). `std::nullopt` for anything else.
constexpr std::optional<date_format> parse_date_format(std::string_view name) noexcept {
  if (name == "iso") return date_format::iso;
  if (name == "day-first" || name == "dmy") return date_format::day_first;
  if (name == "month-first" || name == "mdy") return date_format::month_first;
  return std::nullopt;
}

namespace detail {

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }

/// A read position in a date text.
struct date_cursor {
  std::string_view text;
  std::size_t pos = 0;

  constexpr bool at_end() const noexcept { return pos == text.size(); }
  constexpr char peek(std::size_t ahead = 0) const noexcept {
    return pos + ahead < text.size() ? text[pos + ahead] : '\0';
  }
  constexpr bool consume(char c) noexcept {
    if (peek() != c || at_end()) return false;
    ++pos;
    return true;
  }
  /// Number of digits starting here.
  constexpr std::size_t digit_run() const noexcept {
    std::size_t n = 0;
    while (pos + n < text.size() && is_digit(text[pos + n])) ++n;
    return n;
  }
  /// Reads a run of `min_digits`..`max_digits` digits, and fails if the run
  /// is shorter or longer.
  constexpr bool number(std::size_t min_digits, std::size_t max_digits, int& out) noexcept {
    const std::size_t n = digit_run();
    if (n < min_digits || n > max_digits) return false;
    out = 0;
    for (std::size_t i = 0; i < n; ++i) out = out * 10 + (text[pos + i] - '0');
    pos += n;
    return true;
  }
  constexpr std::size_t skip_blanks() noexcept {
    std::size_t n = 0;
    while (!at_end() && is_blank(text[pos])) ++pos, ++n;
    return n;
  }
  /// Consumes `word` ignoring ASCII case.
  constexpr bool consume_word(std::string_view word) noexcept {
    if (text.size() - pos < word.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i) {
      char c = text[pos + i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != word[i]) return false;
    }
    pos += word.size();
    return true;
  }
};

/// Checks what follows the date: nothing, or `T`/blanks, a time
/// `H:MM[:SS[.fff]]` (`HH` 0–23, or 1–12 followed by `AM`/`PM`), then
/// optionally blanks and a zone: `Z`, `±HH`, `±HHMM`, `±HH:MM`, or an
/// abbreviation of 2–5 capital letters (`UTC`, `AST`, `CEST`).
constexpr bool valid_time_tail(date_cursor& c) noexcept {
  if (c.at_end()) return true;
  if (!c.consume('T') && !c.consume('t') && c.skip_blanks() == 0) return false;
  int hour = 0, minute = 0, second = 0;
  if (!c.number(1, 2, hour) || !c.consume(':') || !c.number(2, 2, minute)) return false;
  if (c.consume(':')) {
    if (!c.number(2, 2, second)) return false;
    if (c.consume('.') || c.consume(',')) {
      if (c.digit_run() == 0) return false;
      c.pos += c.digit_run();
    }
  }
  if (minute > 59 || second > 60) return false;  // 60: a leap second

  std::size_t before = c.pos;
  c.skip_blanks();
  if (c.consume_word("am") || c.consume_word("pm")) {
    if (hour < 1 || hour > 12) return false;
  } else {
    c.pos = before;
    if (hour > 23) return false;
  }

  c.skip_blanks();
  if (c.at_end()) return true;
  if (c.consume('Z') || c.consume('z')) return c.at_end();
  if (c.consume('+') || c.consume('-')) {
    int offset_hours = 0, offset_minutes = 0;
    if (!c.number(2, 2, offset_hours)) {
      // `+0200` is one run of four digits.
      int both = 0;
      if (!c.number(4, 4, both)) return false;
      offset_hours = both / 100;
      offset_minutes = both % 100;
    } else if (c.consume(':') && !c.number(2, 2, offset_minutes)) {
      return false;
    }
    return offset_hours <= 23 && offset_minutes <= 59 && c.at_end();
  }
  std::size_t letters = 0;
  while (!c.at_end() && c.peek() >= 'A' && c.peek() <= 'Z') ++c.pos, ++letters;
  return letters >= 2 && letters <= 5 && c.at_end();
}

}  // namespace detail

/// Parses a date or date-time and keeps its calendar date as written (see the
/// file comment: time and offset are validated, then ignored). Accepted, with
/// blanks around the text ignored:
/// - every format: `2025-03-07`, `2025/03/07` (month and day may have one
///   digit), each optionally followed by `T` or blanks and a time:
///   `2025-03-07T14:03:00Z`, `2025-03-07T14:03:00+02:00`, `2025-03-07 14:03:00`,
///   `2025-12-06 10:37:33 -0500` (Shopify), `2025-03-07T14:03:00.250Z`,
///   `2022/03/26 11:00:19 PM AST` (Google Forms: a zone name is ignored too);
/// - `iso` also: compact `20250307` (no time);
/// - `day_first` also: `07-03-2025`, `07.03.2025`, `07/03/2025`, `7.3.2025`, with a time;
/// - `month_first` also: `3/7/2025 9:05:13`, `3/7/2025 9:05 PM`, `03-07-2025`.
/// The two separators of a date must be the same character; years have four
/// digits (1–9999). Returns `std::nullopt` for anything else and for dates that
/// do not exist (`2025-02-30`, month 13); never throws.
constexpr std::optional<date> parse_date(std::string_view text, date_format format = date_format::iso) noexcept {
  while (!text.empty() && detail::is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && detail::is_blank(text.back())) text.remove_suffix(1);
  detail::date_cursor c{text};
  int year = 0, month = 0, day = 0;
  const std::size_t lead = c.digit_run();
  if (lead == 4 && (c.peek(4) == '-' || c.peek(4) == '/')) {
    c.number(4, 4, year);
    const char sep = c.peek();
    ++c.pos;
    if (!c.number(1, 2, month) || !c.consume(sep) || !c.number(1, 2, day)) return std::nullopt;
  } else if (lead == 8 && format == date_format::iso && text.size() == 8) {
    c.number(8, 8, year);
    day = year % 100;
    month = year / 100 % 100;
    year /= 10000;
  } else if ((lead == 1 || lead == 2) && format != date_format::iso) {
    const char sep = c.peek(lead);
    if (sep != '-' && sep != '.' && sep != '/') return std::nullopt;
    int first = 0, second = 0;
    c.number(1, 2, first);
    ++c.pos;
    if (!c.number(1, 2, second) || !c.consume(sep) || !c.number(4, 4, year)) return std::nullopt;
    day = format == date_format::day_first ? first : second;
    month = format == date_format::day_first ? second : first;
  } else {
    return std::nullopt;
  }
  const auto result = make_date(year, month, day);
  if (!result || !detail::valid_time_tail(c)) return std::nullopt;
  return result;
}

/// A calendar period length for KPI series.
enum class period_kind : std::uint8_t {
  day,
  week,     ///< ISO 8601 week: Monday to Sunday, numbered in its ISO week-year
  month,
  quarter,  ///< January–March is Q1
  year,
};

/// `day`, `week`, `month`, `quarter`, `year`.
constexpr std::string_view to_string(period_kind kind) noexcept {
  switch (kind) {
    case period_kind::day: return "day";
    case period_kind::week: return "week";
    case period_kind::month: return "month";
    case period_kind::quarter: return "quarter";
    case period_kind::year: return "year";
  }
  return "month";
}

/// The kind named `day`, `week`, `month`, `quarter` or `year`; `std::nullopt`
/// for anything else.
constexpr std::optional<period_kind> parse_period_kind(std::string_view name) noexcept {
  for (auto kind : {period_kind::day, period_kind::week, period_kind::month, period_kind::quarter, period_kind::year})
    if (to_string(kind) == name) return kind;
  return std::nullopt;
}

/// One calendar period, half-open: it holds the days `start <= d < end`.
struct period {
  period_kind kind = period_kind::month;  ///< its length
  date start;  ///< first day
  date end;    ///< first day of the next period

  /// Whether `day` lies in [start, end).
  constexpr bool contains(date day) const noexcept { return start <= day && day < end; }
  friend constexpr bool operator==(const period&, const period&) = default;
};

/// The period of `kind` that contains `day`: e.g. month of 2025-03-07 is
/// [2025-03-01, 2025-04-01); the ISO week of 2025-03-07 (a Friday) is
/// [2025-03-03, 2025-03-10).
constexpr period period_of(date day, period_kind kind) noexcept {
  using namespace std::chrono;
  const year_month_day ymd = day.to_ymd();
  switch (kind) {
    case period_kind::day: return {kind, day, add_days(day, 1)};
    case period_kind::week: {
      const auto iso_weekday = static_cast<std::int32_t>(weekday{day.to_sys_days()}.iso_encoding());  // Monday 1
      const date start = add_days(day, 1 - iso_weekday);
      return {kind, start, add_days(start, 7)};
    }
    case period_kind::month: {
      const year_month_day first{ymd.year(), ymd.month(), std::chrono::day{1}};
      return {kind, date::from_sys_days(sys_days{first}), date::from_sys_days(sys_days{first + months{1}})};
    }
    case period_kind::quarter: {
      const unsigned first_month = (static_cast<unsigned>(ymd.month()) - 1) / 3 * 3 + 1;
      const year_month_day first{ymd.year(), month{first_month}, std::chrono::day{1}};
      return {kind, date::from_sys_days(sys_days{first}), date::from_sys_days(sys_days{first + months{3}})};
    }
    case period_kind::year: {
      const year_month_day first{ymd.year(), January, std::chrono::day{1}};
      return {kind, date::from_sys_days(sys_days{first}), date::from_sys_days(sys_days{first + years{1}})};
    }
  }
  return {kind, day, add_days(day, 1)};
}

/// The period right after `current` (same kind; it starts at `current.end`).
constexpr period next_period(const period& current) noexcept { return period_of(current.end, current.kind); }

/// The key of a period: day `2025-03-07`, ISO week `2025-W09` (the ISO
/// week-year, which differs from the calendar year around 1 January:
/// 2024-12-30 is in `2025-W01`), month `2025-03`, quarter `2025-Q1`, year `2025`.
inline std::string period_key(const period& span) {
  const auto ymd = span.start.to_ymd();
  const int year = static_cast<int>(ymd.year());
  std::string out;
  switch (span.kind) {
    case period_kind::day: return to_string(span.start);
    case period_kind::week: {
      // The ISO week belongs to the year of its Thursday; week 1 holds that year's first Thursday.
      const date thursday = add_days(span.start, 3);
      const int week_year = static_cast<int>(thursday.to_ymd().year());
      const date january_first = *make_date(week_year, 1, 1);
      detail::append_padded(out, week_year, 4);
      out += "-W";
      detail::append_padded(out, (thursday.days - january_first.days) / 7 + 1, 2);
      return out;
    }
    case period_kind::month:
      detail::append_padded(out, year, 4);
      out += '-';
      detail::append_padded(out, static_cast<unsigned>(ymd.month()), 2);
      return out;
    case period_kind::quarter:
      detail::append_padded(out, year, 4);
      out += "-Q";
      out += static_cast<char>('1' + (static_cast<unsigned>(ymd.month()) - 1) / 3);
      return out;
    case period_kind::year: detail::append_padded(out, year, 4); return out;
  }
  return out;
}

/// The consecutive periods of `kind` that overlap [from, to): from the period
/// containing `from` to the one containing the day before `to`. Whole periods,
/// never clipped. Empty when `to <= from`.
inline std::vector<period> periods_covering(date from, date to, period_kind kind) {
  std::vector<period> out;
  if (to <= from) return out;
  for (period p = period_of(from, kind); p.start < to; p = next_period(p)) out.push_back(p);
  return out;
}

/// An optional date range [from, to), e.g. from `--from` and `--to`; a missing
/// bound is open.
struct date_window {
  std::optional<date> from;  ///< first day inside, or none
  std::optional<date> to;    ///< first day after, or none

  /// Whether `from <= day < to`, ignoring missing bounds.
  constexpr bool contains(date day) const noexcept { return (!from || *from <= day) && (!to || day < *to); }
  friend constexpr bool operator==(const date_window&, const date_window&) = default;
};

}  // namespace cxkpi
