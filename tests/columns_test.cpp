// Tests of io/columns.hpp's rules for names that appear more than once and for
// columns picked by position, and of detect_source_column (io/layouts.hpp),
// which applies them to the column it detects. Expected values are read off
// the small headers written in each test.

#include <cxkpi/io/columns.hpp>
#include <cxkpi/io/csv.hpp>
#include <cxkpi/io/layouts.hpp>
#include <cxkpi/io/source.hpp>

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

using namespace cxkpi::io;

namespace {

std::unique_ptr<table_reader> open_text(const std::string& text) {
  static std::vector<std::unique_ptr<std::string>> keep;  // memory_source does not own its bytes
  keep.push_back(std::make_unique<std::string>(text));
  return open_layout(std::make_unique<csv_reader>(std::make_unique<memory_source>(*keep.back(), "t.csv")), {});
}

}  // namespace

TEST_CASE("same_name_columns: names equal once normalised, in header order") {
  const std::vector<std::string> header = {"id", "NPS", "comment", " nps ", "n_p_s", "Comment"};
  // "NPS" and " nps " normalise to "nps"; "n_p_s" to "n p s", another name.
  CHECK(same_name_columns(header, 1) == std::vector<std::size_t>{1, 3});
  CHECK(same_name_columns(header, 3) == std::vector<std::size_t>{1, 3});
  CHECK(same_name_columns(header, 2) == std::vector<std::size_t>{2, 5});
  CHECK(same_name_columns(header, 0) == std::vector<std::size_t>{0});
  CHECK(same_name_columns(header, 4) == std::vector<std::size_t>{4});
}

TEST_CASE("column_at_position: #N is the Nth column, 1-based") {
  CHECK(column_at_position("#1", 3) == std::size_t{0});
  CHECK(column_at_position("#3", 3) == std::size_t{2});
  CHECK_FALSE(column_at_position("#4", 3).has_value());  // past the header
  CHECK_FALSE(column_at_position("#0", 3).has_value());
  CHECK_FALSE(column_at_position("#", 3).has_value());
  CHECK_FALSE(column_at_position("3", 3).has_value());   // a name, not a position
  CHECK_FALSE(column_at_position("#2a", 3).has_value());
  CHECK_FALSE(column_at_position("#-1", 3).has_value());
  CHECK_FALSE(column_at_position("#99999999999", 3).has_value());  // more than 9 digits
  CHECK(column_at_position("#1000000", 1'000'000) == std::size_t{999'999});
}

TEST_CASE("duplicate_column_error: where, which columns, and what to do") {
  const std::vector<std::string> header = {"response_id", "nps", "nps"};
  const cxkpi::data_error e = duplicate_column_error(header, {1, 2}, "dup.csv", "--column");
  CHECK(e.describe() ==
        "dup.csv:1:2: column \"nps\" appears twice (columns 2 and 3): cxkpi will not guess which one to use; "
        "rename one, or pick one by position, such as --column '#3'");
  // Without the flag; three of them.
  const std::vector<std::string> three = {"a", "x", "b", "X", "x "};
  CHECK(std::string(duplicate_column_error(three, {1, 3, 4}, "t.csv").what()) ==
        "column \"x\" appears 3 times (columns 2, 4 and 5): cxkpi will not guess which one to use; rename one, "
        "or pick one by position, with its column flag, such as '#5'");
  // Twelve: ten positions listed, the rest counted.
  const std::vector<std::string> twelve(12, "x");
  std::vector<std::size_t> all;
  for (std::size_t i = 0; i < 12; ++i) all.push_back(i);
  CHECK(std::string(duplicate_column_error(twelve, all, "t.csv").what())
            .starts_with("column \"x\" appears 12 times (columns 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 2 more):"));
}

TEST_CASE("quoted_column_name: at most 80 bytes, cut at a character boundary") {
  CHECK(quoted_column_name("nps") == "\"nps\"");
  CHECK(quoted_column_name(std::string(80, 'x')) == "\"" + std::string(80, 'x') + "\"");
  CHECK(quoted_column_name(std::string(81, 'x')) == "\"" + std::string(80, 'x') + "\xE2\x80\xA6\"");
  // 79 ASCII bytes, then "é" (2 bytes) straddling byte 80: cut before it.
  CHECK(quoted_column_name(std::string(79, 'x') + "\xC3\xA9" + "yy") ==
        "\"" + std::string(79, 'x') + "\xE2\x80\xA6\"");
}

TEST_CASE("detect_source_column refuses a detected column whose name is shared") {
  auto dup = open_text("response_id,nps,NPS\nR1,9,0\n");
  CHECK_THROWS_WITH(detect_source_column(*dup, "nps", nps_column_hints(), "--column"),
                    "column \"nps\" appears twice (columns 2 and 3): cxkpi will not guess which one to use; "
                    "rename one, or pick one by position, such as --column '#3'");
  try {
    (void)detect_source_column(*dup, "nps", nps_column_hints());
    FAIL("no exception");
  } catch (const cxkpi::data_error& e) {
    CHECK(e.location().file == "t.csv");
    CHECK(e.location().line == 1);
    CHECK(e.location().column == 2);
  }
  // A duplicate among columns not used changes nothing.
  auto unused = open_text("response_id,nps,comment,comment\nR1,9,a,b\n");
  const auto match = detect_source_column(*unused, "nps", nps_column_hints());
  REQUIRE(match.has_value());
  CHECK(match->index == 1);
  // Nothing detected, nothing refused.
  CHECK_FALSE(detect_source_column(*unused, "ces", ces_column_hints()).has_value());
}
