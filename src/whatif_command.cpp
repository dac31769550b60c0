// cxkpi whatif --churn-reduction 20% --customers 1000 --churn 5 --aov 50 --frequency 0.5

#include "whatif_command.hpp"

#include "checks.hpp"
#include "command.hpp"

#include <cxkpi/io/number.hpp>
#include <cxkpi/whatif.hpp>

#include <memory>

namespace cxkpi::cli {
namespace {

struct whatif_options {
  common_options common;
  std::string reduction_text;
  whatif_inputs inputs;
};

// "20%" or "20" is 20 percent.
double parse_percent(std::string text, const char* flag) {
  if (!text.empty() && text.back() == '%') text.pop_back();
  const auto value = io::parse_number(text);
  if (!value || *value < 0 || *value > 100)
    throw usage_error(std::string(flag) + " takes a percentage from 0 to 100, such as 20%");
  return *value;
}

kpi_row scenario_row(const char* name, const whatif_scenario& s, double customers) {
  kpi_row row;
  row.kpi = "whatif";
  row.segment = name;
  row.value = s.yearly_revenue;
  row.n = static_cast<std::uint64_t>(customers);
  row.decimals = 2;
  row.details = {{"monthly_churn_percent", s.monthly_churn_percent},
                 {"lifespan_months", s.lifespan_months},
                 {"clv", s.clv},
                 {"customers_after_year", s.customers_after_year},
                 {"yearly_revenue", s.yearly_revenue}};
  return row;
}

int run_whatif(whatif_options& o) {
  parse_checks(o.common.checks);
  const double reduction = parse_percent(o.reduction_text, "--churn-reduction") / 100.0;
  whatif_result r;
  try {
    r = churn_whatif(o.inputs, reduction);
  } catch (const std::invalid_argument& e) {
    throw usage_error(e.what());
  }
  report out;
  out.kpis.push_back(scenario_row("before", r.before, o.inputs.customers));
  out.kpis.push_back(scenario_row("after", r.after, o.inputs.customers));
  out.kpis.push_back(scenario_row("difference", r.difference, o.inputs.customers));
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
      "Example:\n"
      "  cxkpi whatif --churn-reduction 20% --customers 1000 --churn 5 --aov 50 --frequency 0.5\n");
  add_common_options(*cmd, o->common, false);
  cmd->add_option("--churn-reduction", o->reduction_text, "Relative churn reduction, e.g. 20% (5% churn becomes 4%)")
      ->required();
  cmd->add_option("--customers", o->inputs.customers, "Active customers now")->required();
  cmd->add_option("--churn", o->inputs.monthly_churn_percent, "Monthly churn in %")->required();
  cmd->add_option("--aov", o->inputs.aov, "Average order value")->required();
  cmd->add_option("--frequency", o->inputs.frequency_per_month, "Orders per customer per month")->required();
  cmd->add_option("--horizon", o->inputs.horizon_months, "Cap on the lifespan in months")->capture_default_str();
  cmd->callback([o, &run] { run = [o] { return run_whatif(*o); }; });
}

}  // namespace cxkpi::cli
