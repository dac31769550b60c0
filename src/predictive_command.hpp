#pragma once
// Predictive CLV (issue 8): `cxkpi rfm` (the per-customer summary x, t_x, T,
// zbar of the buy-till-you-die models) and `cxkpi clv --model bgnbd` (BG/NBD
// + Gamma-Gamma fit, per-customer CLV, holdout check, tracking plot). The
// math is the library's (cxkpi/rfm.hpp, bgnbd.hpp, gamma_gamma.hpp); this is
// reading, flags, units and output. docs/predictive-clv.md.

#include "command.hpp"
#include "customer_fields.hpp"

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace cxkpi::cli {

struct clv_flags;
struct orders_settings;

// The flags `cxkpi clv` takes for --model bgnbd, kept as text so errors can
// quote them.
struct predictive_flags {
  std::string model = "simple";  // simple | bgnbd
  std::string time_unit = "week";
  std::string calibration_end;   // default: the last order date
  std::string holdout_end;
  std::string discount_rate = "0";  // per time unit, or with /day /week /month /year
  std::string plot;              // FILE.svg
  // Set by add_predictive_clv_flags: which flags the user gave, to refuse
  // those of the other model.
  CLI::Option* horizon = nullptr;
  std::vector<CLI::Option*> bgnbd_only;
  std::vector<CLI::Option*> simple_only;
};

// Adds --model, --time-unit, --calibration-end, --holdout-end,
// --discount-rate and --plot to `cxkpi clv`, after its other flags; a flag
// of one model given with the other is a usage error.
void add_predictive_clv_flags(CLI::App& cmd, predictive_flags& f);

// Runs `cxkpi clv --model bgnbd` (flags.model != "simple"). The common and
// date flags must be finalized. Returns the exit code.
int run_predictive_clv(const common_options& common, const orders_settings& settings, const clv_flags& clv,
                       const predictive_flags& flags);

// Registers `cxkpi rfm`.
void add_rfm_command(CLI::App& app, std::function<int()>& run);

}  // namespace cxkpi::cli
