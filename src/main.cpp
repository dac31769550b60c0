// cxkpi: customer-experience KPIs from survey and order exports.
// The only file that prints errors and picks exit codes; commands report
// failures by throwing.

#include "churn_command.hpp"
#include "exit_code.hpp"
#include "norm_command.hpp"
#include "orders_command.hpp"
#include "predictive_command.hpp"
#include "report_command.hpp"
#include "whatif_command.hpp"
#include "survey_command.hpp"

#include <cxkpi/error.hpp>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <functional>
#include <new>

namespace {

using cxkpi::cli::exit_code;

int fail(exit_code code, const std::string& message) {
  std::fprintf(stderr, "cxkpi: error: %s\n", message.c_str());
  return static_cast<int>(code);
}

int run_main(int argc, char** argv) {
  CLI::App app{"cxkpi: customer-experience KPIs (NPS, CSAT, CES, ...) from survey and order exports"};
  app.set_version_flag("--version", "cxkpi " CXKPI_VERSION);
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  cxkpi survey examples/survey.csv\n"
      "  cxkpi nps export.csv --format json --check 'nps>=30'\n"
      "  cxkpi report --survey examples/survey.csv --orders examples/orders.csv --subscriptions examples/subscriptions.csv\n"
      "Run 'cxkpi COMMAND --help' for a command's flags.\n");

  std::function<int()> run;
  cxkpi::cli::add_survey_commands(app, run);
  cxkpi::cli::add_churn_command(app, run);
  cxkpi::cli::add_order_commands(app, run);
  cxkpi::cli::add_rfm_command(app, run);
  cxkpi::cli::add_report_command(app, run);
  cxkpi::cli::add_norm_command(app, run);
  cxkpi::cli::add_whatif_command(app, run);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11's own codes are 100-127; every usage error is 64 here (EX_USAGE).
    return fail(exit_code::usage, std::string(e.what()) + "\nRun with --help for usage.");
  }

  try {
    return run();
  } catch (const cxkpi::cli::usage_error& e) {
    return fail(exit_code::usage, std::string(e.what()) + "\nRun with --help for usage.");
  } catch (const cxkpi::data_error& e) {
    return fail(exit_code::data, e.describe());
  } catch (const cxkpi::input_error& e) {
    return fail(exit_code::no_input, e.what());
  } catch (const cxkpi::cli::output_error& e) {
    return fail(exit_code::io, e.what());
  } catch (const std::bad_alloc&) {
    return fail(exit_code::data, "out of memory");
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Anything else is a bug in cxkpi, not in the input: say so, with exit 70
  // (EX_SOFTWARE), rather than end in std::terminate (SIGABRT, exit 134).
  // No allocation here: the exception may be std::bad_alloc from a message.
  try {
    return run_main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cxkpi: error: internal error: %s (please report it)\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "cxkpi: error: internal error: an unknown exception (please report it)\n");
  }
  return static_cast<int>(exit_code::internal);
}
