#pragma once
// What the order and subscription commands (churn, rpr, clv, services,
// report) share: their column and date flags, finding the columns, and
// reading a cell into an id, a date or an amount, or into the reason the row
// is skipped.

#include "command.hpp"

#include <cxkpi/date.hpp>
#include <cxkpi/io/columns.hpp>
#include <cxkpi/io/record.hpp>
#include <cxkpi/io/table_reader.hpp>
#include <cxkpi/row_accounting.hpp>

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cxkpi::cli {

// --customer-column ... --flag-column: the same names on every command that
// needs them. Empty: detected from usual names (io/columns.hpp).
struct column_flags {
  std::string customer;
  std::string date;
  std::string amount;
  std::string profit;
  std::string service;
  std::string start;
  std::string end;
  std::string flag;
};

// Which column flags a command takes (a bit set of these).
namespace column_flag {
inline constexpr unsigned customer = 1, date = 2, amount = 4, profit = 8, service = 16, start = 32, end = 64,
                          flag = 128;
}

void add_column_flags(CLI::App& command, column_flags& columns, unsigned which);

// --date-format, and with a window --from and --to.
struct date_flags {
  std::string format_text = "iso";
  std::string from_text;
  std::string to_text;
  // Resolved by finalize_date_flags:
  date_format format = date_format::iso;
  date_window window;
};

void add_date_flags(CLI::App& command, date_flags& dates, bool window);
// Parses --from and --to; throws usage_error.
void finalize_date_flags(date_flags& dates);

// A number given as a flag, read without the C locale; a trailing `%` is
// allowed when `percent_sign`. Throws usage_error naming the flag.
double parse_flag_number(const std::string& text, std::string_view flag, bool percent_sign = false);

// One kind of column a command looks for.
struct column_kind {
  std::string_view what;  // "customer id", for messages
  std::string_view flag;  // "--customer-column"
  io::column_hints hints;
};

column_kind customer_column();
column_kind order_date_column();
column_kind amount_column();
column_kind profit_column();
column_kind service_column();
column_kind start_column();
column_kind end_column();
column_kind flag_column();

// The column named by its flag (data_error listing the columns when it is
// not there), else the first with a usual name (said with --verbose), else
// nothing.
std::optional<std::size_t> find_column(const io::table_reader& reader, const std::string& named,
                                       const column_kind& kind, const diagnostics& diag);
// As find_column, but a missing column is a data_error that names the
// columns there are and the flag that picks one.
std::size_t need_column(const io::table_reader& reader, const std::string& named, const column_kind& kind,
                        const diagnostics& diag);

// Why a cell cannot be used: the row-accounting reason and what stderr says.
struct cell_problem {
  std::string_view reason;  // empty: no problem
  std::string message;
  std::size_t column = 0;   // 0-based
  explicit operator bool() const { return !reason.empty(); }
};

// Reads one row's cells of one input.
class cell_reader {
 public:
  cell_reader(const io::table_reader& reader, date_format dates) : reader_(reader), dates_(dates) {}

  // A trimmed, non-empty text (a customer id, a service); empty gives
  // `missing_reason` (`missing_customer`, `missing_service`).
  std::optional<std::string_view> text(const io::record& rec, std::size_t column, std::string_view missing_reason,
                                       std::string_view what, cell_problem& problem) const;
  // A date; `missing_date` or `bad_date`. With `optional_blank`, an empty
  // cell is no date and no problem (an open subscription end).
  std::optional<date> day(const io::record& rec, std::size_t column, cell_problem& problem,
                          bool optional_blank = false) const;
  // An amount in micro-units, with a decimal comma when the reader says so
  // (`;` files). `missing_amount`, `negative_amount`, `not_a_number`,
  // `out_of_range`. With `optional_blank`, an empty cell is no amount and no
  // problem (a profit left blank).
  std::optional<std::int64_t> money(const io::record& rec, std::size_t column, bool allow_negative,
                                    cell_problem& problem, bool optional_blank = false) const;

 private:
  std::string column_name(std::size_t column) const;
  const io::table_reader& reader_;
  date_format dates_;
};

// Names a rejected row on stderr (`prefix` says which KPI, in commands that
// compute several); the caller counts it under `problem.reason`. Under
// --strict it is an error instead: data_error with file:line:column.
void note_skipped(const cell_problem& problem, const io::table_reader& reader, const io::record& rec, bool strict,
                  diagnostics& diag, std::string_view prefix = {});

}  // namespace cxkpi::cli
