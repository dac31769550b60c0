#pragma once
/// \file
/// The one exception type the library throws for bad data. It carries where the
/// problem is (file, line, column) apart from what it is, so the caller can
/// print `file:line:column: message` and pick an exit code; the library itself
/// never prints and never exits.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

namespace cxkpi {

/// A place in an input. `line` and `column` are 1-based; 0 means "unknown"
/// (for example a JSON document has lines, a whole-file problem has neither).
/// `column` counts fields in CSV and bytes in JSON.
struct source_location {
  std::string file;        ///< as the user named it; `<stdin>` for standard input
  std::uint64_t line = 0;
  std::uint64_t column = 0;
};

/// Malformed input, a missing column or an invalid value under `--strict`.
/// `what()` is the bare message (`unterminated quoted field`); `location()`
/// says where; `describe()` joins them the way compilers do.
class data_error : public std::runtime_error {
 public:
  data_error(const std::string& message, source_location where)
      : std::runtime_error(message), where_(std::move(where)) {}

  const source_location& location() const noexcept { return where_; }

  /// `file:line:column: message`, leaving out the parts that are unknown.
  std::string describe() const {
    std::string out;
    if (!where_.file.empty()) out += where_.file + ":";
    if (where_.line != 0) out += std::to_string(where_.line) + ":";
    if (where_.line != 0 && where_.column != 0) out += std::to_string(where_.column) + ":";
    if (!out.empty()) out += " ";
    return out + what();
  }

 private:
  source_location where_;
};

/// An input that cannot be opened or read (missing file, permission, I/O
/// failure). Kept apart from data_error because a script reacts differently:
/// the data was never seen.
class input_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace cxkpi
