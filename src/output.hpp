#pragma once
// Writing a command's output: to standard output, or to -o FILE through a
// temporary file renamed into place, so a reader of FILE never sees half of it.

#include <string>
#include <string_view>

namespace cxkpi::cli {

// Writes `content` to `path`, or to standard output when `path` is empty.
// Throws output_error (exit 74) when it cannot; a partial temporary file is
// removed, also when SIGINT or SIGTERM arrives during the write.
void write_output(std::string_view content, const std::string& path);

}  // namespace cxkpi::cli
