#pragma once
/// \file
/// A rating scale such as 0-10, 1-5 or 1-7: the integer answers a question
/// allows. CSAT, CES and NPS all count answers per point of their scale.

#include <charconv>
#include <optional>
#include <string_view>

namespace cxkpi {

/// The closed range of integer answers [low, high].
struct rating_scale {
  int low = 1;
  int high = 5;

  /// Number of points on the scale (5 for 1-5, 11 for 0-10).
  int points() const { return high - low + 1; }
  bool contains(int value) const { return value >= low && value <= high; }
  friend bool operator==(const rating_scale&, const rating_scale&) = default;
};

/// The widest scale we accept: 0-100 keeps per-point counters small while
/// covering every survey scale in use (0-10, 1-5, 1-7, 1-10, percentages).
inline constexpr int max_scale_value = 100;

/// Parses `LOW-HIGH` (`1-5`, `0-10`) with 0 <= LOW < HIGH <= 100.
/// Returns nothing for anything else.
inline std::optional<rating_scale> parse_scale(std::string_view text) {
  rating_scale s;
  const char* p = text.data();
  const char* end = text.data() + text.size();
  auto [after_low, e1] = std::from_chars(p, end, s.low);
  if (e1 != std::errc{} || after_low == end || *after_low != '-') return std::nullopt;
  auto [after_high, e2] = std::from_chars(after_low + 1, end, s.high);
  if (e2 != std::errc{} || after_high != end) return std::nullopt;
  if (s.low < 0 || s.high > max_scale_value || s.low >= s.high) return std::nullopt;
  return s;
}

}  // namespace cxkpi
