#pragma once
/// \file
/// `--check` expressions: the pass/fail rules CI jobs put on KPIs.
///
///     check    := metric op number [ "@95" ]
///     metric   := kpi [ "[" key "=" value { "," key "=" value } "]" ] [ "." field ]
///     op       := ">=" | "<=" | ">" | "<" | "==" | "!="
///
/// `nps>=30` compares the value; `nps.ci_low>=0` a named field of the result;
/// `nps[region=North]>=20` one segment row; `nps>=30@95` passes unless the
/// whole 95% interval lies on the failing side of 30 (for CI jobs that must
/// not fail on noise). Spaces between tokens are allowed.

#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cxkpi {

/// A comparison operator of a check.
enum class check_op { ge, le, gt, lt, eq, ne };

/// The operator as written (`>=`).
constexpr std::string_view op_text(check_op op) {
  switch (op) {
    case check_op::ge: return ">=";
    case check_op::le: return "<=";
    case check_op::gt: return ">";
    case check_op::lt: return "<";
    case check_op::eq: return "==";
    case check_op::ne: return "!=";
  }
  return "?";
}

/// A parsed check.
struct check {
  std::string text;                  ///< as written
  std::string kpi;                   ///< `nps`
  std::string field = "value";       ///< `value`, `ci_low`, `n`, ...
  std::vector<std::pair<std::string, std::string>> selector;  ///< `[region=North]`
  check_op op = check_op::ge;
  double threshold = 0;
  bool interval_aware = false;       ///< `@95`
};

/// A check that cannot be parsed; `what()` says what was expected where.
class check_syntax_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Whether `actual op threshold` holds. NaN (no data) never holds.
inline bool compare(double actual, check_op op, double threshold) {
  if (std::isnan(actual)) return false;
  switch (op) {
    case check_op::ge: return actual >= threshold;
    case check_op::le: return actual <= threshold;
    case check_op::gt: return actual > threshold;
    case check_op::lt: return actual < threshold;
    case check_op::eq: return actual == threshold;
    case check_op::ne: return actual != threshold;
  }
  return false;
}

/// For `@95` checks: passes when the interval [low, high] still reaches the
/// passing side, i.e. the failure is not significant. For `>=`/`>` that is
/// `high op threshold`; for `<=`/`<` it is `low op threshold`; `==` and `!=`
/// compare the value itself.
inline bool compare_with_interval(double value, double low, double high, check_op op,
                                  double threshold) {
  switch (op) {
    case check_op::ge:
    case check_op::gt: return compare(high, op, threshold);
    case check_op::le:
    case check_op::lt: return compare(low, op, threshold);
    default: return compare(value, op, threshold);
  }
}

namespace detail {

class check_parser {
 public:
  explicit check_parser(std::string_view text) : text_(text) {}

  check parse() {
    check c;
    c.text = std::string(text_);
    c.kpi = identifier("a KPI name such as nps");
    skip_spaces();
    if (accept('[')) {
      do {
        std::string key = identifier("a column name");
        skip_spaces();
        expect('=');
        c.selector.emplace_back(std::move(key), selector_value());
      } while (accept(','));
      expect(']');
    }
    skip_spaces();
    if (accept('.')) c.field = identifier("a field name such as ci_low");
    skip_spaces();
    c.op = comparison_operator();
    skip_spaces();
    c.threshold = number();
    skip_spaces();
    if (accept('@')) {
      if (text_.substr(pos_, 2) != "95") fail("expected 95 after '@'");
      pos_ += 2;
      c.interval_aware = true;
      skip_spaces();
    }
    if (pos_ != text_.size()) fail("unexpected '" + std::string(text_.substr(pos_, 1)) + "'");
    return c;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw check_syntax_error("invalid check \"" + std::string(text_) + "\": " + what + " at column " +
                             std::to_string(pos_ + 1));
  }
  void skip_spaces() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  bool accept(char c) {
    skip_spaces();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!accept(c)) fail(std::string("expected '") + c + "'");
  }
  static bool is_identifier_char(char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (!first && c >= '0' && c <= '9');
  }
  std::string identifier(const char* expected) {
    skip_spaces();
    const std::size_t start = pos_;
    while (pos_ < text_.size() && is_identifier_char(text_[pos_], pos_ == start)) ++pos_;
    if (pos_ == start) fail(std::string("expected ") + expected);
    std::string out(text_.substr(start, pos_ - start));
    for (char& ch : out)
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    return out;
  }
  std::string selector_value() {
    skip_spaces();
    const std::size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != ']' && text_[pos_] != ',') ++pos_;
    std::string_view v = text_.substr(start, pos_ - start);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    if (v.empty()) fail("expected a segment value");
    return std::string(v);
  }
  check_op comparison_operator() {
    const std::string_view rest = text_.substr(pos_);
    static constexpr std::pair<std::string_view, check_op> ops[] = {
        {">=", check_op::ge}, {"<=", check_op::le}, {"==", check_op::eq},
        {"!=", check_op::ne}, {">", check_op::gt},  {"<", check_op::lt}};
    for (const auto& [spelling, op] : ops)
      if (rest.starts_with(spelling)) {
        pos_ += spelling.size();
        return op;
      }
    fail("expected one of >= <= > < == !=");
  }
  double number() {
    const char* begin = text_.data() + pos_;
    const char* end = text_.data() + text_.size();
    if (begin != end && *begin == '+') ++begin;
    double value = 0;
    auto [stop, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc{} || !std::isfinite(value)) fail("expected a number");
    pos_ = static_cast<std::size_t>(stop - text_.data());
    if (pos_ < text_.size() && text_[pos_] == '%') ++pos_;  // `csat>=80%` reads naturally
    return value;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace detail

/// Parses a check expression; throws check_syntax_error with the column.
inline check parse_check(std::string_view text) { return detail::check_parser(text).parse(); }

}  // namespace cxkpi
