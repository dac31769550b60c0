#include <cxkpi/io/number.hpp>

#include <catch2/catch.hpp>

using cxkpi::io::read_score;
using cxkpi::io::score_status;

TEST_CASE("scores: numbers, blanks and labels", "[number]") {
  const cxkpi::rating_scale nps{0, 10};
  CHECK(read_score("9", nps).value == 9);
  CHECK(read_score(" 9 ", nps).value == 9);
  CHECK(read_score("9.0", nps).value == 9);
  CHECK(read_score("-0", nps).status == score_status::ok);
  CHECK(read_score("", nps).status == score_status::missing);
  CHECK(read_score("   ", nps).status == score_status::missing);
  // Labels as Qualtrics and Google Forms write them: the leading integer.
  CHECK(read_score("10 - Extremely likely", nps).value == 10);
  CHECK(read_score("0 (Not at all likely)", nps).value == 0);
  CHECK(read_score("5 - It's extremely important", {1, 5}).value == 5);
}

TEST_CASE("scores: what is rejected and why", "[number]") {
  const cxkpi::rating_scale nps{0, 10};
  CHECK(read_score("ten", nps).status == score_status::not_a_number);
  CHECK(read_score("9.5", nps).status == score_status::not_integer);
  CHECK(read_score("11", nps).status == score_status::off_scale);
  CHECK(read_score("-1", nps).status == score_status::off_scale);
  CHECK(read_score("NaN", nps).status == score_status::not_a_number);
  CHECK(read_score("inf", nps).status == score_status::not_a_number);
  CHECK(read_score("1e309", nps).status == score_status::not_a_number);
  // A decimal comma only counts where the comma is not the delimiter.
  CHECK(read_score("9,5", nps).status == score_status::not_a_number);
  CHECK(read_score("9,5", nps, true).status == score_status::not_integer);
  CHECK(read_score("9,0", nps, true).value == 9);
  // Digits then a separator but no words is not a label.
  CHECK(read_score("9 - ", nps).status == score_status::not_a_number);
}

TEST_CASE("numbers are read without the C locale", "[number]") {
  CHECK(cxkpi::io::parse_number("12.50").value() == 12.5);
  CHECK(cxkpi::io::parse_number("12,50", true).value() == 12.5);
  CHECK_FALSE(cxkpi::io::parse_number("1,234.5", true).has_value());
  CHECK_FALSE(cxkpi::io::parse_number("12abc").has_value());
  CHECK(cxkpi::io::parse_number("+3").value() == 3.0);
}
