#pragma once
/// \file
/// Parsing one CSV file on several threads, with the same rows, fields and
/// line numbers as a serial csv_reader.
///
/// The file is read at offsets (a random_access_source: pread on a file),
/// each thread its own part into its own buffer. After the header
/// (read_csv_layout), split_csv cuts the data into row-aligned ranges: a
/// first pass counts the quotes and line breaks of each part in parallel, so
/// the quote parity and the line number are known at the start of every
/// part; a part then starts just after the first line feed at or after its
/// nominal start where the parity is even (outside quotes). A
/// csv_range_reader reads one range with detail::csv_parser from that row
/// boundary and line number, in constant memory (one block, grown only to fit
/// the longest row).
///
/// The parity argument holds for RFC 4180 files, but a bare quote inside an
/// unquoted field (`5'10"`, which the reader keeps as text) breaks it. So the
/// split is checked rather than trusted: range k's reader must stop exactly
/// where range k+1 starts (offset and line). Range 0 starts at a true row
/// boundary, so by induction every range that chains with the ones before it
/// reads exactly the rows the serial reader gives; at the first one that does
/// not, judge_chunks says to read the rest of the file serially from where
/// the last good range really ended. An error thrown while reading range k is
/// genuine only when ranges 0..k-1 chained up to it; otherwise it may be an
/// artefact of a wrong split, and the serial rest reproduces the true one.

#include <cxkpi/detail/threads.hpp>
#include <cxkpi/error.hpp>
#include <cxkpi/io/csv.hpp>
#include <cxkpi/io/random_access.hpp>
#include <cxkpi/io/record.hpp>
#include <cxkpi/io/table_reader.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>  // compiler-provided; SSE2 is part of every x86-64 target
#endif

namespace cxkpi::io {

/// How a CSV file in memory is laid out: its header and where its data rows
/// start. Made by read_csv_layout with the rules of csv_reader.
struct csv_layout {
  std::vector<std::string> header;
  char delimiter = ',';        ///< ' ' in whitespace mode
  bool whitespace = false;     ///< fields separated by blanks, no quoting
  std::uint64_t data_start = 0;  ///< offset of the first byte after the header row (a row boundary)
  std::uint64_t data_line = 1; ///< the 1-based physical line at data_start
};

/// A row-aligned part of the data: its rows are those that start at or after
/// `start` and before `stop` (the last one may extend past `stop`).
struct csv_range {
  std::uint64_t start = 0;  ///< a row boundary
  std::uint64_t line = 1;   ///< the 1-based physical line at `start`
  std::uint64_t stop = 0;
};

namespace detail {

/// Moves `pos` (and `line`) past the empty lines at `pos` of `view` the way
/// csv_parser skips them between rows (in whitespace mode, also the blanks
/// before a row). `at_end`: the view ends where the input does. Returns
/// false when the bytes after the view are needed to decide (a CR or a
/// blank at its end); `pos` then stays at the undecided line.
inline bool skip_empty_lines(std::string_view view, bool at_end, bool whitespace, std::size_t& pos,
                             std::uint64_t& line) {
  const std::size_t size = view.size();
  for (;;) {
    std::size_t p = pos;
    if (whitespace)
      while (p != size && (view[p] == ' ' || view[p] == '\t')) ++p;
    if (p == size) {
      if (at_end) pos = p;
      return at_end;
    }
    if (view[p] == '\n') {
      pos = p + 1;
    } else if (view[p] == '\r') {
      if (p + 1 == size && !at_end) return false;  // an LF may follow
      pos = p + ((p + 1 != size && view[p + 1] == '\n') ? 2 : 1);
    } else {
      pos = p;
      return true;
    }
    ++line;
  }
}

/// What parse_one_row found.
enum class one_row {
  row,   ///< the parser's batch holds the row alone
  none,  ///< only empty lines are left before the end of input
  more,  ///< the row does not end within the view: extend it and call again
};

/// Parses exactly one row at `pos` of `view`, after the empty lines there,
/// and moves `pos` and `line` just past it. `at_end`: the view ends where
/// the input does. Throws the parser's data_error for a malformed row.
///
/// csv_parser parses batches of rows and reports only where a batch ends, so
/// the end of the first row is found as the smallest range end at which the
/// parser sees the row complete (without being told the input ends there):
/// exponential, then binary search. That costs a few parses of one row, for
/// the header and for the rare row that straddles the end of a range.
inline one_row parse_one_row(csv_parser& parser, std::string_view view, bool at_end, bool whitespace,
                             std::size_t& pos, std::uint64_t& line) {
  std::size_t start = pos;
  std::uint64_t start_line = line;
  if (!skip_empty_lines(view, at_end, whitespace, start, start_line)) return one_row::more;
  const std::size_t size = view.size();
  if (start == size) {
    pos = start;
    line = start_line;
    return one_row::none;
  }
  std::size_t next_pos = start;
  std::uint64_t next_line = start_line;
  const auto complete_within = [&](std::size_t end, bool input_ends) {
    parser.reset_scan();
    const char* p = view.data() + start;
    std::uint64_t l = start_line;
    if (parser.parse(p, view.data() + end, input_ends, l) != parse_status::rows) return false;
    next_pos = static_cast<std::size_t>(p - view.data());
    next_line = l;
    return true;
  };
  // Invariant: the row is not complete within [start, lo).
  std::size_t lo = start;
  std::size_t hi = size;
  bool found = false;
  for (std::size_t step = 256;; step *= 2) {
    const std::size_t end = size - lo > step ? lo + step : size;
    if (complete_within(end, false)) {
      hi = end;
      found = true;
      break;
    }
    lo = end;
    if (end == size) break;
  }
  if (found) {
    while (hi - lo > 1) {
      const std::size_t mid = lo + (hi - lo) / 2;
      if (complete_within(mid, false)) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    complete_within(hi, false);  // leaves the parser holding the row, ending at hi
  } else if (!at_end) {
    return one_row::more;
  } else if (!complete_within(size, true)) {
    return one_row::none;  // not reached: a non-empty rest is a row
  }
  pos = next_pos;
  line = next_line;
  return one_row::row;
}

inline std::string field_count(std::size_t n) { return std::to_string(n) + (n == 1 ? " field" : " fields"); }

}  // namespace detail

namespace detail {

// read_csv_layout on the first bytes of the input, `data`; `whole`: they are
// all of it. Nothing when more bytes are needed to decide.
inline std::optional<csv_layout> layout_of_prefix(std::string_view data, bool whole, const csv_options& options,
                                                  const std::string& name) {
  const char d = options.delimiter;
  if (d == '"' || d == '\n' || d == '\r')
    throw std::invalid_argument("invalid csv delimiter " + std::string(d == '"' ? "'\"'" : "(a line break)"));
  if (data.size() < 3 && !whole) return std::nullopt;
  const auto byte = [data](std::size_t i) { return static_cast<unsigned char>(data[i]); };
  if (data.size() >= 2 && ((byte(0) == 0xff && byte(1) == 0xfe) || (byte(0) == 0xfe && byte(1) == 0xff)))
    throw data_error("input is UTF-16, not UTF-8: convert it (iconv -f UTF-16 -t UTF-8)", {name, 1, 0});
  csv_layout layout;
  std::size_t pos = 0;
  if (data.size() >= 3 && byte(0) == 0xef && byte(1) == 0xbb && byte(2) == 0xbf) pos = 3;
  layout.whitespace = options.whitespace;
  if (options.whitespace) {
    layout.delimiter = ' ';
  } else if (d != 0) {
    layout.delimiter = d;
  } else {
    // The first non-empty line, whole: detect_delimiter stops at its end.
    std::size_t first = pos;
    while (first != data.size() && (data[first] == '\n' || data[first] == '\r')) ++first;
    std::array<std::size_t, 4> counts{};
    if (!whole && scan_first_line(data.substr(first), counts) == std::string_view::npos) return std::nullopt;
    layout.delimiter = detect_delimiter(data.substr(first));
  }
  std::uint64_t line = 1;
  if (!options.names.empty()) {
    layout.header = options.names;
  } else {
    csv_parser parser(layout.delimiter, layout.whitespace, name);
    switch (parse_one_row(parser, data, whole, layout.whitespace, pos, line)) {
      case one_row::more: return std::nullopt;
      case one_row::none: throw data_error("empty input: no header row", {name});
      case one_row::row: break;
    }
    const auto fields = parser.row(0);
    layout.header.assign(fields.begin(), fields.end());
  }
  layout.data_start = pos;
  layout.data_line = line;
  return layout;
}

}  // namespace detail

/// Reads the header of a CSV input with exactly the rules and errors of
/// csv_reader's constructor: UTF-16 refused, a UTF-8 BOM skipped, the
/// delimiter given or detected from the first line, whitespace mode,
/// `options.names` for input without a header row. Reads the first 64 KiB,
/// and more only for a header longer than that.
inline csv_layout read_csv_layout(const random_access_source& bytes, const csv_options& options) {
  for (std::size_t n = std::size_t{64} << 10;; n *= 2) {
    const std::size_t want = bytes.size() < n ? static_cast<std::size_t>(bytes.size()) : n;
    std::string prefix(want, '\0');
    bytes.read_at(prefix.data(), want, 0);
    if (auto layout = detail::layout_of_prefix(prefix, want == bytes.size(), options, bytes.name())) return *layout;
  }
}

/// Reads the rows of one csv_range, as csv_reader reads them there: same
/// fields, line numbers and errors (a row with the wrong number of fields is
/// consumed, then data_error). It reads the range a block at a time (and a
/// little past its stop, for the last row), in one buffer grown only to fit
/// the longest row. After next() has returned false, end_offset() and
/// end_line() say where it stopped: just after its last row (and the empty
/// lines after it, up to the stop).
class csv_range_reader final : public table_reader {
 public:
  static constexpr std::size_t default_block_size = std::size_t{256} << 10;

  csv_range_reader(const random_access_source& bytes, const csv_layout& layout, csv_range range,
                   std::size_t block_size = default_block_size)
      : bytes_(bytes),
        header_(layout.header),
        delimiter_(layout.delimiter),
        whitespace_(layout.whitespace),
        parser_(layout.delimiter, layout.whitespace, bytes.name()),
        size_(bytes.size()),
        pos_(std::min(range.start, size_)),
        stop_(std::clamp(range.stop, pos_, size_)),
        line_(range.line),
        capacity_(block_size != 0 ? block_size : 1),
        buffer_(std::make_unique_for_overwrite<char[]>(capacity_)),
        base_(pos_) {}

  const std::vector<std::string>& header() const override { return header_; }

  bool next(record& out) override {
    if (!next_row()) return false;
    const auto fields = parser_.row(row_ - 1);
    const std::uint64_t line = parser_.row_line(row_ - 1);
    if (fields.size() != header_.size()) {
      const std::uint64_t column = fields.size() > header_.size() ? header_.size() + 1 : fields.size() + 1;
      throw data_error("row has " + detail::field_count(fields.size()) + ", the header has " +
                           std::to_string(header_.size()),
                       {bytes_.name(), line, column});
    }
    out.fields = fields;
    out.line = line;
    return true;
  }

  const std::string& name() const override { return bytes_.name(); }
  bool decimal_comma() const override { return delimiter_ != ','; }
  char delimiter() const { return delimiter_; }

  /// Whether next() has returned false.
  bool finished() const { return state_ == state::done; }
  /// Where the rows read end (an offset into the input); once finished().
  std::uint64_t end_offset() const { return pos_; }
  /// The 1-based physical line at end_offset(); once finished().
  std::uint64_t end_line() const { return line_; }

 private:
  enum class state { in_range, last_row, done };

  std::uint64_t window_end() const { return base_ + len_; }
  std::string_view window() const { return {buffer_.get(), len_}; }

  bool next_row() {
    if (row_ < parser_.rows()) {
      ++row_;
      return true;
    }
    switch (state_) {
      case state::done: return false;
      case state::last_row: return finish();
      case state::in_range: break;
    }
    // The rows that end before the stop, a batch at a time.
    for (;;) {
      const std::uint64_t end = std::min(window_end(), stop_);
      const bool at_end = end == size_;
      const char* const first = buffer_.get();
      const char* p = first + (pos_ - base_);
      const detail::parse_status status = parser_.parse(p, first + (end - base_), at_end, line_);
      pos_ = base_ + static_cast<std::uint64_t>(p - first);
      if (status == detail::parse_status::rows) {
        row_ = 1;
        return true;
      }
      if (at_end) return finish();
      if (window_end() >= stop_) break;
      refill();
    }
    // A row that starts before the stop and ends after it (or needs the byte
    // after the stop to know that it ended): the last one.
    for (;;) {
      std::size_t at = static_cast<std::size_t>(pos_ - base_);
      std::uint64_t line = line_;
      const bool decided = detail::skip_empty_lines(window(), window_end() == size_, whitespace_, at, line);
      if (base_ + at >= stop_) return finish();
      if (decided) {
        pos_ = base_ + at;  // empty lines before the stop
        line_ = line;
        switch (detail::parse_one_row(parser_, window(), window_end() == size_, whitespace_, at, line)) {
          case detail::one_row::row:
            pos_ = base_ + at;
            line_ = line;
            state_ = state::last_row;
            row_ = 1;
            return true;
          case detail::one_row::none: return finish();
          case detail::one_row::more: break;
        }
      }
      refill();
    }
  }

  bool finish() {
    state_ = state::done;
    row_ = 0;
    return false;
  }

  // Keeps the bytes from pos_ on (moved to the front, the buffer doubled when
  // they fill it) and reads as many after them as fit. Only called while the
  // window ends before the end of the input.
  void refill() {
    const auto keep = static_cast<std::size_t>(window_end() - pos_);
    if (keep == capacity_) {
      auto grown = std::make_unique_for_overwrite<char[]>(capacity_ * 2);
      std::memcpy(grown.get(), buffer_.get() + (pos_ - base_), keep);
      buffer_ = std::move(grown);
      capacity_ *= 2;
    } else if (keep != 0 && pos_ != base_) {
      std::memmove(buffer_.get(), buffer_.get() + (pos_ - base_), keep);
    }
    base_ = pos_;
    len_ = keep;
    len_ += bytes_.read_at(buffer_.get() + len_, capacity_ - len_, window_end());
    parser_.reset_scan();
  }

  const random_access_source& bytes_;
  std::vector<std::string> header_;
  char delimiter_;
  bool whitespace_;
  detail::csv_parser parser_;
  std::uint64_t size_;
  std::uint64_t pos_;   // the next row starts here (a row boundary)
  std::uint64_t stop_;
  std::uint64_t line_;
  std::size_t capacity_;
  std::unique_ptr<char[]> buffer_;
  std::uint64_t base_;    // the offset of buffer_[0]
  std::size_t len_ = 0;   // bytes in the buffer: the window [base_, base_ + len_)
  state state_ = state::in_range;
  std::size_t row_ = 0;  // rows of the parser's batch handed out
};

namespace detail {

/// Quotes and line breaks in a stretch of data.
struct structure_counts {
  std::uint64_t quotes = 0;
  std::uint64_t lines = 0;  ///< LF, and CR not followed by LF: line breaks as csv_parser counts them
};

// One CR at `p`: a line break unless an LF follows (then the LF counts).
inline std::uint64_t lone_cr(const char* p, const char* data_end) {
  return (p + 1 == data_end || p[1] != '\n') ? 1 : 0;
}

/// Counts the quotes and line breaks in [first, last); `data_end` (at or
/// after `last`) bounds the look at the byte after a CR at `last - 1`.
/// 64 bytes a step with SSE2: byte-wise compare, subtract the all-ones
/// matches into byte counters, and sum them with psadbw before they could
/// overflow. CRs are rare: a block with one is looked at byte by byte.
inline structure_counts count_structure(const char* first, const char* last, const char* data_end) {
  structure_counts counts;
  const char* p = first;
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i cr = _mm_set1_epi8('\r');
  const __m128i zero = _mm_setzero_si128();
  const auto total = [zero](__m128i counters) {
    const __m128i sums = _mm_sad_epu8(counters, zero);  // two 64-bit sums
    return static_cast<std::uint64_t>(_mm_cvtsi128_si32(sums)) +
           static_cast<std::uint64_t>(_mm_cvtsi128_si32(_mm_srli_si128(sums, 8)));
  };
  while (last - p >= 64) {
    // Each step adds at most 4 to a byte counter: flush after 63 steps.
    std::size_t steps = static_cast<std::size_t>(last - p) / 64;
    if (steps > 63) steps = 63;
    __m128i quotes = zero;
    __m128i lines = zero;
    for (std::size_t s = 0; s < steps; ++s, p += 64) {
      const __m128i v0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      const __m128i v1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16));
      const __m128i v2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 32));
      const __m128i v3 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 48));
      quotes = _mm_sub_epi8(quotes, _mm_cmpeq_epi8(v0, quote));
      quotes = _mm_sub_epi8(quotes, _mm_cmpeq_epi8(v1, quote));
      quotes = _mm_sub_epi8(quotes, _mm_cmpeq_epi8(v2, quote));
      quotes = _mm_sub_epi8(quotes, _mm_cmpeq_epi8(v3, quote));
      lines = _mm_sub_epi8(lines, _mm_cmpeq_epi8(v0, lf));
      lines = _mm_sub_epi8(lines, _mm_cmpeq_epi8(v1, lf));
      lines = _mm_sub_epi8(lines, _mm_cmpeq_epi8(v2, lf));
      lines = _mm_sub_epi8(lines, _mm_cmpeq_epi8(v3, lf));
      const __m128i crs = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v0, cr), _mm_cmpeq_epi8(v1, cr)),
                                       _mm_or_si128(_mm_cmpeq_epi8(v2, cr), _mm_cmpeq_epi8(v3, cr)));
      if (_mm_movemask_epi8(crs) != 0)
        for (int i = 0; i < 64; ++i)
          if (p[i] == '\r') counts.lines += lone_cr(p + i, data_end);
    }
    counts.quotes += total(quotes);
    counts.lines += total(lines);
  }
#endif
  for (; p != last; ++p) {
    const char c = *p;
    if (c == '"') {
      ++counts.quotes;
    } else if (c == '\n') {
      ++counts.lines;
    } else if (c == '\r') {
      counts.lines += lone_cr(p, data_end);
    }
  }
  return counts;
}

}  // namespace detail

/// Cuts the data rows (from layout.data_start) into `parts` row-aligned
/// ranges of about equal size, covering the data in order (some may be
/// empty), counting on `parts` threads. See the file comment for why the cut
/// points are only candidates: check them with judge_chunks.
inline std::vector<csv_range> split_csv(const random_access_source& bytes, const csv_layout& layout,
                                        std::size_t parts) {
  if (parts == 0) parts = 1;
  const std::uint64_t size = bytes.size();
  const std::uint64_t begin = std::min(layout.data_start, size);
  const std::uint64_t length = size - begin;
  if (length < parts) parts = length == 0 ? 1 : static_cast<std::size_t>(length);
  // n * k / parts without overflow: k <= parts.
  const auto share = [parts](std::uint64_t n, std::uint64_t k) { return n / parts * k + n % parts * k / parts; };
  std::vector<std::uint64_t> nominal(parts);
  for (std::size_t k = 0; k < parts; ++k) nominal[k] = begin + share(length, k);
  // The counts are needed up to the last nominal start. The counting, over
  // [begin, counted_end), in `parts` equal pieces, one a thread; cut further
  // at the nominal starts, whose prefix counts are needed.
  const std::uint64_t counted_end = nominal.back();
  std::vector<std::uint64_t> pieces(parts + 1);
  for (std::size_t t = 0; t <= parts; ++t) pieces[t] = begin + share(counted_end - begin, t);
  std::vector<std::uint64_t> cuts = pieces;
  cuts.insert(cuts.end(), nominal.begin(), nominal.end());
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  std::vector<detail::structure_counts> counts(cuts.size());  // counts[i]: [cuts[i], cuts[i + 1])
  std::vector<std::exception_ptr> errors(parts);
  constexpr std::size_t block = std::size_t{1} << 20;
  auto count_piece = [&](std::size_t t) {
    try {
      auto buffer = std::make_unique_for_overwrite<char[]>(block + 1);
      for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
        if (cuts[i] < pieces[t] || cuts[i] >= pieces[t + 1]) continue;
        for (std::uint64_t at = cuts[i]; at < cuts[i + 1];) {
          const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(block, cuts[i + 1] - at));
          // One byte more, when there is one: a CR at the end needs it.
          const std::size_t got = bytes.read_at(buffer.get(), n + 1, at);
          const detail::structure_counts c = detail::count_structure(buffer.get(), buffer.get() + n, buffer.get() + got);
          counts[i].quotes += c.quotes;
          counts[i].lines += c.lines;
          at += n;
        }
      }
    } catch (...) {
      errors[t] = std::current_exception();
    }
  };
  if (parts > 1) cxkpi::detail::run_on_threads(parts, count_piece);
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);

  // Each part starts after the first LF at or after its nominal start where
  // the quote parity (counted from the first data row) is even.
  std::vector<csv_range> ranges(parts);
  ranges[0].start = begin;
  ranges[0].line = layout.data_line;
  detail::structure_counts before;  // over [begin, cuts[i])
  std::size_t i = 0;
  constexpr std::size_t search_block = std::size_t{64} << 10;
  std::unique_ptr<char[]> buffer;
  if (parts > 1) buffer = std::make_unique_for_overwrite<char[]>(search_block + 1);
  for (std::size_t k = 1; k < parts; ++k) {
    for (; cuts[i] < nominal[k]; ++i) {
      before.quotes += counts[i].quotes;
      before.lines += counts[i].lines;
    }
    std::uint64_t at = nominal[k];
    std::uint64_t line = layout.data_line + before.lines;
    bool quoted = !layout.whitespace && (before.quotes & 1) != 0;
    bool found = false;
    while (!found && at < size) {
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(search_block, size - at));
      const std::size_t got = bytes.read_at(buffer.get(), n + 1, at);
      std::size_t j = 0;
      for (; j < n; ++j) {
        const char c = buffer[j];
        if (c == '"') {
          if (!layout.whitespace) quoted = !quoted;
        } else if (c == '\n') {
          ++line;
          if (!quoted) {
            found = true;
            ++j;
            break;
          }
        } else if (c == '\r') {
          line += detail::lone_cr(buffer.get() + j, buffer.get() + got);
        }
      }
      at += j;
    }
    if (at < ranges[k - 1].start) {  // the previous search ran past this nominal start
      at = ranges[k - 1].start;
      line = ranges[k - 1].line;
    }
    ranges[k].start = at;
    ranges[k].line = line;
    ranges[k - 1].stop = at;
  }
  ranges[parts - 1].stop = size;
  return ranges;
}

/// How reading one range went.
struct chunk_outcome {
  std::exception_ptr error;  ///< what reading it threw, if anything
  bool finished = false;     ///< the reader got to the end of its range
  std::uint64_t end_offset = 0;
  std::uint64_t end_line = 0;
};

/// Reads every range on a thread of its own (range 0 on the calling thread):
/// work(k, reader) gets a csv_range_reader over range k and should read all
/// its rows. What work throws is caught into the outcome.
template <class Work>
std::vector<chunk_outcome> read_csv_chunks(const random_access_source& bytes, const csv_layout& layout,
                                           const std::vector<csv_range>& ranges, Work&& work,
                                           std::size_t block_size = csv_range_reader::default_block_size) {
  std::vector<chunk_outcome> outcomes(ranges.size());
  auto task = [&](std::size_t k) {
    chunk_outcome& out = outcomes[k];
    try {
      csv_range_reader reader(bytes, layout, ranges[k], block_size);
      try {
        work(k, reader);
      } catch (...) {
        out.error = std::current_exception();
      }
      out.finished = reader.finished();
      out.end_offset = reader.end_offset();
      out.end_line = reader.end_line();
    } catch (...) {
      out.error = std::current_exception();
    }
  };
  cxkpi::detail::run_on_threads(ranges.size(), task);
  return outcomes;
}

/// What counts of a parallel read, decided in range order.
struct chunk_verdict {
  /// Ranges 0..kept-1 read exactly the rows a serial read gives there: use
  /// their results (and reports) in order, and ignore the others'.
  std::size_t kept = 0;
  /// Set: the first error a serial read meets, thrown in range kept-1. Use
  /// what ranges 0..kept-1 reported, then rethrow it.
  std::exception_ptr error;
  /// Set: range kept-1 did not end where range kept starts (the split was
  /// wrong there), so the data from rest_start (a true row boundary, at
  /// rest_line) to the end must be read again, serially.
  bool rest = false;
  std::uint64_t rest_start = 0;
  std::uint64_t rest_line = 0;
};

/// Checks that the ranges chained (each reader ended exactly where the next
/// range starts, at the same line) and picks what counts; see chunk_verdict.
inline chunk_verdict judge_chunks(const std::vector<csv_range>& ranges, const std::vector<chunk_outcome>& outcomes) {
  chunk_verdict v;
  for (std::size_t k = 0; k < ranges.size(); ++k) {
    const chunk_outcome& o = outcomes[k];
    if (o.error) {
      v.kept = k + 1;
      v.error = o.error;
      return v;
    }
    if (!o.finished) {  // the work stopped early: read this range again with the rest
      v.kept = k;
      v.rest = true;
      v.rest_start = ranges[k].start;
      v.rest_line = ranges[k].line;
      return v;
    }
    v.kept = k + 1;
    if (k + 1 < ranges.size() && (o.end_offset != ranges[k + 1].start || o.end_line != ranges[k + 1].line)) {
      v.rest = true;
      v.rest_start = o.end_offset;
      v.rest_line = o.end_line;
      return v;
    }
  }
  return v;
}

}  // namespace cxkpi::io
