// Tests of io/encoding.hpp: the detection rule, and the conversion of UTF-16
// and Windows-1252 to UTF-8 whatever the block boundaries. Expected bytes are
// the UTF-8 encodings of the code points named in each comment (checked with
// Python's codecs: 'é' = C3 A9, '€' = E2 82 AC, U+1F44D = F0 9F 91 8D).

#include <cxkpi/io/csv.hpp>
#include <cxkpi/io/encoding.hpp>
#include <cxkpi/io/source.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <memory>
#include <string>
#include <string_view>

using cxkpi::io::detect_encoding;
using cxkpi::io::memory_source;
using cxkpi::io::sniff_size;
using cxkpi::io::text_encoding;
using cxkpi::io::utf8_source;

namespace {

// Hands out at most `step` bytes per read, so conversions straddle blocks.
class trickle_source final : public cxkpi::io::byte_source {
 public:
  explicit trickle_source(std::string bytes, std::size_t step) : bytes_(std::move(bytes)), step_(step) {}
  std::size_t read(char* buffer, std::size_t size) override {
    const std::size_t n = std::min({size, step_, bytes_.size() - pos_});
    std::copy_n(bytes_.data() + pos_, n, buffer);
    pos_ += n;
    return n;
  }
  const std::string& name() const override { return name_; }

 private:
  std::string bytes_;
  std::size_t step_;
  std::size_t pos_ = 0;
  std::string name_ = "<trickle>";
};

// Everything a utf8_source hands out, read `chunk` bytes at a time.
std::string drain(utf8_source& source, std::size_t chunk = 4096) {
  std::string out;
  std::string buffer(chunk, '\0');
  for (;;) {
    const std::size_t got = source.read(buffer.data(), buffer.size());
    if (got == 0) return out;
    out.append(buffer.data(), got);
  }
}

std::string convert(const std::string& bytes, std::size_t step = 1 << 20, std::size_t chunk = 4096,
                    text_encoding* found = nullptr) {
  utf8_source source(std::make_unique<trickle_source>(bytes, step));
  if (found != nullptr) *found = source.encoding();
  return drain(source, chunk);
}

// `text` (ASCII or UTF-8 written as \x escapes) as UTF-16 code units.
std::string utf16le(std::u16string_view units) {
  std::string out;
  for (char16_t u : units) {
    out += static_cast<char>(u & 0xFF);
    out += static_cast<char>(u >> 8);
  }
  return out;
}
std::string utf16be(std::u16string_view units) {
  std::string out;
  for (char16_t u : units) {
    out += static_cast<char>(u >> 8);
    out += static_cast<char>(u & 0xFF);
  }
  return out;
}

}  // namespace

TEST_CASE("detect_encoding: byte order marks, NUL bytes, valid and invalid UTF-8", "[encoding]") {
  CHECK(detect_encoding("\xFF\xFEn\0", true) == text_encoding::utf16le);
  CHECK(detect_encoding("\xFE\xFF\0n", true) == text_encoding::utf16be);
  CHECK(detect_encoding("\xEF\xBB\xBFid,nps\n", true) == text_encoding::utf8);
  // A UTF-8 BOM declares UTF-8 even with an invalid byte after it.
  CHECK(detect_encoding("\xEF\xBB\xBFZ\xFCrich", true) == text_encoding::utf8);
  CHECK(detect_encoding("id,nps\n1,9\n", true) == text_encoding::utf8);
  CHECK(detect_encoding("", true) == text_encoding::utf8);
  CHECK(detect_encoding("Z\xC3\xBCrich", true) == text_encoding::utf8);         // ü in UTF-8
  CHECK(detect_encoding("Z\xFCrich", true) == text_encoding::windows1252);      // ü in Windows-1252
  CHECK(detect_encoding("caf\xE9;9,5\r\n", true) == text_encoding::windows1252);
  CHECK(detect_encoding("\x80 is the euro", true) == text_encoding::windows1252);  // a lone continuation byte
  // NUL bytes: not 8-bit text (UTF-16 without a BOM): left alone.
  CHECK(detect_encoding(std::string_view("i\0d\0\xFC\0", 6), true) == text_encoding::unknown);

  SECTION("forms UTF-8 forbids are invalid") {
    CHECK(detect_encoding("\xC0\xAF", true) == text_encoding::windows1252);          // overlong '/'
    CHECK(detect_encoding("\xE0\x80\xAF", true) == text_encoding::windows1252);      // overlong
    CHECK(detect_encoding("\xED\xA0\x80", true) == text_encoding::windows1252);      // a surrogate
    CHECK(detect_encoding("\xF4\x90\x80\x80", true) == text_encoding::windows1252);  // past U+10FFFF
    CHECK(detect_encoding("\xF0\x9F\x91\x8D", true) == text_encoding::utf8);         // U+1F44D
  }
  SECTION("invalid sequences must outnumber valid ones: a stray bad byte keeps UTF-8") {
    CHECK(detect_encoding("Z\xC3\xBCrich;K\xC3\xB8" "benhavn;No\xFFrth", true) == text_encoding::utf8);
    CHECK(detect_encoding("Z\xC3\xBCrich;No\xFFrth", true) == text_encoding::utf8);  // a tie
    CHECK(detect_encoding("Z\xC3\xBCrich;No\xFFrth;M\xE1laga", true) == text_encoding::windows1252);
  }
  SECTION("a sequence cut at the end of the window is not counted; at the end of the input it is invalid") {
    CHECK(detect_encoding("abc\xE2\x82", false) == text_encoding::utf8);
    CHECK(detect_encoding("abc\xE2\x82", true) == text_encoding::windows1252);
  }
  SECTION("only the first 64 KiB decide") {
    std::string late(sniff_size, 'a');
    late += "\xFC";
    CHECK(detect_encoding(late, true) == text_encoding::utf8);
    late[sniff_size - 1] = '\xFC';
    CHECK(detect_encoding(late, true) == text_encoding::windows1252);
  }
}

TEST_CASE("utf8_source passes UTF-8 on unchanged, BOM included", "[encoding]") {
  const std::string text = "\xEF\xBB\xBFregion,nps\nZ\xC3\xBCrich,9\n";
  text_encoding found{};
  CHECK(convert(text, 3, 5, &found) == text);
  CHECK(found == text_encoding::utf8);

  // Longer than the sniff window, read in odd pieces: still every byte, in order.
  std::string big;
  for (int i = 0; big.size() < 3 * sniff_size; ++i) big += std::to_string(i) + ",K\xC3\xB8" "benhavn\n";
  CHECK(convert(big, 7777, 1000) == big);
}

TEST_CASE("utf8_source converts Windows-1252", "[encoding]") {
  // 'é' E9, '€' 80, '“' 93, '”' 94, 'ø' F8, and 81 (undefined: U+0081 as WHATWG maps it).
  const std::string input = "caf\xE9;12,50 \x80;\x93quoted\x94;K\xF8" "benhavn;\x81\r\n";
  const std::string expected =
      "caf\xC3\xA9;12,50 \xE2\x82\xAC;\xE2\x80\x9Cquoted\xE2\x80\x9D;K\xC3\xB8" "benhavn;\xC2\x81\r\n";
  text_encoding found{};
  CHECK(convert(input, 1 << 20, 4096, &found) == expected);
  CHECK(found == text_encoding::windows1252);
  CHECK(convert(input, 1, 1) == expected);  // one byte at a time, out and in
  CHECK(convert(input, 2, 3) == expected);
}

TEST_CASE("utf8_source converts UTF-16 LE and BE, surrogate pairs and all", "[encoding]") {
  // "nps,Zürich 👍\n": ü = U+00FC, 👍 = U+1F44D = D83D DC4D.
  const std::u16string units = u"nps,Z\u00FCrich \xD83D\xDC4D\n";
  const std::string expected = "nps,Z\xC3\xBCrich \xF0\x9F\x91\x8D\n";
  text_encoding found{};
  CHECK(convert("\xFF\xFE" + utf16le(units), 1 << 20, 4096, &found) == expected);
  CHECK(found == text_encoding::utf16le);
  CHECK(convert("\xFE\xFF" + utf16be(units), 1 << 20, 4096, &found) == expected);
  CHECK(found == text_encoding::utf16be);
  SECTION("any split of the input, pairs and code units cut between reads") {
    for (std::size_t step : {1, 2, 3, 5, 7})
      for (std::size_t chunk : {1, 2, 3, 4, 64}) {
        INFO("step " << step << ", chunk " << chunk);
        CHECK(convert("\xFF\xFE" + utf16le(units), step, chunk) == expected);
      }
  }
  SECTION("invalid units become U+FFFD (EF BF BD)") {
    // A lone low surrogate, a high one followed by a letter, a high one at the end.
    const std::u16string bad = u"a\xDC00" u"b\xD800" u"c\xD83D";
    CHECK(convert("\xFF\xFE" + utf16le(bad)) == "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xEF\xBF\xBD");
    // An odd byte at the end.
    CHECK(convert("\xFF\xFE" + utf16le(u"ab") + "x") == "ab\xEF\xBF\xBD");
  }
  SECTION("a BOM alone is an empty input") { CHECK(convert("\xFF\xFE").empty()); }
}

TEST_CASE("the CSV reader reads UTF-16 through utf8_source", "[encoding][csv]") {
  // csv_reader on its own refuses UTF-16 (csv_test.cpp); behind utf8_source it
  // sees UTF-8.
  const std::string bytes = "\xFF\xFE" + utf16le(u"region,nps\r\nK\u00F8benhavn,9\r\n");
  cxkpi::io::csv_reader reader(std::make_unique<utf8_source>(std::make_unique<memory_source>(bytes)));
  REQUIRE(reader.header().size() == 2);
  CHECK(reader.header()[0] == "region");
  cxkpi::io::record rec;
  REQUIRE(reader.next(rec));
  CHECK(rec.fields[0] == "K\xC3\xB8" "benhavn");
  CHECK(rec.fields[1] == "9");
  CHECK_FALSE(reader.next(rec));
}

TEST_CASE("utf8_source: any split of any bytes converts the same", "[encoding]") {
  // Random UTF-16 (surrogates, odd lengths included) and Windows-1252 bytes:
  // read whole, and read 1-7 bytes at a time into 1-5 byte buffers, the
  // output is the same, and when converted it is valid UTF-8.
  std::mt19937 rng(5);
  for (int round = 0; round < 200; ++round) {
    std::string bytes = round % 2 == 0 ? std::string("\xFF\xFE") : std::string("caf\xE9 ");
    const std::size_t length = rng() % 64;
    for (std::size_t i = 0; i < length; ++i) {
      const unsigned r = rng() % 8;
      // UTF-16: mostly high bytes 0x00 and 0xD8-0xDF, to make surrogates.
      const unsigned value = round % 2 == 0 && r < 3 ? (r == 0 ? 0x00 : 0xD8 + rng() % 8) : rng() % 256;
      bytes += static_cast<char>(value == 0 && round % 2 == 1 ? 'x' : value);  // no NUL in 8-bit text
    }
    text_encoding found{};
    const std::string whole = convert(bytes, 1 << 20, 4096, &found);
    const std::size_t step = 1 + rng() % 7, chunk = 1 + rng() % 5;
    INFO("round " << round << ", step " << step << ", chunk " << chunk);
    CHECK(convert(bytes, step, chunk) == whole);
    if (!cxkpi::io::converted(found)) continue;  // random bytes that pass for UTF-8 are passed on
    bool valid = true;
    for (std::size_t i = 0; i < whole.size() && valid;) {
      const int n = cxkpi::io::detail::utf8_sequence_length(whole, i);
      valid = n > 0;
      i += static_cast<std::size_t>(n > 0 ? n : 1);
    }
    CHECK(valid);
  }
}
