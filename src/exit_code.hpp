#pragma once
// The process exit codes of SPEC.md, in one place so main() is the only
// code that turns outcomes into numbers.

#include <stdexcept>

namespace cxkpi::cli {

enum class exit_code : int {
  ok = 0,             // success, every --check held
  check_failed = 1,   // a --check failed (one line each on stderr)
  usage = 64,         // bad flag or check expression (EX_USAGE)
  data = 65,          // malformed input, missing column, --strict violation (EX_DATAERR)
  no_input = 66,      // an input file cannot be opened (EX_NOINPUT)
  internal = 70,      // a bug in cxkpi: an exception nothing expected (EX_SOFTWARE)
  io = 74,            // output cannot be written (EX_IOERR)
};

// A usage problem found after parsing the flags (an unknown check field, a
// bad scale): main() prints it with a pointer to --help and exits 64.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Output that could not be written: main() exits 74.
struct output_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace cxkpi::cli
