// Tests of the parallel CSV path (io/csv_chunks.hpp): whatever the split,
// the ranges read the same rows, fields, line numbers and errors as the
// serial csv_reader over the same bytes. The serial reader is the oracle.

#include <cxkpi/io/csv.hpp>
#include <cxkpi/io/csv_chunks.hpp>
#include <cxkpi/io/random_access.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

using cxkpi::data_error;
using cxkpi::io::csv_layout;
using cxkpi::io::csv_options;
using cxkpi::io::csv_range;
using cxkpi::io::csv_range_reader;
using cxkpi::io::csv_reader;
using cxkpi::io::memory_random_access;
using cxkpi::io::memory_source;
using cxkpi::io::record;
using cxkpi::io::table_reader;

namespace {

const std::string input_name = "chunks.csv";

// Rows as read, then the error that ended the read ("" when none).
struct result {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::uint64_t> lines;
  std::string error;
};

void read_rows(table_reader& reader, result& r) {
  record rec;
  while (reader.next(rec)) {
    r.rows.emplace_back(rec.fields.begin(), rec.fields.end());
    r.lines.push_back(rec.line);
  }
}

result serial(std::string_view data, const csv_options& options = {}) {
  result r;
  try {
    csv_reader reader(std::make_unique<memory_source>(data, input_name), options);
    r.header = reader.header();
    read_rows(reader, r);
  } catch (const data_error& e) {
    r.error = e.describe();
  }
  return r;
}

// The parallel path as src/scan.hpp drives it: split, read the ranges on
// threads, judge, and read the rest serially if the split was wrong.
struct parallel_run {
  result r;
  bool rest = false;  // the split was found wrong somewhere
};

// Reader block sizes to try: 1 byte (a refill per byte, the buffer grown to
// fit each row), a few bytes, and the default.
std::size_t block_for(std::size_t i) {
  static const std::size_t sizes[] = {1, 7, 64, csv_range_reader::default_block_size};
  return sizes[i % 4];
}

parallel_run parallel(std::string_view data, std::size_t parts, const csv_options& options = {},
                      std::size_t block_size = csv_range_reader::default_block_size) {
  parallel_run run;
  const memory_random_access bytes(data, input_name);
  csv_layout layout;
  try {
    layout = cxkpi::io::read_csv_layout(bytes, options);
  } catch (const data_error& e) {
    run.r.error = e.describe();
    return run;
  }
  run.r.header = layout.header;
  const std::vector<csv_range> ranges = cxkpi::io::split_csv(bytes, layout, parts);
  REQUIRE(!ranges.empty());
  REQUIRE(ranges.front().start == layout.data_start);
  REQUIRE(ranges.back().stop == data.size());
  for (std::size_t k = 0; k + 1 < ranges.size(); ++k) {
    REQUIRE(ranges[k].stop == ranges[k + 1].start);
    REQUIRE(ranges[k].start <= ranges[k].stop);
  }
  std::vector<result> part_results(ranges.size());
  const auto outcomes = cxkpi::io::read_csv_chunks(
      bytes, layout, ranges, [&](std::size_t k, csv_range_reader& reader) { read_rows(reader, part_results[k]); },
      block_size);
  const cxkpi::io::chunk_verdict v = cxkpi::io::judge_chunks(ranges, outcomes);
  for (std::size_t k = 0; k < v.kept; ++k) {
    run.r.rows.insert(run.r.rows.end(), part_results[k].rows.begin(), part_results[k].rows.end());
    run.r.lines.insert(run.r.lines.end(), part_results[k].lines.begin(), part_results[k].lines.end());
  }
  if (v.error) {
    try {
      std::rethrow_exception(v.error);
    } catch (const data_error& e) {
      run.r.error = e.describe();
    }
    return run;
  }
  if (v.rest) {
    run.rest = true;
    try {
      csv_range_reader reader(bytes, layout, {v.rest_start, v.rest_line, data.size()}, block_size);
      read_rows(reader, run.r);
    } catch (const data_error& e) {
      run.r.error = e.describe();
    }
  }
  return run;
}

// Reads the data rows through a chain of range readers cut at `cuts`
// (anywhere: inside rows, quotes, CRLF pairs), each starting where the
// previous one ended: the contract of csv_range_reader for any stop.
result chained(std::string_view data, const std::vector<std::size_t>& cuts, const csv_options& options = {},
               std::size_t block_size = csv_range_reader::default_block_size) {
  result r;
  try {
    const memory_random_access bytes(data, input_name);
    const csv_layout layout = cxkpi::io::read_csv_layout(bytes, options);
    r.header = layout.header;
    std::uint64_t start = layout.data_start;
    std::uint64_t line = layout.data_line;
    std::vector<std::size_t> stops = cuts;
    stops.push_back(data.size());
    for (std::size_t stop : stops) {
      if (stop < start) continue;
      csv_range_reader reader(bytes, layout, {start, line, stop}, block_size);
      read_rows(reader, r);
      REQUIRE(reader.finished());
      REQUIRE(reader.end_offset() >= start);
      start = reader.end_offset();
      line = reader.end_line();
    }
  } catch (const data_error& e) {
    r.error = e.describe();
  }
  return r;
}

void require_same(const result& got, const result& want) {
  REQUIRE(got.error == want.error);
  REQUIRE(got.header == want.header);
  REQUIRE(got.rows.size() == want.rows.size());
  for (std::size_t i = 0; i < want.rows.size(); ++i) {
    INFO("row " << i << " (line " << want.lines[i] << ")");
    REQUIRE(got.rows[i] == want.rows[i]);
    REQUIRE(got.lines[i] == want.lines[i]);
  }
}

// A random RFC 4180 table: quoted fields with delimiters, doubled quotes,
// LF and CRLF line breaks inside; LF or CRLF row ends; some empty lines.
std::string random_csv(std::mt19937& rng, std::size_t rows, char delimiter = ',', bool crlf_rows = false,
                       bool final_newline = true) {
  const std::vector<std::string> plain = {"", "a", "north", "12", "3.5", "x y", "7"};
  const std::string d(1, delimiter);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  auto field = [&]() -> std::string {
    switch (pick(8)) {
      case 0: return "\"with" + d + " delimiter\"";
      case 1: return "\"say \"\"hi\"\"\"";
      case 2: return "\"line one\nline two\"";
      case 3: return "\"crlf\r\ninside" + d + " too\"";
      case 4: return "\"\"";
      case 5: return "\"" + std::string(pick(40), 'q') + "\"";
      default: return plain[pick(plain.size())];
    }
  };
  const std::string eol = crlf_rows ? "\r\n" : "\n";
  std::string out = "id" + d + "name" + d + "comment" + eol;
  for (std::size_t i = 0; i < rows; ++i) {
    if (pick(20) == 0) out += eol;  // an empty line
    out += std::to_string(i) + d + field() + d + field();
    if (i + 1 < rows || final_newline) out += (pick(10) == 0 ? std::string(crlf_rows ? "\n" : "\r\n") : eol);
  }
  return out;
}

}  // namespace

TEST_CASE("parallel ranges read exactly the serial rows, for 1 to 16 parts", "[csv_chunks]") {
  std::mt19937 rng(20240611);
  for (int round = 0; round < 40; ++round) {
    const std::size_t rows = 1 + rng() % 120;
    const bool crlf = round % 3 == 1;
    const bool final_newline = round % 4 != 3;
    const char delimiter = round % 5 == 4 ? ';' : ',';
    const std::string data = random_csv(rng, rows, delimiter, crlf, final_newline);
    const result want = serial(data);
    REQUIRE(want.error.empty());
    for (std::size_t parts = 1; parts <= 16; ++parts) {
      INFO("round " << round << ", " << parts << " parts");
      const parallel_run got = parallel(data, parts, {}, block_for(parts + round));
      require_same(got.r, want);
      CHECK(!got.rest);  // RFC 4180 input: the parity argument holds
    }
  }
}

TEST_CASE("parts smaller than a row, and tiny inputs", "[csv_chunks]") {
  const std::vector<std::string> inputs = {
      "a,b\n",
      "a,b",
      "a,b\n1,2",
      "a,b\n1,2\n",
      "a,b\n\n\n1,2\n\n",
      "a,b\r\n1,\"x\r\ny\"\r\n2,3\r\n",
      "a,b\n1,\"a long quoted field, with a comma\nand a line break, longer than a part\"\n2,3\n",
      "a,b\r1,2\r3,4\r",  // CR-only line ends: no LF to cut at, one range does it all
      "\xEF\xBB\xBF" "a,b\n1,2\n",
      "\n\na,b\n1,2\n",
  };
  for (const std::string& data : inputs) {
    const result want = serial(data);
    for (std::size_t parts = 1; parts <= 16; ++parts) {
      INFO(parts << " parts over \"" << data << "\"");
      require_same(parallel(data, parts, {}, block_for(parts)).r, want);
    }
  }
}

TEST_CASE("a range reader stops anywhere and the next one goes on from there", "[csv_chunks]") {
  std::mt19937 rng(77);
  for (int round = 0; round < 30; ++round) {
    const std::string data = random_csv(rng, 1 + rng() % 40, ',', round % 2 == 0, round % 3 != 0);
    const result want = serial(data);
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<std::size_t> cuts;
      const std::size_t count = 1 + rng() % 6;
      for (std::size_t i = 0; i < count; ++i) cuts.push_back(rng() % (data.size() + 1));
      std::sort(cuts.begin(), cuts.end());
      INFO("round " << round << ", trial " << trial);
      require_same(chained(data, cuts, {}, block_for(trial)), want);
    }
    // Every single cut point.
    for (std::size_t cut = 0; cut <= data.size(); ++cut) {
      INFO("round " << round << ", cut at " << cut);
      require_same(chained(data, {cut}, {}, block_for(cut)), want);
    }
  }
}

TEST_CASE("a bare quote in an unquoted field breaks the parity: the split is checked", "[csv_chunks]") {
  // Line 2 holds `5'10"`, kept as text: from there on the quote parity is
  // odd outside quotes, so the line breaks inside the quoted comments look
  // like row ends. The reader of the range before such a cut reads the
  // whole row and ends after the cut: the mismatch sends the rest to a
  // serial read, from where that range really ended.
  std::string data = "id,height,comment\n1,5'10\",tall\n";
  for (int i = 2; i < 400; ++i) data += std::to_string(i) + ",6,\"first line\nsecond line\"\n";
  const result want = serial(data);
  REQUIRE(want.error.empty());
  REQUIRE(want.rows.size() == 399);
  REQUIRE(want.rows[0][1] == "5'10\"");
  bool any_rest = false;
  for (std::size_t parts = 2; parts <= 16; ++parts) {
    INFO(parts << " parts");
    const parallel_run got = parallel(data, parts, {}, block_for(parts));
    require_same(got.r, want);
    any_rest = any_rest || got.rest;
  }
  CHECK(any_rest);

  // Bare quotes anywhere, random: always the serial result.
  std::mt19937 rng(5);
  for (int round = 0; round < 30; ++round) {
    std::string text = random_csv(rng, 1 + rng() % 80);
    for (int q = 0; q < 3; ++q) {
      // Put `x"` right after a delimiter that starts an unquoted field.
      const std::size_t at = text.find(",7", rng() % text.size());
      if (at != std::string::npos) text.insert(at + 2, "\"in\"");
    }
    const result expected = serial(text);
    for (std::size_t parts = 1; parts <= 16; ++parts) {
      INFO("round " << round << ", " << parts << " parts");
      require_same(parallel(text, parts, {}, block_for(parts + round)).r, expected);
    }
  }
}

TEST_CASE("errors name the same file, line and field as the serial reader", "[csv_chunks]") {
  std::mt19937 rng(99);
  for (int round = 0; round < 12; ++round) {
    // A bad row between two random tables (each ends with a line break, so
    // the bad row starts at a row boundary); an unterminated quote goes last.
    const std::string before = random_csv(rng, 30 + rng() % 60, ',', round % 2 == 1);
    const std::string after_table = random_csv(rng, 30 + rng() % 60);
    const std::string after = after_table.substr(after_table.find('\n') + 1);
    std::string data;
    switch (round % 4) {
      case 0: data = before + "9,\"never closed,x\n1,2,3\n"; break;  // unterminated, to the end
      case 1: data = before + "9,ragged\n" + after; break;             // 2 fields, the header has 3
      case 2: data = before + "9,\"closed\"x,y\n" + after; break;      // a character after the closing quote
      case 3: data = before + "9,a,b,c\n" + after; break;              // 4 fields
    }
    const result want = serial(data);
    REQUIRE(!want.error.empty());
    for (std::size_t parts = 1; parts <= 16; ++parts) {
      INFO("round " << round << ", " << parts << " parts: " << want.error);
      require_same(parallel(data, parts, {}, block_for(parts)).r, want);
    }
  }
  // Errors in the header are read_csv_layout's, as csv_reader's constructor.
  for (const std::string& data : {std::string(""), std::string("\n\n"), std::string("\xFF\xFE" "a\0b\0", 6),
                                 std::string("\"a,b\n1,2\n"), std::string("\"a\"b,c\n1,2\n")}) {
    INFO("header of \"" << data << "\"");
    for (std::size_t b = 0; b < 4; ++b) require_same(parallel(data, 4, {}, block_for(b)).r, serial(data));
  }
}

TEST_CASE("headers: BOM, detected delimiter, names, whitespace mode", "[csv_chunks]") {
  std::mt19937 rng(3);
  const std::string semicolons = "\xEF\xBB\xBF" + random_csv(rng, 80, ';');
  require_same(parallel(semicolons, 5).r, serial(semicolons));
  REQUIRE(cxkpi::io::read_csv_layout(memory_random_access(semicolons, input_name), {}).delimiter == ';');

  csv_options named;
  named.names = {"id", "name", "comment"};
  const std::string body = random_csv(rng, 80);
  const std::string headerless = body.substr(body.find('\n') + 1);
  for (std::size_t parts = 1; parts <= 8; ++parts)
    require_same(parallel(headerless, parts, named, block_for(parts)).r, serial(headerless, named));

  csv_options blanks;
  blanks.whitespace = true;
  std::string log = "  customer   date\tamount\n";
  for (int i = 0; i < 300; ++i)
    log += (i % 7 == 0 ? "\n  " : "") + std::to_string(i) + "  2024-01-0" + std::to_string(1 + i % 9) +
           (i % 5 == 0 ? "\"q" : "") + "\t " + std::to_string(i * 3) + (i % 11 == 0 ? "  \r\n" : "\n");
  for (std::size_t parts = 1; parts <= 16; ++parts) {
    INFO(parts << " parts");
    require_same(parallel(log, parts, blanks, block_for(parts)).r, serial(log, blanks));
  }
}

TEST_CASE("counting quotes and line breaks, vectorised and not", "[csv_chunks]") {
  std::mt19937 rng(11);
  const std::string alphabet = "ab,\"\n\r;x";
  for (int round = 0; round < 200; ++round) {
    std::string s(rng() % 700, ' ');
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    const std::size_t from = s.empty() ? 0 : rng() % s.size();
    const std::size_t to = from + (s.size() == from ? 0 : rng() % (s.size() - from + 1));
    std::uint64_t quotes = 0, lines = 0;
    for (std::size_t i = from; i < to; ++i) {
      if (s[i] == '"') ++quotes;
      if (s[i] == '\n') ++lines;
      if (s[i] == '\r' && (i + 1 == s.size() || s[i + 1] != '\n')) ++lines;
    }
    const auto c = cxkpi::io::detail::count_structure(s.data() + from, s.data() + to, s.data() + s.size());
    REQUIRE(c.quotes == quotes);
    REQUIRE(c.lines == lines);
  }
  // Byte counters flushed before they overflow: 64 KiB of quotes.
  const std::string quotes(65536 + 13, '"');
  REQUIRE(cxkpi::io::detail::count_structure(quotes.data(), quotes.data() + quotes.size(), quotes.data() + quotes.size())
              .quotes == quotes.size());
}

TEST_CASE("headers longer than the first read", "[csv_chunks]") {
  // read_csv_layout reads 64 KiB, then more only for a longer header.
  std::string header;
  for (int i = 0; i < 9000; ++i) header += (i ? "," : "") + std::string("\"col ") + std::to_string(i) + "\"";
  std::string data = header + "\n";
  for (int r = 0; r < 3; ++r) {
    for (int i = 0; i < 9000; ++i) data += (i ? "," : "") + std::to_string(r * i);
    data += "\n";
  }
  REQUIRE(header.size() > (std::size_t{64} << 10));
  for (std::size_t parts : {1, 2, 5}) require_same(parallel(data, parts).r, serial(data));
}

TEST_CASE("a file read at offsets, and one that shrinks while read", "[csv_chunks]") {
  char path[] = "/tmp/cxkpi-random-access-XXXXXX";
  const int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  ::close(fd);
  std::mt19937 rng(8);
  const std::string data = random_csv(rng, 5000);
  {
    std::ofstream(path, std::ios::binary) << data;
  }
  {
    const cxkpi::io::file_random_access file(path);
    REQUIRE(file.size() == data.size());
    std::string middle(100, '\0');
    REQUIRE(file.read_at(middle.data(), 100, 1000) == 100);
    REQUIRE(middle == data.substr(1000, 100));
    REQUIRE(file.read_at(middle.data(), 100, data.size() - 10) == 10);
    REQUIRE(file.read_at(middle.data(), 100, data.size() + 10) == 0);
    const csv_layout layout = cxkpi::io::read_csv_layout(file, {});
    REQUIRE(cxkpi::io::split_csv(file, layout, 3).size() == 3);
    // Another program truncates it: an error naming the file, not a crash.
    REQUIRE(::truncate(path, static_cast<off_t>(data.size() / 2)) == 0);
    try {
      file.read_at(middle.data(), 100, data.size() - 100);
      FAIL("no error");
    } catch (const data_error& e) {
      CHECK(e.location().file == path);
      CHECK_THAT(e.what(), Catch::Contains("shorter"));
    }
    csv_range_reader reader(file, layout, {layout.data_start, layout.data_line, file.size()});
    record rec;
    REQUIRE_THROWS_AS([&] { while (reader.next(rec)) {} }(), data_error);
  }
  ::unlink(path);
  REQUIRE_THROWS_AS(cxkpi::io::file_random_access("/nonexistent/cxkpi.csv"), cxkpi::input_error);
  REQUIRE_THROWS_AS(cxkpi::io::file_random_access("/tmp"), cxkpi::input_error);
}
