#pragma once
/// \file
/// The umbrella header: every KPI (survey, order and customer KPIs), its
/// statistics and the benchmark bands.
/// Standard library only. Readers that need a dependency (JSON) are not
/// included here: include <cxkpi/io/json.hpp> yourself.

#include <cxkpi/bands.hpp>
#include <cxkpi/ces.hpp>
#include <cxkpi/check.hpp>
#include <cxkpi/churn.hpp>
#include <cxkpi/clv.hpp>
#include <cxkpi/csat.hpp>
#include <cxkpi/date.hpp>
#include <cxkpi/error.hpp>
#include <cxkpi/money.hpp>
#include <cxkpi/nps.hpp>
#include <cxkpi/rating_counts.hpp>
#include <cxkpi/row_accounting.hpp>
#include <cxkpi/rpr.hpp>
#include <cxkpi/scale.hpp>
#include <cxkpi/services.hpp>
#include <cxkpi/stats.hpp>
#include <cxkpi/version.hpp>
#include <cxkpi/io/columns.hpp>
#include <cxkpi/io/number.hpp>
