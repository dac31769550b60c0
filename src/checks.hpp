#pragma once
// Evaluating --check expressions against a report.

#include "report.hpp"

#include <cxkpi/check.hpp>

#include <string>
#include <vector>

namespace cxkpi::cli {

// Parses every expression; throws usage_error on the first bad one.
std::vector<check> parse_checks(const std::vector<std::string>& expressions);

// Appends one outcome per check to r.checks. A check without a segment
// selector applies to every row of its KPI and fails if any row fails; a
// check on a KPI the report does not hold fails ("no nps result").
// Throws usage_error when a check names a field the KPI does not have.
void evaluate_checks(report& r, const std::vector<check>& checks);

}  // namespace cxkpi::cli
