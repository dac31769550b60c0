#pragma once
/// \file
/// The interface every tabular reader implements (CSV, JSON, JSON Lines), so
/// the commands read any of them the same way.

#include <cxkpi/io/record.hpp>

#include <string>
#include <vector>

namespace cxkpi::io {

/// A reader of named columns, one record at a time, in constant memory.
class table_reader {
 public:
  virtual ~table_reader() = default;
  /// Column names in input order, as written (a UTF-8 BOM removed).
  virtual const std::vector<std::string>& header() const = 0;
  /// Fills `out` with the next data row; false at the end of the input.
  /// Throws data_error (with file and line) on malformed input.
  virtual bool next(record& out) = 0;
  /// The input's name for messages: a path or `<stdin>`.
  virtual const std::string& name() const = 0;
  /// Whether numbers may use a decimal comma (`12,50`): true where the comma
  /// cannot be a field delimiter, as in `;`-separated European exports.
  virtual bool decimal_comma() const { return false; }
};

}  // namespace cxkpi::io
