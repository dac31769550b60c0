#pragma once
// --by and --period: which cell (segment × period) a row belongs to, and the
// order, trend and sample-size flags of the rows that come out.

#include "command.hpp"
#include "report.hpp"

#include <cxkpi/date.hpp>
#include <cxkpi/io/table_reader.hpp>
#include <cxkpi/stats.hpp>

#include <CLI/CLI.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cxkpi::cli {

struct grouping_options {
  std::vector<std::string> by;        // --by COLUMN (repeatable: the cross)
  std::string period_text;            // --period day|week|month|quarter|year
  std::string date_column;            // --date-column
  std::string date_format_text = "iso";  // --date-format iso|day-first|month-first
  std::size_t min_n = 30;             // --min-n: smaller cells are flagged
  std::string sort = "key";           // --sort key|value
  // Resolved by finalize_grouping_options:
  std::optional<period_kind> period;
  date_format dates = date_format::iso;
};

// --by, --min-n and --sort, the segment flags every command shares;
// `min_n_help` says what is counted (answers, customers).
void add_segment_options(CLI::App& command, std::vector<std::string>& by, std::size_t& min_n, std::string& sort,
                         const std::string& min_n_help);
// The segment flags, --period, --date-column and --date-format (survey KPIs).
void add_grouping_options(CLI::App& command, grouping_options& options);
// Checks the flags; throws usage_error.
void finalize_grouping_options(grouping_options& options);

// Where one row goes, or why it is skipped (a bad date under --period).
struct group_of_row {
  std::string_view segment;        // "" without --by
  std::string_view period;         // "" without --period
  std::string_view skip_reason;    // non-empty: skip the row
  std::string skip_message;
  std::uint64_t skip_column = 0;
};

// Computes rows' segment and period keys for one input.
class row_grouper {
 public:
  // Resolves the --by and date columns in the reader's header; throws
  // data_error naming the columns there are.
  row_grouper(const grouping_options& options, const io::table_reader& reader, const diagnostics& diag);
  // The views stay valid until the next call. Under `strict` a bad date
  // throws data_error instead of asking for a skip. Without `with_segment`
  // the segment is left empty for the caller to ask segment_of() when it
  // needs the text (a caller that caches cells by the raw --by value).
  group_of_row group(const io::record& rec, bool strict, bool with_segment = true);
  // The segment text of a row (`region=North, channel=web`); valid until the
  // next call to group() or segment_of().
  std::string_view segment_of(const io::record& rec);

 private:
  const grouping_options& options_;
  const io::table_reader& reader_;
  std::vector<std::size_t> by_columns_;
  std::optional<std::size_t> date_column_;
  std::string segment_;
  std::string period_;
  std::int64_t period_days_ = INT64_MIN;  // the date period_ was made for: dates repeat, keys need not be rebuilt
};

// Orders the rows of one KPI (all first; then segments; then each period with
// its segments), adds the change from the previous period of the same
// segment (`change`, `change_z`, `change_p`, `change_significant`) and flags
// rows with fewer than --min-n answers (`small_sample`). `compare` tests two
// rows of the KPI (before, after).
void arrange_rows(std::vector<kpi_row>& rows, const grouping_options& options,
                  const std::function<comparison(const kpi_row&, const kpi_row&)>& compare);

}  // namespace cxkpi::cli
