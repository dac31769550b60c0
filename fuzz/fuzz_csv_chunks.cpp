// Fuzz target: the parallel CSV path (io/csv_chunks.hpp) against the serial
// reader (io/csv.hpp).
//
// The input is two setup bytes, then the file:
//   byte 0, bits 0-3: the options, as in fuzz_csv (delimiter given or
//     detected, whitespace layout, --names);
//     bit 4: on a ragged row, note it and read on (the row is consumed),
//       instead of stopping at it as the commands do;
//     bit 5: cut the data where the next bytes say, not where split_csv
//       would: ranges that start inside a row or a quoted field, which
//       judge_chunks must catch;
//     bits 6-7: the range readers' block size: 1, 3, 64 bytes or the default;
//   byte 1, bits 0-3: parts - 1 (1 to 16 ranges);
//     bit 4: with bit 5 of byte 0, give every range after the first a line
//       one too high (a split with the right offset but the wrong line);
//     bits 5-6: the file is the rest of the input repeated 1, 8, 64 or 256
//       times, so that stretches longer than the counting and searching
//       blocks (the SSE2 counters are flushed every 4,032 bytes; the search
//       for a cut reads 64 KiB at a time) occur within max_len;
//   with bit 5 of byte 0, parts - 1 more bytes: the cut points, each a
//   fraction (0-255/256) of the data after the header.
//
// The parallel read is done as src/scan.hpp does it: read_csv_layout,
// split_csv (or the cuts), read_csv_chunks with one reader per range on its
// own thread, judge_chunks, the kept ranges' rows in order, then the error,
// or the rest of the file read serially from where the last good range
// ended. Invariants:
//  - read_csv_layout throws exactly when csv_reader's constructor throws,
//    the same message, and otherwise gives the same header;
//  - only data_error escapes either path;
//  - the rows (fields and lines) and the error that ends the input (its
//    describe(): file, line, column and message) are exactly those of
//    csv_reader reading the whole input serially, whatever the parts, the
//    cuts and the block size.

#include "fuzz_common.hpp"

#include <cxkpi/io/csv.hpp>
#include <cxkpi/io/csv_chunks.hpp>
#include <cxkpi/io/random_access.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using cxkpi::data_error;
using cxkpi::io::csv_layout;
using cxkpi::io::csv_options;
using cxkpi::io::csv_range;

// One record, or the error that ended the input (`error` non-empty; a
// ragged row read past also leaves one).
struct event {
  std::vector<std::string> fields;
  std::uint64_t line = 0;
  std::string error;  // describe()
  bool operator==(const event&) const = default;
};

bool is_ragged(const data_error& e) { return std::string_view(e.what()).starts_with("row has"); }

// Reads `reader` to its end (or its first error, unless ragged rows are read
// past) into `events`. Returns false when an error ended the read.
bool read_rows(cxkpi::io::table_reader& reader, bool past_ragged, std::vector<event>& events) {
  cxkpi::io::record rec;
  for (;;) {
    try {
      if (!reader.next(rec)) return true;
    } catch (const data_error& e) {
      events.push_back({{}, 0, e.describe()});
      if (past_ragged && is_ragged(e)) continue;
      return false;
    }
    FUZZ_ASSERT(rec.fields.size() == reader.header().size(), "every record has header().size() fields");
    events.push_back({{rec.fields.begin(), rec.fields.end()}, rec.line, {}});
  }
}

struct outcome {
  std::optional<std::string> header_error;  // describe() of the header's data_error
  std::vector<std::string> header;
  std::vector<event> events;
};

outcome serial(std::string_view text, const csv_options& options, bool past_ragged) {
  outcome out;
  std::optional<cxkpi::io::csv_reader> reader;
  try {
    reader.emplace(std::make_unique<cxkpi::io::memory_source>(text, "fuzz.csv"), options);
  } catch (const data_error& e) {
    out.header_error = e.describe();
    return out;
  }
  out.header = reader->header();
  read_rows(*reader, past_ragged, out.events);
  return out;
}

// The physical line at `offset` counted as csv_parser counts (LF, and a CR
// not followed by LF), from `layout.data_start`.
std::uint64_t line_at(std::string_view text, const csv_layout& layout, std::uint64_t offset) {
  std::uint64_t line = layout.data_line;
  for (std::uint64_t i = layout.data_start; i < offset; ++i)
    if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) ++line;
  return line;
}

struct split_setup {
  std::size_t parts = 1;
  bool own_cuts = false;
  bool lines_off = false;
  std::string_view cuts;  // fractions, one byte each
  std::size_t block_size = cxkpi::io::csv_range_reader::default_block_size;
  bool past_ragged = false;
};

outcome parallel(std::string_view text, const csv_options& options, const split_setup& s) {
  outcome out;
  const cxkpi::io::memory_random_access bytes(text, "fuzz.csv");
  csv_layout layout;
  try {
    layout = cxkpi::io::read_csv_layout(bytes, options);
  } catch (const data_error& e) {
    out.header_error = e.describe();
    return out;
  }
  out.header = layout.header;
  FUZZ_ASSERT(layout.data_start <= text.size(), "the data starts within the input");

  std::vector<csv_range> ranges;
  if (!s.own_cuts) {
    ranges = cxkpi::io::split_csv(bytes, layout, s.parts);
    FUZZ_ASSERT(!ranges.empty() && ranges.size() <= s.parts, "split_csv gives 1 to parts ranges");
    FUZZ_ASSERT(ranges.front().start == layout.data_start, "the first range starts at the data");
    FUZZ_ASSERT(ranges.front().line == layout.data_line, "the first range starts at the data's line");
    FUZZ_ASSERT(ranges.back().stop == text.size(), "the last range stops at the end");
    for (std::size_t k = 0; k < ranges.size(); ++k) {
      FUZZ_ASSERT(ranges[k].start <= ranges[k].stop, "a range does not end before it starts");
      if (k > 0) FUZZ_ASSERT(ranges[k].start == ranges[k - 1].stop, "ranges cover the data in order");
    }
  } else {
    const std::uint64_t begin = layout.data_start;
    const std::uint64_t length = text.size() - begin;
    std::vector<std::uint64_t> starts{begin};
    for (unsigned char c : s.cuts) starts.push_back(begin + length * c / 256);
    std::sort(starts.begin() + 1, starts.end());
    for (std::size_t k = 0; k < starts.size(); ++k) {
      csv_range r;
      r.start = starts[k];
      r.line = line_at(text, layout, starts[k]) + (s.lines_off && k > 0 ? 1 : 0);
      r.stop = k + 1 < starts.size() ? starts[k + 1] : text.size();
      ranges.push_back(r);
    }
  }

  // One event list per range, as each job holds its own results.
  std::vector<std::vector<event>> per_range(ranges.size());
  const std::vector<cxkpi::io::chunk_outcome> outcomes = cxkpi::io::read_csv_chunks(
      bytes, layout, ranges,
      [&](std::size_t k, cxkpi::io::csv_range_reader& reader) {
        // A job lets the reader's data_error escape (scan.hpp): rethrown here
        // after it is noted, so that the outcome holds it.
        cxkpi::io::record rec;
        for (;;) {
          try {
            if (!reader.next(rec)) return;
          } catch (const data_error& e) {
            per_range[k].push_back({{}, 0, e.describe()});
            if (s.past_ragged && is_ragged(e)) continue;
            throw;
          }
          per_range[k].push_back({{rec.fields.begin(), rec.fields.end()}, rec.line, {}});
        }
      },
      s.block_size);
  FUZZ_ASSERT(outcomes.size() == ranges.size(), "one outcome per range");
  for (const cxkpi::io::chunk_outcome& o : outcomes)
    if (o.error) {
      try {
        std::rethrow_exception(o.error);
      } catch (const data_error&) {
        // the only kind a range may end with
      } catch (...) {
        FUZZ_ASSERT(false, "a range ended with an exception other than data_error");
      }
    }

  const cxkpi::io::chunk_verdict verdict = cxkpi::io::judge_chunks(ranges, outcomes);
  FUZZ_ASSERT(verdict.kept <= ranges.size(), "kept ranges exist");
  FUZZ_ASSERT(!(verdict.error && verdict.rest), "an error and a rest at once");
  for (std::size_t k = 0; k < verdict.kept; ++k)
    out.events.insert(out.events.end(), per_range[k].begin(), per_range[k].end());
  if (verdict.error) {
    FUZZ_ASSERT(!out.events.empty() && !out.events.back().error.empty(), "the kept error is the last event");
    return out;
  }
  if (verdict.rest) {
    FUZZ_ASSERT(verdict.rest_start >= layout.data_start && verdict.rest_start <= text.size(),
                "the rest starts within the data");
    cxkpi::io::csv_range_reader rest(bytes, layout, {verdict.rest_start, verdict.rest_line, text.size()});
    read_rows(rest, s.past_ragged, out.events);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const unsigned char setup = data[0];
  const unsigned char split = data[1];
  split_setup s;
  s.parts = 1 + (split & 15U);
  s.own_cuts = (setup & 32U) != 0;
  s.lines_off = s.own_cuts && (split & 16U) != 0;
  s.past_ragged = (setup & 16U) != 0;
  constexpr std::size_t block_sizes[] = {1, 3, 64, cxkpi::io::csv_range_reader::default_block_size};
  s.block_size = block_sizes[(setup >> 6) & 3U];
  std::size_t skip = 2;
  if (s.own_cuts) {
    if (size < 2 + s.parts - 1) return 0;
    s.cuts = std::string_view(reinterpret_cast<const char*>(data + 2), s.parts - 1);
    skip += s.parts - 1;
  }
  const std::string_view body(reinterpret_cast<const char*>(data + skip), size - skip);
  constexpr std::size_t repeats[] = {1, 8, 64, 256};
  std::string repeated;
  for (std::size_t r = 0; r < repeats[(split >> 5) & 3U]; ++r) repeated.append(body);
  const std::string_view text = repeated;

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

  const outcome expected = serial(text, options, s.past_ragged);
  const outcome got = parallel(text, options, s);
  FUZZ_ASSERT(got.header_error.has_value() == expected.header_error.has_value(),
              "read_csv_layout and csv_reader disagree on whether the header reads");
  if (expected.header_error) {
    FUZZ_ASSERT(*got.header_error == *expected.header_error, "the header error differs from csv_reader's");
    return 0;
  }
  FUZZ_ASSERT(got.header == expected.header, "the header differs from csv_reader's");
  FUZZ_ASSERT(got.events.size() == expected.events.size(), "a different number of rows and errors than serially");
  FUZZ_ASSERT(got.events == expected.events, "rows, lines or errors differ from the serial read");
  return 0;
}
