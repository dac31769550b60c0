#include "grouping.hpp"

#include <cxkpi/io/columns.hpp>
#include <cxkpi/io/number.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>

namespace cxkpi::cli {
namespace {

constexpr std::string_view date_names[] = {"date", "submitted at", "submitted", "timestamp", "created at",
                                           "recorded date", "response date", "date submitted",
                                           "submit date (utc)", "end date", "start date", "order date"};
constexpr std::string_view date_keywords[] = {"date", "time"};

}  // namespace

void add_segment_options(CLI::App& command, std::vector<std::string>& by, std::size_t& min_n, std::string& sort,
                         const std::string& min_n_help) {
  command.add_option("--by", by, "Split by COLUMN (repeatable: --by region --by channel gives the cross)")
      ->allow_extra_args(false);
  command.add_option("--min-n", min_n, min_n_help)->capture_default_str();
  command.add_option("--sort", sort, "Order segments by key or by value (highest first)")
      ->check(CLI::IsMember({"key", "value"}))
      ->capture_default_str();
}

void add_grouping_options(CLI::App& command, grouping_options& o) {
  add_segment_options(command, o.by, o.min_n, o.sort,
                      "Flag segments and periods with fewer answers as too small to trust");
  command.add_option("--period", o.period_text, "Split by day, week (ISO), month, quarter or year of --date-column")
      ->check(CLI::IsMember({"day", "week", "month", "quarter", "year"}));
  command.add_option("--date-column", o.date_column, "The date of each row, for --period (default: detected)");
  command.add_option("--date-format", o.date_format_text,
                     "Dates besides ISO 8601: day-first (07.03.2025) or month-first (3/7/2025)")
      ->check(CLI::IsMember({"iso", "day-first", "dmy", "month-first", "mdy"}))
      ->capture_default_str();
}

void finalize_grouping_options(grouping_options& o) {
  if (!o.period_text.empty()) o.period = parse_period_kind(o.period_text);
  if (auto f = parse_date_format(o.date_format_text)) o.dates = *f;
  if (!o.date_column.empty() && !o.period)
    throw usage_error("--date-column needs --period (day, week, month, quarter or year)");
}

row_grouper::row_grouper(const grouping_options& options, const io::table_reader& reader, const diagnostics& diag)
    : options_(options), reader_(reader) {
  for (const std::string& name : options.by) by_columns_.push_back(require_column(reader, name, "--by"));
  if (!options.period) return;
  if (!options.date_column.empty()) {
    date_column_ = require_column(reader, options.date_column, "--date-column");
    return;
  }
  const io::column_hints hints{date_names, date_keywords};
  if (auto match = io::detect_column(reader.header(), hints)) {
    require_unique_column(reader, match->index, "--date-column");
    diag.info(fmt::format("{}: date column: {}", reader.name(), match->reason));
    date_column_ = match->index;
    return;
  }
  throw data_error(fmt::format("no date column found for --period; the columns are {}; name one with --date-column",
                               columns_list(reader.header())),
                   {reader.name(), 1, 0});
}

std::string_view row_grouper::segment_of(const io::record& rec) {
  segment_.clear();
  for (std::size_t i = 0; i < by_columns_.size(); ++i) {
    if (i != 0) segment_ += ", ";
    segment_ += options_.by[i];
    segment_ += '=';
    const std::string_view value = io::trim(rec.fields[by_columns_[i]]);
    segment_.append(value.empty() ? std::string_view("(blank)") : value);
  }
  return segment_;
}

group_of_row row_grouper::group(const io::record& rec, bool strict, bool with_segment) {
  group_of_row g;
  if (!by_columns_.empty() && with_segment) g.segment = segment_of(rec);
  if (date_column_) {
    const std::string_view text = rec.fields[*date_column_];
    const std::optional<date> day = parse_date(text, options_.dates);
    if (!day) {
      const bool blank = io::trim(text).empty();
      const std::string what = blank ? fmt::format("missing date in column \"{}\"", reader_.header()[*date_column_])
                                     : fmt::format("invalid date \"{}\" in column \"{}\"", text,
                                                   reader_.header()[*date_column_]);
      if (strict) throw data_error(what, {reader_.name(), rec.line, *date_column_ + 1});
      g.skip_reason = blank ? "missing_date" : "bad_date";
      g.skip_message = what;
      g.skip_column = *date_column_ + 1;
      return g;
    }
    if (day->days != period_days_) {
      period_ = period_key(period_of(*day, *options_.period));
      period_days_ = day->days;
    }
    g.period = period_;
  }
  return g;
}

void arrange_rows(std::vector<kpi_row>& rows, const grouping_options& options,
                  const std::function<comparison(const kpi_row&, const kpi_row&)>& compare) {
  const bool grouped = !options.by.empty() || options.period.has_value();
  if (!grouped) return;
  // Trends: within each segment, periods in time order (period keys sort so).
  std::map<std::string, const kpi_row*> previous_of_segment;
  std::vector<kpi_row*> by_segment_then_period;
  by_segment_then_period.reserve(rows.size());
  for (kpi_row& row : rows) by_segment_then_period.push_back(&row);
  std::stable_sort(by_segment_then_period.begin(), by_segment_then_period.end(),
                   [](const kpi_row* a, const kpi_row* b) {
                     return std::tie(a->segment, a->period) < std::tie(b->segment, b->period);
                   });
  for (kpi_row* row : by_segment_then_period) {
    row->details["small_sample"] = row->n < options.min_n;
    if (row->period.empty()) continue;
    auto it = previous_of_segment.find(row->segment);
    if (it == previous_of_segment.end() || it->second->n == 0 || row->n == 0) {
      row->details["change"] = nullptr;
      row->details["change_z"] = nullptr;
      row->details["change_p"] = nullptr;
      row->details["change_significant"] = nullptr;
    } else {
      const comparison c = compare(*it->second, *row);
      row->details["change"] = c.difference;
      row->details["change_z"] = c.statistic;
      row->details["change_p"] = c.p_value;
      row->details["change_significant"] = c.significant;
    }
    previous_of_segment[row->segment] = row;
  }
  // Order: the all row; segments over the whole range; then per period its
  // all row and its segments. Within a block, segments by key or by value.
  auto block = [](const kpi_row& r) { return r.period.empty() ? (r.segment.empty() ? 0 : 1) : 2; };
  const bool by_value = options.sort == "value";
  std::stable_sort(rows.begin(), rows.end(), [&](const kpi_row& a, const kpi_row& b) {
    if (block(a) != block(b)) return block(a) < block(b);
    if (a.period != b.period) return a.period < b.period;
    if (a.segment.empty() != b.segment.empty()) return a.segment.empty();
    if (by_value && a.value != b.value) {
      if (std::isnan(a.value) || std::isnan(b.value)) return std::isnan(b.value);
      return a.value > b.value;
    }
    return a.segment < b.segment;
  });
}

}  // namespace cxkpi::cli
