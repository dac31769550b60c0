// Tests of the CSV reader. Expected values in inline documents are read off the
// document itself; those about real files were checked by hand against the
// file (od -c, sed -n, and Python's csv module) as each comment says.

#include <cxkpi/io/csv.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

using cxkpi::data_error;
using cxkpi::io::csv_options;
using cxkpi::io::csv_reader;
using cxkpi::io::detect_delimiter;
using cxkpi::io::file_source;
using cxkpi::io::memory_source;
using cxkpi::io::record;

namespace {

// Hands out at most `step` bytes per read, as a slow pipe would.
class trickle_source final : public cxkpi::io::byte_source {
 public:
  explicit trickle_source(std::string_view bytes, std::size_t step = 1) : bytes_(bytes), step_(step) {}
  std::size_t read(char* buffer, std::size_t size) override {
    std::size_t n = std::min({size, step_, bytes_.size()});
    std::copy_n(bytes_.data(), n, buffer);
    bytes_.remove_prefix(n);
    return n;
  }
  const std::string& name() const override { return name_; }

 private:
  std::string_view bytes_;
  std::size_t step_;
  std::string name_ = "trickle.csv";
};

struct table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::uint64_t> lines;
};

table read_all(csv_reader& reader) {
  table t{reader.header(), {}, {}};
  record r;
  while (reader.next(r)) {
    t.rows.emplace_back(r.fields.begin(), r.fields.end());
    t.lines.push_back(r.line);
  }
  return t;
}

table read_text(std::string_view text, csv_options options = {}) {
  csv_reader reader(std::make_unique<memory_source>(text, "t.csv"), std::move(options));
  return read_all(reader);
}

using rows_t = std::vector<std::vector<std::string>>;
using lines_t = std::vector<std::uint64_t>;

// Runs `f` and returns the data_error it throws, failing the test otherwise.
template <class F>
data_error error_of(F&& f) {
  try {
    f();
  } catch (const data_error& e) {
    return e;
  }
  FAIL("no data_error thrown");
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("quoted fields keep delimiters, doubled quotes and line breaks", "[csv]") {
  SECTION("a quoted comma is part of the field") {
    auto t = read_text("a,b\n\"x,y\",z\n");
    CHECK(t.rows == rows_t{{"x,y", "z"}});
  }
  SECTION("a doubled quote becomes one quote") {
    auto t = read_text("a,b\n\"say \"\"hi\"\"\",\"\"\"\"\n\"\",\"plain\"\n");
    CHECK(t.rows == rows_t{{"say \"hi\"", "\""}, {"", "plain"}});
  }
  SECTION("several unescaped fields in one row all survive the scratch buffer growing") {
    // Each field needs unescaping and the later ones are longer, so the
    // scratch buffer reallocates while the row is being parsed.
    const std::string big(5000, 'x');
    auto t = read_text("a,b,c\n\"1\"\"\",\"" + std::string(300, 'y') + "\"\"\",\"" + big + "\"\"\"\n");
    REQUIRE(t.rows.size() == 1);
    CHECK(t.rows[0][0] == "1\"");
    CHECK(t.rows[0][1] == std::string(300, 'y') + "\"");
    CHECK(t.rows[0][2] == big + "\"");
  }
  SECTION("LF, CRLF and a lone CR inside quotes are kept, and count as lines") {
    auto t = read_text("a,b\n\"one\ntwo\",1\n\"three\r\nfour\",2\n\"five\rsix\",3\nlast,4\n");
    CHECK(t.rows == rows_t{{"one\ntwo", "1"}, {"three\r\nfour", "2"}, {"five\rsix", "3"}, {"last", "4"}});
    // Rows start on lines 2, 4, 6 and 8: each quoted break adds a line.
    CHECK(t.lines == lines_t{2, 4, 6, 8});
  }
  SECTION("a bare quote inside an unquoted field is kept as written") {
    auto t = read_text("h,w\n5'10\",x\"y\"\n");
    CHECK(t.rows == rows_t{{"5'10\"", "x\"y\""}});
  }
  SECTION("empty fields, quoted or not, and a trailing delimiter") {
    auto t = read_text("a,b,c\n,,\n\"\",,\"\"\n1,2,\n");
    CHECK(t.rows == rows_t{{"", "", ""}, {"", "", ""}, {"1", "2", ""}});
  }
}

TEST_CASE("line endings, BOM, final newline and empty lines", "[csv]") {
  SECTION("CRLF file") {
    auto t = read_text("id,score\r\n1,9\r\n2,10\r\n");
    CHECK(t.header == std::vector<std::string>{"id", "score"});
    CHECK(t.rows == rows_t{{"1", "9"}, {"2", "10"}});
    CHECK(t.lines == lines_t{2, 3});
  }
  SECTION("a lone CR ends a line too") {
    auto t = read_text("id,score\r1,9\r\"2\",10\r");
    CHECK(t.rows == rows_t{{"1", "9"}, {"2", "10"}});
    CHECK(t.lines == lines_t{2, 3});
  }
  SECTION("a UTF-8 BOM is not part of the first column name") {
    auto t = read_text("\xEF\xBB\xBFid,score\n1,9\n");
    CHECK(t.header == std::vector<std::string>{"id", "score"});
    CHECK(t.rows == rows_t{{"1", "9"}});
  }
  SECTION("a quoted first column name after a BOM") {
    auto t = read_text("\xEF\xBB\xBF\"id\";\"score\"\n1;9\n");
    CHECK(t.header == std::vector<std::string>{"id", "score"});
  }
  SECTION("no final newline, unquoted or quoted last field") {
    CHECK(read_text("a,b\n1,2").rows == rows_t{{"1", "2"}});
    CHECK(read_text("a,b\n1,\"2\"").rows == rows_t{{"1", "2"}});
    CHECK(read_text("a,b\n1,").rows == rows_t{{"1", ""}});
    CHECK(read_text("a,b\r\n1,2\r").rows == rows_t{{"1", "2"}});
  }
  SECTION("empty lines are not rows but still count as lines") {
    auto t = read_text("\n\na,b\n\n1,2\r\n\r\n\n3,4\n\n");
    CHECK(t.header == std::vector<std::string>{"a", "b"});
    CHECK(t.rows == rows_t{{"1", "2"}, {"3", "4"}});
    // header on line 3; rows on lines 5 and 8.
    CHECK(t.lines == lines_t{5, 8});
  }
  SECTION("a line holding only an empty quoted field is a row") {
    auto t = read_text("a\n\"\"\n\nx\n");
    CHECK(t.rows == rows_t{{""}, {"x"}});
    CHECK(t.lines == lines_t{2, 4});
  }
  SECTION("a header and nothing else gives no rows") {
    auto t = read_text("a,b\n");
    CHECK(t.header == std::vector<std::string>{"a", "b"});
    CHECK(t.rows.empty());
  }
  SECTION("duplicate column names are allowed") {
    CHECK(read_text("a,a\n1,2\n").header == std::vector<std::string>{"a", "a"});
  }
}

TEST_CASE("delimiter detection", "[csv]") {
  CHECK(detect_delimiter("a,b,c") == ',');
  CHECK(detect_delimiter("a;b;c") == ';');
  CHECK(detect_delimiter("a\tb\tc") == '\t');
  CHECK(detect_delimiter("a|b|c") == '|');
  CHECK(detect_delimiter("") == ',');
  CHECK(detect_delimiter("single") == ',');
  // Ties go to ',' (then ';', tab, '|'): one of each here.
  CHECK(detect_delimiter("a,b;c") == ',');
  CHECK(detect_delimiter("a;b|c") == ';');
  // Delimiters inside quotes do not count: two ';' outside, three ',' inside.
  CHECK(detect_delimiter("\"x,y,z,w\";b;c") == ';');
  // Only the first line counts: one ',' there, two ';' after it.
  CHECK(detect_delimiter("a,b\nc;d;e") == ',');
  // A quoted line break does not end the first line.
  CHECK(detect_delimiter("\"a\nb,c,d\";e;f;g") == ';');
  // A doubled quote stays inside the quoted field: the commas are quoted.
  CHECK(detect_delimiter("\"x \"\",\"\" y,z\";a;b") == ';');
  // A bare quote inside a field is text, not the start of a quoted field:
  // two ';' after it still count.
  CHECK(detect_delimiter("5'10\";x;y,z") == ';');

  SECTION("the reader uses the detected delimiter, and decimal_comma follows it") {
    csv_reader semi(std::make_unique<memory_source>("id;amount\n1;12,50\n"));
    CHECK(semi.delimiter() == ';');
    CHECK(semi.decimal_comma());
    CHECK(read_all(semi).rows == rows_t{{"1", "12,50"}});

    csv_reader tab(std::make_unique<memory_source>("id\tname\n1\ta b\n"));
    CHECK(tab.delimiter() == '\t');
    CHECK(read_all(tab).rows == rows_t{{"1", "a b"}});

    csv_reader pipe(std::make_unique<memory_source>("id|name\n1|x,y\n"));
    CHECK(pipe.delimiter() == '|');
    CHECK(read_all(pipe).rows == rows_t{{"1", "x,y"}});

    csv_reader comma(std::make_unique<memory_source>("id,name\n1,x\n"));
    CHECK(comma.delimiter() == ',');
    CHECK_FALSE(comma.decimal_comma());
  }
  SECTION("a bare quote in a headerless first line is text for detection too") {
    // Taken as an opening quote, it would hide the ';' after it (and make
    // detection read to the end of the input looking for the closing one).
    csv_options o;
    o.names = {"height", "name"};
    o.block_size = 8;
    csv_reader r(std::make_unique<memory_source>("5'10\";ann\n6'1;bob\n"), o);
    CHECK(r.delimiter() == ';');
    CHECK(read_all(r).rows == rows_t{{"5'10\"", "ann"}, {"6'1", "bob"}});
  }
  SECTION("detection skips leading empty lines") {
    csv_reader r(std::make_unique<memory_source>("\r\n\na;b\n1;2\n"));
    CHECK(r.delimiter() == ';');
  }
  SECTION("an explicit delimiter overrides detection") {
    csv_options o;
    o.delimiter = ';';
    auto t = read_text("a,b;c\n1,2;3\n", o);
    CHECK(t.header == std::vector<std::string>{"a,b", "c"});
    CHECK(t.rows == rows_t{{"1,2", "3"}});
  }
}

TEST_CASE("malformed input is an error naming file, line and field", "[csv]") {
  SECTION("unterminated quote at the end names the line where it opened") {
    csv_reader r(std::make_unique<memory_source>("a,b\n1,2\n3,\"open\nmore\nstill open\n", "t.csv"));
    record rec;
    REQUIRE(r.next(rec));  // the good row on line 2 comes first
    CHECK(rec.line == 2);
    auto e = error_of([&] { r.next(rec); });
    CHECK(std::string(e.what()) == "unterminated quoted field (opened on line 3)");
    CHECK(e.location().file == "t.csv");
    CHECK(e.location().line == 3);
    CHECK(e.location().column == 2);
    CHECK(e.describe() == "t.csv:3:2: unterminated quoted field (opened on line 3)");
  }
  SECTION("the rows before a malformed one are all handed out first") {
    // 1000 good rows (several parse batches), then an unterminated quote on
    // line 1002, then a character after a closing quote in a second document.
    std::string text = "a,b\n";
    for (int i = 0; i < 1000; ++i) text += std::to_string(i) + ",x\n";
    for (std::string_view bad : {"1,\"open\n", "1,\"x\"y\n"}) {
      csv_reader r(std::make_unique<memory_source>(text + std::string(bad)));
      record rec;
      std::uint64_t rows = 0;
      std::uint64_t last_line = 0;
      auto e = error_of([&] {
        while (r.next(rec)) {
          ++rows;
          last_line = rec.line;
        }
      });
      CHECK(rows == 1000);
      CHECK(last_line == 1001);
      CHECK(e.location().line == 1002);
      CHECK(e.location().column == 2);
    }
  }
  SECTION("unterminated quote in the header") {
    auto e = error_of([] { read_text("\"a,b\n"); });
    CHECK(std::string(e.what()) == "unterminated quoted field (opened on line 1)");
    CHECK(e.location().line == 1);
    CHECK(e.location().column == 1);
  }
  SECTION("a row with too many fields: column is the first extra one") {
    csv_reader r(std::make_unique<memory_source>("a,b,c,d\n1,2,3,4\n1,2,3,4,5\n6,7,8,9\n", "s.csv"));
    record rec;
    REQUIRE(r.next(rec));
    auto e = error_of([&] { r.next(rec); });
    CHECK(std::string(e.what()) == "row has 5 fields, the header has 4");
    CHECK(e.location().file == "s.csv");
    CHECK(e.location().line == 3);
    CHECK(e.location().column == 5);
    // The bad row was consumed: a caller that catches the error goes on.
    REQUIRE(r.next(rec));
    CHECK(rec.line == 4);
    CHECK(rec.fields[3] == "9");
  }
  SECTION("a row with too few fields: column is the missing one") {
    auto e = error_of([] { read_text("a,b,c,d\n1,2,3,4\n\n\"x\ny\",2\n"); });
    CHECK(std::string(e.what()) == "row has 2 fields, the header has 4");
    CHECK(e.location().line == 4);
    CHECK(e.location().column == 3);
  }
  SECTION("one field, singular") {
    auto e = error_of([] { read_text("a,b\nx\n"); });
    CHECK(std::string(e.what()) == "row has 1 field, the header has 2");
  }
  SECTION("a character after a closing quote") {
    auto e = error_of([] { read_text("a,b\n1,\"x\ny\"z\n"); });
    CHECK(std::string(e.what()) == "unexpected character 'z' after closing quote");
    CHECK(e.location().line == 3);  // where the culprit is
    CHECK(e.location().column == 2);
    auto space = error_of([] { read_text("a,b\n\"x\" ,1\n"); });
    CHECK(std::string(space.what()) == "unexpected character ' ' after closing quote");
  }
  SECTION("empty input has no header row") {
    for (std::string_view text : {"", "\xEF\xBB\xBF", "\n\r\n\n"}) {
      auto e = error_of([&] { read_text(text); });
      CHECK(std::string(e.what()) == "empty input: no header row");
      CHECK(e.location().file == "t.csv");
      CHECK(e.location().line == 0);
    }
  }
  SECTION("UTF-16 input is refused with the way to convert it") {
    for (std::string_view text : {std::string_view("\xFF\xFEi\0d\0", 6), std::string_view("\xFE\xFF\0i\0d", 6)}) {
      auto e = error_of([&] { read_text(text); });
      CHECK(std::string(e.what()) == "input is UTF-16, not UTF-8: convert it (iconv -f UTF-16 -t UTF-8)");
      CHECK(e.location().line == 1);
    }
  }
  SECTION("a quote or line break cannot be the delimiter") {
    csv_options o;
    o.delimiter = '"';
    CHECK_THROWS_AS(read_text("a\n", o), std::invalid_argument);
  }
}

TEST_CASE("rows straddling block boundaries", "[csv]") {
  // Every construct the parser has state for, so that some block boundary
  // falls inside or right after each of them: CRLF, a lone CR, a quoted field
  // holding LF and CRLF, doubled quotes, empty lines, no final newline.
  const std::string text =
      "\xEF\xBB\xBFid,comment,score\r\n"
      "1,\"multi\nline, with comma\",9\r\n"
      "\r\n"
      "2,\"say \"\"hi\"\"\r\nthere\",10\r"
      "3,,\"\"\n"
      "\n"
      "4,\"\"\"\",7\n"
      "5,plain text,\"8\"";
  const rows_t expected = {{"1", "multi\nline, with comma", "9"},
                           {"2", "say \"hi\"\r\nthere", "10"},
                           {"3", "", ""},
                           {"4", "\"", "7"},
                           {"5", "plain text", "8"}};
  // Physical lines: header 1, row 1 on 2-3, empty 4, row 2 on 5-6 (ended by a
  // lone CR), row 3 on 7, empty 8, rows on 9 and 10.
  const lines_t lines = {2, 5, 7, 9, 10};

  SECTION("every block size from 1 byte to the whole text") {
    for (std::size_t block = 1; block <= text.size() + 1; ++block) {
      CAPTURE(block);
      csv_options o;
      o.block_size = block;
      auto t = read_text(text, o);
      CHECK(t.header == std::vector<std::string>{"id", "comment", "score"});
      CHECK(t.rows == expected);
      CHECK(t.lines == lines);
    }
  }
  SECTION("whitespace-separated, every block size") {
    // Blank runs inside, before and after fields, CRLF, a blank line.
    const std::string blanks = "  a \t b  c\r\n 1  2\t\t3  \r\n   \n4 5 6\t\n7   8 9";
    const rows_t ws_expected = {{"1", "2", "3"}, {"4", "5", "6"}, {"7", "8", "9"}};
    for (std::size_t block = 1; block <= blanks.size() + 1; ++block) {
      CAPTURE(block);
      csv_options o;
      o.whitespace = true;
      o.block_size = block;
      auto t = read_text(blanks, o);
      CHECK(t.header == std::vector<std::string>{"a", "b", "c"});
      CHECK(t.rows == ws_expected);
      CHECK(t.lines == lines_t{2, 4, 5});
    }
  }
  SECTION("a source that gives one byte per read") {
    for (std::size_t block : {std::size_t{3}, std::size_t{1} << 20}) {
      csv_options o;
      o.block_size = block;
      csv_reader r(std::make_unique<trickle_source>(text), o);
      auto t = read_all(r);
      CHECK(t.rows == expected);
      CHECK(t.lines == lines);
    }
  }
  SECTION("an unterminated quote still names its line with tiny blocks") {
    for (std::size_t block = 1; block <= 8; ++block) {
      csv_options o;
      o.block_size = block;
      auto e = error_of([&] { read_text("a\r\nb\r\n\"c\r\n\r\nd", o); });
      CHECK(e.location().line == 3);
    }
  }
}

TEST_CASE("fields longer than a block", "[csv]") {
  // 5 MB fields with the default 1 MiB block: the buffer must grow to hold them.
  const std::string big(5'000'000, 'v');
  SECTION("unquoted") {
    auto t = read_text("a,b\n" + big + ",1\n2,3\n");
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0][0] == big);
    CHECK(t.rows[1] == std::vector<std::string>{"2", "3"});
  }
  SECTION("quoted, with a doubled quote and a line break in the middle") {
    std::string field = big;
    field[2'500'000] = '\n';
    std::string raw = field;
    raw.insert(4'000'000, "\"\"");
    auto t = read_text("a,b\n1,\"" + raw + "\"\n2,x\n");
    REQUIRE(t.rows.size() == 2);
    std::string unescaped = field;
    unescaped.insert(4'000'000, "\"");
    CHECK(t.rows[0][1] == unescaped);
    CHECK(t.lines == lines_t{2, 4});
  }
  SECTION("read one byte per call from a pipe-like source") {
    const std::string text = "a\n" + std::string(200'000, 'w') + "\n";
    csv_options o;
    o.block_size = 4096;
    csv_reader r(std::make_unique<trickle_source>(text, 1), o);
    record rec;
    REQUIRE(r.next(rec));
    CHECK(rec.fields[0].size() == 200'000);
    CHECK_FALSE(r.next(rec));
  }
}

TEST_CASE("wide rows: the views of a batch survive its field storage growing", "[csv]") {
  // 300 columns and 20 rows: the parser's field storage starts empty and
  // doubles (64, 128, ... fields) in the middle of rows, and a batch ends at
  // the first row start with 4096 fields or more, so after 14 rows (4200
  // fields), and again after the last 6. Field j of row r is "r.j", except
  // that field 0 of every row is quoted with a doubled quote ("r""x" is r"x,
  // copied out, then pointed at once the batch ends), and field 299 of row 0
  // holds a quoted line break, so row r starts on line r + 2, and line r + 3
  // from row 1 on.
  const std::size_t columns = 300;
  const std::size_t rows = 20;
  std::string text;
  for (std::size_t j = 0; j < columns; ++j) text += (j == 0 ? "c" : ",c") + std::to_string(j);
  text += '\n';
  for (std::size_t r = 0; r < rows; ++r) {
    text += "\"" + std::to_string(r) + "\"\"x\"";
    for (std::size_t j = 1; j < columns; ++j) {
      text += ',';
      text += r == 0 && j == columns - 1 ? "\"two\nlines\"" : std::to_string(r) + "." + std::to_string(j);
    }
    text += '\n';
  }
  const auto t = read_text(text);
  REQUIRE(t.header.size() == columns);
  REQUIRE(t.rows.size() == rows);
  for (std::size_t r = 0; r < rows; ++r) {
    REQUIRE(t.rows[r].size() == columns);
    CHECK(t.rows[r][0] == std::to_string(r) + "\"x");
    for (std::size_t j = 1; j + 1 < columns; ++j) CHECK(t.rows[r][j] == std::to_string(r) + "." + std::to_string(j));
    CHECK(t.rows[r][columns - 1] == (r == 0 ? std::string("two\nlines") : std::to_string(r) + ".299"));
    CHECK(t.lines[r] == (r == 0 ? 2 : r + 3));
  }
}

TEST_CASE("the parser over a memory range, in batches", "[csv]") {
  // The core a multi-threaded reader would run on row-aligned chunks: it
  // starts at a given line and never keeps more than a batch of rows.
  using cxkpi::io::detail::csv_parser;
  using cxkpi::io::detail::parse_status;
  std::string chunk;
  for (std::size_t i = 0; i < 1000; ++i) chunk += std::to_string(i) + ",\"q\"\"" + std::to_string(i) + "\"\n";
  csv_parser parser(',', false, "chunk");
  const char* pos = chunk.data();
  const char* const end = chunk.data() + chunk.size();
  std::uint64_t line = 500;  // as if the chunk started on line 500 of a file
  std::size_t rows = 0;
  for (;;) {
    const parse_status status = parser.parse(pos, end, true, line);
    if (status == parse_status::end) break;
    REQUIRE(status == parse_status::rows);
    CHECK(parser.rows() <= csv_parser::max_batch_rows);
    for (std::size_t i = 0; i < parser.rows(); ++i, ++rows) {
      const auto fields = parser.row(i);
      REQUIRE(fields.size() == 2);
      CHECK(fields[0] == std::to_string(rows));
      CHECK(fields[1] == "q\"" + std::to_string(rows));
      CHECK(parser.row_line(i) == 500 + rows);
    }
  }
  CHECK(rows == 1000);
  CHECK(line == 1500);
  CHECK(pos == end);
  // Without at_end, a last row with no newline may go on: it is left alone.
  const std::string partial = "1,2\n3,4";
  const char* p = partial.data();
  std::uint64_t l = 1;
  parser.reset_scan();  // another range
  REQUIRE(parser.parse(p, partial.data() + partial.size(), false, l) == parse_status::rows);
  CHECK(parser.rows() == 1);
  CHECK(p == partial.data() + 4);
  CHECK(l == 2);
  CHECK(parser.parse(p, partial.data() + partial.size(), false, l) == parse_status::need_more);

  // Bytes rewritten in place, as a reader refilling its block does: after
  // reset_scan the parser sees the new delimiters, not the old positions.
  std::string block = "a,b\n";
  const char* q = block.data();
  l = 1;
  parser.reset_scan();
  REQUIRE(parser.parse(q, block.data() + block.size(), false, l) == parse_status::rows);
  block = "cd,e";  // same size: same buffer
  q = block.data();
  parser.reset_scan();
  REQUIRE(parser.parse(q, block.data() + block.size(), true, l) == parse_status::rows);
  CHECK(parser.row(0)[0] == "cd");
  CHECK(parser.row(0)[1] == "e");
}

TEST_CASE("headerless input with names", "[csv]") {
  csv_options o;
  o.names = {"customer", "score"};
  auto t = read_text("c1,9\nc2,\"10\"\n", o);
  CHECK(t.header == std::vector<std::string>{"customer", "score"});
  CHECK(t.rows == rows_t{{"c1", "9"}, {"c2", "10"}});
  CHECK(t.lines == lines_t{1, 2});  // the first line is data
  // An empty headerless input is simply no rows.
  CHECK(read_text("", o).rows.empty());
  // The field count is checked against the names.
  auto e = error_of([&] { read_text("c1,9,extra\n", o); });
  CHECK(std::string(e.what()) == "row has 3 fields, the header has 2");
}

TEST_CASE("whitespace-separated input", "[csv]") {
  csv_options o;
  o.whitespace = true;
  SECTION("runs of blanks separate, leading and trailing blanks are ignored, no quoting") {
    auto t = read_text("  a \t b  c\n\n   \n 1  \"x\"\t\t3  \r\n4 5 6", o);
    CHECK(t.header == std::vector<std::string>{"a", "b", "c"});
    CHECK(t.rows == rows_t{{"1", "\"x\"", "3"}, {"4", "5", "6"}});
    CHECK(t.lines == lines_t{4, 5});
  }
  SECTION("CDNOW_master.txt") {
    csv_options small_blocks = o;
    small_blocks.block_size = 7;  // shorter than a line: every row straddles blocks
    for (const csv_options& options : {o, small_blocks}) {
      csv_reader r(std::make_unique<file_source>(CXKPI_SHARED_DATA "/cdnow/CDNOW_master.txt"), options);
      CHECK(r.delimiter() == ' ');
      // First line of the file (od -c): " customer_id  date  number_of_cds  dollar_value\r\n".
      CHECK(r.header() == std::vector<std::string>{"customer_id", "date", "number_of_cds", "dollar_value"});
      record rec;
      REQUIRE(r.next(rec));
      // Second line (od -c): "  00001 19970101 1   11.77\r\n".
      CHECK(std::vector<std::string>(rec.fields.begin(), rec.fields.end()) ==
            std::vector<std::string>{"00001", "19970101", "1", "11.77"});
      CHECK(rec.line == 2);
      std::uint64_t rows = 1;
      std::vector<std::string> last;
      while (r.next(rec)) {
        ++rows;
        last.assign(rec.fields.begin(), rec.fields.end());
      }
      // 69,659 transactions (data/README.md; `wc -l` gives 69,660 lines with
      // the header); the last line (tail | od -c) is "23570 19970326 2 42.96".
      CHECK(rows == 69'659);
      CHECK(rec.line == 69'660);
      CHECK(last == std::vector<std::string>{"23570", "19970326", "2", "42.96"});
    }
  }
}

TEST_CASE("real exports", "[csv]") {
  SECTION("Google Forms: every field quoted, no final newline") {
    csv_reader r(std::make_unique<file_source>(CXKPI_SHARED_DATA "/exports/google_forms/rating-options-survey.csv"));
    CHECK(r.delimiter() == ',');
    auto t = read_all(r);
    // Header and values as printed by `cat` on the file; facts in exports/README.md.
    REQUIRE(t.header.size() == 11);
    CHECK(t.header[0] == "Timestamp");
    CHECK(t.header[1] == "How useful is option 1?");
    CHECK(t.header[10] == "Are there any other comments you'd like to make?");
    REQUIRE(t.rows.size() == 3);
    CHECK(t.rows[0][0] == "2022/03/26 11:00:19 PM AST");
    // Option 1, 2 and 3 scores per response: 3/1/4, 1/4/3, 2/3/4 (README).
    CHECK(std::vector<std::string>{t.rows[0][1], t.rows[1][1], t.rows[2][1]} == std::vector<std::string>{"3", "1", "2"});
    CHECK(std::vector<std::string>{t.rows[0][4], t.rows[1][4], t.rows[2][4]} == std::vector<std::string>{"1", "4", "3"});
    CHECK(std::vector<std::string>{t.rows[0][7], t.rows[1][7], t.rows[2][7]} == std::vector<std::string>{"4", "3", "4"});
    CHECK(t.rows[0][6] == "Colors, navigation");  // a quoted comma
    CHECK(t.rows[2][10] == "");                     // the empty last field before EOF
    CHECK(t.lines == lines_t{2, 3, 4});
  }
  SECTION("Sudzilla survey: quoted commas and doubled quotes") {
    csv_reader r(std::make_unique<file_source>(CXKPI_SHARED_DATA "/surveys/sudzilla/sudzilla_survey.csv"));
    auto t = read_all(r);
    // 40 lines, no final newline, 11 columns (Python's csv module agrees).
    REQUIRE(t.header.size() == 11);
    CHECK(t.header[1] == "On a scale of 0-10, how would you rate Sudzilla?");
    CHECK(t.header[10] == "What was your favourite 'Soap Box' (breakout / customer speaker) session?");
    REQUIRE(t.rows.size() == 39);
    CHECK(t.rows[0][5] == "really, bad, service");  // line 2
    // Line 6 holds `""clean eating""` inside a quoted field.
    CHECK(t.rows[4][9].find("takes \"clean eating\" to the next level!") != std::string::npos);
    CHECK(t.lines[4] == 6);
    CHECK(t.rows[38] == std::vector<std::string>{"11/4/2019 4:33:11", "9", "It was a wet and wild event!", "8", "2",
                                                 "dirty, flirty, beef jerky", "Horrendous",
                                                 "Just about edible but I was hungry",
                                                 "Give the team a Michelin star!!", "The hair removal soap",
                                                 "Bear Grylls - Cleaning in the wild"});
    // Four responses rate Sudzilla 10 (column 2, counted with Python's csv).
    int tens = 0;
    for (const auto& row : t.rows) tens += row[1] == "10";
    CHECK(tens == 4);
  }
}
