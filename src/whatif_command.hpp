#pragma once
// cxkpi whatif: what a churn reduction is worth.

#include <CLI/CLI.hpp>

#include <functional>

namespace cxkpi::cli {

void add_whatif_command(CLI::App& app, std::function<int()>& run);

}  // namespace cxkpi::cli
