// cxkpi report. Each kind of input is one section that appends the KPIs it
// supports, in SPEC.md's order (NPS, CSAT, CES, churn, RPR, CLV, services);
// a KPI that needs two kinds (CLV's churn from subscriptions) reads what the
// earlier sections left in `report_state`; revenue by NPS group, which needs
// per-customer data the sections do not keep, reads the survey and the
// orders once more (src/loyalty_join.hpp). Checks run once, over the whole
// report.
//
// --by splits each section whose files have the --by columns; a section
// whose files lack one is reported whole, with a warning, so that
// `--by region` works on a survey with regions next to orders without them.
// Revenue by NPS group is never split.

#include "report_command.hpp"

#include "checks.hpp"
#include "churn_command.hpp"
#include "command.hpp"
#include "customer_fields.hpp"
#include "grouping.hpp"
#include "input.hpp"
#include "loyalty_join.hpp"
#include "orders_command.hpp"
#include "survey_command.hpp"

#include <cxkpi/io/columns.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cxkpi::cli {
namespace {

struct report_cli {
  common_options common;
  std::vector<std::string> survey;
  std::vector<std::string> orders;
  std::vector<std::string> subscriptions;
  column_flags columns;
  date_flags dates;
  clv_flags clv;
  std::size_t at_risk = 0;             // --at-risk N
  std::string survey_customer_column;  // --survey-customer-column
  grouping_options segments;           // --by, --min-n, --sort (no --period)
};

// What the sections build and share.
struct report_state {
  const report_cli& options;
  const band_table& bands;
  report out;
  std::optional<double> monthly_churn;  // from the subscriptions, for CLV
  // Per section, whether --by splits it (see split_sections).
  bool split_survey = false;
  bool split_subscriptions = false;
  bool split_orders = false;
};

common_options inputs_of(const common_options& common, const std::vector<std::string>& files) {
  common_options c = common;
  c.inputs = files;
  c.checks.clear();  // checked once, on the whole report
  return c;
}

// The --by column of `names` that some file of `files` lacks, if any.
// Standard input is not looked at (it cannot be read twice): a missing
// column there is the usual error.
std::optional<std::string> missing_column(const std::vector<std::string>& files,
                                          const std::vector<std::string>& names, const input_options& input,
                                          std::string& file) {
  for (const std::string& path : files) {
    if (path == "-") continue;
    const std::unique_ptr<io::table_reader> reader = open_table(path, input);
    const std::vector<std::string>& header = reader->header();
    for (const std::string& name : names)
      if (!io::find_column(header, name) && !io::column_at_position(name, header.size())) {
        file = path;
        return name;
      }
  }
  return std::nullopt;
}

// Decides which sections --by splits: those whose files all have the
// columns. When none has them, every section is split, so that the first
// one reports the missing column as the error it is (a typo in --by).
void split_sections(report_state& state) {
  const report_cli& o = state.options;
  if (o.segments.by.empty()) return;
  std::vector<std::string> warnings;
  const auto splits = [&](const std::vector<std::string>& files) {
    if (files.empty()) return false;
    std::string file;
    if (auto name = missing_column(files, o.segments.by, o.common.input, file)) {
      warnings.push_back(fmt::format("{} has no column \"{}\": its KPIs are not split by --by", file, *name));
      return false;
    }
    return true;
  };
  state.split_survey = splits(o.survey);
  state.split_subscriptions = splits(o.subscriptions);
  state.split_orders = splits(o.orders);
  if (!state.split_survey && !state.split_subscriptions && !state.split_orders) {
    state.split_survey = !o.survey.empty();
    state.split_subscriptions = !o.subscriptions.empty();
    state.split_orders = !o.orders.empty();
    return;
  }
  if (!o.common.quiet)
    for (const std::string& w : warnings) std::fprintf(stderr, "cxkpi: warning: %s\n", w.c_str());
}

void append(report_state& state, std::vector<kpi_row>&& rows, const row_accounting& input_rows) {
  for (kpi_row& row : rows) state.out.kpis.push_back(std::move(row));
  state.out.rows.merge(input_rows);
}

void survey_section(report_state& state) {
  const report_cli& o = state.options;
  const grouping_options grouping = state.split_survey ? o.segments : grouping_options{};
  report survey = survey_report(inputs_of(o.common, o.survey), grouping, state.bands);
  append(state, std::move(survey.kpis), survey.rows);
}

void subscriptions_section(report_state& state) {
  const report_cli& o = state.options;
  churn_settings settings;
  settings.columns = o.columns;
  settings.dates = o.dates;
  settings.period = period_kind::month;  // monthly: the bands' unit, and CLV's
  settings.strict = o.common.strict;
  if (state.split_subscriptions) {
    settings.by = o.segments.by;
    settings.min_n = o.segments.min_n;
    settings.sort = o.segments.sort;
  }
  churn_outcome churn = compute_churn(inputs_of(o.common, o.subscriptions), settings, state.bands, false);
  state.monthly_churn = churn.monthly_churn_percent;
  append(state, std::move(churn.rows), churn.input_rows);
}

void orders_section(report_state& state) {
  const report_cli& o = state.options;
  clv_inputs clv = resolve_clv_flags(o.clv);
  if (!clv.options.monthly_churn_percent && !o.subscriptions.empty()) {
    clv.options.monthly_churn_percent = state.monthly_churn;
    clv.churn_source = "subscriptions";
  }
  orders_settings settings;
  settings.columns = o.columns;
  settings.dates = o.dates;
  settings.strict = o.common.strict;
  settings.profits = !clv.options.margin;
  settings.services = true;
  const grouping_options grouping = state.split_orders ? o.segments : grouping_options{};
  settings.by = grouping.by;
  const common_options common = inputs_of(o.common, o.orders);
  const orders_outcome outcome = scan_orders(common, settings);
  std::vector<kpi_row> rows;
  const auto add = [&](const std::function<std::vector<kpi_row>(const orders_outcome&)>& make) {
    for (kpi_row& row : segmented_rows(outcome, grouping, make)) rows.push_back(std::move(row));
  };
  add([&](const orders_outcome& part) { return std::vector<kpi_row>{rpr_row(part, o.dates.window, state.bands)}; });
  // CLV needs amounts and dates (for the purchase frequency).
  if (outcome.amounts && outcome.dated)
    add([&](const orders_outcome& part) { return clv_rows(part, clv, state.bands); });
  else
    diagnostics(common).info("no CLV: the orders need an amount and a date column");
  if (outcome.services) add([&](const orders_outcome& part) { return std::vector<kpi_row>{services_row(part)}; });
  append(state, std::move(rows), outcome.input_rows);
}

// Revenue by NPS group, after every other KPI. Its rows are the survey's and
// the orders' rows again: the report's accounting has them already.
void loyalty_section(report_state& state) {
  const report_cli& o = state.options;
  loyalty_settings settings;
  settings.survey_customer_column = o.survey_customer_column;
  settings.order_columns = o.columns;
  settings.dates = o.dates;
  settings.profits = o.clv.margin.empty();  // as orders_section reads them
  settings.at_risk = o.at_risk;
  for (kpi_row& row : loyalty_rows(inputs_of(o.common, o.survey), inputs_of(o.common, o.orders), settings))
    state.out.kpis.push_back(std::move(row));
}

int run_report(report_cli& o) {
  finalize_common_options(o.common);
  const band_table bands = load_bands(o.common.bands_file);
  parse_checks(o.common.checks);  // a bad expression is a usage error before any data is read
  finalize_date_flags(o.dates);
  resolve_clv_flags(o.clv);  // a bad flag is a usage error before any data is read
  if (!o.common.inputs.empty())
    throw usage_error("report takes its files with --survey, --orders and --subscriptions");
  if (o.survey.empty() && o.orders.empty() && o.subscriptions.empty())
    throw usage_error("report needs --survey, --orders or --subscriptions FILE");
  if (o.at_risk > 0 && (o.survey.empty() || o.orders.empty()))
    throw usage_error("--at-risk needs --survey and --orders: it lists detractors by the revenue of their orders");
  const auto has_stdin = [](const std::vector<std::string>& files) {
    return std::find(files.begin(), files.end(), "-") != files.end();
  };
  if (o.at_risk > 0 && (has_stdin(o.survey) || has_stdin(o.orders)))
    throw usage_error("--at-risk needs files, not standard input: revenue by NPS group reads them a second time");
  report_state state{o, bands, {}, std::nullopt};
  split_sections(state);
  if (!o.survey.empty()) survey_section(state);
  if (!o.subscriptions.empty()) subscriptions_section(state);
  if (!o.orders.empty()) orders_section(state);
  if (!o.survey.empty() && !o.orders.empty()) loyalty_section(state);
  return static_cast<int>(finish(state.out, o.common));
}

}  // namespace

void add_report_command(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<report_cli>();
  CLI::App* cmd = app.add_subcommand("report", "Every KPI the survey, order and subscription files support");
  cmd->footer(
      "Survey files give NPS, CSAT and CES; subscriptions give churn (monthly, overall);\n"
      "orders give RPR, CLV (with churn from the subscriptions) and services per customer.\n"
      "Survey and orders together give revenue by NPS group (joined on the customer id):\n"
      "customers, revenue and orders per customer, AOV, the detractors' share of revenue.\n"
      "\n"
      "Examples:\n"
      "  cxkpi report --survey examples/survey.csv --orders examples/orders.csv \\\n"
      "               --subscriptions examples/subscriptions.csv\n"
      "  cxkpi report --survey day.csv --orders orders.csv --format csv --no-header >> history.csv\n"
      "  cxkpi report --orders orders.csv --subscriptions subs.csv --cac 40 \\\n"
      "               --check 'churn<=3' --check 'rpr>=25' --check 'clv_cac>=3'\n"
      "  cxkpi report --survey examples/survey.csv --orders examples/orders.csv --at-risk 5 \\\n"
      "               --check 'detractor_revenue_share<=30'\n"
      "  cxkpi report --survey survey.csv --orders orders.csv --by region\n"
      "      (--by splits the files that have the column; the others are reported whole, with a warning)\n");
  add_common_options(*cmd, o->common, false);
  cmd->add_option("--survey", o->survey, "Survey FILE(s): NPS, CSAT, CES");
  cmd->add_option("--orders", o->orders, "Order FILE(s): RPR, CLV, services per customer");
  cmd->add_option("--subscriptions", o->subscriptions, "Subscription FILE(s) or a churn flag file: churn");
  using namespace column_flag;
  add_column_flags(*cmd, o->columns, customer | date | amount | profit | service | start | end | flag);
  add_include_cancelled_flag(*cmd, o->common.input);
  add_date_flags(*cmd, o->dates, true);
  add_clv_flags(*cmd, o->clv, false);
  cmd->add_option("--at-risk", o->at_risk,
                  "List the N detractors with the most revenue (needs --survey and --orders)");
  add_segment_options(*cmd, o->segments.by, o->segments.min_n, o->segments.sort,
                      "Flag segments with fewer answers or customers as too small to trust");
  cmd->add_option("--survey-customer-column", o->survey_customer_column,
                  "The survey's customer id column, for revenue by NPS group (default: detected)");
  cmd->callback([o, &run] { run = [o] { return run_report(*o); }; });
}

}  // namespace cxkpi::cli
