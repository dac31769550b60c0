// Tests of cutting a file at line feeds (include/cxkpi/io/line_parts.hpp)
// and of reading JSON Lines in parts (json_reader's part constructor): the
// parts of any text, read one after the other, give exactly the records,
// line numbers and first error of one reader over the whole text.

#include <cxkpi/io/json.hpp>
#include <cxkpi/io/line_parts.hpp>
#include <cxkpi/io/random_access.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

using cxkpi::data_error;
using cxkpi::io::json_reader;
using cxkpi::io::line_part;
using cxkpi::io::memory_random_access;

struct reading {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::uint64_t> lines;
  std::optional<std::string> error;  // data_error::describe() of the first error
};

void read_into(json_reader& reader, reading& out) {
  cxkpi::io::record rec;
  while (reader.next(rec)) {
    out.rows.emplace_back(rec.fields.begin(), rec.fields.end());
    out.lines.push_back(rec.line);
  }
}

reading serial(std::string_view text) {
  reading out;
  try {
    json_reader reader(std::make_unique<cxkpi::io::memory_source>(text, "t.jsonl"));
    out.header = reader.header();
    read_into(reader, out);
  } catch (const data_error& e) {
    out.error = e.describe();
  }
  return out;
}

// As scan.hpp reads a JSON Lines file: part 0 by a reader that makes the
// header, the others with that header, in order, up to the first error.
reading in_parts(std::string_view text, std::size_t count) {
  const memory_random_access bytes(text, "t.jsonl");
  const std::vector<line_part> parts = cxkpi::io::split_at_lines(bytes, count);
  reading out;
  for (std::size_t k = 0; k < parts.size() && !out.error; ++k) {
    try {
      auto source = std::make_unique<cxkpi::io::range_source>(bytes, parts[k].start, parts[k].stop);
      if (k == 0) {
        json_reader reader(std::move(source));
        out.header = reader.header();
        read_into(reader, out);
      } else {
        json_reader reader(std::move(source), out.header, parts[k].line);
        read_into(reader, out);
      }
    } catch (const data_error& e) {
      out.error = e.describe();
    }
  }
  return out;
}

void require_same(const reading& got, const reading& want) {
  REQUIRE(got.error == want.error);
  REQUIRE(got.header == want.header);
  REQUIRE(got.lines == want.lines);
  REQUIRE(got.rows == want.rows);
}

// JSON Lines with what a reader must get right at any cut: blank lines,
// CRLF, escapes (`\n` inside a string), keys out of order or missing or
// unknown, nulls, nested values, non-ASCII text.
std::string random_lines(std::mt19937& rng, std::size_t count) {
  static const char* const values[] = {"9", "null", "\"a\\nb\"", "\"caf\xC3\xA9\"", "\"\\u00e9\"", "[1,{\"x\":2}]",
                                       "4.50", "true", "\"The \\\"easy\\\" one\""};
  std::string text = "{\"a\":\"first\",\"b\":0}\n";  // the header: a, b
  for (std::size_t i = 0; i < count; ++i) {
    switch (rng() % 10) {
      case 0: text += "\n"; continue;                   // a blank line
      case 1: text += "  \t\r\n"; continue;             // a blank line with blanks
      case 2: text += "{\"b\":1,\"a\":\"x\"}\r\n"; continue;  // keys in another order
      case 3: text += "{\"a\":\"y\",\"z\":3}\n"; continue;    // a key missing, one unknown
      default: break;
    }
    text += "{\"a\":\"r" + std::to_string(i) + "\",\"b\":" + values[rng() % 9] + "}\n";
  }
  return text;
}

}  // namespace

TEST_CASE("split_at_lines: parts start after line feeds, in order, with their line numbers", "[line_parts]") {
  // By hand: lines start at offsets 0, 4, 6, 11 (line 4: "dddd", no final LF).
  const std::string text = "aaa\nb\ncccc\ndddd";
  const memory_random_access bytes(text);
  const std::vector<line_part> two = cxkpi::io::split_at_lines(bytes, 2);
  REQUIRE(two.size() == 2);
  // The nominal cut at 7 (15 / 2) moves to just after the LF at 10.
  CHECK(two[0].start == 0);
  CHECK(two[0].line == 1);
  CHECK(two[0].stop == 11);
  CHECK(two[1].start == 11);
  CHECK(two[1].line == 4);
  CHECK(two[1].stop == 15);
  // More parts than lines: some parts are empty, at the end of the file.
  const std::vector<line_part> many = cxkpi::io::split_at_lines(bytes, 9);
  REQUIRE(many.size() == 9);
  for (std::size_t k = 0; k < many.size(); ++k) {
    INFO("part " << k);
    CHECK(many[k].start <= many[k].stop);
    if (k > 0) CHECK(many[k].start == many[k - 1].stop);
    CHECK((many[k].start == 0 || text[many[k].start - 1] == '\n' || many[k].start == text.size()));
    const auto feeds = std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(many[k].start), '\n');
    CHECK(many[k].line == 1 + static_cast<std::uint64_t>(feeds));
  }
  CHECK(many.back().stop == text.size());
  // An empty file is one empty part.
  const memory_random_access empty("");
  const std::vector<line_part> none = cxkpi::io::split_at_lines(empty, 4);
  REQUIRE(none.size() == 1);
  CHECK(none[0].stop == 0);
}

TEST_CASE("JSON Lines read in 1 to 12 parts give the records of one reader", "[line_parts]") {
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    const std::string text = random_lines(rng, 20 + rng() % 200);
    const reading want = serial(text);
    REQUIRE(!want.error);
    REQUIRE(want.header == std::vector<std::string>{"a", "b"});
    for (std::size_t parts = 1; parts <= 12; ++parts) {
      INFO("round " << round << ", " << parts << " parts");
      require_same(in_parts(text, parts), want);
    }
  }
}

TEST_CASE("JSON Lines in parts: the first error is the serial one, at the same line and column", "[line_parts]") {
  std::mt19937 rng(8);
  static const char* const bad[] = {"{\"a\":\"x\",\"b\":}\n", "[1,2]\n", "{\"a\":\"open\n", "{\"a\":1} {\"a\":2}\n",
                                    "\"text\"\n"};
  for (int round = 0; round < 20; ++round) {
    // Good lines, a bad one somewhere after the first, good lines again.
    std::string text = random_lines(rng, 10 + rng() % 50);
    text += bad[rng() % 5];
    text += random_lines(rng, rng() % 50);
    const reading want = serial(text);
    REQUIRE(want.error);
    for (std::size_t parts = 1; parts <= 12; ++parts) {
      INFO("round " << round << ", " << parts << " parts: " << *want.error);
      require_same(in_parts(text, parts), want);
    }
  }
}
