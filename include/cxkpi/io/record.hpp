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
  /// Set by a layout reader (io/layouts.hpp) for a row that is read but is
  /// no answer or order at all: the reason every KPI counts it as skipped
  /// (Zendesk's `offered`, a Shopify order's `cancelled`). Empty for every
  /// row of a generic input.
  std::string_view skip_reason;
  /// Set by a layout reader for a Shopify line item that is not its order's
  /// first row: no order of its own (order KPIs count it as skipped,
  /// `line_item`), but still a line item (services per customer).
  bool continues_order = false;
};

}  // namespace cxkpi::io
