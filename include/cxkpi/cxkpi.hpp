#pragma once
/// \file
/// The umbrella header: every KPI (survey, order and customer KPIs), its
/// statistics and the benchmark bands, segments, service norms, what-if,
/// revenue by NPS group and the predictive models (RFM, BG/NBD, Gamma-Gamma).
/// Standard library only. Readers that need a dependency (JSON) are not
/// included here: include <cxkpi/io/json.hpp> yourself.

#include <cxkpi/bands.hpp>
#include <cxkpi/bgnbd.hpp>
#include <cxkpi/ces.hpp>
#include <cxkpi/check.hpp>
#include <cxkpi/churn.hpp>
#include <cxkpi/clv.hpp>
#include <cxkpi/csat.hpp>
#include <cxkpi/date.hpp>
#include <cxkpi/error.hpp>
#include <cxkpi/gamma_gamma.hpp>
#include <cxkpi/loyalty_revenue.hpp>
#include <cxkpi/money.hpp>
#include <cxkpi/norm.hpp>
#include <cxkpi/nps.hpp>
#include <cxkpi/order_book.hpp>
#include <cxkpi/rating_counts.hpp>
#include <cxkpi/rfm.hpp>
#include <cxkpi/row_accounting.hpp>
#include <cxkpi/rpr.hpp>
#include <cxkpi/scale.hpp>
#include <cxkpi/segments.hpp>
#include <cxkpi/services.hpp>
#include <cxkpi/stats.hpp>
#include <cxkpi/timestamp.hpp>
#include <cxkpi/version.hpp>
#include <cxkpi/whatif.hpp>
#include <cxkpi/io/columns.hpp>
#include <cxkpi/io/number.hpp>
