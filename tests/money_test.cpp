// Money: exact micro-units, decimal comma, rejections with their reasons.
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>

#include "cxkpi/money.hpp"

using cxkpi::decimal_mark;
using cxkpi::money_error;
using cxkpi::parse_money;

namespace {
constexpr cxkpi::money_options comma{decimal_mark::comma, false};
constexpr cxkpi::money_options signed_amounts{decimal_mark::point, true};
}  // namespace

TEST_CASE("amounts become exact micro-units") {
  CHECK(parse_money("12.50").micros == 12'500'000);
  CHECK(parse_money("12").micros == 12'000'000);
  CHECK(parse_money("0").micros == 0);
  CHECK(parse_money("0.01").micros == 10'000);
  CHECK(parse_money(".5").micros == 500'000);
  CHECK(parse_money("5.").micros == 5'000'000);
  CHECK(parse_money("+3.25").micros == 3'250'000);
  CHECK(parse_money("  1299.00 ").micros == 1'299'000'000);
  CHECK(parse_money("007.000001").micros == 7'000'001);
  CHECK(parse_money("12.50"));
  // Beyond six decimals: rounded half away from zero on the seventh.
  CHECK(parse_money("0.0000005").micros == 1);
  CHECK(parse_money("0.0000004999").micros == 0);
  CHECK(parse_money("1.2345675").micros == 1'234'568);
  CHECK(parse_money("0.9999999").micros == 1'000'000);
  // A constant expression too.
  static_assert(parse_money("2.5").micros == 2'500'000);
}

TEST_CASE("a decimal comma when told") {
  CHECK(parse_money("12,50", comma).micros == 12'500'000);
  CHECK(parse_money("0,5", comma).micros == 500'000);
  CHECK(parse_money("12,50").error == money_error::not_a_number);         // a comma under `point`
  CHECK(parse_money("12.50", comma).error == money_error::not_a_number);  // a point under `comma`
  CHECK(parse_money("1.299,50", comma).error == money_error::not_a_number);  // no thousands separators
}

TEST_CASE("negative amounts") {
  CHECK(parse_money("-5").error == money_error::negative);
  CHECK(parse_money("-0.01").error == money_error::negative);
  CHECK(parse_money("-0.00").micros == 0);  // minus zero is zero
  CHECK(parse_money("-0.00").error == money_error::none);
  CHECK(parse_money("-5.25", signed_amounts).micros == -5'250'000);
  CHECK(parse_money("-0,5", {decimal_mark::comma, true}).micros == -500'000);
}

TEST_CASE("garbage, blanks and huge amounts are rejected with a reason") {
  for (const char* text : {"NaN", "nan", "inf", "-inf", "1e5", "abc", "1,299.00", "12.5.0", "$12", "12 EUR", ".",
                           "+", "-", "1 000", "--5", "+-5", "0x10", "(12.50)"}) {
    INFO(text);
    const auto result = parse_money(text);
    CHECK_FALSE(result);
    CHECK(result.micros == 0);
    CHECK(result.error == money_error::not_a_number);
  }
  CHECK(parse_money("").error == money_error::missing);
  CHECK(parse_money(" \t ").error == money_error::missing);
  // INT64_MAX = 9223372036854775807 micro-units = 9223372036854.775807 units: the largest amount.
  CHECK(parse_money("9223372036854.775807").micros == std::numeric_limits<std::int64_t>::max());
  CHECK(parse_money("9223372036854.775808").error == money_error::out_of_range);
  CHECK(parse_money("9223372036854.7758075").error == money_error::out_of_range);  // rounds up past the max
  CHECK(parse_money("9223372036855").error == money_error::out_of_range);
  CHECK(parse_money("99999999999999999999999").error == money_error::out_of_range);
  CHECK(parse_money("-9223372036854.775807", signed_amounts).micros == -std::numeric_limits<std::int64_t>::max());
}

TEST_CASE("skip reasons name the row-accounting keys") {
  CHECK(cxkpi::skip_reason(money_error::missing) == "missing");
  CHECK(cxkpi::skip_reason(money_error::negative) == "negative_amount");
  CHECK(cxkpi::skip_reason(money_error::not_a_number) == "not_a_number");
  CHECK(cxkpi::skip_reason(money_error::out_of_range) == "out_of_range");
  CHECK(cxkpi::skip_reason(money_error::none).empty());
}

TEST_CASE("formatting micro-units") {
  CHECK(cxkpi::format_money(12'500'000) == "12.50");
  CHECK(cxkpi::format_money(12'345'000, 2) == "12.35");   // 12.345 → 12.35, half away from zero
  CHECK(cxkpi::format_money(-1'005'000, 2) == "-1.01");   // -1.005 → -1.01
  CHECK(cxkpi::format_money(-4'000, 2) == "0.00");        // -0.004 rounds to zero: no sign
  CHECK(cxkpi::format_money(0) == "0.00");
  CHECK(cxkpi::format_money(5'000'000, 0) == "5");
  CHECK(cxkpi::format_money(1, 6) == "0.000001");
  CHECK(cxkpi::format_money(590'683'290'000) == "590683.29");
  CHECK(cxkpi::format_money(std::numeric_limits<std::int64_t>::min(), 6) == "-9223372036854.775808");
  CHECK(cxkpi::to_units(12'500'000) == 12.5);
}

TEST_CASE("money totals refuse to overflow") {
  constexpr auto max = std::numeric_limits<std::int64_t>::max();
  CHECK(cxkpi::detail::add_money(max - 1, 1) == max);
  CHECK_THROWS_AS(cxkpi::detail::add_money(max, 1), cxkpi::data_error);
  CHECK_THROWS_AS(cxkpi::detail::add_money(-max, -2), cxkpi::data_error);
  CHECK(cxkpi::detail::add_money(-5, 3) == -2);
  // The message names both operands and the limit, INT64_MAX micro-units
  // = 9223372036854.775807 units; no location (the caller adds it).
  try {
    (void)cxkpi::detail::add_money(9'000'000'000'000'000'000, 9'000'000'000'000'000'000, "revenue total");
    FAIL("no exception");
  } catch (const cxkpi::data_error& e) {
    CHECK(std::string(e.what()) ==
          "revenue total out of range: 9000000000000 + 9000000000000 passes 9223372036854.775807, the largest "
          "total kept exactly");
    CHECK(e.location().file.empty());
  }
  try {
    (void)cxkpi::detail::add_money(-max, -2'500'000);  // -9223372036854.775807 - 2.5
    FAIL("no exception");
  } catch (const cxkpi::data_error& e) {
    CHECK(std::string(e.what()) ==
          "money total out of range: -9223372036854.775807 + -2.5 passes -9223372036854.775808, the lowest total "
          "kept exactly");
  }
}
