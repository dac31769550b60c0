#pragma once
// Opening the inputs a command names: files or `-`, CSV or JSON, decided by
// the file name or, failing that, by the first byte.

#include <cxkpi/io/table_reader.hpp>

#include <memory>
#include <string>
#include <vector>

namespace cxkpi::cli {

struct input_options {
  std::string format = "auto";         // auto, csv, json
  char delimiter = 0;                  // 0 = detect
  bool whitespace_delimited = false;   // --delimiter whitespace
  std::vector<std::string> names;      // --names: the input has no header row
};

// Opens one input. Throws input_error (exit 66) when it cannot be opened and
// data_error (exit 65) when its first bytes are not a table.
std::unique_ptr<io::table_reader> open_table(const std::string& path, const input_options& options);

}  // namespace cxkpi::cli
