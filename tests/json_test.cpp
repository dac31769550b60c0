// Tests of the JSON reader (include/cxkpi/io/json.hpp). Every expected value
// below was worked out by hand from the literal input next to it.

#include <cxkpi/io/json.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

using cxkpi::data_error;
using cxkpi::io::byte_source;
using cxkpi::io::file_source;
using cxkpi::io::json_reader;
using cxkpi::io::memory_source;
using cxkpi::io::record;

// Hands out one byte per read, so that every object, string, escape and BOM
// straddles a block boundary.
class trickle_source final : public byte_source {
 public:
  explicit trickle_source(std::string_view bytes) : bytes_(bytes) {}
  std::size_t read(char* buffer, std::size_t size) override {
    if (bytes_.empty() || size == 0) return 0;
    buffer[0] = bytes_.front();
    bytes_.remove_prefix(1);
    return 1;
  }
  const std::string& name() const override { return name_; }

 private:
  std::string_view bytes_;
  std::string name_ = "trickle.json";
};

struct table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::uint64_t> lines;
};

table read_all(json_reader& reader) {
  table out;
  out.header = reader.header();
  record rec;
  while (reader.next(rec)) {
    REQUIRE(rec.fields.size() == out.header.size());
    out.rows.emplace_back(rec.fields.begin(), rec.fields.end());
    out.lines.push_back(rec.line);
  }
  return out;
}

table read_all(std::string_view text, bool trickle = false) {
  std::unique_ptr<byte_source> source;
  if (trickle) {
    source = std::make_unique<trickle_source>(text);
  } else {
    source = std::make_unique<memory_source>(text, "t.json");
  }
  json_reader reader(std::move(source));
  return read_all(reader);
}

struct failure {
  std::string message;
  std::uint64_t line = 0;
  std::uint64_t column = 0;
  std::string file;
};

// The data_error reading `text` throws, from the constructor or any next().
failure error_of(std::string_view text) {
  try {
    read_all(text);
  } catch (const data_error& e) {
    return {e.what(), e.location().line, e.location().column, e.location().file};
  }
  return {"<no error>", 0, 0, ""};
}

using rows = std::vector<std::vector<std::string>>;
using names = std::vector<std::string>;

}  // namespace

TEST_CASE("an array and JSON Lines with the same objects give the same records", "[json]") {
  const std::string array = R"([{"id": 1, "nps": 9}, {"id": 2, "nps": 6}])";
  const std::string lines = "{\"id\": 1, \"nps\": 9}\n{\"id\": 2, \"nps\": 6}\n";
  const table a = read_all(array);
  const table l = read_all(lines);
  CHECK(a.header == names{"id", "nps"});
  CHECK(a.rows == rows{{"1", "9"}, {"2", "6"}});
  CHECK(l.header == a.header);
  CHECK(l.rows == a.rows);
  // The array is on one line; the lines are lines 1 and 2.
  CHECK(a.lines == std::vector<std::uint64_t>{1, 1});
  CHECK(l.lines == std::vector<std::uint64_t>{1, 2});
}

TEST_CASE("the header is the first object's keys in document order", "[json]") {
  // Not sorted (nlohmann::json's std::map would give a, m, z).
  const table t = read_all(R"([{"z": 1, "a": 2, "m": 3}, {"m": 30, "z": 10, "a": 20}])");
  CHECK(t.header == names{"z", "a", "m"});
  CHECK(t.rows == rows{{"1", "2", "3"}, {"10", "20", "30"}});
}

TEST_CASE("a missing key reads as an empty field, an unknown key is ignored", "[json]") {
  const table t = read_all("{\"a\": \"x\", \"b\": \"y\"}\n{\"b\": \"z\", \"extra\": 5}\n{}\n");
  CHECK(t.header == names{"a", "b"});
  CHECK(t.rows == rows{{"x", "y"}, {"", "z"}, {"", ""}});
}

TEST_CASE("null reads as an empty field", "[json]") {
  const table t = read_all(R"([{"a": null, "b": "x"}, {"a": "y", "b": null}])");
  CHECK(t.rows == rows{{"", "x"}, {"y", ""}});
}

TEST_CASE("numbers: integers as digits, others as written", "[json]") {
  const table t = read_all(
      R"([{"int": 10, "neg": -3, "half": 9.5, "ten": 10.0, "trail": 2.50, "exp": 1e3,)"
      R"( "umax": 18446744073709551615, "huge": 123456789012345678901234, "zero": -0}])");
  CHECK(t.header == names{"int", "neg", "half", "ten", "trail", "exp", "umax", "huge", "zero"});
  // 10.0, 2.50 and 1e3 keep their text; 2^64-1 is still an integer for
  // nlohmann; the 24-digit one is a double to it, but keeps every digit here;
  // -0 is the integer 0.
  CHECK(t.rows == rows{{"10", "-3", "9.5", "10.0", "2.50", "1e3", "18446744073709551615",
                        "123456789012345678901234", "0"}});
}

TEST_CASE("booleans read as true and false", "[json]") {
  const table t = read_all("{\"yes\": true, \"no\": false}\n");
  CHECK(t.rows == rows{{"true", "false"}});
}

TEST_CASE("nested arrays and objects read as their compact JSON", "[json]") {
  const table t = read_all(R"([{"tags": [ "a", 1, 2.50, null, true ], "o": { "k": { "x": [] }, "s": "q\"\n" }, "e": {}}])");
  CHECK(t.header == names{"tags", "o", "e"});
  // Spaces dropped, the string re-escaped the way nlohmann::json::dump() does.
  CHECK(t.rows == rows{{R"(["a",1,2.50,null,true])", R"({"k":{"x":[]},"s":"q\"\n"})", "{}"}});
}

TEST_CASE("strings are unescaped UTF-8; braces and escaped quotes inside them do not end the object",
          "[json]") {
  const table t = read_all(R"([{"s": "a}b\"c\nd{[", "u": "caf\u00e9 \ud83d\ude00", "n": 1}, {"s": "}", "u": "", "n": 2}])");
  CHECK(t.header == names{"s", "u", "n"});
  // \u00e9 is é (C3 A9); the surrogate pair is U+1F600 (F0 9F 98 80).
  CHECK(t.rows == rows{{"a}b\"c\nd{[", "caf\xC3\xA9 \xF0\x9F\x98\x80", "1"}, {"}", "", "2"}});
}

TEST_CASE("a key written twice takes its last value", "[json]") {
  const table t = read_all(R"([{"a": 1, "b": 2, "a": 3}])");
  CHECK(t.header == names{"a", "b"});
  CHECK(t.rows == rows{{"3", "2"}});
}

TEST_CASE("record lines: where each array element opens; each line of JSON Lines", "[json]") {
  const std::string array =
      "[\n"                       // line 1
      "  {\"a\": 1,\n"            // line 2: first object opens
      "   \"b\": 2},\n"           // line 3
      "\n"                        // line 4
      "  {\"a\": 3, \"b\": 4}, {\"a\": 5, \"b\": 6}\n"  // line 5: two objects
      "]\n";
  const table a = read_all(array);
  CHECK(a.rows == rows{{"1", "2"}, {"3", "4"}, {"5", "6"}});
  CHECK(a.lines == std::vector<std::uint64_t>{2, 5, 5});

  // Blank (and whitespace-only, and CRLF) lines are skipped but counted.
  const std::string lines = "\n{\"a\": 1}\r\n  \n\t\r\n{\"a\": 2}\n\n{\"a\": 3}";
  const table l = read_all(lines);
  CHECK(l.rows == rows{{"1"}, {"2"}, {"3"}});
  CHECK(l.lines == std::vector<std::uint64_t>{2, 5, 7});
}

TEST_CASE("empty inputs have no header and no records", "[json]") {
  for (const char* text : {"", "   \n\t ", "[]", " [ \n ] \n", "\xEF\xBB\xBF", "{\"items\": []}"}) {
    INFO("input: " << text);
    const table t = read_all(text);
    CHECK(t.header.empty());
    CHECK(t.rows.empty());
  }
}

TEST_CASE("an object with no keys gives a record with no fields", "[json]") {
  const table t = read_all("[{}, {\"a\": 1}]");
  CHECK(t.header.empty());
  CHECK(t.rows == rows{{}, {}});
}

TEST_CASE("a UTF-8 BOM is skipped and columns count from after it", "[json]") {
  const table t = read_all("\xEF\xBB\xBF[{\"a\": 1}]");
  CHECK(t.header == names{"a"});
  CHECK(t.rows == rows{{"1"}});
  const table l = read_all("\xEF\xBB\xBF{\"a\": 1}\n");
  CHECK(l.header == names{"a"});

  // The culprit `]` is the 9th byte after the BOM: `[{"a":2 ]`.
  const failure f = error_of("\xEF\xBB\xBF[{\"a\":2 ]");
  CHECK(f.line == 1);
  CHECK(f.column == 9);
}

TEST_CASE("objects straddling blocks: a source giving one byte per read", "[json]") {
  const std::string array =
      "\xEF\xBB\xBF[\n  {\"s\": \"a}b\\\"c\\nd\", \"n\": 1.25, \"t\": [1, {\"k\": \"}\"}]},\n"
      "  {\"n\": -7, \"s\": \"\\u00e9\"}\n]\n";
  const table whole = read_all(array);
  const table trickled = read_all(array, true);
  CHECK(whole.header == names{"s", "n", "t"});
  CHECK(whole.rows == rows{{"a}b\"c\nd", "1.25", R"([1,{"k":"}"}])"}, {"\xC3\xA9", "-7", ""}});
  CHECK(trickled.header == whole.header);
  CHECK(trickled.rows == whole.rows);
  CHECK(trickled.lines == std::vector<std::uint64_t>{2, 3});

  const std::string lines = "{\"s\": \"x}\", \"n\": 1}\n\n{\"s\": \"\\\"\", \"n\": 2}\n";
  const table l = read_all(lines, true);
  CHECK(l.rows == rows{{"x}", "1"}, {"\"", "2"}});
  CHECK(l.lines == std::vector<std::uint64_t>{1, 3});

  const std::string wrapped = "{\"items\": [{\"a\": 1}, {\"a\": 2}], \"count\": 2}";
  CHECK(read_all(wrapped, true).rows == rows{{"1"}, {"2"}});
}

TEST_CASE("an object larger than a block grows the buffer", "[json]") {
  // 300,000 bytes in one string: several 64 KiB blocks, and 1-byte reads.
  const std::string big(300000, 'x');
  const std::string array = "[{\"a\": 1}, {\"a\": \"" + big + "\"}, {\"a\": 3}]";
  const table t = read_all(array);
  CHECK(t.rows == rows{{"1"}, {big}, {"3"}});
  const std::string lines = "{\"a\": 1}\n{\"a\": \"" + big + "\"}\n{\"a\": 3}\n";
  CHECK(read_all(lines).rows == rows{{"1"}, {big}, {"3"}});
}

TEST_CASE("the views stay valid until the next call to next()", "[json]") {
  json_reader reader(std::make_unique<memory_source>(R"([{"a": "first", "b": 1}, {"a": "second", "b": 2}])"));
  record rec;
  REQUIRE(reader.next(rec));
  const std::string_view a = rec.fields[0];
  CHECK(reader.header() == names{"a", "b"});  // asking for the header moves nothing
  CHECK(a == "first");
  REQUIRE(reader.next(rec));
  CHECK(rec.fields[0] == "second");
  CHECK_FALSE(reader.next(rec));
  CHECK_FALSE(reader.next(rec));  // and stays at the end
}

TEST_CASE("the Zendesk satisfaction ratings example: an object wrapping the array", "[json][data]") {
  json_reader reader(std::make_unique<file_source>(CXKPI_SHARED_DATA "/exports/zendesk/satisfaction_ratings.docs-example.json"));
  CHECK(reader.name().ends_with("satisfaction_ratings.docs-example.json"));
  const table t = read_all(reader);
  // The file's keys, in its order.
  CHECK(t.header == names{"assignee_id", "comment", "created_at", "group_id", "id", "requester_id", "score",
                          "ticket_id", "updated_at", "url"});
  REQUIRE(t.rows.size() == 2);
  // The objects open on lines 3 and 15 of the file (grep -n '{').
  CHECK(t.lines == std::vector<std::uint64_t>{3, 15});
  CHECK(t.rows[0][6] == "good");
  CHECK(t.rows[1][6] == "good");
  CHECK(t.rows[0][4] == "35436");
  CHECK(t.rows[1][4] == "120447");
  CHECK(t.rows[1][8] == "2012-02-02T10:32:59Z");
}

TEST_CASE("a wrapping object: members after the array are checked and skipped", "[json]") {
  // Zendesk's API answers end with paging members.
  const table t = read_all(
      R"({"satisfaction_ratings": [{"score": "good"}, {"score": "bad"}], "next_page": null,)"
      R"( "previous_page": "https://x/?page=1", "count": 2, "meta": {"has_more": false, "k": [1, 2]}, "tags": []})");
  CHECK(t.header == names{"score"});
  CHECK(t.rows == rows{{"good"}, {"bad"}});

  // An object whose first member holds scalars is a JSON Lines record.
  const table l = read_all("{\"tags\": [\"a\", \"b\"], \"nps\": 9}\n");
  CHECK(l.header == names{"tags", "nps"});
  CHECK(l.rows == rows{{R"(["a","b"])", "9"}});
}

TEST_CASE("errors: invalid JSON, at its line and byte column", "[json][error]") {
  // The culprit `}` is byte 10 of line 1: [{"a":tru}
  failure f = error_of(R"([{"a":tru}])");
  CHECK(f.message == "invalid JSON: invalid literal; last read: '\"a\":tru}'");
  CHECK(f.file == "t.json");
  CHECK(f.line == 1);
  CHECK(f.column == 10);

  // A trailing comma in an object on line 3, column 9: `  {"a":1,}`
  f = error_of("[\n  {\"a\":1},\n  {\"a\":1,}\n]");
  CHECK(f.message == "invalid JSON: syntax error while parsing object key - unexpected '}'; expected string literal");
  CHECK(f.line == 3);
  CHECK(f.column == 10);

  // Line 2 of a multi-line object, column 7: `  "b" 2`
  f = error_of("[{\"a\": 1,\n  \"b\" 2}]");
  CHECK(f.message == "invalid JSON: syntax error while parsing object separator - unexpected number literal; expected ':'");
  CHECK(f.line == 2);
  CHECK(f.column == 7);

  // A raw line break inside a string: the break itself, line 1 column 10.
  f = error_of("[{\"a\": \"x\n\"}]");
  CHECK(f.message.starts_with("invalid JSON: invalid string: control character U+000A (LF) must be escaped"));
  CHECK(f.line == 1);
  CHECK(f.column == 10);

  // A long token is cut to its last 32 bytes, where the culprit is: the `q`
  // of `\q`, byte 109 (7 bytes of `[{"a":"`, 100 x, the backslash).
  f = error_of("[{\"a\":\"" + std::string(100, 'x') + "\\q\"}]");
  CHECK(f.message == "invalid JSON: invalid string: forbidden character after backslash; last read: '..." +
                         std::string(30, 'x') + "\\q'");
  CHECK(f.column == 109);

  // A bracket that closes the wrong container: the `}` at column 9 of `[{"a":[1}`.
  f = error_of(R"([{"a":[1}, {"a": 2}])");
  CHECK(f.message == "invalid JSON: syntax error while parsing array - unexpected '}'; expected ']'");
  CHECK(f.column == 9);

  // Two objects without a comma: the second `{` is column 10.
  f = error_of(R"([{"a":1} {"a":2}])");
  CHECK(f.message == "expected ',' or ']', found an object");
  CHECK(f.column == 10);

  // Something after the array.
  f = error_of("[{\"a\":1}]\n  x");
  CHECK(f.message == "invalid JSON: unexpected 'x' after the end of the top-level value");
  CHECK(f.line == 2);
  CHECK(f.column == 3);

  // A byte that starts no value.
  f = error_of("[@]");
  CHECK(f.message == "invalid JSON: unexpected '@'; expected an object");
  CHECK(f.column == 2);
}

TEST_CASE("errors: a top-level value that is not an array or an object", "[json][error]") {
  failure f = error_of("\n  \"text\"");
  CHECK(f.message == "expected an array or an object, found a string");
  CHECK(f.line == 2);
  CHECK(f.column == 3);
  CHECK(error_of("42").message == "expected an array or an object, found a number");
  CHECK(error_of("true").message == "expected an array or an object, found a boolean");
  CHECK(error_of("null").message == "expected an array or an object, found null");
  CHECK(error_of("nope").message == "invalid JSON: unexpected 'n'; expected an array or an object");
}

TEST_CASE("errors: an array element that is not an object", "[json][error]") {
  failure f = error_of(R"([{"a": 1}, 2])");
  CHECK(f.message == "expected an object, found a number");
  CHECK(f.line == 1);
  CHECK(f.column == 12);
  CHECK(error_of("[[1]]").message == "expected an object, found an array");
  CHECK(error_of(R"(["x"])").message == "expected an object, found a string");
  CHECK(error_of("[{\"a\":1},\nnull]").line == 2);
}

TEST_CASE("errors: an array that ends early", "[json][error]") {
  // Inside an object: where the input ends, line 2 column 9 (after `  {"a": `).
  failure f = error_of("[{\"a\": 1},\n  {\"a\": ");
  CHECK(f.message == "invalid JSON: unexpected end of input; expected '[', '{', or a literal");
  CHECK(f.line == 2);
  CHECK(f.column == 9);
  // Between objects.
  f = error_of("[{\"a\": 1}\n");
  CHECK(f.message == "invalid JSON: unexpected end of input; expected ',' or ']'");
  CHECK(f.line == 2);
  CHECK(f.column == 1);
  f = error_of("[{\"a\": 1},");
  CHECK(f.message == "invalid JSON: unexpected end of input; expected an object");
  CHECK(f.column == 11);
  CHECK(error_of("[").message == "invalid JSON: unexpected end of input; expected an object");
  // Inside a string.
  f = error_of("[{\"a\": \"abc");
  CHECK(f.message == "invalid JSON: invalid string: missing closing quote; last read: '\"abc'");
  CHECK(f.column == 12);
  // The records read before the cut were handed out.
  json_reader reader(std::make_unique<memory_source>("[{\"a\": 1}, {\"a\": 2}, {\"a\""));
  record rec;
  CHECK(reader.next(rec));
  CHECK(reader.next(rec));
  CHECK_THROWS_AS(reader.next(rec), data_error);
  CHECK_FALSE(reader.next(rec));  // after an error, the end
}

TEST_CASE("errors: one bad line in JSON Lines names that line", "[json][error]") {
  const std::string lines = "{\"a\": 1}\n\n{\"a\": 2}\n{\"a\": 3,}\n{\"a\": 4}\n";
  json_reader reader(std::make_unique<memory_source>(lines, "survey.jsonl"));
  record rec;
  REQUIRE(reader.next(rec));
  REQUIRE(reader.next(rec));
  try {
    reader.next(rec);
    FAIL("no error");
  } catch (const data_error& e) {
    // Line 4, the `}` at byte 9.
    CHECK(e.describe() == "survey.jsonl:4:9: invalid JSON: syntax error while parsing object key - unexpected '}'; expected string literal");
  }

  failure f = error_of("{\"a\": 1}\n[1]\n");
  CHECK(f.message == "expected an object, found an array");
  CHECK(f.line == 2);
  f = error_of("{\"a\": 1}\n  7\n");
  CHECK(f.message == "expected an object, found a number");
  CHECK(f.line == 2);
  CHECK(f.column == 3);
  f = error_of("{\"a\": 1} {\"a\": 2}\n");
  CHECK(f.message == "invalid JSON: unexpected '{'; expected end of input");
  CHECK(f.column == 10);
  // A truncated last line.
  f = error_of("{\"a\": 1}\n{\"a\": ");
  CHECK(f.line == 2);
  CHECK(f.message ==
        "invalid JSON: unexpected end of input; expected '[', '{', or a literal (JSON Lines needs each object on one line)");
  // A pretty-printed object that is not a wrapper is not JSON Lines.
  f = error_of("{\n  \"a\": 1\n}\n");
  CHECK(f.line == 1);
  CHECK(f.message == "invalid JSON: syntax error while parsing object key - unexpected end of input; expected string literal"
                     " (JSON Lines needs each object on one line)");
}

TEST_CASE("errors: a wrapping object", "[json][error]") {
  failure f = error_of(R"({"a": [{"x": 1}], "b": [ {"y": 2}]})");
  CHECK(f.message == "more than one array of objects in the top-level object");
  CHECK(f.column == 24);
  f = error_of(R"({"a": [{"x": 1}], "b": tru})");
  CHECK(f.message == "invalid JSON: invalid literal; last read: 'tru'");
  f = error_of(R"({"a": [{"x": 1}] "b": 1})");
  CHECK(f.message == "expected ',' or '}', found a string");
  f = error_of(R"({"a": [{"x": 1}]} {})");
  CHECK(f.message == "invalid JSON: unexpected '{' after the end of the top-level value");
  CHECK(f.column == 19);
  f = error_of(R"({"a": [{"x": 1}])");
  CHECK(f.message == "invalid JSON: unexpected end of input; expected ',' or '}'");
}

TEST_CASE("errors: nesting deeper than 64 levels", "[json][error]") {
  // 63 arrays inside the record object: 64 levels, the limit.
  const std::string ok = "[{\"a\": " + std::string(63, '[') + std::string(63, ']') + "}]";
  CHECK(read_all(ok).rows == rows{{std::string(63, '[') + std::string(63, ']')}});
  // One more level: the 64th `[` is byte 71 (`[{"a": ` is 7 bytes).
  const std::string deep = "[{\"a\": " + std::string(64, '[') + std::string(64, ']') + "}]";
  failure f = error_of(deep);
  CHECK(f.message == "nesting deeper than 64 levels");
  CHECK(f.line == 1);
  CHECK(f.column == 71);
}

TEST_CASE("a hostile input nesting 100,000 levels errors cleanly", "[json][error]") {
  const std::size_t n = 100000;
  std::string objects;
  for (std::size_t i = 0; i < n; ++i) objects += "{\"a\":";

  // JSON Lines: the 65th `{` opens at byte 64 * 5 + 1.
  failure f = error_of(objects);
  CHECK(f.message == "nesting deeper than 64 levels");
  CHECK(f.line == 1);
  CHECK(f.column == 321);

  // An array of it: one byte later. Closed, too, so the brackets balance.
  std::string closed = "[" + objects + "1" + std::string(n, '}') + "]";
  f = error_of(closed);
  CHECK(f.message == "nesting deeper than 64 levels");
  CHECK(f.column == 322);

  // Arrays in a wrapper's skipped member.
  f = error_of("{\"r\": [{\"a\": 1}], \"x\": " + std::string(n, '[') + std::string(n, ']') + "}");
  CHECK(f.message == "nesting deeper than 64 levels");

  // Arrays as the element: not an object, so refused at once.
  CHECK(error_of("[" + std::string(n, '[')).message == "expected an object, found an array");
}

// The builder's fast path for flat objects (json_record_builder::read_flat)
// against its nlohmann SAX path on the same text: it must give the same
// cells, or decline so that nlohmann decides.
struct flat_reading {
  bool taken = false;
  std::vector<std::string> fast;  // the cells read_flat gave, when taken
  std::vector<std::string> sax;   // the cells nlohmann's parse gave
};

flat_reading read_flat_and_sax(std::string_view header_object, std::string_view object) {
  std::vector<std::string> header;
  cxkpi::io::detail::json_record_builder builder(header, json_reader::max_depth);
  builder.begin(true);
  REQUIRE(nlohmann::json::sax_parse(header_object.begin(), header_object.end(), &builder));
  flat_reading r;
  r.taken = builder.read_flat(object.data(), object.size());
  if (r.taken) r.fast = builder.cells();
  builder.begin(false);
  if (nlohmann::json::sax_parse(object.begin(), object.end(), &builder)) r.sax = builder.cells();
  return r;
}

TEST_CASE("flat objects skip nlohmann and read the same cells", "[json]") {
  const std::string_view head = R"({"id":"","nps":0,"note":"","ok":true})";
  struct taken_case {
    std::string_view object;
    std::vector<std::string> cells;  // by hand: id, nps, note, ok
  };
  const taken_case taken[] = {
      {R"({"id":"R1","nps":10,"note":"fine","ok":true})", {"R1", "10", "fine", "true"}},
      // Missing and unknown keys, null, blanks around everything.
      {" { \"nps\" : null , \"x\" : 3 ,\"ok\":false } \r", {"", "", "", "false"}},
      // Keys in another order; a duplicate key keeps its last value.
      {R"({"ok":true,"nps":7,"nps":8,"id":"R2"})", {"R2", "8", "", "true"}},
      // One-letter escapes are decoded; UTF-8 is kept as written.
      {"{\"note\":\"The \\\"fast\\\" app\\\\/ok\\n\\t\",\"id\":\"caf\xC3\xA9\"}",
       {"caf\xC3\xA9", "", "The \"fast\" app\\/ok\n\t", ""}},
      // Integers as nlohmann prints them (`-0` is 0); fractions as written.
      {R"({"nps":-0,"id":"9.50","note":-12.250})", {"9.50", "0", "-12.250", ""}},
      {R"({})", {"", "", "", ""}},
  };
  for (const taken_case& c : taken) {
    INFO(c.object);
    const flat_reading r = read_flat_and_sax(head, c.object);
    if (c.cells.empty()) {
      CHECK(!r.taken);
      continue;
    }
    REQUIRE(r.taken);
    CHECK(r.fast == c.cells);
    CHECK(r.sax == c.cells);
  }
  // Declined: valid JSON that this path leaves to nlohmann (exponents, long
  // integers, nesting, \u escapes), and every kind of invalid text.
  const std::string_view declined[] = {
      R"({"nps":1e3})", R"({"nps":1234567890123456789})", R"({"id":[1]})", R"({"id":{"a":1}})",
      R"({"id":"\u0041"})", R"({"id\n":1})", R"({"nps":01})", R"({"nps":1.})", R"({"nps":-})", R"({"nps":tru})",
      R"({"nps":1,})", R"({"nps":1} x)", R"({"nps" 1})", R"({"id":"a)", "{\"id\":\"\t\"}", "{\"id\":\"\xC3\"}",
      "{\"id\":\"\xE0\x80\x80\"}", "{\"id\":\"\xED\xA0\x80\"}", std::string_view("{\"id\":\"a\"}\0", 11),
      "\xEF\xBB\xBF{\"id\":\"a\"}"};
  for (std::string_view object : declined) {
    INFO(object);
    CHECK(!read_flat_and_sax(head, object).taken);
  }
}

TEST_CASE("JSON Lines with escapes, nulls and fractions read the same through the reader", "[json]") {
  // Figures by hand from the lines: three records, the second with a decoded
  // quote and a null, the third needing nlohmann (a \u escape).
  const table t = read_all(
      "{\"id\":\"R1\",\"nps\":9,\"note\":\"ok\"}\n"
      "{\"id\":\"R2\",\"nps\":null,\"note\":\"The \\\"fast\\\" app\"}\n"
      "{\"id\":\"R3\",\"nps\":4.50,\"note\":\"caf\\u00e9\"}\n");
  REQUIRE(t.header == std::vector<std::string>{"id", "nps", "note"});
  REQUIRE(t.rows.size() == 3);
  CHECK(t.rows[0] == std::vector<std::string>{"R1", "9", "ok"});
  CHECK(t.rows[1] == std::vector<std::string>{"R2", "", "The \"fast\" app"});
  CHECK(t.rows[2] == std::vector<std::string>{"R3", "4.50", "caf\xC3\xA9"});
  CHECK(t.lines == std::vector<std::uint64_t>{1, 2, 3});
}
