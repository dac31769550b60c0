#pragma once
/// \file
/// Reading numbers and scores out of text cells exactly the same way for CSV
/// and JSON, whatever the locale: `9`, ` 9 `, `9.0`, `9,0` (decimal comma where
/// allowed), and labels such as `10 - Extremely likely` or `0 (Not at all likely)`.

#include <cxkpi/scale.hpp>

#include <charconv>
#include <cmath>
#include <cstddef>
#include <optional>
#include <string_view>
#include <system_error>

namespace cxkpi::io {

/// Why a cell did not give a score. The names double as the skip reasons
/// reported in every output (`skipped_by_reason`).
enum class score_status { ok, missing, not_a_number, not_integer, off_scale };

/// The snake_case reason key of a status (`not_a_number`); "ok" for ok.
constexpr std::string_view reason_key(score_status s) {
  switch (s) {
    case score_status::ok: return "ok";
    case score_status::missing: return "missing";
    case score_status::not_a_number: return "not_a_number";
    case score_status::not_integer: return "not_integer";
    case score_status::off_scale: return "off_scale";
  }
  return "unknown";
}

/// A human phrase for messages: "not a number", "off the scale".
constexpr std::string_view reason_text(score_status s) {
  switch (s) {
    case score_status::ok: return "ok";
    case score_status::missing: return "missing value";
    case score_status::not_a_number: return "not a number";
    case score_status::not_integer: return "not an integer";
    case score_status::off_scale: return "off the scale";
  }
  return "unknown";
}

namespace detail {

inline std::string_view trim_ends(std::string_view s) {
  auto is_space = [](std::string_view v, std::size_t i) {
    return v[i] == ' ' || v[i] == '\t' || v[i] == '\r' || v[i] == '\n';
  };
  while (!s.empty() && is_space(s, 0)) s.remove_prefix(1);
  while (!s.empty() && is_space(s, s.size() - 1)) s.remove_suffix(1);
  constexpr std::string_view nbsp = "\xC2\xA0";
  while (s.starts_with(nbsp)) s = trim_ends(s.substr(2));
  while (s.ends_with(nbsp)) s = trim_ends(s.substr(0, s.size() - 2));
  return s;
}

}  // namespace detail

/// Spaces, tabs and the non-breaking space (U+00A0, as Excel writes it).
/// Most cells have none: a look at both ends settles those, inline.
inline std::string_view trim(std::string_view s) {
  const auto may_start_blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\xC2'; };
  const auto may_end_blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\xA0'; };
  if (s.empty() || (!may_start_blank(s.front()) && !may_end_blank(s.back()))) return s;
  return detail::trim_ends(s);
}

/// Parses a whole cell as a finite decimal number: optional sign, digits, an
/// optional fraction (`.` or, when `decimal_comma`, `,`), an optional
/// exponent. `NaN`, `inf`, an overflow like `1e309`, thousands separators and
/// trailing text give nothing. Never depends on the C locale.
inline std::optional<double> parse_number(std::string_view text, bool decimal_comma = false) {
  text = trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  // from_chars accepts "nan" and "inf"; a score never is one.
  for (char c : text)
    if (!((c >= '0' && c <= '9') || c == '-' || c == '.' || c == ',' || c == 'e' || c == 'E' ||
          c == '+'))
      return std::nullopt;
  char buffer[64];
  if (decimal_comma && text.find(',') != std::string_view::npos) {
    if (text.size() >= sizeof buffer || text.find('.') != std::string_view::npos) return std::nullopt;
    for (std::size_t i = 0; i < text.size(); ++i) buffer[i] = text[i] == ',' ? '.' : text[i];
    text = std::string_view(buffer, text.size());
  }
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

/// The outcome of reading one score cell.
struct score_reading {
  score_status status = score_status::missing;
  int value = 0;  ///< meaningful only when status is ok
};

/// Reads a rating on `scale` from a cell. Empty (or blank) is `missing`; a
/// number with a fractional part is `not_integer` (`9.0` is 9); a label
/// that starts with an integer followed by a separator and words
/// (`10 - Extremely likely`, `0 (Not at all likely)`, `4: Good`) is that
/// integer; anything else is `not_a_number`; an integer outside the scale is
/// `off_scale`.
inline score_reading read_score(std::string_view cell, rating_scale scale, bool decimal_comma = false) {
  cell = trim(cell);
  if (cell.empty()) return {score_status::missing, 0};
  double number = 0;
  if (auto parsed = parse_number(cell, decimal_comma)) {
    number = *parsed;
  } else {
    // A label: leading digits, then a separator, then text with a letter.
    std::size_t digits = 0;
    while (digits < cell.size() && digits < 4 && cell[digits] >= '0' && cell[digits] <= '9') ++digits;
    if (digits == 0 || digits == cell.size()) return {score_status::not_a_number, 0};
    const char separator = cell[digits];
    if (separator != ' ' && separator != '-' && separator != '(' && separator != ':' &&
        separator != '=' && separator != '\t')
      return {score_status::not_a_number, 0};
    bool has_letter = false;
    for (char c : cell.substr(digits))
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || static_cast<unsigned char>(c) >= 0x80)
        has_letter = true;
    if (!has_letter) return {score_status::not_a_number, 0};
    int leading = 0;
    std::from_chars(cell.data(), cell.data() + digits, leading);
    number = leading;
  }
  if (number != std::floor(number)) return {score_status::not_integer, 0};
  if (number < scale.low || number > scale.high) return {score_status::off_scale, 0};
  return {score_status::ok, static_cast<int>(number)};
}

}  // namespace cxkpi::io
