#pragma once
// cxkpi norm: the share of cases within a time limit.

#include <CLI/CLI.hpp>

#include <functional>

namespace cxkpi::cli {

void add_norm_command(CLI::App& app, std::function<int()>& run);

}  // namespace cxkpi::cli
