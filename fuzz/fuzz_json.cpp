// Fuzz target: the JSON / JSON Lines reader (io::json_reader).
//
// Invariants checked on every input:
//  - only data_error escapes, and after one next() says false;
//  - every record has exactly header().size() fields; the header has no name
//    twice; record lines are >= 1, never decrease and lie within the input;
//  - reading the bytes a few at a time gives exactly what one read gives;
//  - against nlohmann's own DOM parser (ordered, so key order is kept):
//    a document that is an array of objects (nested no deeper than the
//    reader's limit) reads as one record per element, and text whose every
//    non-blank line is such an object reads as one record per line, with
//    the string, null, boolean and integer values the DOM holds; an input
//    that is neither valid JSON nor valid JSON Lines is an error, and so is
//    any input with a NUL byte;
//  - the record builder's fast path for flat objects (read_flat) gives the
//    cells nlohmann's SAX path gives, whenever it takes an object.

#include "fuzz_common.hpp"

#include <cxkpi/io/json.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace {

using cxkpi::data_error;
using cxkpi::io::json_reader;
using ordered_json = nlohmann::ordered_json;

struct outcome {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::uint64_t> lines;
  std::optional<std::string> error;  // describe() of the error that ended the input
};

outcome read_with(std::unique_ptr<cxkpi::io::byte_source> source, std::uint64_t max_line) {
  outcome out;
  std::optional<json_reader> reader;
  try {
    reader.emplace(std::move(source));
  } catch (const data_error& e) {
    out.error = e.describe();
    FUZZ_ASSERT(e.location().line <= max_line, "an error's line lies in the input");
    return out;
  }
  out.header = reader->header();
  FUZZ_ASSERT(std::set<std::string>(out.header.begin(), out.header.end()).size() == out.header.size(),
              "no column name twice in the header");
  cxkpi::io::record rec;
  std::uint64_t previous = 0;
  for (;;) {
    try {
      if (!reader->next(rec)) break;
    } catch (const data_error& e) {
      out.error = e.describe();
      FUZZ_ASSERT(e.location().line <= max_line, "an error's line lies in the input");
      FUZZ_ASSERT(!reader->next(rec), "after an error next() returns false");
      break;
    }
    FUZZ_ASSERT(rec.fields.size() == out.header.size(), "every record has header().size() fields");
    FUZZ_ASSERT(rec.line >= 1 && rec.line <= max_line, "a record's line lies in the input");
    FUZZ_ASSERT(rec.line >= previous, "record lines never decrease");
    previous = rec.line;
    out.rows.emplace_back(rec.fields.begin(), rec.fields.end());
    out.lines.push_back(rec.line);
  }
  return out;
}

// Containers one inside the other, the value itself counting as one.
int depth_of(const ordered_json& v) {
  if (!v.is_structured()) return 0;
  int deepest = 0;
  for (const auto& item : v) deepest = std::max(deepest, depth_of(item));
  return deepest + 1;
}

bool is_record(const ordered_json& v) { return v.is_object() && depth_of(v) <= json_reader::max_depth; }

// The objects the input holds according to the DOM parser, or nothing when
// the DOM says it is not an array of records nor JSON Lines of records.
struct expectation {
  bool invalid = false;  // neither valid JSON nor valid JSON Lines
  std::optional<std::vector<ordered_json>> records;
};

expectation expected_records(std::string_view text) {
  expectation out;
  // A raw NUL is valid nowhere in JSON, but nlohmann's lexer takes it for
  // the end of the input: judge such text without the DOM.
  // nlohmann also skips a UTF-8 BOM at the start of what it parses; the
  // reader skips only the one that starts the input (stripped before this).
  if (text.find('\0') != std::string_view::npos || text.starts_with("\xEF\xBB\xBF")) {
    out.invalid = true;
    return out;
  }
  const ordered_json whole = ordered_json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (!whole.is_discarded() && whole.is_array()) {
    bool all = true;
    for (const auto& item : whole) all = all && is_record(item);
    if (all) out.records = std::vector<ordered_json>(whole.begin(), whole.end());
    return out;
  }
  // JSON Lines: every line blank or one object.
  std::vector<ordered_json> lines;
  bool lines_valid = true;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    if (line.starts_with("\xEF\xBB\xBF")) {  // a BOM inside the input is not JSON
      lines_valid = false;
      break;
    }
    ordered_json v = ordered_json::parse(line.begin(), line.end(), nullptr, false);
    if (v.is_discarded() || !v.is_object()) {
      lines_valid = false;
      break;
    }
    lines.push_back(std::move(v));
  }
  if (!lines_valid) {
    out.invalid = whole.is_discarded();
    return out;
  }
  if (!lines.empty() && !lines.front().empty()) {
    // `{"ratings": [{...}]}` or `{"ratings": []}` first: the wrapper form.
    const ordered_json& first = lines.front().begin().value();
    if (first.is_array() && (first.empty() || first.front().is_object())) return out;
  }
  for (const auto& v : lines)
    if (depth_of(v) > json_reader::max_depth) return out;
  out.records = std::move(lines);
  return out;
}

// The text the reader gives a value, for the kinds whose text the DOM keeps.
std::optional<std::string> field_text(const ordered_json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return std::string();
  if (v.is_boolean()) return std::string(v.get<bool>() ? "true" : "false");
  if (v.is_number_integer()) return v.dump();
  return std::nullopt;  // floats keep their input text; nested values their compact JSON
}

// The record builder's fast path against its nlohmann SAX path, line by
// line: when read_flat takes a line, nlohmann must accept it and give the
// same cells (the header learned from the line itself).
void check_fast_path(std::string_view text) {
  std::size_t start = 0;
  for (int lines = 0; start < text.size() && lines < 64; ++lines) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    std::vector<std::string> header;
    cxkpi::io::detail::json_record_builder builder(header, json_reader::max_depth);
    builder.begin(true);
    // nlohmann stops at a NUL byte; read_flat never takes one, so such a
    // line has nothing to compare.
    if (line.find('\0') != std::string_view::npos) continue;
    const bool sax_ok = nlohmann::json::sax_parse(line.begin(), line.end(), &builder);
    if (!builder.read_flat(line.data(), line.size())) continue;
    FUZZ_ASSERT(sax_ok, "read_flat took a line nlohmann rejects");
    const std::vector<std::string> fast = builder.cells();
    builder.begin(false);
    FUZZ_ASSERT(nlohmann::json::sax_parse(line.begin(), line.end(), &builder), "nlohmann rejects a line read_flat took");
    FUZZ_ASSERT(builder.cells() == fast, "read_flat and nlohmann give different cells");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t step = 1 + (data[0] & 15U);
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::uint64_t max_line = cxkpi::fuzz::count_lines(text);
  check_fast_path(text);

  const outcome whole = read_with(std::make_unique<cxkpi::io::memory_source>(text, "fuzz.json"), max_line);
  const outcome trickled =
      read_with(std::make_unique<cxkpi::fuzz::trickle_source>(text, step, "fuzz.json"), max_line);
  FUZZ_ASSERT(whole.header == trickled.header, "read size changes the header");
  FUZZ_ASSERT(whole.rows == trickled.rows, "read size changes the records");
  FUZZ_ASSERT(whole.lines == trickled.lines, "read size changes the record lines");
  FUZZ_ASSERT(whole.error == trickled.error, "read size changes the error");

  std::string_view body = text;
  if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);
  const expectation expected = expected_records(body);
  if (expected.invalid) FUZZ_ASSERT(whole.error.has_value(), "invalid JSON and invalid JSON Lines read without error");
  if (!expected.records) return 0;
  const std::vector<ordered_json>& records = *expected.records;
  FUZZ_ASSERT(!whole.error.has_value(), "valid records gave an error");
  FUZZ_ASSERT(whole.rows.size() == records.size(), "record count differs from the DOM");
  if (records.empty()) {
    FUZZ_ASSERT(whole.header.empty(), "no records but a header");
    return 0;
  }
  std::vector<std::string> keys;
  for (const auto& [key, value] : records.front().items()) keys.push_back(key);
  FUZZ_ASSERT(whole.header == keys, "header differs from the first object's keys");
  for (std::size_t r = 0; r < records.size(); ++r) {
    for (std::size_t c = 0; c < keys.size(); ++c) {
      const auto it = records[r].find(keys[c]);
      const std::optional<std::string> want = it == records[r].end() ? std::string() : field_text(*it);
      if (want) FUZZ_ASSERT(whole.rows[r][c] == *want, "a field differs from the DOM's value");
    }
  }
  return 0;
}
