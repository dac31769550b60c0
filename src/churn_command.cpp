// cxkpi churn. Subscription rows feed one subscription_churn per segment
// (the library merges each customer's rows into intervals and counts per
// period); a churn flag feeds snapshot counters; counts go straight to
// churn_from_counts. The input's own header says which of the first two it is.

#include "churn_command.hpp"

#include "checks.hpp"
#include "grouping.hpp"
#include "scan.hpp"

#include <cxkpi/churn.hpp>
#include <cxkpi/clv.hpp>
#include <cxkpi/io/layouts.hpp>
#include <cxkpi/io/number.hpp>
#include <cxkpi/segments.hpp>
#include <cxkpi/stats.hpp>

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <memory>

namespace cxkpi::cli {

double monthly_equivalent(double percent, period_kind kind) {
  double months = 1;
  switch (kind) {
    case period_kind::day: months = 1 / days_per_month; break;
    case period_kind::week: months = 7 / days_per_month; break;
    case period_kind::month: return percent;
    case period_kind::quarter: months = 3; break;
    case period_kind::year: months = 12; break;
  }
  return 100.0 * (1.0 - std::pow(1.0 - percent / 100.0, 1.0 / months));
}

namespace {

constexpr double no_value = std::numeric_limits<double>::quiet_NaN();

ordered_json optional_number(const std::optional<double>& v) { return v ? ordered_json(*v) : ordered_json(nullptr); }

interval percent_interval(std::uint64_t part, std::uint64_t whole) {
  const interval p = wilson_interval(part, whole);
  return {100.0 * p.low, 100.0 * p.high};
}

// The bands are for monthly churn: longer periods are compared by their
// monthly equivalent.
std::string band_of(double percent, period_kind kind, const band_table& bands) {
  if (std::isnan(percent)) return "";
  return std::string(bands.classify("churn", monthly_equivalent(percent, kind)));
}

void add_monthly_equivalent(kpi_row& row, period_kind kind) {
  if (kind == period_kind::month) return;
  row.details["monthly_equivalent"] =
      std::isnan(row.value) ? ordered_json(nullptr) : ordered_json(monthly_equivalent(row.value, kind));
}

kpi_row churn_row(std::string_view segment, std::string_view period, const std::optional<double>& percent,
                  std::uint64_t lost, std::uint64_t n, period_kind kind, const band_table& bands) {
  kpi_row row;
  row.kpi = "churn";
  row.segment = std::string(segment);
  row.period = std::string(period);
  row.value = percent.value_or(no_value);
  row.n = n;
  row.ci95 = percent_interval(lost, n);
  row.band = band_of(row.value, kind, bands);
  row.decimals = 2;
  return row;
}

// One segment's subscriptions or flags ("" = every customer).
struct churn_cell {
  subscription_churn subscriptions;
  snapshot_churn flags;
  row_accounting rows;

  void merge(const churn_cell& other) {
    subscriptions.merge(other.subscriptions);
    flags.merge(other.flags);
    rows.merge(other.rows);
  }
};

enum class churn_mode { unknown, subscriptions, snapshot };

class churn_job {
 public:
  churn_job(const churn_settings& settings, const grouping_options& segments, diagnostics& diag)
      : settings_(settings), segments_(segments), diag_(diag), cells_(churn_cell{}) {}

  void read(io::table_reader& reader) {
    const churn_mode mode = mode_of(reader);
    agree(mode, reader.name());
    cells_.at("", "");  // the all-customers row exists even for an input without rows
    if (mode == churn_mode::snapshot) read_flags(reader);
    else read_subscriptions(reader);
  }

  void merge(churn_job&& other) {
    if (other.mode_ != churn_mode::unknown) agree(other.mode_, other.first_input_);
    cells_.merge(other.cells_);
  }

  churn_outcome outcome(const band_table& bands, bool with_periods) const {
    churn_outcome out;
    out.input_rows = all().rows;
    grouping_options arrange = segments_;
    if (mode_ == churn_mode::snapshot) {
      for (const auto& [key, cell] : cells_.cells()) {
        const snapshot_churn_result r = cell.flags.result();
        kpi_row row = churn_row(key.segment, "", r.churn_percent, r.churned, r.customers, settings_.period, bands);
        row.details = {{"method", "snapshot"},
                       {"period_kind", to_string(settings_.period)},
                       {"customers", r.customers},
                       {"churned", r.churned}};
        add_monthly_equivalent(row, settings_.period);
        row.rows = cell.rows;
        out.rows.push_back(std::move(row));
      }
      if (std::isfinite(out.rows.front().value))
        out.monthly_churn_percent = monthly_equivalent(out.rows.front().value, settings_.period);
    } else {
      const auto [from, to] = series_range();
      for (const auto& [key, cell] : cells_.cells()) {
        const churn_series series = cell.subscriptions.result(settings_.period, from, to);
        out.rows.push_back(overall_row(key.segment, series, cell.rows, bands));
        if (key.segment.empty() && series.overall.churn_percent)
          out.monthly_churn_percent = monthly_equivalent(*series.overall.churn_percent, settings_.period);
        if (!with_periods) continue;
        for (const period_churn& p : series.periods) {
          const churn_figures& f = p.figures;
          kpi_row row = churn_row(key.segment, p.key, f.churn_percent, f.lost, f.customers_at_start,
                                  settings_.period, bands);
          row.details = {{"customers_at_start", f.customers_at_start},
                         {"lost", f.lost},
                         {"new", f.new_customers},
                         {"acquisition_rate", optional_number(f.acquisition_percent)}};
          add_monthly_equivalent(row, settings_.period);
          // A subscription row spans periods: a period row carries the
          // accounting of its whole series.
          row.rows = cell.rows;
          out.rows.push_back(std::move(row));
        }
      }
      if (with_periods) arrange.period = settings_.period;
    }
    if (!arrange.by.empty() || arrange.period)
      arrange_rows(out.rows, arrange, [](const kpi_row& before, const kpi_row& after) {
        return compare_proportions(before.details["lost"].get<std::uint64_t>(), before.n,
                                   after.details["lost"].get<std::uint64_t>(), after.n);
      });
    return out;
  }

 private:
  const churn_cell& all() const {
    static const churn_cell empty;
    const auto& cells = cells_.cells();
    const auto it = cells.find(cell_key_view{"", ""});
    return it == cells.end() ? empty : it->second;
  }

  churn_mode mode_of(const io::table_reader& reader) const {
    if (!settings_.columns.flag.empty()) return churn_mode::snapshot;
    if (!settings_.columns.start.empty()) return churn_mode::subscriptions;
    if (io::detect_source_column(reader, "start date", io::start_column_hints(), "--start-column"))
      return churn_mode::subscriptions;
    if (io::detect_column(reader.header(), io::churn_flag_column_hints())) return churn_mode::snapshot;
    throw data_error(fmt::format("no start date column (subscriptions) nor churn flag column (one row per "
                                 "customer) found; {}; name one with --start-column or --flag-column",
                                 columns_clause(reader)),
                     {reader.name(), 1, 0});
  }

  // Every input must be of the same kind: a series and a snapshot do not add up.
  void agree(churn_mode mode, const std::string& input) {
    if (mode_ == churn_mode::unknown) {
      mode_ = mode;
      first_input_ = input;
      return;
    }
    if (mode != mode_)
      throw data_error(fmt::format("{} holds {} but {} holds {}: compute their churn separately", input,
                                   mode == churn_mode::snapshot ? "churn flags" : "subscriptions", first_input_,
                                   mode_ == churn_mode::snapshot ? "churn flags" : "subscriptions"),
                       {input, 1, 0});
  }

  // The targets of a row: every customer, and its segment under --by.
  struct targets {
    churn_cell* all;
    churn_cell* segment;
    void skip(std::string_view reason) const {
      all->rows.skip(reason);
      if (segment) segment->rows.skip(reason);
    }
  };

  targets targets_of(row_grouper& grouper, const io::record& rec) {
    const group_of_row group = grouper.group(rec, settings_.strict);  // no period: never a skip
    return {&cells_.at("", ""), group.segment.empty() ? nullptr : &cells_.at(group.segment, "")};
  }

  void read_subscriptions(io::table_reader& reader) {
    const std::size_t customer = need_column(reader, settings_.columns.customer, customer_column(), diag_);
    const std::size_t start = need_column(reader, settings_.columns.start, start_column(), diag_);
    const std::optional<std::size_t> end = find_column(reader, settings_.columns.end, end_column(), diag_);
    if (!end)
      diag_.info(fmt::format("{}: no end date column: every subscription counts as still active", reader.name()));
    row_grouper grouper(segments_, reader, diag_);
    const cell_reader cells(reader, settings_.dates.format);
    io::record rec;
    while (reader.next(rec)) {
      const targets to = targets_of(grouper, rec);
      if (!rec.skip_reason.empty()) {  // no subscription at all, says the layout (Stripe's incomplete)
        to.skip(rec.skip_reason);
        continue;
      }
      cell_problem problem;
      const std::optional<std::string_view> id = cells.text(rec, customer, "missing_customer", "customer id", problem);
      std::optional<date> first, last;
      if (!problem) first = cells.day(rec, start, problem);
      if (!problem && end) last = cells.day(rec, *end, problem, true);
      if (!problem && last && *last < *first)
        problem = {"end_before_start",
                   fmt::format("end date \"{}\" is before the start date \"{}\" in column \"{}\"",
                               io::trim(rec.fields[*end]), io::trim(rec.fields[start]), reader.header()[*end]),
                   *end};
      if (problem) {
        note_skipped(problem, reader, rec, settings_.strict, diag_);
        to.skip(problem.reason);
        continue;
      }
      to.all->subscriptions.add(*id, *first, last);
      to.all->rows.use();
      if (to.segment) {
        to.segment->subscriptions.add(*id, *first, last);
        to.segment->rows.use();
      }
    }
  }

  void read_flags(io::table_reader& reader) {
    const std::size_t flag = need_column(reader, settings_.columns.flag, flag_column(), diag_);
    row_grouper grouper(segments_, reader, diag_);
    io::record rec;
    while (reader.next(rec)) {
      const targets to = targets_of(grouper, rec);
      if (!rec.skip_reason.empty()) {
        to.skip(rec.skip_reason);
        continue;
      }
      const std::string_view cell = io::trim(rec.fields[flag]);
      const std::optional<bool> churned = parse_churn_flag(cell);
      if (!churned) {
        const cell_problem problem =
            cell.empty() ? cell_problem{"missing_flag",
                                        fmt::format("missing churn flag in column \"{}\"", reader.header()[flag]), flag}
                         : cell_problem{"bad_flag",
                                        fmt::format("invalid churn flag \"{}\" in column \"{}\" (expected yes/no, "
                                                    "true/false or 1/0)",
                                                    cell, reader.header()[flag]),
                                        flag};
        note_skipped(problem, reader, rec, settings_.strict, diag_);
        to.skip(problem.reason);
        continue;
      }
      to.all->flags.add(*churned);
      to.all->rows.use();
      if (to.segment) {
        to.segment->flags.add(*churned);
        to.segment->rows.use();
      }
    }
  }

  // The periods of the series: --from/--to, else the data's own range from
  // its first period with customers at the start (the period of the earliest
  // start never has any: nobody was there before it) to the period of the
  // latest date. Every segment uses the same range.
  std::pair<date, date> series_range() const {
    const subscription_churn& subscriptions = all().subscriptions;
    const date_window& window = settings_.dates.window;
    const std::optional<date> first = subscriptions.first_date();
    const std::optional<date> last = subscriptions.last_date();
    date from = window.from ? *window.from : first.value_or(date{0});
    const date to = window.to ? *window.to : (last ? add_days(*last, 1) : date{0});
    if (!window.from && first) {
      const churn_series probe = subscriptions.result(settings_.period, from, to);
      for (const period_churn& p : probe.periods)
        if (p.figures.customers_at_start > 0) {
          from = p.span.start;
          break;
        }
    }
    return {from, to};
  }

  kpi_row overall_row(const std::string& segment, const churn_series& series, const row_accounting& rows,
                      const band_table& bands) const {
    const churn_overall& o = series.overall;
    kpi_row row = churn_row(segment, "", o.churn_percent, o.lost, o.customer_periods, settings_.period, bands);
    const bool any = !series.periods.empty();
    row.details = {{"method", "subscriptions"},
                   {"period_kind", to_string(settings_.period)},
                   {"from", any ? ordered_json(to_string(series.periods.front().span.start)) : ordered_json(nullptr)},
                   {"to", any ? ordered_json(to_string(series.periods.back().span.end)) : ordered_json(nullptr)},
                   {"periods", o.periods},
                   {"customers", series.customers},
                   {"customer_periods", o.customer_periods},
                   {"lost", o.lost},
                   {"new", o.new_customers},
                   {"acquisition_rate", optional_number(o.acquisition_percent)},
                   {"mean_churn", optional_number(o.mean_churn_percent)}};
    add_monthly_equivalent(row, settings_.period);
    row.rows = rows;
    return row;
  }

  const churn_settings& settings_;
  const grouping_options& segments_;
  diagnostics& diag_;
  cell_map<churn_cell> cells_;
  churn_mode mode_ = churn_mode::unknown;
  std::string first_input_;
};

struct churn_cli {
  common_options common;
  churn_settings settings;
  std::string period_text = "month";
  std::uint64_t start_count = 0;
  std::uint64_t lost = 0;
  std::uint64_t new_customers = 0;
  CLI::Option* start_count_flag = nullptr;
  CLI::Option* lost_flag = nullptr;
  CLI::Option* new_flag = nullptr;
};

report counts_report(const churn_cli& o, const band_table& bands) {
  if (!o.common.inputs.empty()) throw usage_error("--start-count and --lost take no input files");
  if (o.start_count_flag->count() == 0 || o.lost_flag->count() == 0)
    throw usage_error("--start-count and --lost go together (and --new with them)");
  if (o.lost > o.start_count)
    throw usage_error(fmt::format("--lost {} is more than --start-count {}", o.lost, o.start_count));
  const bool with_new = o.new_flag->count() != 0;
  const churn_figures f = churn_from_counts(o.start_count, o.lost, o.new_customers);
  kpi_row row = churn_row("", "", f.churn_percent, f.lost, f.customers_at_start, o.settings.period, bands);
  row.details = {{"method", "counts"},
                 {"period_kind", to_string(o.settings.period)},
                 {"customers_at_start", f.customers_at_start},
                 {"lost", f.lost},
                 {"new", with_new ? ordered_json(f.new_customers) : ordered_json(nullptr)},
                 {"acquisition_rate", with_new ? optional_number(f.acquisition_percent) : ordered_json(nullptr)}};
  add_monthly_equivalent(row, o.settings.period);
  report r;
  r.kpis.push_back(std::move(row));
  return r;
}

int run_churn(churn_cli& o) {
  finalize_common_options(o.common);
  const band_table bands = load_bands(o.common.bands_file);
  parse_checks(o.common.checks);  // a bad expression is a usage error before any data is read
  finalize_date_flags(o.settings.dates);
  o.settings.period = *parse_period_kind(o.period_text);
  o.settings.strict = o.common.strict;
  report r;
  if (o.start_count_flag->count() != 0 || o.lost_flag->count() != 0) {
    r = counts_report(o, bands);
  } else {
    if (o.common.inputs.empty()) throw usage_error("churn needs input files, or --start-count and --lost");
    if (o.new_flag->count() != 0) throw usage_error("--new goes with --start-count and --lost, without input files");
    churn_outcome outcome = compute_churn(o.common, o.settings, bands, true);
    r.kpis = std::move(outcome.rows);
    r.rows = outcome.input_rows;
  }
  return static_cast<int>(finish(r, o.common));
}

}  // namespace

churn_outcome compute_churn(const common_options& common, const churn_settings& settings, const band_table& bands,
                            bool with_periods) {
  grouping_options segments;
  segments.by = settings.by;
  segments.min_n = settings.min_n;
  segments.sort = settings.sort;
  diagnostics diag(common);
  const churn_job job = scan_inputs(common, [&] { return churn_job(settings, segments, diag); });
  return job.outcome(bands, with_periods);
}

void add_churn_command(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<churn_cli>();
  CLI::App* cmd = app.add_subcommand("churn", "Churn % per period from subscriptions, a churn flag, or counts");
  cmd->footer(
      "Subscriptions (customer, start, optional end; empty end = active) give a series per\n"
      "period and an overall rate (pooled: lost / customers at start, summed over periods).\n"
      "A file with one row per customer and a churn flag gives a snapshot rate.\n"
      "\n"
      "Examples:\n"
      "  cxkpi churn examples/subscriptions.csv\n"
      "  cxkpi churn subscriptions.csv --period quarter --from 2024-01-01 --to 2025-01-01\n"
      "  cxkpi churn crm.csv --flag-column Churn --by Contract\n"
      "  cxkpi churn --start-count 1000 --lost 50 --new 80\n"
      "  cxkpi churn subscriptions.csv --format json --check 'churn<=3'\n");
  add_common_options(*cmd, o->common, false);
  using namespace column_flag;
  add_column_flags(*cmd, o->settings.columns, customer | start | end | flag);
  add_date_flags(*cmd, o->settings.dates, true);
  cmd->add_option("--period", o->period_text, "Length of a churn period: month, quarter or year")
      ->check(CLI::IsMember({"month", "quarter", "year"}))
      ->capture_default_str();
  add_segment_options(*cmd, o->settings.by, o->settings.min_n, o->settings.sort,
                      "Flag rows with fewer customers at start as too small to trust");
  o->start_count_flag = cmd->add_option("--start-count", o->start_count,
                                        "Without input files: customers at the start of the period");
  o->lost_flag = cmd->add_option("--lost", o->lost, "Without input files: customers lost during the period");
  o->new_flag = cmd->add_option("--new", o->new_customers, "Without input files: customers won during the period");
  cmd->callback([o, &run] { run = [o] { return run_churn(*o); }; });
}

}  // namespace cxkpi::cli
