#pragma once
/// \file
/// The row every reader hands out, whatever the file format: its fields as
/// views, and the line it started on so that errors can point at it.

#include <cstdint>
#include <span>
#include <string_view>

namespace cxkpi::io {

/// One data row. The views point into the reader's buffers and stay valid
/// only until the reader produces the next row: copy what you keep.
/// `fields` has exactly as many entries as the header has columns.
struct record {
  std::span<const std::string_view> fields;
  std::uint64_t line = 0;  ///< 1-based line of the input where the row starts
};

}  // namespace cxkpi::io
