#pragma once
// cxkpi report: every KPI the given survey, order and subscription files
// support, in one report with one set of checks.

#include <CLI/CLI.hpp>

#include <functional>

namespace cxkpi::cli {

// Registers `cxkpi report`.
void add_report_command(CLI::App& app, std::function<int()>& run);

}  // namespace cxkpi::cli
