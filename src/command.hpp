#pragma once
// What every command shares: the common flags, warnings about skipped rows,
// and the last step (checks, rendering, writing, exit code).

#include "exit_code.hpp"
#include "input.hpp"
#include "report.hpp"

#include <cxkpi/bands.hpp>
#include <cxkpi/error.hpp>

#include <CLI/CLI.hpp>

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace cxkpi::cli {

// The number of cores (at least 1): the default of --threads.
std::size_t default_threads();

struct common_options {
  std::vector<std::string> inputs;
  std::string format = "table";
  std::vector<std::string> checks;
  std::string bands_file;
  std::string output;  // -o; empty = standard output
  bool strict = false;
  bool quiet = false;
  bool verbose = false;
  bool no_header = false;
  std::string delimiter;  // "", ",", ";", "tab", "|", "whitespace"
  input_options input;
  std::size_t threads = default_threads();  // --threads: for large CSV and JSON Lines files (src/scan.hpp)
};

// Adds the flags every command takes. `inputs_required` is false for
// commands that can also work from counts given as flags.
void add_common_options(CLI::App& command, common_options& options, bool inputs_required = true);

// Resolves the flags that need checking after parsing (delimiter, format);
// throws usage_error.
void finalize_common_options(common_options& options);

// Warnings on standard error: the first few skipped rows by file and line,
// then a count of the rest. Silent with --quiet. Safe to call from several
// threads: the rows listed are the first by input order and line, whichever
// thread saw them, so the messages do not depend on the thread count.
class diagnostics {
 public:
  diagnostics(const common_options& options) : quiet_(options.quiet), verbose_(options.verbose), inputs_(options.inputs) {}
  ~diagnostics();
  diagnostics(const diagnostics&) = delete;
  diagnostics& operator=(const diagnostics&) = delete;

  void skipped_row(const source_location& where, const std::string& what);
  // For hot loops: whether a skipped row at `line` of input `file` would be
  // listed (false with --quiet, or once the rows listed all come before
  // it). When it would not, count_skipped_row() counts it without building
  // its message.
  bool lists(const std::string& file, std::uint64_t line);
  void count_skipped_row();
  void info(const std::string& message) const;  // only with --verbose, printed at once

  // What one part of a parallel scan reported, held back until the scan
  // knows whether the part counts (src/scan.hpp).
  class held;
  // While alive, whatever this thread reports to any diagnostics goes into
  // `into` instead.
  class hold_scope {
   public:
    explicit hold_scope(held& into);
    ~hold_scope();
    hold_scope(const hold_scope&) = delete;
    hold_scope& operator=(const hold_scope&) = delete;

   private:
    held* previous_;
  };
  // Reports what a part held, as if it were reported now; its info messages
  // only with `infos` (the parts of one input all print the same ones).
  static void release(held&& h, bool infos);

 private:
  static constexpr std::size_t listed_limit = 5;
  struct note {
    std::size_t input;
    std::uint64_t line;
    std::string text;
  };
  bool quiet_;
  bool verbose_;
  std::vector<std::string> inputs_;
  std::mutex mutex_;
  std::vector<note> first_notes_;  // sorted, at most listed_limit
  std::uint64_t skipped_ = 0;

  static void keep_first(std::vector<note>& notes, note n);
  std::size_t input_index(const std::string& file) const;
};

class diagnostics::held {
  friend class diagnostics;
  struct notes_for {
    diagnostics* to;
    std::vector<note> first;  // sorted, at most listed_limit
    std::uint64_t skipped = 0;
  };
  std::vector<notes_for> notes_;
  std::vector<std::pair<const diagnostics*, std::string>> infos_;
  notes_for& notes_to(diagnostics* d);
};

// The index of the column `name` in the reader's header (normalised
// comparison, io/columns.hpp), or of the column at position `#N` when no
// column is named so. data_error listing the columns there are when there is
// none; data_error (io::duplicate_column_error) when two columns have that
// name. `flag` is the flag the name came from, for that message's advice.
std::size_t require_column(const io::table_reader& reader, const std::string& name, std::string_view flag = {});

// data_error (io::duplicate_column_error) when the column at `index`, picked
// by its name, shares that name with another column: the first of two `nps`
// columns is a guess. `flag` names the column, for the advice.
void require_unique_column(const io::table_reader& reader, std::size_t index, std::string_view flag = {});

// `"a", "b", "c"` for messages that list a header: the first
// `columns_listed` names, then `… and 999,980 more`.
inline constexpr std::size_t columns_listed = 20;
std::string columns_list(const std::vector<std::string>& header);

// The bands in force: built-in, with --bands FILE.json replacing the KPIs it names.
band_table load_bands(const std::string& path);

// Evaluates the checks on the report, renders it, writes it (atomically with
// -o) and says which exit code the command ends with.
exit_code finish(report& r, const common_options& options);

}  // namespace cxkpi::cli
