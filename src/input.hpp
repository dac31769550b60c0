#pragma once
// Opening the inputs a command names: files or `-`, in UTF-8, UTF-16 or
// Windows-1252 (converted: io/encoding.hpp), CSV or JSON (decided by the file
// name or, failing that, by the first byte), in the layout of the platform
// that wrote them (recognised from the header rows, or named with --source:
// io/layouts.hpp).

#include <cxkpi/io/table_reader.hpp>

#include <CLI/CLI.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cxkpi::cli {

// The layouts recognised in the inputs of a run, in the order first met
// (for the output's "source"). Shared by every copy of the options that
// made it, so that the inputs `report` and `clv --subscriptions` open
// through copies are recorded too.
class source_log {
 public:
  void add(std::string_view layout);
  // The names joined by ", "; empty when every input was generic.
  std::string joined() const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> names_;
};

struct input_options {
  std::string format = "auto";         // auto, csv, json
  char delimiter = 0;                  // 0 = detect
  bool whitespace_delimited = false;   // --delimiter whitespace
  std::vector<std::string> names;      // --names: the input has no header row
  std::string source;                  // --source NAME: "" detects the layout; "generic" turns detection off
  bool include_cancelled = false;      // --include-cancelled: Shopify's cancelled and refunded orders count
  bool verbose = false;                // --verbose: say each input's encoding and layout on stderr
  std::shared_ptr<source_log> sources = std::make_shared<source_log>();
};

// Adds --source NAME (every command that reads files).
void add_source_option(CLI::App& command, input_options& options);
// Adds --include-cancelled (the commands that read orders).
void add_include_cancelled_flag(CLI::App& command, input_options& options);

// Opens one input. Throws input_error (exit 66) when it cannot be opened and
// data_error (exit 65) when its first bytes are not a table. With --verbose,
// says on stderr which encoding was converted and which layout recognised.
std::unique_ptr<io::table_reader> open_table(const std::string& path, const input_options& options);

// Whether the parallel CSV scan (src/scan.hpp) must leave the file that
// starts with `bytes` to open_table: when it needs converting to UTF-8
// (UTF-16, Windows-1252), or a layout is named or recognised (its header
// rows, rewritten cells and row marks are the layout reader's work).
// `bytes` is the whole file or its first bytes: more than 64 KiB (the
// encoding rule's window) and enough for the header and two rows after it;
// a prefix that cuts those rows short counts as no layout.
bool needs_serial_read(const std::string& path, const input_options& options, std::string_view bytes);

// For the parallel JSON Lines scan (src/scan.hpp): the header of the JSON
// Lines file at `path` (its first object's keys, as open_table's reader
// makes it), or nothing when open_table must read it: not JSON Lines (an
// array, a wrapping object, empty), converted from another encoding, read
// through a layout, or failing on its first object (the serial read says
// why). `head` is the file's first bytes, as for needs_serial_read.
std::optional<std::vector<std::string>> json_lines_header(const std::string& path, const input_options& options,
                                                          std::string_view head);

// The end of a "no … column found" message: `the columns are "a", "b"`, or
// for a recognised layout `the candidate columns are "Q1" (question text),
// …` (its answer columns, with the header text that tells them apart).
std::string columns_clause(const io::table_reader& reader);

}  // namespace cxkpi::cli
