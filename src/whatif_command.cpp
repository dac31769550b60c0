// cxkpi whatif --churn-reduction 20% --customers 1000 --churn 5 --aov 50 --frequency 0.5
// cxkpi whatif --churn-reduction 20% --orders orders.csv --subscriptions subs.csv
//
// Each input comes from its flag when given, else from the files: --orders
// gives the customers, the AOV and the purchase frequency (CLV's, from the
// same pass and the same compute_clv as `cxkpi clv`), --subscriptions the
// monthly churn (`cxkpi churn`'s, as `cxkpi report` feeds it to CLV).

#include "whatif_command.hpp"

#include "checks.hpp"
#include "churn_command.hpp"
#include "command.hpp"
#include "customer_fields.hpp"
#include "orders_command.hpp"

#include <cxkpi/clv.hpp>
#include <cxkpi/io/number.hpp>
#include <cxkpi/whatif.hpp>

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cxkpi::cli {
namespace {

struct whatif_options {
  common_options common;
  std::string reduction_text;
  whatif_inputs inputs;
  std::vector<std::string> orders;         // --orders FILE…
  std::vector<std::string> subscriptions;  // --subscriptions FILE…
  column_flags columns;
  date_flags dates;
  // The flags, to tell given from default.
  CLI::Option* customers_flag = nullptr;
  CLI::Option* churn_flag = nullptr;
  CLI::Option* aov_flag = nullptr;
  CLI::Option* frequency_flag = nullptr;
};

// Where each input came from: "flag", "orders" or "subscriptions".
struct input_sources {
  std::string customers, churn, aov, frequency;
};

// "20%" or "20" is 20 percent.
double parse_percent(std::string text, const char* flag) {
  if (!text.empty() && text.back() == '%') text.pop_back();
  const auto value = io::parse_number(text);
  if (!value || *value < 0 || *value > 100)
    throw usage_error(std::string(flag) + " takes a percentage from 0 to 100, such as 20%");
  return *value;
}

kpi_row scenario_row(const char* name, const whatif_scenario& s, const whatif_inputs& in,
                     const input_sources& sources, const row_accounting& rows) {
  kpi_row row;
  row.kpi = "whatif";
  row.segment = name;
  row.value = s.yearly_revenue;
  row.n = static_cast<std::uint64_t>(in.customers);
  row.decimals = 2;
  row.details = {{"monthly_churn_percent", s.monthly_churn_percent},
                 {"lifespan_months", s.lifespan_months},
                 {"clv", s.clv},
                 {"customers_after_year", s.customers_after_year},
                 {"yearly_revenue", s.yearly_revenue}};
  // Only when a file gave an input: a run on flags alone prints as before.
  // Each input's key names its source ("customers_from_orders": 3), so that
  // every format, the table's and CSV's number-only details too, says it;
  // "inputs" has the sources alone, for JSON.
  if (sources.customers != "flag" || sources.churn != "flag" || sources.aov != "flag" ||
      sources.frequency != "flag") {
    const bool whole = in.customers == std::floor(in.customers) && in.customers < 1e15;
    row.details["customers_from_" + sources.customers] =
        whole ? ordered_json(static_cast<std::uint64_t>(in.customers)) : ordered_json(in.customers);
    row.details["churn_from_" + sources.churn] = in.monthly_churn_percent;
    row.details["aov_from_" + sources.aov] = in.aov;
    row.details["frequency_from_" + sources.frequency] = in.frequency_per_month;
    row.details["inputs"] = {{"customers", sources.customers},
                             {"churn", sources.churn},
                             {"aov", sources.aov},
                             {"frequency", sources.frequency}};
  }
  row.rows = rows;
  return row;
}

common_options inputs_of(const common_options& common, const std::vector<std::string>& files) {
  common_options c = common;
  c.inputs = files;
  c.checks.clear();  // checked once, on the whole report
  return c;
}

[[noreturn]] void missing(const char* flag, const char* what, const char* file_flag) {
  throw usage_error(fmt::format("whatif needs {}: pass {} (or {} FILE)", what, flag, file_flag));
}

int run_whatif(whatif_options& o) {
  parse_checks(o.common.checks);
  const double reduction = parse_percent(o.reduction_text, "--churn-reduction") / 100.0;
  if (!o.common.inputs.empty())
    throw usage_error("whatif takes its files with --orders and --subscriptions");
  const bool customers_given = o.customers_flag->count() > 0, churn_given = o.churn_flag->count() > 0,
             aov_given = o.aov_flag->count() > 0, frequency_given = o.frequency_flag->count() > 0;
  // Every input accounted for before any file is read.
  if (!customers_given && o.orders.empty()) missing("--customers", "the number of customers", "--orders");
  if (!churn_given && o.subscriptions.empty()) missing("--churn", "the monthly churn", "--subscriptions");
  if (!aov_given && o.orders.empty()) missing("--aov", "the average order value", "--orders");
  if (!frequency_given && o.orders.empty()) missing("--frequency", "the purchase frequency", "--orders");
  const bool files = !o.orders.empty() || !o.subscriptions.empty();
  if (files) {
    finalize_common_options(o.common);
    finalize_date_flags(o.dates);
  }

  input_sources sources{"flag", "flag", "flag", "flag"};
  row_accounting rows;
  if (!o.subscriptions.empty()) {
    // Monthly, over the same --from/--to, as report_command.cpp's subscriptions_section.
    churn_settings settings;
    settings.columns = o.columns;
    settings.dates = o.dates;
    settings.period = period_kind::month;
    settings.strict = o.common.strict;
    const churn_outcome churn = compute_churn(inputs_of(o.common, o.subscriptions), settings, load_bands(o.common.bands_file), false);
    rows.merge(churn.input_rows);
    if (!churn_given) {
      if (!churn.monthly_churn_percent)
        throw usage_error("the subscriptions give no monthly churn (no customer at a start): pass --churn");
      o.inputs.monthly_churn_percent = *churn.monthly_churn_percent;
      sources.churn = "subscriptions";
    }
  }
  if (!o.orders.empty()) {
    orders_settings settings;
    settings.columns = o.columns;
    settings.dates = o.dates;
    settings.strict = o.common.strict;
    settings.amounts_required = !aov_given;      // AOV needs amounts
    settings.dates_required = !frequency_given;  // the frequency needs order dates
    const common_options common = inputs_of(o.common, o.orders);
    const orders_outcome outcome = scan_orders(common, settings);
    rows.merge(outcome.input_rows);
    // The customers, AOV and frequency of `cxkpi clv` (compute_clv: orders per
    // customer over the observed window in months).
    const clv_result c = compute_clv(outcome.orders.value_or(rpr_result{}), clv_options{});
    if (!customers_given) {
      o.inputs.customers = static_cast<double>(c.customers);
      sources.customers = "orders";
    }
    if (!aov_given) {
      if (!outcome.amounts || !c.aov) throw usage_error("the orders give no average order value: pass --aov");
      o.inputs.aov = *c.aov;
      sources.aov = "orders";
    }
    if (!frequency_given) {
      if (!outcome.dated || !c.frequency_per_month)
        throw usage_error("the orders give no purchase frequency (no dated orders): pass --frequency");
      o.inputs.frequency_per_month = *c.frequency_per_month;
      sources.frequency = "orders";
    }
  }

  whatif_result r;
  try {
    r = churn_whatif(o.inputs, reduction);
  } catch (const std::invalid_argument& e) {
    throw usage_error(e.what());
  }
  report out;
  out.kpis.push_back(scenario_row("before", r.before, o.inputs, sources, rows));
  out.kpis.push_back(scenario_row("after", r.after, o.inputs, sources, rows));
  out.kpis.push_back(scenario_row("difference", r.difference, o.inputs, sources, rows));
  out.rows = rows;
  return static_cast<int>(finish(out, o.common));
}

}  // namespace

void add_whatif_command(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<whatif_options>();
  CLI::App* cmd = app.add_subcommand("whatif", "What a lower churn is worth: churn, lifespan, CLV and revenue before and after");
  cmd->footer(
      "Assumes a constant monthly churn, AOV and purchase frequency that do not change,\n"
      "no new customers, and lifespan = 1 / churn capped at --horizon. The value of each\n"
      "row is the next 12 months' revenue from today's customers.\n"
      "Inputs come from the flags or from files: --orders gives the customers (distinct),\n"
      "the AOV and the purchase frequency (as 'cxkpi clv' computes them), --subscriptions\n"
      "the monthly churn (as 'cxkpi churn'). A flag given wins over the files. With files,\n"
      "the details name each input's source: customers_from_orders, churn_from_flag, ...\n"
      "Examples:\n"
      "  cxkpi whatif --churn-reduction 20% --customers 1000 --churn 5 --aov 50 --frequency 0.5\n"
      "  cxkpi whatif --churn-reduction 20% --orders examples/orders.csv \\\n"
      "               --subscriptions examples/subscriptions.csv\n"
      "  cxkpi whatif --churn-reduction 10% --orders orders.csv --churn 3\n");
  add_common_options(*cmd, o->common, false);
  cmd->add_option("--churn-reduction", o->reduction_text, "Relative churn reduction, e.g. 20% (5% churn becomes 4%)")
      ->required();
  o->customers_flag = cmd->add_option("--customers", o->inputs.customers, "Active customers now (else from --orders)");
  o->churn_flag = cmd->add_option("--churn", o->inputs.monthly_churn_percent, "Monthly churn in % (else from --subscriptions)");
  o->aov_flag = cmd->add_option("--aov", o->inputs.aov, "Average order value (else from --orders)");
  o->frequency_flag =
      cmd->add_option("--frequency", o->inputs.frequency_per_month, "Orders per customer per month (else from --orders)");
  cmd->add_option("--horizon", o->inputs.horizon_months, "Cap on the lifespan in months")->capture_default_str();
  cmd->add_option("--orders", o->orders, "Order FILE(s): customers, AOV and purchase frequency");
  cmd->add_option("--subscriptions", o->subscriptions, "Subscription FILE(s) or a churn flag file: the monthly churn");
  using namespace column_flag;
  add_column_flags(*cmd, o->columns, customer | date | amount | start | end | flag);
  add_date_flags(*cmd, o->dates, true);
  cmd->callback([o, &run] { run = [o] { return run_whatif(*o); }; });
}

}  // namespace cxkpi::cli
