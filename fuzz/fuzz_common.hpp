#pragma once
// Shared by the fuzz targets: an assertion that libFuzzer records as a crash
// (it aborts, so the input is saved as a crash-* artifact), and a byte source
// that hands out the input a few bytes at a time, so that readers meet every
// block boundary a slow pipe could give them.

#include <cxkpi/io/source.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

// Checked in every build type (fuzz builds may define NDEBUG).
#define FUZZ_ASSERT(condition, what)                                                                  \
  do {                                                                                                \
    if (!(condition)) {                                                                               \
      std::fprintf(stderr, "fuzz invariant violated at %s:%d: %s\n  (%s)\n", __FILE__, __LINE__, what, \
                   #condition);                                                                       \
      std::abort();                                                                                   \
    }                                                                                                 \
  } while (false)

namespace cxkpi::fuzz {

/// Hands out at most `step` bytes per read (step >= 1).
class trickle_source final : public io::byte_source {
 public:
  trickle_source(std::string_view bytes, std::size_t step, std::string name = "<fuzz>")
      : bytes_(bytes), step_(step == 0 ? 1 : step), name_(std::move(name)) {}
  std::size_t read(char* buffer, std::size_t size) override {
    const std::size_t n = std::min({size, step_, bytes_.size()});
    if (n != 0) std::memcpy(buffer, bytes_.data(), n);
    bytes_.remove_prefix(n);
    return n;
  }
  const std::string& name() const override { return name_; }

 private:
  std::string_view bytes_;
  std::size_t step_;
  std::string name_;
};

/// The number of lines in `text`, counting LF, CRLF and a lone CR as one
/// line break each: no row or object can start on a later line.
inline std::uint64_t count_lines(std::string_view text) {
  std::uint64_t lines = 1;
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) ++lines;
  return lines;
}

}  // namespace cxkpi::fuzz
