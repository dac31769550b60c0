#pragma once
/// \file
/// Cutting a file into parts at line feeds, for inputs whose records never
/// span a line break: JSON Lines, where a line break inside a string must be
/// written `\n`. Unlike CSV (csv_chunks.hpp), no quote can make a cut wrong,
/// so each part is exact by construction; what a reader of a part needs from
/// the parts before it is only the line number where it starts, counted here
/// on one thread a part.

#include <cxkpi/detail/threads.hpp>
#include <cxkpi/io/random_access.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <vector>

namespace cxkpi::io {

/// One part of a file: the bytes [start, stop), where start is 0 or just
/// after a line feed, and `line` the 1-based line number at start.
struct line_part {
  std::uint64_t start = 0;
  std::uint64_t line = 1;
  std::uint64_t stop = 0;
};

namespace detail {

/// The line feeds in [first, last) of `bytes`, read a block at a time.
inline std::uint64_t count_line_feeds(const random_access_source& bytes, std::uint64_t first, std::uint64_t last) {
  constexpr std::size_t block = std::size_t{1} << 20;
  const auto buffer = std::make_unique_for_overwrite<char[]>(block);
  std::uint64_t count = 0;
  while (first < last) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(block, last - first));
    const std::size_t got = bytes.read_at(buffer.get(), want, first);
    if (got == 0) break;
    count += static_cast<std::uint64_t>(std::count(buffer.get(), buffer.get() + got, '\n'));
    first += got;
  }
  return count;
}

/// The offset just after the first line feed at or after `at`, or the size.
inline std::uint64_t after_next_line_feed(const random_access_source& bytes, std::uint64_t at) {
  constexpr std::size_t block = std::size_t{64} << 10;
  const auto buffer = std::make_unique_for_overwrite<char[]>(block);
  const std::uint64_t size = bytes.size();
  while (at < size) {
    const std::size_t got = bytes.read_at(buffer.get(), block, at);
    if (got == 0) break;
    if (const void* lf = std::memchr(buffer.get(), '\n', got); lf != nullptr)
      return at + static_cast<std::uint64_t>(static_cast<const char*>(lf) - buffer.get()) + 1;
    at += got;
  }
  return size;
}

}  // namespace detail

/// Cuts `bytes` into `parts` parts of about equal size (fewer when the file
/// is smaller than `parts` bytes; some may be empty when lines are long),
/// covering it in order, each starting at a line boundary with its line
/// number. The line feeds before each start are counted on one thread a
/// part. Throws what read_at throws.
inline std::vector<line_part> split_at_lines(const random_access_source& bytes, std::size_t parts) {
  const std::uint64_t size = bytes.size();
  parts = static_cast<std::size_t>(std::clamp<std::uint64_t>(size, 1, std::max<std::size_t>(parts, 1)));
  std::vector<line_part> out(parts);
  for (std::size_t k = 1; k < parts; ++k) {
    // n * k / parts without overflow: k < parts.
    const std::uint64_t nominal = size / parts * k + size % parts * k / parts;
    out[k].start = detail::after_next_line_feed(bytes, std::max(nominal, out[k - 1].start));
    out[k - 1].stop = out[k].start;
  }
  out[parts - 1].stop = size;

  // Part k's line feeds, for every part but the last, each on a thread.
  std::vector<std::uint64_t> feeds(parts, 0);
  std::vector<std::exception_ptr> errors(parts);
  const auto count = [&](std::size_t k) {
    try {
      feeds[k] = detail::count_line_feeds(bytes, out[k].start, out[k].stop);
    } catch (...) {
      errors[k] = std::current_exception();
    }
  };
  cxkpi::detail::run_on_threads(parts - 1, count);
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);
  for (std::size_t k = 1; k < parts; ++k) out[k].line = out[k - 1].line + feeds[k - 1];
  return out;
}

}  // namespace cxkpi::io
