#pragma once
// cxkpi nps | csat | ces | survey: the survey KPIs.

#include "command.hpp"
#include "grouping.hpp"
#include "report.hpp"

#include <CLI/CLI.hpp>

#include <functional>

namespace cxkpi::cli {

// Registers the four survey commands on `app`. Each sets `run` to its body
// when chosen, so main() runs it inside its one error handler.
void add_survey_commands(CLI::App& app, std::function<int()>& run);

// What `cxkpi survey` computes (every survey KPI whose column is detected,
// default scales) over `common.inputs`, for commands that combine it with
// other KPIs (`cxkpi report`). Options must be finalized already.
report survey_report(const common_options& common, const grouping_options& grouping, const band_table& bands);

}  // namespace cxkpi::cli
