#pragma once
/// \file
/// Money as exact integers. An amount is held in micro-units (1 currency unit
/// = 1,000,000 micro-units) in a `std::int64_t`, so sums are exact and do not
/// depend on the order of addition: totals computed on several threads and
/// merged equal the single-pass total bit for bit. The range is ±9.2e12 units
/// per amount and per total: `parse_money` rejects a larger amount
/// (`out_of_range`, a counted skip), and a total that would pass it throws
/// `data_error` naming the total and the amount added.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "cxkpi/error.hpp"

namespace cxkpi {

/// Micro-units in one currency unit: `12.50` is 12,500,000 micro-units.
inline constexpr std::int64_t micros_per_unit = 1'000'000;

/// The character between whole units and the fraction: `12.50` or `12,50`
/// (European Excel exports).
enum class decimal_mark : std::uint8_t { point, comma };

/// How `parse_money` reads text.
struct money_options {
  decimal_mark mark = decimal_mark::point;  ///< which of `.` and `,` is the decimal mark
  bool allow_negative = false;              ///< profits may be negative; order amounts may not
};

/// Why an amount was rejected. `none` means it was accepted.
enum class money_error : std::uint8_t {
  none,
  missing,       ///< empty or only blanks
  negative,      ///< a minus sign on a non-zero amount while `allow_negative` is off
  not_a_number,  ///< anything else: letters, `NaN`, `inf`, `1e5`, `1,299.00`, a second mark
  out_of_range,  ///< more than 9.2e12 units
};

/// The row-accounting reason for a rejected amount: `missing`, `negative_amount`,
/// `not_a_number`, `out_of_range` (`none` gives an empty string).
constexpr std::string_view skip_reason(money_error error) noexcept {
  switch (error) {
    case money_error::none: return {};
    case money_error::missing: return "missing";
    case money_error::negative: return "negative_amount";
    case money_error::not_a_number: return "not_a_number";
    case money_error::out_of_range: return "out_of_range";
  }
  return {};
}

/// What `parse_money` returns: the amount in micro-units, or the reason it was
/// rejected (then `micros` is 0). Converts to `true` when accepted.
struct parsed_money {
  std::int64_t micros = 0;                 ///< the amount in micro-units; 0 when rejected
  money_error error = money_error::none;  ///< why it was rejected, or `none`
  /// Whether the amount was accepted.
  constexpr explicit operator bool() const noexcept { return error == money_error::none; }
};

namespace detail {

/// The usual amount (`45.99`, `120`) in micro-units: 1 to 12 digits, then
/// optionally the mark and 1 to 6 more digits, nothing else; std::nullopt
/// for anything else (parse_money's general loop decides those). Twelve
/// digits cannot pass the 9.2e12-unit range and six decimals need no
/// rounding, so this pass has no such cases to check.
constexpr std::optional<std::int64_t> plain_money(std::string_view text, char mark) noexcept {
  const auto digit = [](char c) { return static_cast<unsigned>(c - '0'); };
  std::size_t i = 0;
  std::int64_t units = 0;
  for (; i < text.size() && i < 12 && digit(text[i]) < 10; ++i) units = units * 10 + digit(text[i]);
  if (i == 0) return std::nullopt;
  if (i == text.size()) return units * micros_per_unit;
  const std::size_t decimals = text.size() - i - 1;
  if (text[i] != mark || decimals == 0 || decimals > 6) return std::nullopt;
  std::int64_t fraction = 0;
  for (++i; i < text.size(); ++i) {
    if (digit(text[i]) >= 10) return std::nullopt;
    fraction = fraction * 10 + digit(text[i]);
  }
  for (std::size_t k = decimals; k < 6; ++k) fraction *= 10;
  return units * micros_per_unit + fraction;
}

}  // namespace detail

/// Parses a decimal amount: optional blanks, an optional sign (`+`; `-` only
/// when `allow_negative`, or on a zero amount), digits, optionally the decimal
/// mark and more digits (`12`, `12.5`, `12.50`, `.5`, `5.`). Digits beyond the
/// sixth decimal are rounded half away from zero. No thousands separators,
/// currency symbols or exponents: those are `not_a_number`. Never throws.
constexpr parsed_money parse_money(std::string_view text, money_options options = {}) noexcept {
  constexpr auto is_blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  if (text.empty()) return {0, money_error::missing};
  const char mark = options.mark == decimal_mark::point ? '.' : ',';
  if (const std::optional<std::int64_t> plain = detail::plain_money(text, mark)) return {*plain, money_error::none};

  bool minus = false;
  if (text.front() == '+' || text.front() == '-') {
    minus = text.front() == '-';
    text.remove_prefix(1);
  }
  constexpr std::int64_t max = std::numeric_limits<std::int64_t>::max();

  std::int64_t units = 0;
  std::int64_t fraction = 0;  // micro-units after the mark
  std::int64_t scale = micros_per_unit / 10;
  bool round_up = false;
  bool seen_digit = false;
  bool seen_mark = false;
  bool too_big = false;
  bool rounding_digit_read = false;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      const int digit = c - '0';
      seen_digit = true;
      if (!seen_mark) {
        if (units > (max / micros_per_unit - digit) / 10) too_big = true;
        else units = units * 10 + digit;
      } else if (scale > 0) {
        fraction += digit * scale;
        scale /= 10;
      } else if (!rounding_digit_read) {
        round_up = digit >= 5;  // the seventh decimal decides; later ones cannot change half-up
        rounding_digit_read = true;
      }
    } else if (c == mark && !seen_mark) {
      seen_mark = true;
    } else {
      return {0, money_error::not_a_number};
    }
  }
  if (!seen_digit) return {0, money_error::not_a_number};
  if (too_big || units > (max - fraction) / micros_per_unit) return {0, money_error::out_of_range};
  std::int64_t micros = units * micros_per_unit + fraction;
  if (round_up) {
    if (micros == max) return {0, money_error::out_of_range};
    ++micros;
  }
  if (minus && micros != 0) {
    if (!options.allow_negative) return {0, money_error::negative};
    micros = -micros;
  }
  return {micros, money_error::none};
}

/// Micro-units as a `double` number of currency units (for ratios and output).
constexpr double to_units(std::int64_t micros) noexcept {
  return static_cast<double>(micros) / static_cast<double>(micros_per_unit);
}

/// Micro-units as decimal text with `decimals` places (0–6), rounded half
/// away from zero: `format_money(12'345'000, 2)` is `"12.35"`, negatives get `-`.
inline std::string format_money(std::int64_t micros, int decimals = 2) {
  if (decimals < 0) decimals = 0;
  if (decimals > 6) decimals = 6;
  const bool negative = micros < 0;
  // Work on the magnitude as unsigned so that INT64_MIN has one too.
  std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(micros) : static_cast<std::uint64_t>(micros);
  std::uint64_t step = 1;
  for (int i = decimals; i < 6; ++i) step *= 10;
  magnitude = (magnitude + step / 2) / step;  // rounded to `decimals` places
  std::uint64_t divisor = 1;
  for (int i = 0; i < decimals; ++i) divisor *= 10;
  std::string out = negative && magnitude != 0 ? "-" : "";
  out += std::to_string(magnitude / divisor);
  if (decimals > 0) {
    std::string frac = std::to_string(magnitude % divisor);
    out += '.';
    out.append(static_cast<std::size_t>(decimals) - frac.size(), '0');
    out += frac;
  }
  return out;
}

namespace detail {

/// Micro-units as the shortest exact decimal text: `9000000000000`, `12.5`.
inline std::string exact_money_text(std::int64_t micros) {
  std::string text = format_money(micros, 6);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

/// `a + b` for money totals. Past ±9.2e12 units it throws `data_error`
/// (without a location: the caller that knows the row adds it), naming
/// `what` (`revenue total`), both operands and the limit:
/// `revenue total out of range: 9000000000000 + 9000000000000 passes
/// 9223372036854.775807, the largest total kept exactly`.
inline std::int64_t add_money(std::int64_t a, std::int64_t b, std::string_view what = "money total") {
  constexpr std::int64_t max = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t min = std::numeric_limits<std::int64_t>::min();
  if ((b > 0 && a > max - b) || (b < 0 && a < min - b))
    throw data_error(std::string(what) + " out of range: " + exact_money_text(a) + " + " + exact_money_text(b) +
                         " passes " + exact_money_text(b > 0 ? max : min) + ", the " +
                         (b > 0 ? "largest" : "lowest") + " total kept exactly",
                     {});
  return a + b;
}

}  // namespace detail
}  // namespace cxkpi
