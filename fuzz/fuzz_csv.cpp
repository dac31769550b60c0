// Fuzz target: the CSV reader (io::csv_reader).
//
// The first input byte picks the options (delimiter given or detected,
// whitespace layout, --names, block size and how many bytes each read gives);
// the rest is the file. Invariants checked on every input:
//  - only data_error escapes (never another exception, a crash or a hang);
//  - every record has exactly header().size() fields; its line is >= 1,
//    increases from record to record and lies within the input;
//  - reading the same bytes a few at a time, with a tiny block that must grow,
//    gives exactly the same header, records, lines and errors as one read;
//  - the result equals that of a slow reference parser written from the
//    documented rules (RFC 4180 quoting, CR/LF/CRLF, empty lines skipped,
//    BOM dropped, UTF-16 refused, a ragged row an error that can be skipped).

#include "fuzz_common.hpp"

#include <cxkpi/io/csv.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using cxkpi::data_error;
using cxkpi::io::csv_options;
using cxkpi::io::csv_reader;

enum class event_kind { row, ragged, unterminated, after_quote, other_error };

struct event {
  event_kind kind;
  std::vector<std::string> fields;  // rows only
  std::uint64_t line;
  bool operator==(const event&) const = default;
};

struct outcome {
  bool constructor_error = false;
  event_kind constructor_kind = event_kind::other_error;
  std::uint64_t constructor_line = 0;
  std::string constructor_what;  // compared between the two reads only
  std::vector<std::string> header;
  std::vector<event> events;
  std::vector<std::string> messages;  // every error's describe(), between the two reads only
};

event_kind kind_of(const data_error& e) {
  const std::string_view what = e.what();
  if (what.starts_with("row has")) return event_kind::ragged;
  if (what.starts_with("unterminated quoted field")) return event_kind::unterminated;
  if (what.starts_with("unexpected character")) return event_kind::after_quote;
  return event_kind::other_error;
}

outcome read_with(std::unique_ptr<cxkpi::io::byte_source> source, const csv_options& options,
                  std::uint64_t max_line) {
  outcome out;
  std::optional<csv_reader> reader;
  try {
    reader.emplace(std::move(source), options);
  } catch (const data_error& e) {
    out.constructor_error = true;
    out.constructor_kind = kind_of(e);
    out.constructor_line = e.location().line;
    out.constructor_what = e.describe();
    return out;
  }
  out.header = reader->header();
  FUZZ_ASSERT(!out.header.empty(), "a header has at least one column");
  cxkpi::io::record rec;
  std::uint64_t previous_line = 0;
  for (;;) {
    try {
      if (!reader->next(rec)) break;
    } catch (const data_error& e) {
      const event_kind kind = kind_of(e);
      out.events.push_back({kind, {}, e.location().line});
      out.messages.push_back(e.describe());
      FUZZ_ASSERT(e.location().line >= 1 && e.location().line <= max_line, "an error's line lies in the input");
      if (kind == event_kind::ragged) {
        previous_line = e.location().line;
        continue;  // documented: the ragged row is consumed, reading may go on
      }
      break;
    }
    FUZZ_ASSERT(rec.fields.size() == out.header.size(), "every record has header().size() fields");
    FUZZ_ASSERT(rec.line >= 1 && rec.line <= max_line, "a record's line lies in the input");
    FUZZ_ASSERT(rec.line > previous_line, "record lines increase");
    previous_line = rec.line;
    out.events.push_back({event_kind::row, {rec.fields.begin(), rec.fields.end()}, rec.line});
  }
  return out;
}

// --- the reference parser: slow and obvious, from the documented rules -------

struct ref_row {
  std::vector<std::string> fields;
  std::uint64_t line;
};

struct ref_parse {
  std::vector<ref_row> rows;
  std::optional<event> fatal;  // the error that ended the input, if any
};

// Consumes one line break at t[i] (CR, LF or CRLF).
void skip_break(std::string_view t, std::size_t& i) {
  if (t[i] == '\r' && i + 1 < t.size() && t[i + 1] == '\n') ++i;
  ++i;
}

ref_parse reference_quoted(std::string_view t, char delimiter) {
  ref_parse out;
  const std::size_t n = t.size();
  std::size_t i = 0;
  std::uint64_t line = 1;
  for (;;) {
    while (i < n && (t[i] == '\n' || t[i] == '\r')) {
      skip_break(t, i);
      ++line;
    }
    if (i == n) return out;
    ref_row row{{}, line};
    for (;;) {
      if (i < n && t[i] == '"') {
        const std::uint64_t opened = line;
        ++i;
        std::string content;
        for (;;) {
          if (i == n) {
            out.fatal = event{event_kind::unterminated, {}, opened};
            return out;
          }
          const char c = t[i];
          if (c == '"') {
            if (i + 1 < n && t[i + 1] == '"') {
              content += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (c == '\n' || (c == '\r' && !(i + 1 < n && t[i + 1] == '\n'))) ++line;
          content += c;
          ++i;
        }
        row.fields.push_back(std::move(content));
        if (i == n) break;
        if (t[i] == delimiter) {
          ++i;
          continue;
        }
        if (t[i] == '\n' || t[i] == '\r') {
          skip_break(t, i);
          ++line;
          break;
        }
        out.fatal = event{event_kind::after_quote, {}, line};
        return out;
      }
      const std::size_t start = i;
      while (i < n && t[i] != delimiter && t[i] != '\n' && t[i] != '\r') ++i;
      row.fields.emplace_back(t.substr(start, i - start));
      if (i == n) break;
      if (t[i] == delimiter) {
        ++i;
        continue;
      }
      skip_break(t, i);
      ++line;
      break;
    }
    out.rows.push_back(std::move(row));
  }
}

ref_parse reference_whitespace(std::string_view t) {
  ref_parse out;
  const std::size_t n = t.size();
  std::size_t i = 0;
  std::uint64_t line = 1;
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  while (i < n) {
    const std::size_t start = i;
    while (i < n && t[i] != '\n' && t[i] != '\r') ++i;
    const std::string_view text = t.substr(start, i - start);
    ref_row row{{}, line};
    std::size_t j = 0;
    for (;;) {
      while (j < text.size() && blank(text[j])) ++j;
      if (j == text.size()) break;
      const std::size_t field = j;
      while (j < text.size() && !blank(text[j])) ++j;
      row.fields.emplace_back(text.substr(field, j - field));
    }
    if (!row.fields.empty()) out.rows.push_back(std::move(row));
    if (i < n) {
      skip_break(t, i);
      ++line;
    }
  }
  return out;
}

outcome reference(std::string_view text, const csv_options& options) {
  outcome out;
  if (text.size() >= 2 && ((static_cast<unsigned char>(text[0]) == 0xff && static_cast<unsigned char>(text[1]) == 0xfe) ||
                           (static_cast<unsigned char>(text[0]) == 0xfe && static_cast<unsigned char>(text[1]) == 0xff))) {
    out.constructor_error = true;
    out.constructor_kind = event_kind::other_error;
    out.constructor_line = 1;
    return out;
  }
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  ref_parse parsed;
  if (options.whitespace) {
    parsed = reference_whitespace(text);
  } else {
    char delimiter = options.delimiter;
    if (delimiter == 0) {
      const std::size_t first = text.find_first_not_of("\r\n");
      delimiter = cxkpi::io::detect_delimiter(first == std::string_view::npos ? std::string_view() : text.substr(first));
    }
    parsed = reference_quoted(text, delimiter);
  }
  std::size_t next = 0;
  if (!options.names.empty()) {
    out.header = options.names;
  } else if (parsed.rows.empty()) {
    out.constructor_error = true;
    out.constructor_kind = parsed.fatal ? parsed.fatal->kind : event_kind::other_error;
    out.constructor_line = parsed.fatal ? parsed.fatal->line : 0;
    return out;
  } else {
    out.header = parsed.rows[0].fields;
    next = 1;
  }
  for (; next < parsed.rows.size(); ++next) {
    ref_row& row = parsed.rows[next];
    if (row.fields.size() != out.header.size()) {
      out.events.push_back({event_kind::ragged, {}, row.line});
    } else {
      out.events.push_back({event_kind::row, std::move(row.fields), row.line});
    }
  }
  if (parsed.fatal) out.events.push_back(*parsed.fatal);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned char setup = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  csv_options options;
  switch (setup & 7U) {
    case 1: options.delimiter = ','; break;
    case 2: options.delimiter = ';'; break;
    case 3: options.delimiter = '\t'; break;
    case 4: options.delimiter = '|'; break;
    case 5: options.whitespace = true; break;
    default: break;  // 0, 6, 7: detected
  }
  if ((setup & 8U) != 0) options.names = {"a", "b", "c"};
  const std::uint64_t max_line = cxkpi::fuzz::count_lines(text);

  const outcome whole =
      read_with(std::make_unique<cxkpi::io::memory_source>(text, "fuzz.csv"), options, max_line);

  csv_options tiny = options;
  tiny.block_size = 1 + ((setup >> 4) & 3U);          // 1-4 bytes: every row grows the block
  const std::size_t step = 1 + ((setup >> 6) & 3U) * 3;  // 1, 4, 7 or 10 bytes per read
  const outcome trickled =
      read_with(std::make_unique<cxkpi::fuzz::trickle_source>(text, step, "fuzz.csv"), tiny, max_line);

  FUZZ_ASSERT(whole.constructor_error == trickled.constructor_error, "block size changes whether the header reads");
  FUZZ_ASSERT(whole.constructor_what == trickled.constructor_what, "block size changes the header error");
  FUZZ_ASSERT(whole.header == trickled.header, "block size changes the header");
  FUZZ_ASSERT(whole.events == trickled.events, "block size changes the records");
  FUZZ_ASSERT(whole.messages == trickled.messages, "block size changes an error message");

  const outcome expected = reference(text, options);
  FUZZ_ASSERT(whole.constructor_error == expected.constructor_error, "header error differs from the reference");
  if (expected.constructor_error) {
    FUZZ_ASSERT(whole.constructor_kind == expected.constructor_kind, "header error kind differs from the reference");
    if (expected.constructor_line != 0)
      FUZZ_ASSERT(whole.constructor_line == expected.constructor_line, "header error line differs from the reference");
    return 0;
  }
  FUZZ_ASSERT(whole.header == expected.header, "header differs from the reference");
  FUZZ_ASSERT(whole.events == expected.events, "records differ from the reference");
  return 0;
}
