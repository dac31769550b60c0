#pragma once
/// \file
/// The CSV reader: RFC 4180 plus what real exports do (a UTF-8 BOM, CRLF or
/// LF, `;` tab or `|` as delimiter, no final newline) and the
/// whitespace-separated transaction logs of older systems.
///
/// It is the hot path of the tool, so it reads large blocks, hands out fields
/// as views into its block (copying only fields with a doubled quote), and
/// finds the next delimiter, quote or line break 64 bytes at a time. The parse
/// is a function over a memory range with an explicit start state (a row
/// boundary and its line number: detail::csv_parser), so that a reader over
/// chunks of a memory-mapped file can run it from several threads.

#include <cxkpi/error.hpp>
#include <cxkpi/io/record.hpp>
#include <cxkpi/io/source.hpp>
#include <cxkpi/io/table_reader.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>  // compiler-provided; SSE2 is part of every x86-64 target
#endif

namespace cxkpi::io {

/// How to split the input. The defaults read any RFC 4180 export with a
/// header row, whatever its delimiter.
struct csv_options {
  /// The field delimiter; 0 detects it from the first line (see
  /// detect_delimiter). Must not be `"`, CR or LF.
  char delimiter = 0;
  /// Fields separated by runs of spaces and tabs, blanks at the start and end
  /// of a line ignored, no quoting: the layout of old transaction logs such as
  /// CDNOW_master.txt. `delimiter` is ignored.
  bool whitespace = false;
  /// Non-empty: the input has no header row and these are its column names,
  /// so the first line is already data.
  std::vector<std::string> names;
  /// Bytes read from the source at a time. The default amortises the read(2)
  /// calls; tests set a few bytes so that rows straddle blocks. A row longer
  /// than a block grows the buffer to fit it.
  std::size_t block_size = std::size_t{1} << 20;
};

namespace detail {

/// Reads the first line of `text` the way the parser will: a quote opens a
/// quoted field only at the start of a field (where a bare quote inside a
/// field, as in `5'10"`, is text), and a quoted line break does not end the
/// line. Adds the counts of `,` `;` tab `|` outside quotes to `counts`.
/// Returns the line's length, or npos when it does not end within `text`.
inline std::size_t scan_first_line(std::string_view text, std::array<std::size_t, 4>& counts) {
  constexpr std::array<char, 4> candidates = {',', ';', '\t', '|'};
  bool field_start = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"' && field_start) {
      for (++i; i < text.size(); ++i) {
        if (text[i] != '"') continue;
        if (i + 1 < text.size() && text[i + 1] == '"') {
          ++i;  // a doubled quote: still inside
        } else {
          break;
        }
      }
      field_start = false;
      continue;
    }
    if (c == '\n' || c == '\r') return i;
    field_start = false;
    for (std::size_t k = 0; k < candidates.size(); ++k) {
      if (c == candidates[k]) {
        ++counts[k];
        field_start = true;
      }
    }
  }
  return std::string_view::npos;
}

}  // namespace detail

/// Which of `,` `;` tab `|` occurs most often outside quoted fields in
/// `first_line` (read up to its first line break outside quotes); a tie, or
/// none at all, gives the earlier of `,` `;` tab `|`, so `,` wins unless
/// another one is strictly more frequent. One line is enough: a header names
/// every column.
inline char detect_delimiter(std::string_view first_line) {
  constexpr std::array<char, 4> candidates = {',', ';', '\t', '|'};
  std::array<std::size_t, 4> counts{};
  detail::scan_first_line(first_line, counts);
  std::size_t best = 0;
  for (std::size_t i = 1; i < candidates.size(); ++i)
    if (counts[i] > counts[best]) best = i;
  return candidates[best];
}

namespace detail {

/// The positions of four kinds of byte in a memory range, in order, found 64
/// bytes at a time: each window is classified into a bit mask, and the parser
/// pops one position per event (delimiter, quote, line break). Popping clears
/// the lowest bit, so the loop-carried work per event is one bit operation
/// rather than arithmetic on the parse position.
class event_stream {
 public:
  event_stream(char a, char b, char c, char d) : set_{a, b, c, d} {}

  /// Forgets the current window: call it when the bytes under it change.
  void reset() {
    len_ = 0;
    mask_ = 0;
  }

  /// Drops the events before `p`, which must be at or after every event
  /// popped so far, or anywhere after a reset.
  void skip_to(const char* p) {
    // Unsigned wrap-around sends p < base_ to the second branch too.
    const auto off = static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(p) -
                                              reinterpret_cast<std::uintptr_t>(base_));
    if (off < len_) {
      mask_ &= ~std::uint64_t{0} << off;
    } else {
      base_ = p;
      len_ = 0;
      mask_ = 0;
    }
  }

  /// Pops the next event before `end`, or returns `end` when there is none.
  /// `end` may grow between calls but never shrink.
  /// Inlined into the parse loops (a pop is a few instructions, once per
  /// field; as a call it took a quarter of a survey run), with the
  /// classification of a window out of line.
  [[gnu::always_inline]] const char* next(const char* end) {
    while (mask_ == 0) {
      const char* p = base_ + len_;
      if (p >= end) return end;
      base_ = p;
      len_ = static_cast<std::size_t>(end - p) < 64 ? static_cast<std::size_t>(end - p) : 64;
      mask_ = classify(p, len_, set_);
    }
    const char* event = base_ + std::countr_zero(mask_);
    mask_ &= mask_ - 1;
    return event;
  }

  /// Pops the first event at or after `p`: for scans that skip bytes.
  const char* find(const char* p, const char* end) {
    skip_to(p);
    return next(end);
  }

 private:
  // Static, with the set by value: `this` stays out of the call, so the
  // window can stay in registers in the loops that pop it. SSE2 only: an
  // AVX-512BW version (one compare per byte kind for the 64 bytes, chosen
  // at run time) measured the same on the survey job (783 vs 797 ms, within
  // the noise): the loop waits on the pops, not on this.
  [[gnu::noinline]] static std::uint64_t classify(const char* p, std::size_t n, const std::array<char, 4> set) {
#if defined(__SSE2__)
    if (n == 64) {
      const __m128i a = _mm_set1_epi8(set[0]);
      const __m128i b = _mm_set1_epi8(set[1]);
      const __m128i c = _mm_set1_epi8(set[2]);
      const __m128i d = _mm_set1_epi8(set[3]);
      std::uint64_t mask = 0;
      for (int i = 0; i < 4; ++i) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
        const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, a), _mm_cmpeq_epi8(v, b)),
                                         _mm_or_si128(_mm_cmpeq_epi8(v, c), _mm_cmpeq_epi8(v, d)));
        mask |= static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(hit)))
                << (16 * i);
      }
      return mask;
    }
#endif
    std::uint64_t mask = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const char x = p[i];
      const bool hit = x == set[0] || x == set[1] || x == set[2] || x == set[3];
      mask |= static_cast<std::uint64_t>(hit) << i;
    }
    return mask;
  }

  std::array<char, 4> set_;
  const char* base_ = nullptr;  // the window: [base_, base_ + len_)
  std::size_t len_ = 0;
  std::uint64_t mask_ = 0;      // events in the window not popped yet
};

/// What csv_parser::parse found.
enum class parse_status {
  rows,       ///< one row or more: rows() and row() describe them
  need_more,  ///< not one whole row before the end of the range: extend it
  end,        ///< nothing but empty lines was left before the end of input
};

/// Splits rows out of a memory range, a batch at a time. Apart from a cache of
/// scan positions (see reset_scan), its only state between calls is what the
/// caller passes in (the position, which must be at a row boundary, and the
/// physical line there), so several parsers can work on separate row-aligned
/// chunks of one file. Parsing a batch of rows per
/// call, rather than one, keeps the scan state in registers across rows.
///
/// It owns the field views and the scratch buffer where fields with doubled
/// quotes are unescaped; both are reused, and a batch is capped in rows and
/// fields, so memory stays bounded by the widest row, not the input.
class csv_parser {
 public:
  /// A batch ends at the first row boundary past either limit.
  static constexpr std::size_t max_batch_rows = 256;
  static constexpr std::size_t max_batch_fields = 4096;  ///< see max_batch_rows

  /// `name` is the input's name for errors; `whitespace` selects the
  /// whitespace-separated layout, where `delimiter` is ignored.
  explicit csv_parser(char delimiter = ',', bool whitespace = false, std::string name = {})
      : delimiter_(delimiter),
        whitespace_(whitespace),
        name_(std::move(name)),
        events_(whitespace ? event_stream(' ', '\t', '\n', '\r') : event_stream(delimiter, '"', '\n', '\r')) {}

  /// Parses the rows at `pos` in [pos, end), skipping empty lines, up to the
  /// batch limits. `at_end` says that `end` is the end of the input, so that
  /// a row without a final newline is complete. `pos` and `line` move past
  /// the rows parsed and the empty lines skipped, never into a row that
  /// continues past `end`: the caller retries from there with more bytes.
  /// Throws data_error on an unterminated quoted field or a character after
  /// a closing quote, but only once the rows before it have been handed out:
  /// a batch stops before a bad row, and the next call throws.
  parse_status parse(const char*& pos, const char* end, bool at_end, std::uint64_t& line) {
    rows_.clear();
    escaped_.clear();
    scratch_.clear();
    // A copy for the loop: stores into fields_ could alias a member, which
    // would force the event mask out of a register after every field. It is
    // copied back only when it stopped in step with `pos`; otherwise the
    // member keeps an older state, still valid for any later position.
    event_stream events = events_;
    events.skip_to(pos);
    const bool clean = whitespace_ ? parse_whitespace(events, pos, end, at_end, line)
                                   : parse_quoted(events, pos, end, at_end, line);
    if (clean) events_ = events;
    for (const unescaped& u : escaped_) fields_[u.field] = std::string_view(scratch_.data() + u.offset, u.size);
    if (!rows_.empty()) return parse_status::rows;
    return at_end && pos == end ? parse_status::end : parse_status::need_more;
  }

  /// The number of rows in the last batch.
  std::size_t rows() const { return rows_.size(); }
  /// The fields of row `i` of the last batch; valid until the next call to
  /// parse or until the bytes of the range change.
  std::span<const std::string_view> row(std::size_t i) const {
    return {fields_.data() + rows_[i].first_field, rows_[i].fields};
  }
  /// The 1-based physical line where row `i` of the last batch starts.
  std::uint64_t row_line(std::size_t i) const { return rows_[i].line; }

  /// Call before parsing another range, or when the bytes under the range
  /// change between calls (a buffer refilled in place), so that no position
  /// found earlier is reused. Between calls, the range may otherwise only
  /// grow at its end.
  void reset_scan() { events_.reset(); }

 private:
  struct row_info {
    std::size_t first_field;
    std::size_t fields;
    std::uint64_t line;
  };
  struct unescaped {
    std::size_t field;
    std::size_t offset;
    std::size_t size;
  };

  // `out`: where the next field view goes (see store_field).
  bool batch_full(const std::string_view* out) const {
    return rows_.size() >= max_batch_rows || index_of(out) >= max_batch_fields;
  }

  // The parse loops write field views through a cursor of their own into
  // fields_, used as plain storage (its size is its capacity), so that the
  // cursor stays in a register: push_back would load and store the vector's
  // end in memory for every field, a chain from one field to the next.
  // Stores a view at `out` (growing the storage when `out` is at its end,
  // `room_end`) and returns the cursor after it.
  [[gnu::always_inline]] std::string_view* store_field(std::string_view* out, std::string_view*& room_end,
                                                       const char* first, std::size_t size) {
    if (out == room_end) {
      out = grow_fields(out);
      room_end = fields_.data() + fields_.size();
    }
    *out = std::string_view(first, size);
    return out + 1;
  }

  std::size_t index_of(const std::string_view* out) const { return static_cast<std::size_t>(out - fields_.data()); }

  // Returns the cursor at `out` in the grown storage, the views before it kept.
  [[gnu::noinline]] std::string_view* grow_fields(std::string_view* out) {
    const auto used = static_cast<std::size_t>(out - fields_.data());
    fields_.resize(std::max<std::size_t>(2 * fields_.size(), 64));
    return fields_.data() + used;
  }

  // Copies a quoted field's content with each `""` turned into `"`, for the
  // field at index `field` of fields_. Its view is filled in at the end of
  // the batch, since scratch_ may move meanwhile.
  void add_unescaped(const char* first, const char* last, std::size_t field) {
    const std::size_t offset = scratch_.size();
    while (first != last) {
      const void* found = std::memchr(first, '"', static_cast<std::size_t>(last - first));
      if (found == nullptr) {
        scratch_.append(first, last);
        break;
      }
      const char* quote = static_cast<const char*>(found);
      scratch_.append(first, quote + 1);
      first = quote + 2;  // every quote inside was checked to be doubled
    }
    escaped_.push_back({field, offset, scratch_.size() - offset});
  }

  static std::string quote_char(char c) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) return std::string("'") + c + "'";
    constexpr char hex[] = "0123456789abcdef";
    return std::string("'\\x") + hex[u >> 4] + hex[u & 0xf] + "'";
  }

  // Every delimiter, quote, CR and LF is an event, popped exactly once and in
  // order: the parse position is always just past the last popped event.
  // Returns whether it stopped at a row boundary with the events in step.
  bool parse_quoted(event_stream& events, const char*& pos, const char* end, bool at_end, std::uint64_t& line) {
    const char delimiter = delimiter_;
    const char* p = pos;
    std::uint64_t current = line;  // physical line at p
    std::string_view* out = fields_.data();  // where the next field view goes: see store_field
    std::string_view* room_end = out + fields_.size();
    for (;;) {
      // Empty lines are not rows; they are committed one by one, so that a
      // refill does not read them again.
      for (;;) {
        if (p == end) return true;
        if (*p == '\n') {
          events.next(end);
          ++p;
        } else if (*p == '\r') {
          if (p + 1 == end && !at_end) return false;  // an LF may follow
          events.next(end);
          if (p + 1 != end && p[1] == '\n') {
            events.next(end);
            ++p;
          }
          ++p;
        } else {
          break;
        }
        pos = p;
        line = ++current;
      }
      if (batch_full(out)) return true;
      // Fields of a row left unfinished stay behind the last row, unused.
      const std::size_t first = index_of(out);
      const std::uint64_t row_line = current;
      const char* terminator;  // the CR or LF ending the row (popped), or end
      for (;;) {
        if (p != end && *p == '"') {
          events.next(end);  // the opening quote
          const char* const content = p + 1;
          const std::uint64_t opened = current;
          bool doubled = false;
          const char* e;
          for (;;) {
            e = events.next(end);
            if (e == end) {
              if (at_end && rows_.empty())
                throw data_error("unterminated quoted field (opened on line " + std::to_string(opened) + ")",
                                 {name_, opened, index_of(out) - first + 1});
              return false;  // more bytes, or the rows before it first
            }
            const char c = *e;
            if (c == '"') {
              if (e + 1 == end) {
                if (at_end) break;
                return false;  // it may be the first of `""`
              }
              if (e[1] != '"') break;
              events.next(end);
              doubled = true;
            } else if (c == '\n' || (c == '\r' && (e + 1 == end || e[1] != '\n'))) {
              // Line breaks inside quotes still count as lines, for the
              // messages. A CR at the end of the range: the field is still
              // open, so the row is parsed again with the LF that may follow.
              ++current;
            }
          }
          // With a doubled quote the view is replaced by the unescaped copy.
          if (doubled) add_unescaped(content, e, index_of(out));
          out = store_field(out, room_end, content, static_cast<std::size_t>(e - content));
          p = e + 1;
          if (p == end) {  // only reached at the end of input
            terminator = end;
            break;
          }
          const char c = *p;
          if (c == delimiter) {
            events.next(end);
            ++p;
            continue;
          }
          if (c == '\n' || c == '\r') {
            terminator = events.next(end);
            break;
          }
          if (!rows_.empty()) return false;  // hand out the rows before it first
          throw data_error("unexpected character " + quote_char(c) + " after closing quote",
                           {name_, current, index_of(out) - first});
        }
        // An unquoted field. A quote inside it (`5'10"`) is kept as written,
        // as spreadsheets do, rather than rejecting the row.
        const char* e = events.next(end);
        char c = 0;
        while (e != end && (c = *e) == '"') e = events.next(end);
        if (e == end) {
          if (!at_end) return false;
          out = store_field(out, room_end, p, static_cast<std::size_t>(end - p));
          terminator = end;
          break;
        }
        out = store_field(out, room_end, p, static_cast<std::size_t>(e - p));
        if (c == delimiter) {
          p = e + 1;
          continue;
        }
        terminator = e;
        break;
      }
      if (terminator == end) {
        p = end;
      } else if (*terminator == '\n') {
        p = terminator + 1;
        ++current;
      } else {
        if (terminator + 1 == end) {
          if (!at_end) return false;  // an LF may follow
          p = end;
        } else if (terminator[1] == '\n') {
          events.next(end);
          p = terminator + 2;
        } else {
          p = terminator + 1;
        }
        ++current;
      }
      rows_.push_back({first, index_of(out) - first, row_line});
      pos = p;
      line = current;
    }
  }

  // Blanks are events too, but runs of them are skipped with a byte loop and
  // find(), since this layout has no quoting to keep track of.
  bool parse_whitespace(event_stream& events, const char*& pos, const char* end, bool at_end,
                        std::uint64_t& line) {
    const char* p = pos;
    std::string_view* out = fields_.data();  // where the next field view goes: see store_field
    std::string_view* room_end = out + fields_.size();
    for (;;) {
      for (;;) {  // empty and blank lines
        while (p != end && (*p == ' ' || *p == '\t')) ++p;
        pos = p;  // leading blanks are never part of a row
        if (p == end) return true;
        if (*p == '\n') {
          ++p;
        } else if (*p == '\r') {
          if (p + 1 == end && !at_end) return false;  // an LF may follow
          p += (p + 1 != end && p[1] == '\n') ? 2 : 1;
        } else {
          break;
        }
        pos = p;
        ++line;
      }
      if (batch_full(out)) return true;
      // Fields of a row left unfinished stay behind the last row, unused.
      const std::size_t first = index_of(out);
      const char* terminator;
      for (;;) {
        const char* s = events.find(p, end);
        if (s == end && !at_end) return false;
        out = store_field(out, room_end, p, static_cast<std::size_t>(s - p));
        if (s == end || *s == '\n' || *s == '\r') {
          terminator = s;
          break;
        }
        const char* t = s + 1;
        while (t != end && (*t == ' ' || *t == '\t')) ++t;
        if (t == end && !at_end) return false;
        if (t == end || *t == '\n' || *t == '\r') {  // trailing blanks: no empty last field
          terminator = t;
          break;
        }
        p = t;
      }
      if (terminator == end) {
        p = end;
      } else if (*terminator == '\r' && terminator + 1 == end && !at_end) {
        return false;  // an LF may follow
      } else {
        p = terminator + ((*terminator == '\r' && terminator + 1 != end && terminator[1] == '\n') ? 2 : 1);
      }
      rows_.push_back({first, index_of(out) - first, line});
      if (terminator != end) ++line;
      pos = p;
    }
  }

  char delimiter_;
  bool whitespace_;
  std::string name_;
  event_stream events_;
  std::vector<row_info> rows_;
  std::vector<std::string_view> fields_;
  std::vector<unescaped> escaped_;
  std::string scratch_;
};

}  // namespace detail

/// Reads a CSV (or whitespace-separated) table from a byte_source in constant
/// memory: one block, grown only to fit the longest row. The constructor reads
/// the header (and detects the delimiter), so errors about the start of the
/// file come from it.
///
/// Errors are data_error with the file, the 1-based physical line where the
/// row starts (or where an unterminated quote opened) and the 1-based field
/// number. A row with the wrong number of fields is consumed before the throw,
/// so a caller that catches it may go on reading.
class csv_reader final : public table_reader {
 public:
  /// Reads the header from `source`. Throws data_error when the input is
  /// empty (without `names`), is UTF-16, or its header row is malformed;
  /// input_error when reading fails; std::invalid_argument when
  /// `options.delimiter` is a quote or a line break.
  explicit csv_reader(std::unique_ptr<byte_source> source, csv_options options = {})
      : source_(std::move(source)),
        capacity_(options.block_size != 0 ? options.block_size : 1),
        buffer_(std::make_unique_for_overwrite<char[]>(capacity_)),
        pos_(buffer_.get()),
        end_(buffer_.get()) {
    const char d = options.delimiter;
    if (d == '"' || d == '\n' || d == '\r')
      throw std::invalid_argument("invalid csv delimiter " + std::string(d == '"' ? "'\"'" : "(a line break)"));
    const std::string& name = source_->name();

    ensure(3);
    const auto byte = [this](std::size_t i) { return static_cast<unsigned char>(pos_[i]); };
    const std::size_t have = static_cast<std::size_t>(end_ - pos_);
    if (have >= 2 && ((byte(0) == 0xff && byte(1) == 0xfe) || (byte(0) == 0xfe && byte(1) == 0xff)))
      throw data_error("input is UTF-16, not UTF-8: convert it (iconv -f UTF-16 -t UTF-8)", {name, 1, 0});
    if (have >= 3 && byte(0) == 0xef && byte(1) == 0xbb && byte(2) == 0xbf) pos_ += 3;

    if (options.whitespace) {
      delimiter_ = ' ';
    } else if (d != 0) {
      delimiter_ = d;
    } else {
      delimiter_ = detect_delimiter(first_line());
    }
    parser_ = detail::csv_parser(delimiter_, options.whitespace, name);

    if (!options.names.empty()) {
      header_ = std::move(options.names);
      return;
    }
    if (!next_row()) throw data_error("empty input: no header row", {name});
    const auto fields = parser_.row(0);
    header_.assign(fields.begin(), fields.end());
  }

  /// The column names: the first row as written (BOM removed, quotes
  /// unescaped), or `options.names`.
  const std::vector<std::string>& header() const override { return header_; }

  /// Fills `out` with the next row; its views stay valid until the next call.
  /// Throws data_error when the row is malformed or its field count differs
  /// from the header's.
  bool next(record& out) override {
    if (!next_row()) return false;
    const auto fields = parser_.row(row_ - 1);
    const std::uint64_t line = parser_.row_line(row_ - 1);
    if (fields.size() != header_.size()) {
      const std::uint64_t column = fields.size() > header_.size() ? header_.size() + 1 : fields.size() + 1;
      throw data_error("row has " + count(fields.size()) + ", the header has " + std::to_string(header_.size()),
                       {source_->name(), line, column});
    }
    out.fields = fields;
    out.line = line;
    return true;
  }

  /// The source's name, for messages: a path or `<stdin>`.
  const std::string& name() const override { return source_->name(); }

  /// True when the delimiter is not `,`: a comma in a number can then only be
  /// a decimal comma (`12,50` in a `;` export).
  bool decimal_comma() const override { return delimiter_ != ','; }

  /// The delimiter in use, as given or detected; ' ' in whitespace mode.
  char delimiter() const { return delimiter_; }

 private:
  static std::string count(std::size_t n) { return std::to_string(n) + (n == 1 ? " field" : " fields"); }

  // Moves to the next row (row_ - 1 in the parser's batch), parsing the next
  // batch when this one is used up; false at the end of the input.
  bool next_row() {
    if (row_ < parser_.rows()) {
      ++row_;
      return true;
    }
    for (;;) {
      switch (parser_.parse(pos_, end_, eof_, line_)) {
        case detail::parse_status::rows: row_ = 1; return true;
        case detail::parse_status::end: row_ = 0; return false;
        case detail::parse_status::need_more: fill(); break;
      }
    }
  }

  // Moves the unparsed bytes to the front, doubling the buffer when they fill
  // it, then reads until the buffer is full or the input ends. Filling it
  // completely matters: a pipe gives 64 KiB per read, and a row longer than
  // that would otherwise be re-parsed after every read.
  void fill() {
    const auto keep = static_cast<std::size_t>(end_ - pos_);
    if (keep == capacity_) {
      std::size_t bigger = capacity_ * 2;
      auto grown = std::make_unique_for_overwrite<char[]>(bigger);
      if (keep != 0) std::memcpy(grown.get(), pos_, keep);
      buffer_ = std::move(grown);
      capacity_ = bigger;
    } else if (pos_ != buffer_.get() && keep != 0) {
      std::memmove(buffer_.get(), pos_, keep);
    }
    pos_ = buffer_.get();
    char* write = buffer_.get() + keep;
    char* const limit = buffer_.get() + capacity_;
    while (write != limit) {
      const std::size_t got = source_->read(write, static_cast<std::size_t>(limit - write));
      if (got == 0) {
        eof_ = true;
        break;
      }
      write += got;
    }
    end_ = write;
    parser_.reset_scan();
  }

  // Makes at least `n` bytes available unless the input is shorter.
  void ensure(std::size_t n) {
    while (static_cast<std::size_t>(end_ - pos_) < n && !eof_) fill();
  }

  // The first non-empty line, read whole (however long) unless the input ends
  // first; a quoted line break does not end it.
  std::string_view first_line() {
    for (;;) {
      const char* p = pos_;
      while (p != end_ && (*p == '\n' || *p == '\r')) ++p;
      const std::string_view rest(p, static_cast<std::size_t>(end_ - p));
      std::array<std::size_t, 4> counts{};
      const std::size_t length = detail::scan_first_line(rest, counts);
      if (length != std::string_view::npos) return rest.substr(0, length);
      if (eof_) return rest;
      fill();
    }
  }

  std::unique_ptr<byte_source> source_;
  std::size_t capacity_;
  std::unique_ptr<char[]> buffer_;
  const char* pos_;  // the next row starts here
  const char* end_;  // end of the bytes read so far
  bool eof_ = false;
  std::uint64_t line_ = 1;
  char delimiter_ = ',';
  std::vector<std::string> header_;
  detail::csv_parser parser_;
  std::size_t row_ = 0;  // rows of the parser's batch handed out
};

}  // namespace cxkpi::io
