#include "customer_fields.hpp"

#include <cxkpi/io/layouts.hpp>
#include <cxkpi/io/number.hpp>
#include <cxkpi/money.hpp>

#include <fmt/format.h>

#include <cmath>

namespace cxkpi::cli {

void add_column_flags(CLI::App& command, column_flags& c, unsigned which) {
  using namespace column_flag;
  if (which & customer) command.add_option("--customer-column", c.customer, "Customer id column (default: detected)");
  if (which & date) command.add_option("--date-column", c.date, "Order date column (default: detected)");
  if (which & amount) command.add_option("--amount-column", c.amount, "Order amount column (default: detected)");
  if (which & profit)
    command.add_option("--profit-column", c.profit, "Profit per order column, for the profit form (default: detected)");
  if (which & service)
    command.add_option("--service-column", c.service, "Service, product or plan column (default: detected)");
  if (which & start)
    command.add_option("--start-column", c.start, "Subscription start date column (default: detected)");
  if (which & end)
    command.add_option("--end-column", c.end, "Subscription end date column, empty = active (default: detected)");
  if (which & flag)
    command.add_option("--flag-column", c.flag,
                       "Churn flag column (yes/no, true/false, 1/0): one row per customer (default: detected)");
}

void add_date_flags(CLI::App& command, date_flags& d, bool window) {
  command.add_option("--date-format", d.format_text,
                     "Dates besides ISO 8601 and YYYYMMDD: day-first (07.03.2025) or month-first (3/7/2025)")
      ->check(CLI::IsMember({"iso", "day-first", "dmy", "month-first", "mdy"}))
      ->capture_default_str();
  if (!window) return;
  command.add_option("--from", d.from_text, "First day to count (YYYY-MM-DD)");
  command.add_option("--to", d.to_text, "First day NOT counted: --from 2025-01-01 --to 2025-04-01 is Q1");
}

void finalize_date_flags(date_flags& d) {
  if (auto f = parse_date_format(d.format_text)) d.format = *f;
  auto read = [&d](const std::string& text, std::string_view flag) -> std::optional<date> {
    if (text.empty()) return std::nullopt;
    if (auto day = parse_date(text, d.format)) return day;
    throw usage_error(fmt::format("{} takes a date such as 2025-01-31, not \"{}\"", flag, text));
  };
  d.window.from = read(d.from_text, "--from");
  d.window.to = read(d.to_text, "--to");
  if (d.window.from && d.window.to && *d.window.to <= *d.window.from)
    throw usage_error(fmt::format("--to {} is not after --from {} (--to is the first day not counted)", d.to_text,
                                  d.from_text));
}

double parse_flag_number(const std::string& text, std::string_view flag, bool percent_sign) {
  std::string_view t = io::trim(text);
  if (percent_sign && t.ends_with('%')) t.remove_suffix(1);
  const std::optional<double> value = io::parse_number(t);
  if (!value || !std::isfinite(*value)) throw usage_error(fmt::format("{} takes a number, not \"{}\"", flag, text));
  return *value;
}

column_kind customer_column() { return {"customer id", "--customer-column", io::customer_column_hints()}; }
column_kind order_date_column() { return {"order date", "--date-column", io::order_date_column_hints()}; }
column_kind amount_column() { return {"amount", "--amount-column", io::amount_column_hints()}; }
column_kind profit_column() { return {"profit", "--profit-column", io::profit_column_hints()}; }
column_kind service_column() { return {"service", "--service-column", io::service_column_hints()}; }
column_kind start_column() { return {"start date", "--start-column", io::start_column_hints()}; }
column_kind end_column() { return {"end date", "--end-column", io::end_column_hints()}; }
column_kind flag_column() { return {"churn flag", "--flag-column", io::churn_flag_column_hints()}; }

std::optional<std::size_t> find_column(const io::table_reader& reader, const std::string& named,
                                       const column_kind& kind, const diagnostics& diag) {
  if (!named.empty()) return require_column(reader, named, kind.flag);
  if (auto match = io::detect_source_column(reader, kind.what, kind.hints, kind.flag)) {
    diag.info(fmt::format("{}: {} column: {}", reader.name(), kind.what, match->reason));
    return match->index;
  }
  return std::nullopt;
}

std::size_t need_column(const io::table_reader& reader, const std::string& named, const column_kind& kind,
                        const diagnostics& diag) {
  if (auto found = find_column(reader, named, kind, diag)) return *found;
  throw data_error(fmt::format("no {} column found; {}; name one with {}", kind.what, columns_clause(reader),
                               kind.flag),
                   {reader.name(), 1, 0});
}

std::string cell_reader::column_name(std::size_t column) const { return reader_.header()[column]; }

std::optional<std::string_view> cell_reader::text(const io::record& rec, std::size_t column,
                                                  std::string_view missing_reason, std::string_view what,
                                                  cell_problem& problem) const {
  const std::string_view value = io::trim(rec.fields[column]);
  if (!value.empty()) return value;
  problem = {missing_reason, fmt::format("missing {} in column \"{}\"", what, column_name(column)), column};
  return std::nullopt;
}

std::optional<date> cell_reader::day(const io::record& rec, std::size_t column, cell_problem& problem,
                                     bool optional_blank) const {
  const std::string_view cell = rec.fields[column];
  if (auto parsed = parse_date(cell, dates_)) return parsed;
  if (io::trim(cell).empty()) {
    if (!optional_blank)
      problem = {"missing_date", fmt::format("missing date in column \"{}\"", column_name(column)), column};
    return std::nullopt;
  }
  const char* expected = dates_ == date_format::iso         ? "2025-03-07; see --date-format"
                         : dates_ == date_format::day_first ? "07.03.2025 or 2025-03-07"
                                                            : "3/7/2025 or 2025-03-07";
  problem = {"bad_date",
             fmt::format("invalid date \"{}\" in column \"{}\" (expected a date such as {})", cell,
                         column_name(column), expected),
             column};
  return std::nullopt;
}

std::optional<std::int64_t> cell_reader::money(const io::record& rec, std::size_t column, bool allow_negative,
                                               cell_problem& problem, bool optional_blank) const {
  const std::string_view cell = io::trim(rec.fields[column]);
  // decimal_comma() says a comma *may* be the decimal mark (`;` files,
  // whitespace-separated logs); a point still is one where no comma is.
  const bool comma = reader_.decimal_comma() && cell.find(',') != std::string_view::npos;
  const money_options options{comma ? decimal_mark::comma : decimal_mark::point, allow_negative};
  const parsed_money parsed = parse_money(cell, options);
  if (parsed) return parsed.micros;
  switch (parsed.error) {
    case money_error::missing:
      if (!optional_blank)
        problem = {"missing_amount", fmt::format("missing amount in column \"{}\"", column_name(column)), column};
      return std::nullopt;
    case money_error::negative:
      problem = {skip_reason(parsed.error),
                 fmt::format("negative amount \"{}\" in column \"{}\"", cell, column_name(column)), column};
      return std::nullopt;
    case money_error::out_of_range:
      problem = {skip_reason(parsed.error),
                 fmt::format("amount out of range \"{}\" in column \"{}\"", cell, column_name(column)), column};
      return std::nullopt;
    case money_error::none:
    case money_error::not_a_number: break;
  }
  const char* expected = reader_.decimal_comma() ? "12.50 or 12,50" : "12.50";
  problem = {"not_a_number",
             fmt::format("not a number \"{}\" in column \"{}\" (expected an amount such as {})", cell,
                         column_name(column), expected),
             column};
  return std::nullopt;
}

void note_skipped(const cell_problem& problem, const io::table_reader& reader, const io::record& rec, bool strict,
                  diagnostics& diag, std::string_view prefix) {
  const source_location where{reader.name(), rec.line, problem.column + 1};
  if (strict) throw data_error(problem.message, where);
  diag.skipped_row(where, prefix.empty() ? problem.message : fmt::format("{}: {}", prefix, problem.message));
}

}  // namespace cxkpi::cli
