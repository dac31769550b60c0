#pragma once
// The result of a command, independent of how it is printed: one row per
// KPI × segment × period, the row accounting, and the checks. Every output
// format renders this same structure, so they cannot disagree.

#include <cxkpi/check.hpp>
#include <cxkpi/row_accounting.hpp>
#include <cxkpi/stats.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace cxkpi::cli {

using ordered_json = nlohmann::ordered_json;

struct kpi_row {
  std::string kpi;        // "nps", "csat", "ces", ...
  std::string segment;    // "" for all rows
  std::string period;     // "" when not split by period
  double value = 0;       // NaN when there was no data
  std::uint64_t n = 0;
  interval ci95;          // NaN when undefined
  std::string band;       // "" when the KPI has no bands or no data
  ordered_json details = ordered_json::object();  // KPI-specific fields, in output order
  row_accounting rows;
  int decimals = 1;       // how many decimals the human formats show
};

struct check_outcome {
  std::string expr;
  bool passed = false;
  std::string reason;     // for failures: what was found
};

struct report {
  std::vector<kpi_row> kpis;
  row_accounting rows;
  std::vector<check_outcome> checks;
  std::string source;     // the inputs' recognised layout(s), "qualtrics"; "" when generic (src/input.hpp)
};

enum class output_format { table, json, csv, markdown };

struct render_options {
  output_format format = output_format::table;
  bool color = false;      // ANSI colours (table only)
  bool csv_header = true;
};

// Renders the report in the chosen format. Same report, same bytes.
std::string render(const report& r, const render_options& options);

// The JSON document of docs/json-output.md.
ordered_json to_json(const report& r);

}  // namespace cxkpi::cli
