// Fuzz target: numbers and score labels (io::trim, io::parse_number,
// io::read_score, parse_money / format_money).
//
// The first byte picks the scale (0-10, 1-10, 1-5, 1-7, 0-100 ...), the
// decimal comma, the money mark and whether money may be negative; the rest
// is the cell. Invariants checked on every input:
//  - trim is idempotent and never grows the text;
//  - parse_number gives only finite values, never reads a comma unless the
//    decimal comma is on, and its value survives a print/parse round trip;
//  - read_score: an ok value lies on the scale; it agrees with parse_number
//    on cells that are numbers (integer on the scale: ok and that value;
//    a fraction: not_integer; an integer off the scale: off_scale); blanks
//    around the cell change nothing; an empty cell is `missing`;
//  - parse_money: accepted amounts are not negative unless allowed, print
//    back with format_money(.., 6) to text that parses to the same micros,
//    and agree with parse_number to within rounding.

#include "fuzz_common.hpp"

#include <cxkpi/io/number.hpp>
#include <cxkpi/money.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using namespace cxkpi;

constexpr rating_scale scales[] = {{0, 10}, {1, 10}, {1, 5}, {1, 7}, {0, 100}, {0, 1}, {3, 4}, {1, 3}};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned char setup = data[0];
  const std::string_view cell(reinterpret_cast<const char*>(data + 1), size - 1);
  const rating_scale scale = scales[setup & 7U];
  const bool decimal_comma = (setup & 8U) != 0;

  const std::string_view trimmed = io::trim(cell);
  FUZZ_ASSERT(trimmed.size() <= cell.size(), "trim never grows the text");
  FUZZ_ASSERT(io::trim(trimmed) == trimmed, "trim is idempotent");

  const std::optional<double> number = io::parse_number(cell, decimal_comma);
  if (number) {
    FUZZ_ASSERT(std::isfinite(*number), "parse_number gives only finite values");
    if (!decimal_comma) FUZZ_ASSERT(cell.find(',') == std::string_view::npos, "a comma read without decimal_comma");
    char printed[64];
    const auto end = std::to_chars(printed, printed + sizeof printed, *number).ptr;
    const std::optional<double> again = io::parse_number(std::string_view(printed, static_cast<std::size_t>(end - printed)));
    FUZZ_ASSERT(again && *again == *number, "a parsed number survives a print/parse round trip");
  }

  const io::score_reading score = io::read_score(cell, scale, decimal_comma);
  if (score.status == io::score_status::ok)
    FUZZ_ASSERT(score.value >= scale.low && score.value <= scale.high, "an ok score lies on the scale");
  if (trimmed.empty()) FUZZ_ASSERT(score.status == io::score_status::missing, "an empty cell is missing");
  if (number) {
    if (*number != std::floor(*number)) {
      FUZZ_ASSERT(score.status == io::score_status::not_integer, "a fraction is not_integer");
    } else if (*number < scale.low || *number > scale.high) {
      FUZZ_ASSERT(score.status == io::score_status::off_scale, "an integer off the scale is off_scale");
    } else {
      FUZZ_ASSERT(score.status == io::score_status::ok && score.value == static_cast<int>(*number),
                  "an integer on the scale reads as itself");
    }
  }
  const std::string padded = " \t" + std::string(cell) + "\t ";
  const io::score_reading padded_score = io::read_score(padded, scale, decimal_comma);
  FUZZ_ASSERT(padded_score.status == score.status && padded_score.value == score.value,
              "blanks around a cell change its score");
  FUZZ_ASSERT(!io::reason_key(score.status).empty() && !io::reason_text(score.status).empty(),
              "every status has a reason");

  money_options money;
  money.mark = (setup & 16U) != 0 ? decimal_mark::comma : decimal_mark::point;
  money.allow_negative = (setup & 32U) != 0;
  const parsed_money amount = parse_money(cell, money);
  FUZZ_ASSERT(static_cast<bool>(amount) == (amount.error == money_error::none), "bool means accepted");
  if (!amount) {
    FUZZ_ASSERT(amount.micros == 0, "a rejected amount holds 0");
    FUZZ_ASSERT(!skip_reason(amount.error).empty(), "a rejected amount has a skip reason");
    return 0;
  }
  if (!money.allow_negative) FUZZ_ASSERT(amount.micros >= 0, "a negative amount accepted while not allowed");
  const std::string text = format_money(amount.micros, 6);
  const parsed_money again = parse_money(text, {decimal_mark::point, true});
  FUZZ_ASSERT(again && again.micros == amount.micros, "format_money(.., 6) parses back to the same amount");
  const std::optional<double> as_number = io::parse_number(cell, money.mark == decimal_mark::comma);
  if (as_number) {
    const double units = to_units(amount.micros);
    FUZZ_ASSERT(std::fabs(units - *as_number) <= 1e-6 + std::fabs(*as_number) * 1e-12,
                "parse_money and parse_number disagree");
  }
  return 0;
}
