// Revenue by NPS group: two passes (the survey's answers, the orders' totals)
// into the library's per-customer reductions, then the join and its rows.

#include "loyalty_join.hpp"

#include "input.hpp"
#include "scan.hpp"

#include <cxkpi/io/columns.hpp>
#include <cxkpi/io/layouts.hpp>
#include <cxkpi/io/number.hpp>
#include <cxkpi/loyalty_revenue.hpp>
#include <cxkpi/money.hpp>
#include <cxkpi/nps.hpp>
#include <cxkpi/timestamp.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string_view>

namespace cxkpi::cli {
namespace {

constexpr double no_value = std::numeric_limits<double>::quiet_NaN();

// The inputs cannot give the join; not an error unless --at-risk asked for it.
class join_unavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A survey's customer id is found by whole usual names only (`customer_id`,
// `email`, ...): the keywords that find it in order files ("customer") also
// match question texts such as "How satisfied are you with customer
// service?", which would join answers on their scores.
io::column_hints survey_customer_hints() { return {io::usual_columns::customer_names, {}}; }

// The answer's date, for "latest answer": the names `--period` looks for in
// surveys (src/grouping.cpp), whole names only for the same reason.
constexpr std::string_view survey_date_names[] = {
    "date",          "submitted at",   "submitted",         "timestamp", "created at", "recorded date",
    "response date", "date submitted", "submit date (utc)", "end date",  "start date", "order date"};

// A missing column: `no X column found; <rest>`. Under --at-risk the join
// was asked for, and that is an error.
[[noreturn]] void cannot_join(bool required, const io::table_reader& reader, std::string_view what,
                              const std::string& rest) {
  if (required)
    throw data_error(fmt::format("no {} column found for --at-risk (revenue by NPS group); {}", what, rest),
                     {reader.name(), 1, 0});
  throw join_unavailable(fmt::format("{}: no {} column found; {}", reader.name(), what, rest));
}

// The survey pass: each customer's latest valid NPS answer.
class answers_job {
 public:
  answers_job(const loyalty_settings& settings, const common_options& common, diagnostics& diag)
      : s_(settings), common_(common), diag_(diag) {}

  void read(io::table_reader& reader) {
    const bool required = s_.at_risk > 0;
    // The NPS column `cxkpi report`'s survey section uses (survey_report:
    // usual names without the generic "score").
    const auto nps = io::detect_source_column(reader, "nps", io::without_generic_score(io::nps_column_hints()));
    if (!nps) cannot_join(required, reader, "NPS", columns_clause(reader));
    std::size_t customer = 0;
    if (!s_.survey_customer_column.empty()) {
      customer = require_column(reader, s_.survey_customer_column);
    } else if (auto match = io::detect_source_column(reader, "customer id", survey_customer_hints())) {
      diag_.info(fmt::format("{}: survey customer id column: {}", reader.name(), match->reason));
      customer = match->index;
    } else {
      cannot_join(required, reader, "customer id",
                  fmt::format("{}; name one with --survey-customer-column", columns_clause(reader)));
    }
    std::optional<std::size_t> date_col;
    if (auto match = io::detect_source_column(reader, "date", io::column_hints{survey_date_names, {}})) {
      diag_.info(fmt::format("{}: survey date column (latest answer per customer): {}", reader.name(), match->reason));
      date_col = match->index;
    }

    const bool decimal_comma = reader.decimal_comma();
    io::record rec;
    while (reader.next(rec)) {
      if (!rec.skip_reason.empty()) {  // no answer at all, says the layout
        rows_.skip(rec.skip_reason);
        continue;
      }
      // A bad score is counted, not named: the survey section named it already
      // (and stopped under --strict).
      const io::score_reading score = io::read_score(rec.fields[nps->index], nps_scale, decimal_comma);
      if (score.status != io::score_status::ok) {
        rows_.skip(io::reason_key(score.status));
        continue;
      }
      cell_problem problem;
      const std::string_view id = io::trim(rec.fields[customer]);
      if (id.empty())
        problem = {"missing_customer",
                   fmt::format("revenue by NPS group: missing customer id in column \"{}\"", reader.header()[customer]),
                   customer};
      std::optional<timestamp> when;
      if (!problem && date_col) {
        const std::string_view cell = rec.fields[*date_col];
        when = parse_timestamp(cell, s_.dates.format);
        if (!when && io::trim(cell).empty())
          problem = {"missing_date",
                     fmt::format("revenue by NPS group: missing date in column \"{}\"", reader.header()[*date_col]),
                     *date_col};
        else if (!when)
          problem = {
              "bad_date",
              fmt::format(
                  "revenue by NPS group: invalid date \"{}\" in column \"{}\" (expected a date such as 2025-03-07; see "
                  "--date-format)",
                  cell, reader.header()[*date_col]),
              *date_col};
      }
      if (problem) {
        // The messages say "revenue by NPS group" themselves: under --strict
        // too, where a survey row without a customer id is otherwise fine.
        note_skipped(problem, reader, rec, common_.strict, diag_);
        rows_.skip(problem.reason);
        continue;
      }
      answers_.add(id, score.value, when);
      rows_.use();
    }
  }

  void merge(answers_job&& later) {
    answers_.merge(later.answers_);
    rows_.merge(later.rows_);
  }

  const latest_answers& answers() const { return answers_; }

  // Every row read: an answer kept, or skipped; an answer replaced by a later
  // one of the same customer is skipped as `superseded_answer`.
  row_accounting rows() const {
    row_accounting out = rows_;
    const std::uint64_t superseded = answers_.superseded();
    if (superseded != 0) {
      out.used -= superseded;
      out.skipped_by_reason["superseded_answer"] += superseded;
    }
    return out;
  }

 private:
  const loyalty_settings& s_;
  const common_options& common_;
  diagnostics& diag_;
  latest_answers answers_;
  row_accounting rows_;
};

// The orders pass, with scan_orders' rules for an order row (orders_job in
// src/orders_command.cpp): a layout's skipped rows and later line items, a
// missing customer, a bad date or one outside --from/--to, a bad amount and
// (without --margin) a bad profit skip the row. Its problems were named by
// the orders section already, so here they are only counted.
class orders_job {
 public:
  orders_job(const loyalty_settings& settings, diagnostics& diag) : s_(settings), diag_(diag) {}

  void read(io::table_reader& reader) {
    const date_window& window = s_.dates.window;
    const bool windowed = window.from.has_value() || window.to.has_value();
    const std::size_t customer = need_column(reader, s_.order_columns.customer, customer_column(), diag_);
    const std::optional<std::size_t> date_col =
        windowed ? std::optional(need_column(reader, s_.order_columns.date, order_date_column(), diag_))
                 : find_column(reader, s_.order_columns.date, order_date_column(), diag_);
    const std::optional<std::size_t> amount_col = find_column(reader, s_.order_columns.amount, amount_column(), diag_);
    if (!amount_col)
      cannot_join(s_.at_risk > 0, reader, "amount",
                  fmt::format("{}; name one with --amount-column", columns_clause(reader)));
    const std::optional<std::size_t> profit_col =
        s_.profits ? find_column(reader, s_.order_columns.profit, profit_column(), diag_) : std::nullopt;

    const cell_reader cells(reader, s_.dates.format);
    io::record rec;
    while (reader.next(rec)) {
      if (!rec.skip_reason.empty()) {
        rows_.skip(rec.skip_reason);
        continue;
      }
      if (rec.continues_order) {
        rows_.skip("line_item");
        continue;
      }
      cell_problem problem;
      const std::optional<std::string_view> id = cells.text(rec, customer, "missing_customer", "customer id", problem);
      if (!problem && date_col) {
        const std::optional<date> day = cells.day(rec, *date_col, problem);
        if (day && !window.contains(*day)) problem = {"outside_window", "", *date_col};
      }
      std::optional<std::int64_t> amount;
      if (!problem) amount = cells.money(rec, *amount_col, false, problem);
      if (!problem && profit_col) cells.money(rec, *profit_col, true, problem, true);
      if (problem) {
        rows_.skip(problem.reason);
        continue;
      }
      orders_.add(*id, *amount);
      rows_.use();
    }
  }

  void merge(orders_job&& other) {
    orders_.merge(other.orders_);
    rows_.merge(other.rows_);
  }

  const customer_orders& orders() const { return orders_; }
  const row_accounting& rows() const { return rows_; }

 private:
  const loyalty_settings& s_;
  diagnostics& diag_;
  customer_orders orders_;
  row_accounting rows_;
};

ordered_json money_json(std::int64_t micros) { return to_units(micros); }
double or_nan(const std::optional<double>& v) { return v.value_or(no_value); }
ordered_json or_null(const std::optional<double>& v) { return v ? ordered_json(*v) : ordered_json(nullptr); }

std::vector<kpi_row> make_rows(const loyalty_revenue_result& r, const row_accounting& rows) {
  std::vector<kpi_row> out;
  // One row per group: revenue per customer is the value a person compares
  // across groups; the rest are its parts. The segment `nps_group=…` lets a
  // check name one group: revenue_per_customer[nps_group=detractor].
  for (nps_group g : all_nps_groups) {
    const loyalty_group_revenue& group = r.group(g);
    kpi_row row;
    row.kpi = "revenue_per_customer";
    row.segment = fmt::format("nps_group={}", to_string(g));
    row.value = or_nan(group.revenue_per_customer);
    row.n = group.customers;
    row.decimals = 2;
    row.details = {{"customers", group.customers},
                   {"orders", group.orders},
                   {"revenue", money_json(group.revenue_micros)},
                   {"orders_per_customer", or_null(group.orders_per_customer)},
                   {"aov", or_null(group.aov)},
                   {"revenue_share_pct", or_null(group.revenue_share_percent)},
                   {"respondents_without_orders", group.respondents_without_orders}};
    row.rows = rows;
    out.push_back(std::move(row));
  }
  // The headline share, with what the join could not match beside it (the
  // unmatched customers of both sides are counted here, in every format).
  kpi_row share;
  share.kpi = "detractor_revenue_share";
  share.value = or_nan(r.detractor_revenue_share_percent);
  share.n = r.matched_customers;
  share.decimals = 1;
  share.details = {{"detractor_revenue", money_json(r.group(nps_group::detractor).revenue_micros)},
                   {"revenue", money_json(r.matched_revenue_micros)},
                   {"respondents", r.respondents},
                   {"respondents_without_orders", r.respondents_without_orders},
                   {"customers_without_answer", r.customers_without_answer},
                   {"orders_without_answer", r.orders_without_answer},
                   {"revenue_without_answer", money_json(r.revenue_without_answer_micros)}};
  share.rows = rows;
  out.push_back(std::move(share));
  // One row per customer to call, so that the list reaches CSV too.
  for (std::size_t i = 0; i < r.at_risk.size(); ++i) {
    const at_risk_customer& c = r.at_risk[i];
    kpi_row row;
    row.kpi = "at_risk";
    row.segment = "customer=" + c.customer;
    row.value = to_units(c.revenue_micros);
    row.n = 1;
    row.decimals = 2;
    row.details = {{"rank", i + 1}, {"score", c.score}, {"orders", c.orders}};
    row.rows = rows;
    out.push_back(std::move(row));
  }
  return out;
}

common_options quiet(const common_options& common) {
  common_options c = common;
  c.quiet = true;
  c.verbose = false;
  return c;
}

}  // namespace

std::vector<kpi_row> loyalty_rows(const common_options& survey, const common_options& orders,
                                  const loyalty_settings& settings) {
  const bool required = settings.at_risk > 0;
  const diagnostics notes(survey);
  const auto is_stdin = [](const std::string& path) { return path == "-"; };
  if (std::any_of(survey.inputs.begin(), survey.inputs.end(), is_stdin) ||
      std::any_of(orders.inputs.begin(), orders.inputs.end(), is_stdin)) {
    constexpr std::string_view why =
        "revenue by NPS group reads the survey and the orders a second time, which standard input cannot give";
    if (required) throw usage_error(fmt::format("--at-risk needs files: {}", why));
    notes.info(fmt::format("no revenue by NPS group: {}", why));
    return {};
  }
  try {
    diagnostics survey_diag(survey);
    const answers_job answers = scan_inputs(survey, [&] { return answers_job(settings, survey, survey_diag); });
    // Quiet: the orders section has named these rows already.
    const common_options orders_quiet = quiet(orders);
    diagnostics orders_diag(orders_quiet);
    const orders_job totals = scan_inputs(orders_quiet, [&] { return orders_job(settings, orders_diag); });
    const loyalty_revenue_result result = join_loyalty_revenue(answers.answers(), totals.orders(), settings.at_risk);
    // The rows of both inputs, as the report's own accounting adds them.
    row_accounting rows = answers.rows();
    rows.merge(totals.rows());
    return make_rows(result, rows);
  } catch (const join_unavailable& e) {
    notes.info(fmt::format("no revenue by NPS group: {}", e.what()));
    return {};
  }
}

}  // namespace cxkpi::cli
