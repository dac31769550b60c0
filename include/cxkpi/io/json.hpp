#pragma once
/// \file
/// The JSON reader: an array of objects, JSON Lines, or an API response that
/// wraps its array of objects in an object (Zendesk's
/// `{"satisfaction_ratings": [...]}`), read one object at a time in constant
/// memory.
///
/// How it streams: nlohmann's parser is push-style (it calls a SAX handler
/// until the document ends) and cannot stop after one object and resume, so
/// the reader finds where each top-level object ends itself, with a small
/// scanner that only follows strings, escapes and brackets
/// (detail::json_scan), and then runs nlohmann::json::sax_parse over that
/// object's bytes alone, with a handler that writes the fields straight into
/// the record (no DOM). Memory is one block plus the largest object. The
/// bytes between objects (`[`, `,`, `]`) are checked here; everything inside
/// an object is checked by nlohmann, whose error position is mapped back to
/// the line and byte column of the input.
///
/// Most exports are flat objects of plain values, and nlohmann's lexer,
/// general and a byte at a time, took two thirds of a run over them.
/// So once the first object has made the header, each object is first tried
/// by json_record_builder::read_flat, a direct scan that takes only text it
/// reads exactly as the SAX path does and declines everything else (nested
/// values, `\u` escapes, exponents, any invalid byte), which then goes
/// through nlohmann as before: same fields, same errors.

#include <cxkpi/error.hpp>
#include <cxkpi/io/record.hpp>
#include <cxkpi/io/source.hpp>
#include <cxkpi/io/table_reader.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>  // compiler-provided; SSE2 is part of every x86-64 target
#endif

namespace cxkpi::io {

namespace detail {

/// Finds where one JSON value that starts with `{`, `[` or `"` ends, without
/// validating it: it follows strings (so that brackets and `\"` inside them
/// do not count) and brackets, and nothing else. Resumable: when the bytes
/// run out it returns `more`, and run() continues from `offset` once the
/// caller has more bytes (the value must stay at the same start).
struct json_scan {
  enum class status {
    more,       ///< the value goes on past `size`
    complete,   ///< the value is data[0, offset)
    stopped,    ///< data[0, offset) is certainly invalid JSON: let the parser say why
    too_deep,   ///< data[offset] opens a container deeper than the limit
  };

  std::size_t offset = 0;   ///< bytes scanned so far
  int depth = 0;            ///< open containers
  std::uint64_t arrays = 0; ///< bit i set: the container at depth i+1 (from the top) is an array
  bool in_string = false;
  bool escaped = false;

  /// Starts a scan at a string rather than a container.
  static json_scan string() {
    json_scan s;
    s.offset = 1;
    s.in_string = true;
    return s;
  }

  /// Scans data[offset, size); `max_depth` open containers are allowed.
  status run(const char* data, std::size_t size, int max_depth) {
    for (; offset < size; ++offset) {
      const char c = data[offset];
      if (in_string) {
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          in_string = false;
          if (depth == 0) return ++offset, status::complete;
        } else if (static_cast<unsigned char>(c) < 0x20) {
          // A raw control character (a line break, usually) is never valid in
          // a string: stop here rather than swallow the rest of the input
          // behind a stray quote.
          return ++offset, status::stopped;
        }
        continue;
      }
      switch (c) {
        case '"':
          in_string = true;
          break;
        case '{':
        case '[':
          if (depth == max_depth) return status::too_deep;
          arrays = (arrays << 1) | (c == '[' ? 1U : 0U);
          ++depth;
          break;
        case '}':
        case ']':
          // A bracket that closes the wrong kind of container: whatever
          // follows is not this value any more.
          if (depth == 0 || (arrays & 1U) != (c == ']' ? 1U : 0U)) return ++offset, status::stopped;
          arrays >>= 1;
          if (--depth == 0) return ++offset, status::complete;
          break;
        default:
          break;
      }
    }
    return status::more;
  }
};

/// Appends `text` as a JSON string the way nlohmann's dump() writes it:
/// `"` `\` and control characters escaped, UTF-8 left as it is.
inline void json_append_quoted(std::string& out, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 0xF];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

/// nlohmann's message without its `[json.exception.parse_error.101] parse
/// error at line 1, column 9: ` prefix (the reader gives the position
/// itself, in the whole input rather than in one object) and with a long
/// `last read: '...'` cut to its end, where the culprit is.
inline std::string json_short_reason(std::string_view what) {
  if (!what.empty() && what.front() == '[') {
    const auto end = what.find("] ");
    if (end != std::string_view::npos) what.remove_prefix(end + 2);
  }
  if (what.starts_with("parse error")) {
    const auto colon = what.find(": ");
    if (colon != std::string_view::npos) what.remove_prefix(colon + 2);
  }
  // "while parsing value" says nothing the position does not; "while parsing
  // object key" or "array" does, so those stay.
  static constexpr std::string_view in_value = "syntax error while parsing value - ";
  if (what.starts_with(in_value)) what.remove_prefix(in_value.size());
  std::string out(what);
  static constexpr std::string_view last_read = "last read: '";
  static constexpr std::size_t keep = 32;
  const auto at = out.find(last_read);
  if (at != std::string::npos) {
    const auto token_begin = at + last_read.size();
    auto token_end = out.find("'; expected", token_begin);
    if (token_end == std::string::npos) token_end = out.size() - (out.ends_with('\'') ? 1 : 0);
    if (token_end - token_begin > keep + 3) {
      auto cut = token_end - keep;
      // Never start in the middle of a UTF-8 sequence.
      while (cut < token_end && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) ++cut;
      out.replace(token_begin, cut - token_begin, "...");
    }
  }
  return out;
}

/// What a value that starts with `data` is, for `expected an object, found
/// a number`; empty when it starts no JSON value at all.
inline std::string_view json_value_kind(std::string_view data) {
  if (data.empty()) return {};
  switch (data.front()) {
    case '{': return "an object";
    case '[': return "an array";
    case '"': return "a string";
    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9': return "a number";
    case 't': return std::string_view("true").starts_with(data.substr(0, 4)) ? "a boolean" : "";
    case 'f': return std::string_view("false").starts_with(data.substr(0, 5)) ? "a boolean" : "";
    case 'n': return std::string_view("null").starts_with(data.substr(0, 4)) ? "null" : "";
    default: return {};
  }
}

/// A byte quoted for a message: `'x'`, or `<U+000A>` and `byte 0xC3` for the
/// ones a terminal would not show.
inline std::string json_quote_byte(unsigned char c) {
  static constexpr char hex[] = "0123456789ABCDEF";
  if (c >= 0x20 && c < 0x7F) return std::string("'") + static_cast<char>(c) + "'";
  std::string out = c < 0x20 ? "<U+00" : "byte 0x";
  out += hex[c >> 4];
  out += hex[c & 0xF];
  if (c < 0x20) out += '>';
  return out;
}

/// The length of the well-formed UTF-8 sequence at `p` (before `end`) whose
/// first byte is 0x80 or above, or 0 when it is ill-formed: the ranges of
/// Unicode's table 3-7, which nlohmann's lexer checks too.
inline std::size_t utf8_sequence(const unsigned char* p, const unsigned char* end) {
  const auto in = [&](std::size_t i, unsigned char low, unsigned char high) {
    return static_cast<std::size_t>(end - p) > i && p[i] >= low && p[i] <= high;
  };
  const unsigned char c = p[0];
  if (c >= 0xC2 && c <= 0xDF) return in(1, 0x80, 0xBF) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    const unsigned char low = c == 0xE0 ? 0xA0 : 0x80;
    const unsigned char high = c == 0xED ? 0x9F : 0xBF;
    return in(1, low, high) && in(2, 0x80, 0xBF) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    const unsigned char low = c == 0xF0 ? 0x90 : 0x80;
    const unsigned char high = c == 0xF4 ? 0x8F : 0xBF;
    return in(1, low, high) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
  }
  return 0;
}

/// Moves `p` (just after an opening quote) to the closing quote of a JSON
/// string without escapes, control characters or ill-formed UTF-8, whose
/// text is then the bytes in between. False for any other string, with `p`
/// at the byte that stopped the scan (a backslash, a control character, the
/// first byte of an ill-formed sequence) or at `end`.
inline bool plain_json_string(const char*& p, const char* end) {
  for (;;) {
#if defined(__SSE2__)
    // 16 bytes a step: a quote, a backslash, or a byte below 0x20 or from
    // 0x80 (both negative or small as signed bytes) stops the skip.
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(0x20);
    while (end - p >= 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      const __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                                        _mm_cmplt_epi8(v, space));
      const int mask = _mm_movemask_epi8(stop);
      if (mask != 0) {
        p += std::countr_zero(static_cast<unsigned>(mask));
        break;
      }
      p += 16;
    }
#endif
    while (p != end && *p != '"' && *p != '\\' && static_cast<unsigned char>(*p) >= 0x20 &&
           static_cast<unsigned char>(*p) < 0x80)
      ++p;
    if (p == end) return false;
    const auto c = static_cast<unsigned char>(*p);
    if (c == '"') return true;
    if (c < 0x80) return false;  // an escape or a control character
    const std::size_t n = utf8_sequence(reinterpret_cast<const unsigned char*>(p),
                                        reinterpret_cast<const unsigned char*>(end));
    if (n == 0) return false;
    p += n;
  }
}

/// For a string that plain_json_string stopped in (`p` where it stopped,
/// `first` just after the opening quote): decodes it into `text` when its
/// escapes are the one-letter ones (`\"` `\\` `\/` `\b` `\f` `\n` `\r` `\t`)
/// and it is otherwise plain, moving `p` to the closing quote. False for
/// `\u` escapes (surrogate pairs: left to nlohmann) and anything invalid.
inline bool escaped_json_string(const char* first, const char*& p, const char* end, std::string& text) {
  text.assign(first, p);
  while (p != end) {
    const auto c = static_cast<unsigned char>(*p);
    if (c == '"') return true;
    if (c == '\\') {
      if (end - p < 2) return false;
      switch (p[1]) {
        case '"': text += '"'; break;
        case '\\': text += '\\'; break;
        case '/': text += '/'; break;
        case 'b': text += '\b'; break;
        case 'f': text += '\f'; break;
        case 'n': text += '\n'; break;
        case 'r': text += '\r'; break;
        case 't': text += '\t'; break;
        default: return false;
      }
      p += 2;
      continue;
    }
    const char* const run = p;
    if (!plain_json_string(p, end) && (p == end || *p != '\\')) return false;
    text.append(run, p);
  }
  return false;
}

/// Reads a JSON number at `p` that nlohmann would turn into the same text:
/// an integer of at most 18 digits (it fits any integer type, so nlohmann's
/// digits are the ones written, but `-0`, which it reads as 0), or a number
/// with a fraction and no exponent (kept as written, and too short to
/// overflow). False for the rest (exponents, long integers, bad numbers).
inline bool plain_json_number(const char*& p, const char* end, std::string_view& text) {
  const char* const first = p;
  const auto digit = [&] { return p != end && *p >= '0' && *p <= '9'; };
  if (p != end && *p == '-') ++p;
  if (!digit()) return false;
  if (*p == '0') {
    ++p;
  } else {
    while (digit()) ++p;
  }
  const std::size_t int_digits = static_cast<std::size_t>(p - first) - (*first == '-' ? 1 : 0);
  bool fraction = false;
  if (p != end && *p == '.') {
    ++p;
    if (!digit()) return false;
    while (digit()) ++p;
    fraction = true;
  }
  if (p != end && (*p == 'e' || *p == 'E')) return false;
  const auto size = static_cast<std::size_t>(p - first);
  if (fraction ? size > 300 : int_digits > 18) return false;
  text = std::string_view(first, size);
  if (text == "-0") text = "0";
  return true;
}

/// Where sax_parse stopped and why, shared by the two handlers below.
struct json_parse_failure {
  std::string reason;        ///< nlohmann's message, or ours
  std::size_t byte = 0;      ///< nlohmann's position: 1-based index of the culprit; 0 unknown
  bool too_deep = false;

  /// SAX callback: keeps the message and stops the parse.
  bool record(std::size_t position, const nlohmann::json::exception& e) {
    reason = e.what();
    byte = position;
    return false;
  }
};

/// SAX handler that accepts any value: it only makes nlohmann validate the
/// members of a wrapping object that are not the records.
class json_validator {
 public:
  using json = nlohmann::json;
  json_parse_failure failure;

  void begin() { failure = {}; }
  bool null() { return true; }
  bool boolean(bool) { return true; }
  bool number_integer(json::number_integer_t) { return true; }
  bool number_unsigned(json::number_unsigned_t) { return true; }
  bool number_float(json::number_float_t, const json::string_t&) { return true; }
  bool string(json::string_t&) { return true; }
  bool binary(json::binary_t&) { return true; }
  bool start_object(std::size_t) { return true; }
  bool key(json::string_t&) { return true; }
  bool end_object() { return true; }
  bool start_array(std::size_t) { return true; }
  bool end_array() { return true; }
  bool parse_error(std::size_t position, const std::string&, const json::exception& e) {
    return failure.record(position, e);
  }
};

/// SAX handler that turns one JSON object into the text of its fields, in
/// header order: the object's own keys pick the column, its scalar values
/// become text, and a nested array or object becomes its compact JSON.
/// For the first object it also learns the header.
class json_record_builder {
 public:
  using json = nlohmann::json;
  static constexpr std::size_t no_column = static_cast<std::size_t>(-1);

  json_parse_failure failure;

  json_record_builder(std::vector<std::string>& header, int max_depth)
      : header_(&header), max_depth_(max_depth) {}

  /// Takes `header` (made from the first object of the same input by
  /// another builder) as if this one had learned it: for a reader of a later
  /// part of a JSON Lines input.
  void adopt_header() {
    const std::vector<std::string>& header = *header_;
    index_.clear();
    for (std::size_t i = 0; i < header.size(); ++i) index_.emplace(header[i], i);
    cells_.assign(header.size(), std::string());
  }

  /// Prepares for the next object; `learn_header` for the first one.
  void begin(bool learn_header) {
    learn_ = learn_header;
    depth_ = 0;
    column_ = no_column;
    guess_ = 0;
    failure = {};
    for (auto& cell : cells_) cell.clear();  // a key missing from this object reads ""
  }

  /// The fields of the last object, one per header column.
  const std::vector<std::string>& cells() const { return cells_; }

  /// Reads the object in [p, p + n) (with blanks around it) without
  /// nlohmann, when it is what exports write: one level of members whose
  /// values are strings without escapes, plain numbers, true, false or null.
  /// The cells are then exactly those the SAX path gives; false for any
  /// other text, valid or not, which the caller parses with nlohmann (after
  /// begin() again). nlohmann's lexer takes a byte at a time through a
  /// virtual-free but general state machine and builds every string in a
  /// std::string; this path is a direct scan, about 10 times faster on a
  /// survey export. Only once the header is known: the first object, which
  /// makes it, goes through nlohmann.
  bool read_flat(const char* p, std::size_t n) {
    begin(false);
    const char* const end = p + n;
    const auto skip_blanks = [&] {
      while (p != end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) ++p;
    };
    const auto literal = [&](std::string_view word) {
      if (static_cast<std::size_t>(end - p) < word.size() || std::memcmp(p, word.data(), word.size()) != 0)
        return false;
      p += word.size();
      return true;
    };
    skip_blanks();
    if (p == end || *p != '{') return false;
    ++p;
    skip_blanks();
    if (p != end && *p == '}') {
      ++p;
    } else {
      for (;;) {
        if (p == end || *p != '"') return false;
        const char* const name = ++p;
        if (!plain_json_string(p, end)) return false;
        const std::size_t column = find_column(std::string_view(name, static_cast<std::size_t>(p - name)));
        ++p;
        skip_blanks();
        if (p == end || *p != ':') return false;
        ++p;
        skip_blanks();
        if (p == end) return false;
        std::string_view text;
        if (*p == '"') {
          const char* const first = ++p;
          if (plain_json_string(p, end)) {
            text = std::string_view(first, static_cast<std::size_t>(p - first));
          } else if (escaped_json_string(first, p, end, scratch_)) {
            text = scratch_;
          } else {
            return false;
          }
          ++p;
        } else if (*p == '-' || (*p >= '0' && *p <= '9')) {
          if (!plain_json_number(p, end, text)) return false;
        } else if (literal("true")) {
          text = "true";
        } else if (literal("false")) {
          text = "false";
        } else if (!literal("null")) {  // null reads as an empty field
          return false;
        }
        if (column != no_column) cells_[column].assign(text.data(), text.size());
        skip_blanks();
        if (p == end) return false;
        if (*p == '}') {
          ++p;
          break;
        }
        if (*p != ',') return false;
        ++p;
        skip_blanks();
      }
    }
    skip_blanks();
    return p == end;
  }

  // `null` reads as an empty field, but inside a nested value it is `null`.
  bool null() { return value(depth_ <= 1 ? std::string_view() : std::string_view("null"), false); }
  bool boolean(bool v) { return value(v ? "true" : "false", false); }
  bool number_integer(json::number_integer_t v) { return integer(v); }
  bool number_unsigned(json::number_unsigned_t v) { return integer(v); }
  bool number_float(json::number_float_t, const json::string_t& text) {
    return value(number_text(text), false);
  }
  bool string(json::string_t& text) { return value(text, true); }
  bool binary(json::binary_t&) { return true; }  // only the binary formats produce these
  bool start_object(std::size_t) { return open('{'); }
  bool end_object() { return close('}'); }
  bool start_array(std::size_t) { return open('['); }
  bool end_array() { return close(']'); }

  bool key(json::string_t& name) {
    if (depth_ == 1) {
      column_ = find_column(name);
      return true;
    }
    if (has_items_.back()) nested_ += ',';
    has_items_.back() = true;
    json_append_quoted(nested_, name);
    nested_ += ':';
    return true;
  }

  bool parse_error(std::size_t position, const std::string&, const json::exception& e) {
    return failure.record(position, e);
  }

 private:
  bool open(char bracket) {
    // The scanner stops deeper input before the parse; this keeps the
    // handler safe on its own.
    if (depth_ == max_depth_) {
      failure.too_deep = true;
      return false;
    }
    ++depth_;
    if (depth_ == 1) return true;  // the record itself
    if (depth_ == 2) {
      nested_.clear();
      kinds_.clear();
      has_items_.clear();
    } else {
      separate_value();
    }
    nested_ += bracket;
    kinds_ += bracket;
    has_items_.push_back(false);
    return true;
  }

  bool close(char bracket) {
    --depth_;
    if (depth_ == 0) return true;
    nested_ += bracket;
    kinds_.pop_back();
    has_items_.pop_back();
    if (depth_ == 1) store(nested_);
    return true;
  }

  bool value(std::string_view text, bool is_string) {
    if (depth_ <= 1) {
      store(text);
      return true;
    }
    separate_value();
    if (is_string) {
      json_append_quoted(nested_, text);
    } else {
      nested_ += text;
    }
    return true;
  }

  template <class Integer>
  bool integer(Integer v) {
    char text[24];
    const auto end = std::to_chars(text, text + sizeof text, v).ptr;
    return value(std::string_view(text, static_cast<std::size_t>(end - text)), false);
  }

  // A number with a fraction or exponent keeps the text it has in the input
  // (`9.50` stays `9.50`, never `9.5000000001`). nlohmann writes the C
  // locale's decimal point into that text, so put back the `.` it replaced.
  std::string_view number_text(const std::string& lexeme) {
    if (lexeme.find_first_not_of("0123456789+-.eE") == std::string::npos) return lexeme;
    scratch_ = lexeme;
    for (char& c : scratch_) {
      if (std::string_view("0123456789+-eE").find(c) == std::string_view::npos) c = '.';
    }
    return scratch_;
  }

  void separate_value() {
    if (kinds_.back() != '[') return;  // in an object the key wrote the comma
    if (has_items_.back()) nested_ += ',';
    has_items_.back() = true;
  }

  // Duplicate keys: the last value wins, as in nlohmann's own DOM.
  void store(std::string_view text) {
    if (column_ != no_column) cells_[column_].assign(text.data(), text.size());
  }

  std::size_t find_column(std::string_view name) {
    std::vector<std::string>& header = *header_;
    // Exports write every object's keys in the same order: try the column
    // after the previous one before hashing.
    if (guess_ < header.size() && header[guess_] == name) return guess_++;
    if (const auto it = index_.find(std::string(name)); it != index_.end()) {
      guess_ = it->second + 1;
      return it->second;
    }
    if (!learn_) return no_column;  // a key the first object did not have is ignored
    header.emplace_back(name);
    index_.emplace(name, header.size() - 1);
    cells_.emplace_back();
    guess_ = header.size();
    return header.size() - 1;
  }

  std::vector<std::string>* header_;
  int max_depth_;
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<std::string> cells_;
  bool learn_ = false;
  int depth_ = 0;
  std::size_t column_ = no_column;
  std::size_t guess_ = 0;
  std::string nested_;          // compact JSON of the nested value being read
  std::string kinds_;           // `{` or `[` per open nested container
  std::vector<bool> has_items_; // per open nested container: a comma before the next item
  std::string scratch_;
};

}  // namespace detail

/// Reads a JSON array of objects, JSON Lines, or an object that wraps the
/// array, one object (one record) at a time.
///
/// Which form is decided by the first byte that is not whitespace (after a
/// UTF-8 BOM, which is skipped):
///  - `[`: an array of objects, possibly spread over many lines.
///  - `{`: JSON Lines, one object per line, blank lines ignored; except when
///    the first member of that object is an array that is empty or starts
///    with an object (`{"satisfaction_ratings": [{...}, ...]}`, as Zendesk's
///    API answers): then that array holds the records. Members after it
///    (`next_page`, `count`) must be valid JSON and are otherwise ignored,
///    but a second array of objects is an error, since its objects would be
///    records silently lost. The price: JSON Lines whose first key holds an
///    array of objects cannot be read.
///  - nothing (empty input, only whitespace): no header and no records, not
///    an error; `[]` likewise. The caller reports "no rows".
///
/// Fields: the header is the keys of the first object, in document order.
/// Every record has one field per header column, in header order: a key the
/// object lacks reads as an empty field, a key the first object did not have
/// is ignored, a key written twice takes its last value. Values become text:
/// a string its UTF-8 text; `null` ""; `true`/`false`; an integer its digits
/// (`10`); any other number the text it has in the input (`9.5`, `10.0`,
/// `1e3` as written, so no digit is lost or invented); a nested array or
/// object its compact JSON (`[1,2]`, `{"a":"b"}`, numbers again as written).
///
/// Errors (data_error, at the file, line and byte column of the culprit;
/// after one, next() returns false): `invalid JSON: <reason>`; a top-level
/// value that is not an array or object (`expected an array or an object,
/// found a string`); an array element that is not an object (`expected an
/// object, found a number`); an input that ends inside the array; nesting
/// deeper than max_depth inside one object; one object larger than
/// max_object_bytes.
class json_reader final : public table_reader {
 public:
  /// Containers allowed one inside the other, counting the record object as
  /// one: real exports nest two or three; the limit keeps a hostile input
  /// from costing more than a bounded stack of brackets.
  static constexpr int max_depth = 64;
  /// The largest single object (or JSON Lines line) the reader buffers:
  /// beyond it, something (a stray quote) has probably swallowed the input.
  static constexpr std::size_t max_object_bytes = std::size_t{256} << 20;
  /// Bytes asked of the source per read.
  static constexpr std::size_t block_size = std::size_t{64} << 10;

  /// Detects the form and reads the first object, so that header() is known
  /// before the first next(). Throws data_error on malformed input and
  /// input_error when the source cannot be read.
  explicit json_reader(std::unique_ptr<byte_source> source)
      : source_(std::move(source)), buffer_(block_size), builder_(header_, max_depth) {
    if (!source_) throw std::invalid_argument("json_reader: null byte_source");
    try {
      start();
    } catch (...) {
      state_ = state::done;
      throw;
    }
  }

  /// Reads JSON Lines from `source`, one part of a larger JSON Lines input
  /// that starts at a line boundary (at line `first_line`), with the header
  /// a json_reader made from the whole input's first object: so that the
  /// parts of a large file can be read on several threads (see
  /// json_lines_parts). Its records, lines and errors are those a reader of
  /// the whole input gives for these lines.
  json_reader(std::unique_ptr<byte_source> source, std::vector<std::string> header, std::uint64_t first_line)
      : source_(std::move(source)),
        buffer_(block_size),
        line_(first_line),
        state_(state::lines),
        lines_form_(true),
        header_known_(true),
        header_(std::move(header)),
        builder_(header_, max_depth) {
    if (!source_) throw std::invalid_argument("json_reader: null byte_source");
    builder_.adopt_header();
  }

  // Not copyable or movable: the record builder points at header_.
  json_reader(const json_reader&) = delete;
  json_reader& operator=(const json_reader&) = delete;

  /// Keys of the first object in document order; empty for an empty input.
  const std::vector<std::string>& header() const override { return header_; }

  /// The next object as a record; `record::line` is its line (the line where
  /// it opens, for an array). The views stay valid until the next call.
  bool next(record& out) override {
    if (pending_) {
      pending_ = false;
    } else {
      try {
        if (!read_record()) return false;
      } catch (...) {
        state_ = state::done;
        throw;
      }
    }
    const auto& cells = builder_.cells();
    views_.resize(cells.size());
    for (std::size_t i = 0; i < cells.size(); ++i) views_[i] = cells[i];
    out.fields = views_;
    out.line = record_line_;
    return true;
  }

  /// The source's name: a path or `<stdin>`.
  const std::string& name() const override { return source_->name(); }

  /// Whether the input is JSON Lines (one object a line), rather than an
  /// array or an object that wraps one.
  bool json_lines() const { return lines_form_; }

 private:
  enum class state { array_first, array_next, lines, done };
  static constexpr int end_of_input = -1;

  // --- the buffer: bytes [pos_, end_) are read but not consumed ------------

  // Reads one more block, first moving the unconsumed bytes (the value being
  // scanned) to the front; grows the buffer when they fill half of it, so
  // that a large object costs amortised linear time.
  bool refill() {
    if (at_eof_) return false;
    if (pos_ > 0) {
      std::memmove(buffer_.data(), buffer_.data() + pos_, end_ - pos_);
      base_ += pos_;
      end_ -= pos_;
      pos_ = 0;
    }
    if (buffer_.size() - end_ < buffer_.size() / 2) buffer_.resize(buffer_.size() * 2);
    const std::size_t want = std::min(block_size, buffer_.size() - end_);
    const std::size_t got = source_->read(buffer_.data() + end_, want);
    if (got == 0) {
      at_eof_ = true;
      return false;
    }
    end_ += got;
    return true;
  }

  // The byte `offset` past pos_, reading as needed; end_of_input past the end.
  int peek(std::size_t offset) {
    while (pos_ + offset >= end_) {
      if (!refill()) return end_of_input;
    }
    return static_cast<unsigned char>(buffer_[pos_ + offset]);
  }

  // Consumes `count` bytes, following the line breaks among them.
  void consume(std::size_t count) {
    const char* p = buffer_.data() + pos_;
    const char* const last = p + count;
    while ((p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(last - p)))) != nullptr) {
      ++line_;
      line_start_ = base_ + static_cast<std::uint64_t>(p - buffer_.data()) + 1;
      ++p;
    }
    pos_ += count;
  }

  static bool is_space(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

  // Consumes whitespace; returns the next byte (not consumed) or end_of_input.
  int skip_space() {
    for (;;) {
      while (pos_ < end_) {
        const char c = buffer_[pos_];
        if (!is_space(c)) return static_cast<unsigned char>(c);
        if (c == '\n') {
          ++line_;
          line_start_ = base_ + pos_ + 1;
        }
        ++pos_;
      }
      if (!refill()) return end_of_input;
    }
  }

  // The location of buffer_[index] (index >= pos_): line and byte column.
  source_location where(std::size_t index) const {
    std::uint64_t line = line_;
    std::uint64_t start = line_start_;
    for (std::size_t i = pos_; i < index; ++i) {
      if (buffer_[i] == '\n') {
        ++line;
        start = base_ + i + 1;
      }
    }
    return {source_->name(), line, base_ + index - start + 1};
  }

  [[noreturn]] void fail(const std::string& message, std::size_t index) const {
    throw data_error(message, where(index));
  }

  // `expected <what>, found a number`, or `invalid JSON: unexpected 'x'`
  // when the byte at pos_ starts no JSON value (or the input ended).
  [[noreturn]] void fail_expected(std::string_view what, int c) {
    if (c == end_of_input) fail("invalid JSON: unexpected end of input; expected " + std::string(what), end_);
    peek(4);  // enough bytes to tell `true` from `tx`
    const std::string_view kind = detail::json_value_kind(
        std::string_view(buffer_.data() + pos_, std::min<std::size_t>(end_ - pos_, 5)));
    if (kind.empty()) {
      fail("invalid JSON: unexpected " + detail::json_quote_byte(static_cast<unsigned char>(c)) +
               "; expected " + std::string(what),
           pos_);
    }
    fail("expected " + std::string(what) + ", found " + std::string(kind), pos_);
  }

  // --- values ----------------------------------------------------------------

  // Finds the end of the value that starts at pos_ with `{`, `[` or `"`,
  // reading as needed; `length` is how far it got.
  detail::json_scan::status scan_value(std::size_t& length) {
    detail::json_scan scan = buffer_[pos_] == '"' ? detail::json_scan::string() : detail::json_scan{};
    for (;;) {
      const auto status = scan.run(buffer_.data() + pos_, end_ - pos_, max_depth);
      length = scan.offset;
      if (status != detail::json_scan::status::more) return status;
      if (end_ - pos_ > max_object_bytes) return detail::json_scan::status::stopped;
      if (!refill()) return detail::json_scan::status::stopped;
    }
  }

  // A number, `true`, `false` or `null` at pos_: up to the next delimiter.
  std::size_t scan_scalar() {
    std::size_t length = 0;
    for (;;) {
      for (; pos_ + length < end_; ++length) {
        const char c = buffer_[pos_ + length];
        if (is_space(c) || c == ',' || c == '}' || c == ']') return length;
      }
      if (length > max_object_bytes || !refill()) return length;
    }
  }

  // Parses buffer_[pos_, pos_ + length) with `handler`; on failure throws at
  // the culprit. `lines` adds the hint a pretty-printed object needs.
  template <class Handler>
  void parse(std::size_t length, Handler& handler, bool lines = false) {
    const char* const first = buffer_.data() + pos_;
    // nlohmann's lexer takes a NUL byte for the end of its input, which would
    // hide the rest of a JSON Lines line (`{"a":1}<NUL>{"a":2}` read as one
    // record); a raw NUL is valid nowhere in JSON.
    if (const void* nul = std::memchr(first, '\0', length); nul != nullptr)
      fail("invalid JSON: unexpected <U+0000>", pos_ + static_cast<std::size_t>(static_cast<const char*>(nul) - first));
    if (nlohmann::json::sax_parse(first, first + length, &handler, nlohmann::json::input_format_t::json,
                                  /*strict=*/true, /*ignore_comments=*/false)) {
      return;
    }
    const detail::json_parse_failure& failure = handler.failure;
    if (failure.too_deep) fail("nesting deeper than " + std::to_string(max_depth) + " levels", pos_);
    // nlohmann counts the end of its input as one more byte read.
    const std::size_t culprit = failure.byte == 0 ? 0 : std::min(failure.byte - 1, length);
    if (culprit == length && length > max_object_bytes) {
      fail("invalid JSON: an object larger than " + std::to_string(max_object_bytes >> 20) +
               " MiB (an unbalanced quote or bracket?)",
           pos_);
    }
    std::string message = "invalid JSON: " + detail::json_short_reason(failure.reason);
    if (lines && culprit == length) message += " (JSON Lines needs each object on one line)";
    fail(message, pos_ + culprit);
  }

  // The object in buffer_[pos_, pos_ + length) through the builder's fast
  // path, when it takes it (detail::json_record_builder::read_flat).
  bool read_flat_record(std::size_t length) {
    return header_known_ && builder_.read_flat(buffer_.data() + pos_, length);
  }

  // Parses the object at pos_ (already scanned: `status`, `length`) into the
  // record and consumes it.
  void parse_record(detail::json_scan::status status, std::size_t length, bool lines) {
    if (status == detail::json_scan::status::too_deep) {
      fail("nesting deeper than " + std::to_string(max_depth) + " levels", pos_ + length);
    }
    builder_.begin(!header_known_);
    parse(length, builder_, lines);
    header_known_ = true;
  }

  // --- the forms ---------------------------------------------------------------

  void start() {
    // The same message as the CSV reader's, rather than "unexpected byte 0xFF".
    if ((peek(0) == 0xFF && peek(1) == 0xFE) || (peek(0) == 0xFE && peek(1) == 0xFF))
      fail("input is UTF-16, not UTF-8: convert it (iconv -f UTF-16 -t UTF-8)", pos_);
    if (peek(0) == 0xEF && peek(1) == 0xBB && peek(2) == 0xBF) {
      consume(3);
      line_start_ = 3;  // columns count from after the BOM
    }
    const int c = skip_space();
    if (c == end_of_input) {
      state_ = state::done;
      return;
    }
    if (c == '[') {
      consume(1);
      state_ = state::array_first;
    } else if (c == '{') {
      state_ = wrapper_ahead() ? state::array_first : state::lines;
      lines_form_ = state_ == state::lines;
    } else {
      fail_expected("an array or an object", c);
    }
    pending_ = read_record();
  }

  // At the `{` that starts the input: is it `{"name": [` followed by `{` or
  // `]`? If so, consumes up to the `[` (checking the name) and returns true.
  bool wrapper_ahead() {
    std::size_t at = 1;
    auto skip = [&] {
      while (is_space(peek(at))) ++at;
      return peek(at);
    };
    if (skip() != '"') return false;
    const std::size_t name_begin = at;
    for (++at;; ++at) {
      const int c = peek(at);
      if (c == '"') break;
      if (c < 0x20 || at > max_object_bytes) return false;  // end_of_input (-1) is below 0x20 too
      if (c == '\\') ++at;
    }
    const std::size_t name_end = ++at;
    if (skip() != ':') return false;
    ++at;
    if (skip() != '[') return false;
    const std::size_t bracket = at++;
    const int first = skip();
    if (first != '{' && first != ']') return false;

    consume(name_begin);
    validator_.begin();
    parse(name_end - name_begin, validator_);
    consume(bracket + 1 - name_begin);
    wrapped_ = true;
    return true;
  }

  bool read_record() {
    switch (state_) {
      case state::array_first:
      case state::array_next: return read_array_element();
      case state::lines: return read_line();
      case state::done: break;
    }
    return false;
  }

  bool read_array_element() {
    int c = skip_space();
    if (state_ == state::array_next) {
      if (c == ',') {
        consume(1);
        c = skip_space();
        if (c != '{') fail_expected("an object", c);
      } else if (c != ']') {
        fail_expected("',' or ']'", c);
      }
    } else if (c != ']' && c != '{') {
      fail_expected("an object", c);
    }
    if (c == ']') {
      consume(1);
      finish();
      return false;
    }
    record_line_ = line_;
    std::size_t length = 0;
    const auto status = scan_value(length);
    if (status != detail::json_scan::status::complete || !read_flat_record(length)) parse_record(status, length, false);
    consume(length);
    state_ = state::array_next;
    return true;
  }

  // After the array's `]`: the end of the input, or of the wrapping object.
  void finish() {
    state_ = state::done;
    if (wrapped_) finish_wrapper();
    const int c = skip_space();
    if (c != end_of_input) {
      fail("invalid JSON: unexpected " + detail::json_quote_byte(static_cast<unsigned char>(c)) +
               " after the end of the top-level value",
           pos_);
    }
  }

  // The members after the records' array: checked and skipped.
  void finish_wrapper() {
    for (;;) {
      int c = skip_space();
      if (c == '}') {
        consume(1);
        return;
      }
      if (c != ',') fail_expected("',' or '}'", c);
      consume(1);
      if ((c = skip_space()) != '"') fail_expected("a member name", c);
      std::size_t length = 0;
      scan_value(length);
      validator_.begin();
      parse(length, validator_);
      consume(length);
      if ((c = skip_space()) != ':') fail_expected("':'", c);
      consume(1);
      c = skip_space();
      if (c == '[') {
        std::size_t at = 1;
        while (is_space(peek(at))) ++at;
        if (peek(at) == '{') fail("more than one array of objects in the top-level object", pos_);
      }
      if (c == '{' || c == '[' || c == '"') {
        const auto status = scan_value(length);
        if (status == detail::json_scan::status::too_deep) {
          fail("nesting deeper than " + std::to_string(max_depth) + " levels", pos_ + length);
        }
      } else if (c == end_of_input) {
        fail_expected("a value", c);
      } else {
        length = scan_scalar();
      }
      validator_.begin();
      parse(length, validator_);
      consume(length);
    }
  }

  // JSON Lines: the next line that is not blank, parsed on its own.
  bool read_line() {
    for (;;) {
      std::size_t searched = 0;
      std::size_t length = 0;  // without the `\n`
      for (;;) {
        const void* newline = std::memchr(buffer_.data() + pos_ + searched, '\n', end_ - pos_ - searched);
        if (newline != nullptr) {
          length = static_cast<std::size_t>(static_cast<const char*>(newline) - (buffer_.data() + pos_));
          break;
        }
        searched = end_ - pos_;
        if (searched > max_object_bytes || !refill()) {
          length = end_ - pos_;
          break;
        }
      }
      const bool has_newline = pos_ + length < end_;
      if (length == 0 && !has_newline) {
        state_ = state::done;
        return false;
      }
      const char* const line = buffer_.data() + pos_;
      std::size_t first = 0;
      while (first < length && is_space(line[first])) ++first;
      if (first == length) {  // a blank line
        consume(length + (has_newline ? 1 : 0));
        continue;
      }
      if (line[first] != '{') {
        const std::string_view kind =
            detail::json_value_kind(std::string_view(line + first, std::min<std::size_t>(length - first, 5)));
        if (kind.empty()) {
          fail("invalid JSON: unexpected " + detail::json_quote_byte(static_cast<unsigned char>(line[first])) +
                   "; expected an object",
               pos_ + first);
        }
        fail("expected an object, found " + std::string(kind), pos_ + first);
      }
      record_line_ = line_;
      if (!read_flat_record(length)) {
        detail::json_scan scan;
        scan.offset = first;
        const auto status = scan.run(line, length, max_depth);
        parse_record(status, status == detail::json_scan::status::too_deep ? scan.offset : length, true);
      }
      consume(length + (has_newline ? 1 : 0));
      return true;
    }
  }

  std::unique_ptr<byte_source> source_;
  std::vector<char> buffer_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  bool at_eof_ = false;
  std::uint64_t base_ = 0;        // offset in the input of buffer_[0]
  std::uint64_t line_ = 1;        // line of buffer_[pos_]
  std::uint64_t line_start_ = 0;  // offset in the input where that line starts

  state state_ = state::done;
  bool lines_form_ = false;
  bool wrapped_ = false;
  bool pending_ = false;  // the first record, read by the constructor, not yet handed out
  bool header_known_ = false;
  std::uint64_t record_line_ = 0;
  std::vector<std::string> header_;
  detail::json_record_builder builder_;
  detail::json_validator validator_;
  std::vector<std::string_view> views_;
};

}  // namespace cxkpi::io
