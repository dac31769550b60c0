#pragma once
/// \file
/// Text in the encodings exports come in, handed to the readers as UTF-8.
///
/// Google Play writes its review reports in UTF-16 LE, and Excel on a
/// European laptop saves "CSV" in Windows-1252; the CSV and JSON readers read
/// UTF-8. utf8_source sits between a file and a reader and converts as it
/// streams, in constant memory. The rule (detect_encoding):
///
///  1. A UTF-16 byte order mark (`FF FE` little-endian, `FE FF` big-endian)
///     means UTF-16: converted, the mark dropped. Surrogate pairs are joined;
///     an unpaired surrogate or a dangling odd byte becomes U+FFFD.
///  2. A UTF-8 byte order mark (`EF BB BF`) declares UTF-8: passed on as it
///     is (the readers drop the mark), never reinterpreted.
///  3. Otherwise the first 64 KiB decide (sniff_size; the whole input when it
///     is shorter). A NUL byte there means it is not 8-bit text (UTF-16
///     without a mark, or not text at all): passed on as it is, and the
///     readers say what they find. Then the byte sequences UTF-8 forbids are
///     counted against the valid multi-byte sequences (a sequence cut by the
///     end of the window counts as neither): more invalid than valid ones
///     means Windows-1252, and every byte is converted (0x80-0x9F as the
///     WHATWG encoding standard maps them, 0xA0-0xFF as U+00A0-U+00FF);
///     anything else (plain ASCII included) is UTF-8, passed on as it is.
///     Windows-1252 text almost never forms a valid UTF-8 sequence (a
///     letter such as `ü`, 0xFC, is followed by ASCII), while a UTF-8 file
///     with a stray bad byte has many valid ones: it stays UTF-8, its bad
///     bytes kept (JSON output shows U+FFFD for them).
///
/// Limits of the rule: a Windows-1252 file whose first non-ASCII byte comes
/// after 64 KiB is read as UTF-8 (its bytes are kept); a Windows-1252 file
/// whose non-ASCII bytes mostly form valid UTF-8 sequences (`Ã©` written for
/// `é`) is read as UTF-8. Both are rare; `iconv -f WINDOWS-1252 -t UTF-8`
/// converts such a file first.
/// The same 64 KiB decide on every path, so a file reads the same whatever
/// reads it (see src/input.cpp and the parallel scan in src/scan.hpp).

#include <cxkpi/io/source.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace cxkpi::io {

/// What utf8_source found an input to be.
enum class text_encoding {
  utf8,         ///< valid UTF-8 (or ASCII), with or without a BOM: passed on
  utf16le,      ///< UTF-16 little-endian with a BOM: converted
  utf16be,      ///< UTF-16 big-endian with a BOM: converted
  windows1252,  ///< mostly invalid UTF-8 in the first 64 KiB, no NUL byte: converted
  unknown,      ///< NUL bytes in the first 64 KiB: passed on as it is
};

/// A name for messages: `UTF-8`, `UTF-16 LE`, `UTF-16 BE`, `Windows-1252`,
/// `unknown (NUL bytes)`.
constexpr std::string_view encoding_name(text_encoding e) {
  switch (e) {
    case text_encoding::utf8: return "UTF-8";
    case text_encoding::utf16le: return "UTF-16 LE";
    case text_encoding::utf16be: return "UTF-16 BE";
    case text_encoding::windows1252: return "Windows-1252";
    case text_encoding::unknown: return "unknown (NUL bytes)";
  }
  return "unknown";
}

/// Whether utf8_source converts input of this encoding (true for UTF-16 and
/// Windows-1252).
constexpr bool converted(text_encoding e) {
  return e == text_encoding::utf16le || e == text_encoding::utf16be || e == text_encoding::windows1252;
}

/// How many bytes at the start of an input decide whether it is UTF-8 or
/// Windows-1252.
inline constexpr std::size_t sniff_size = std::size_t{64} << 10;

namespace detail {

/// The length of the valid UTF-8 sequence at `s[i]` (1-4), 0 when the bytes
/// there are not valid UTF-8 (overlong forms, surrogates and code points past
/// U+10FFFF included), or -1 when a valid start is cut by the end of `s`.
inline int utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b = at(i);
  if (b < 0x80) return 1;
  int length = 0;
  unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
  if (b >= 0xC2 && b <= 0xDF) {
    length = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    length = 3;
    if (b == 0xE0) low = 0xA0;
    if (b == 0xED) high = 0x9F;  // no surrogates
  } else if (b >= 0xF0 && b <= 0xF4) {
    length = 4;
    if (b == 0xF0) low = 0x90;
    if (b == 0xF4) high = 0x8F;  // nothing past U+10FFFF
  } else {
    return 0;
  }
  for (int k = 1; k < length; ++k) {
    if (i + static_cast<std::size_t>(k) >= s.size()) return -1;
    const unsigned char c = at(i + static_cast<std::size_t>(k));
    const unsigned char lo = k == 1 ? low : 0x80, hi = k == 1 ? high : 0xBF;
    if (c < lo || c > hi) return 0;
  }
  return length;
}

/// Appends code point `cp` as UTF-8 (U+FFFD for one that cannot be encoded).
inline void append_utf8(std::string& out, char32_t cp) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

/// The code point of a Windows-1252 byte (WHATWG: the five bytes the code
/// page leaves undefined map to the C1 controls of the same value).
inline char32_t windows1252_code_point(unsigned char b) {
  static constexpr std::array<char16_t, 32> high = {
      0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};
  if (b >= 0x80 && b <= 0x9F) return high[b - 0x80];
  return b;
}

/// Appends `bytes`, read as Windows-1252, as UTF-8.
inline void windows1252_to_utf8(std::string_view bytes, std::string& out) {
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x80) {
      out += c;
    } else {
      append_utf8(out, windows1252_code_point(b));
    }
  }
}

/// The state of a UTF-16 conversion between blocks.
struct utf16_state {
  bool big_endian = false;
  int odd_byte = -1;        ///< a byte waiting for its pair, or -1
  char16_t high = 0;        ///< a high surrogate waiting for its low one, or 0
};

/// Appends the UTF-16 code units of `bytes` (continuing `state`) as UTF-8.
inline void utf16_to_utf8(std::string_view bytes, utf16_state& state, std::string& out) {
  std::size_t i = 0;
  const auto unit_of = [&state](unsigned char first, unsigned char second) {
    return static_cast<char16_t>(state.big_endian ? (first << 8) | second : (second << 8) | first);
  };
  const auto take = [&state, &out](char16_t unit) {
    if (state.high != 0) {
      if (unit >= 0xDC00 && unit <= 0xDFFF) {
        append_utf8(out, 0x10000 + ((static_cast<char32_t>(state.high) - 0xD800) << 10) + (unit - 0xDC00));
        state.high = 0;
        return;
      }
      append_utf8(out, 0xFFFD);  // a high surrogate without its low one
      state.high = 0;
    }
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      state.high = unit;
    } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
      append_utf8(out, 0xFFFD);  // a low surrogate on its own
    } else {
      append_utf8(out, unit);
    }
  };
  if (state.odd_byte >= 0 && !bytes.empty()) {
    take(unit_of(static_cast<unsigned char>(state.odd_byte), static_cast<unsigned char>(bytes[0])));
    state.odd_byte = -1;
    i = 1;
  }
  for (; i + 1 < bytes.size(); i += 2)
    take(unit_of(static_cast<unsigned char>(bytes[i]), static_cast<unsigned char>(bytes[i + 1])));
  if (i < bytes.size()) state.odd_byte = static_cast<unsigned char>(bytes[i]);
}

/// Ends a UTF-16 conversion: what is left over (an odd byte, a high
/// surrogate) becomes U+FFFD.
inline void utf16_finish(utf16_state& state, std::string& out) {
  if (state.high != 0) append_utf8(out, 0xFFFD);
  if (state.odd_byte >= 0) append_utf8(out, 0xFFFD);
  state.high = 0;
  state.odd_byte = -1;
}

}  // namespace detail

/// Applies the rule of the file comment to the first bytes of an input:
/// `head` holds its first sniff_size bytes, or all of it when
/// `whole_input` (then a sequence cut at the end is invalid, not cut short).
inline text_encoding detect_encoding(std::string_view head, bool whole_input) {
  if (head.starts_with("\xFF\xFE")) return text_encoding::utf16le;
  if (head.starts_with("\xFE\xFF")) return text_encoding::utf16be;
  if (head.starts_with("\xEF\xBB\xBF")) return text_encoding::utf8;
  if (head.size() > sniff_size) {
    head = head.substr(0, sniff_size);
    whole_input = false;
  }
  if (std::memchr(head.data(), 0, head.size()) != nullptr) return text_encoding::unknown;
  std::size_t valid = 0, invalid = 0;
  for (std::size_t i = 0; i < head.size();) {
    if (static_cast<unsigned char>(head[i]) < 0x80) {
      ++i;
      continue;
    }
    const int length = detail::utf8_sequence_length(head, i);
    if (length < 0 && !whole_input) break;  // cut by the end of the window
    if (length <= 0) {
      ++invalid;
      ++i;
    } else {
      ++valid;
      i += static_cast<std::size_t>(length);
    }
  }
  return invalid > valid ? text_encoding::windows1252 : text_encoding::utf8;
}

/// A byte_source that hands out UTF-8 whatever `inner` holds, by the rule of
/// the file comment. UTF-8 input costs one copy of its first 64 KiB; after
/// that, reads go straight to `inner`.
class utf8_source final : public byte_source {
 public:
  explicit utf8_source(std::unique_ptr<byte_source> inner) : inner_(std::move(inner)) {}

  /// The encoding found. The first call reads up to 64 KiB from `inner`
  /// (blocking on a pipe until they came or the input ended).
  text_encoding encoding() {
    sniff();
    return encoding_;
  }

  std::size_t read(char* buffer, std::size_t size) override {
    sniff();
    if (size == 0) return 0;
    if (!converted(encoding_)) {
      if (head_pos_ < head_.size()) return take(head_, head_pos_, buffer, size);
      return inner_->read(buffer, size);
    }
    for (;;) {
      if (out_pos_ < out_.size()) return take(out_, out_pos_, buffer, size);
      out_.clear();
      out_pos_ = 0;
      if (done_) return 0;
      std::string_view raw;
      if (head_pos_ < head_.size()) {
        raw = std::string_view(head_).substr(head_pos_);
        head_pos_ = head_.size();
      } else {
        if (!block_) block_ = std::make_unique_for_overwrite<char[]>(block_size);
        const std::size_t got = inner_->read(block_.get(), block_size);
        if (got == 0) {
          done_ = true;
          if (encoding_ != text_encoding::windows1252) detail::utf16_finish(utf16_, out_);
          continue;
        }
        raw = std::string_view(block_.get(), got);
      }
      if (encoding_ == text_encoding::windows1252) {
        detail::windows1252_to_utf8(raw, out_);
      } else {
        detail::utf16_to_utf8(raw, utf16_, out_);
      }
    }
  }

  const std::string& name() const override { return inner_->name(); }

 private:
  static constexpr std::size_t block_size = std::size_t{64} << 10;

  static std::size_t take(const std::string& from, std::size_t& pos, char* buffer, std::size_t size) {
    const std::size_t n = std::min(size, from.size() - pos);
    std::copy_n(from.data() + pos, n, buffer);  // bytes, not a C string
    pos += n;
    return n;
  }

  void sniff() {
    if (sniffed_) return;
    sniffed_ = true;
    head_.resize(sniff_size);
    std::size_t have = 0;
    bool whole = false;
    while (have < sniff_size) {
      const std::size_t got = inner_->read(head_.data() + have, sniff_size - have);
      if (got == 0) {
        whole = true;
        break;
      }
      have += got;
    }
    head_.resize(have);
    encoding_ = detect_encoding(head_, whole);
    if (encoding_ == text_encoding::utf16le || encoding_ == text_encoding::utf16be) {
      head_pos_ = 2;  // the byte order mark
      utf16_.big_endian = encoding_ == text_encoding::utf16be;
    }
  }

  std::unique_ptr<byte_source> inner_;
  bool sniffed_ = false;
  text_encoding encoding_ = text_encoding::utf8;
  std::string head_;            // the first bytes, read to decide
  std::size_t head_pos_ = 0;    // of head_, handed out or converted
  std::string out_;             // converted bytes not handed out yet
  std::size_t out_pos_ = 0;
  std::unique_ptr<char[]> block_;
  detail::utf16_state utf16_;
  bool done_ = false;
};

}  // namespace cxkpi::io
