#pragma once
// cxkpi nps | csat | ces | survey: the survey KPIs.

#include <CLI/CLI.hpp>

#include <functional>

namespace cxkpi::cli {

// Registers the four survey commands on `app`. Each sets `run` to its body
// when chosen, so main() runs it inside its one error handler.
void add_survey_commands(CLI::App& app, std::function<int()>& run);

}  // namespace cxkpi::cli
