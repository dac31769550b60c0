// cxkpi norm FILE --start-column ordered_at --end-column delivered_at --max 2d

#include "norm_command.hpp"

#include "checks.hpp"
#include "command.hpp"
#include "grouping.hpp"
#include "scan.hpp"

#include <cxkpi/io/columns.hpp>
#include <cxkpi/io/number.hpp>
#include <cxkpi/norm.hpp>
#include <cxkpi/segments.hpp>
#include <cxkpi/timestamp.hpp>

#include <fmt/format.h>

#include <memory>
#include <optional>

namespace cxkpi::cli {
namespace {

struct norm_options {
  common_options common;
  grouping_options grouping;
  std::string start_column;
  std::string end_column;
  std::string id_column;
  std::string max_text;
  std::size_t top = 3;
  double max_seconds = 0;
};

struct norm_cell {
  norm_accumulator durations;
  row_accounting rows;
  void merge(const norm_cell& other) {
    durations.merge(other.durations);
    rows.merge(other.rows);
  }
};

class norm_job {
 public:
  norm_job(const norm_options& options, diagnostics& diag)
      : options_(options), diag_(diag), cells_(norm_cell{norm_accumulator(options.max_seconds, options.top), {}}) {}

  void read(io::table_reader& reader) {
    const std::size_t start = require_column(reader, options_.start_column, "--start-column");
    const std::size_t end = require_column(reader, options_.end_column, "--end-column");
    std::optional<std::size_t> id;
    if (!options_.id_column.empty()) {
      id = require_column(reader, options_.id_column, "--id-column");
    } else if (auto match = io::detect_column(reader.header(), io::column_hints{id_names, {}})) {
      require_unique_column(reader, match->index, "--id-column");
      diag_.info(fmt::format("{}: id column: {}", reader.name(), match->reason));
      id = match->index;
    }
    grouping_options grouping = options_.grouping;
    if (grouping.period && grouping.date_column.empty()) grouping.date_column = options_.start_column;
    row_grouper grouper(grouping, reader, diag_);
    io::record rec;
    while (reader.next(rec)) {
      ++order_;
      const group_of_row group = grouper.group(rec, options_.common.strict);
      std::string_view reason = group.skip_reason;
      std::string message = group.skip_message;
      std::uint64_t column = group.skip_column;
      std::optional<timestamp> from, to;
      if (reason.empty()) {
        from = parse_timestamp(rec.fields[start], grouping.dates);
        to = parse_timestamp(rec.fields[end], grouping.dates);
        if (!from || !to) {
          const std::size_t bad = !from ? start : end;
          const bool blank = io::trim(rec.fields[bad]).empty();
          reason = blank ? (bad == end ? "missing_end" : "missing_start") : "bad_date";
          message = blank ? fmt::format("missing date in column \"{}\"", reader.header()[bad])
                          : fmt::format("invalid date \"{}\" in column \"{}\"", rec.fields[bad], reader.header()[bad]);
          column = bad + 1;
        } else if (*to < *from) {
          reason = "end_before_start";
          message = fmt::format("\"{}\" ends before it starts", rec.fields[end]);
          column = end + 1;
        }
      }
      if (!reason.empty()) {
        if (options_.common.strict) throw data_error(message, {reader.name(), rec.line, column});
        diag_.skipped_row({reader.name(), rec.line, column}, message);
        for_each_cell(group, [&](norm_cell& c) { c.rows.skip(reason); });
        rows_.skip(reason);
        continue;
      }
      const double seconds = static_cast<double>(*to - *from);
      const std::string case_id = id ? std::string(io::trim(rec.fields[*id])) : "line " + std::to_string(rec.line);
      for_each_cell(group, [&](norm_cell& c) {
        c.durations.add(seconds, case_id, order_);
        c.rows.use();
      });
      rows_.use();
    }
  }

  void merge(norm_job&& other) {
    cells_.merge(other.cells_);
    rows_.merge(other.rows_);
  }

  report make_report(const band_table& bands) const {
    report r;
    r.rows = rows_;
    std::vector<kpi_row> rows;
    for (const auto& [key, cell] : cells_.cells()) rows.push_back(make_row(key, cell, bands));
    arrange_rows(rows, options_.grouping, [](const kpi_row& a, const kpi_row& b) {
      return compare_proportions(a.details["within"].get<std::uint64_t>(), a.n, b.details["within"].get<std::uint64_t>(),
                                 b.n);
    });
    r.kpis = std::move(rows);
    return r;
  }

 private:
  static constexpr std::string_view id_names[] = {"id", "order id", "order", "ticket id", "ticket", "case id",
                                                  "case", "name", "order number"};

  // The cells a row counts in: all, its segment, its period, both.
  template <class F>
  void for_each_cell(const group_of_row& g, F&& f) {
    f(cells_.at("", ""));
    if (!g.segment.empty()) f(cells_.at(g.segment, ""));
    if (!g.period.empty()) {
      f(cells_.at("", g.period));
      if (!g.segment.empty()) f(cells_.at(g.segment, g.period));
    }
  }

  static double hours(double seconds) { return seconds / 3600.0; }

  kpi_row make_row(const cell_key& key, const norm_cell& cell, const band_table& bands) const {
    const norm_result r = cell.durations.result();
    kpi_row row;
    row.kpi = "within";
    row.segment = key.segment;
    row.period = key.period;
    row.value = r.pct_within;
    row.n = r.n;
    row.ci95 = r.ci95;
    row.rows = cell.rows;
    row.band = std::string(bands.classify("within", r.pct_within));
    ordered_json slowest = ordered_json::array();
    for (const slow_case& c : r.slowest) slowest.push_back({{"id", c.id}, {"hours", hours(c.seconds)}});
    row.details = {{"within", r.within},
                   {"norm_hours", hours(r.norm_seconds)},
                   {"median_hours", hours(r.median_seconds)},
                   {"p90_hours", hours(r.p90_seconds)},
                   {"max_hours", hours(r.max_seconds)},
                   {"slowest", slowest}};
    return row;
  }

  const norm_options& options_;
  diagnostics& diag_;
  cell_map<norm_cell> cells_;
  row_accounting rows_;
  std::uint64_t order_ = 0;
};

int run_norm(norm_options& o) {
  finalize_common_options(o.common);
  finalize_grouping_options(o.grouping);
  const auto max = parse_duration(o.max_text);
  if (!max) throw usage_error("--max takes a duration such as 90m, 1h, 2d, not \"" + o.max_text + "\"");
  o.max_seconds = *max;
  const band_table bands = load_bands(o.common.bands_file);
  parse_checks(o.common.checks);
  diagnostics diag(o.common);
  const norm_job job = scan_inputs(o.common, [&] { return norm_job(o, diag); });
  report r = job.make_report(bands);
  return static_cast<int>(finish(r, o.common));
}

}  // namespace

void add_norm_command(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<norm_options>();
  CLI::App* cmd = app.add_subcommand("norm", "Share of cases within a time norm, with median, p90, max and the slowest");
  cmd->footer(
      "Durations run from --start-column to --end-column; offsets (+02:00, Z) are honoured.\n"
      "A case exactly at the norm is within it. Rows without an end are skipped (missing_end).\n"
      "Examples:\n"
      "  cxkpi norm deliveries.csv --start-column ordered_at --end-column delivered_at --max 2d\n"
      "  cxkpi norm tickets.csv --start-column created --end-column first_reply --max 1h --by channel --top 5\n"
      "  cxkpi norm deliveries.csv --start-column ordered_at --end-column delivered_at --max 2d --check 'within>=90'\n");
  add_common_options(*cmd, o->common);
  add_grouping_options(*cmd, o->grouping);
  cmd->add_option("--start-column", o->start_column, "When each case started")->required();
  cmd->add_option("--end-column", o->end_column, "When each case ended")->required();
  cmd->add_option("--max", o->max_text, "The norm: 90m, 1h, 2d, 1w")->required();
  cmd->add_option("--id-column", o->id_column, "Case id for the slowest list (default: detected, else the line)");
  cmd->add_option("--top", o->top, "How many of the slowest cases to list")->capture_default_str();
  cmd->callback([o, &run] { run = [o] { return run_norm(*o); }; });
}

}  // namespace cxkpi::cli
