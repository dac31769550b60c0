#pragma once
/// \file
/// What-if: what a lower churn is worth. From a customer base, its monthly
/// churn, AOV and purchase frequency, the churn, lifespan, CLV and next-year
/// revenue before and after a relative churn reduction.
///
/// Assumptions (stated in `cxkpi whatif --help` and docs/whatif.md):
/// - churn is the same every month (a geometric lifetime);
/// - AOV and purchase frequency do not change with the churn;
/// - no new customers arrive: the year's revenue is from today's base;
/// - lifespan = 1 / monthly churn, capped at the CLV horizon (clv.hpp).

#include <cxkpi/clv.hpp>

#include <cmath>
#include <stdexcept>

namespace cxkpi {

/// The base to project.
struct whatif_inputs {
  double customers = 0;             ///< active customers now, >= 0
  double monthly_churn_percent = 0; ///< 0–100
  double aov = 0;                   ///< average order value, money, >= 0
  double frequency_per_month = 0;   ///< orders per customer per month, >= 0
  double horizon_months = 36;       ///< cap on the lifespan
};

/// One side of the comparison.
struct whatif_scenario {
  double monthly_churn_percent = 0;
  double lifespan_months = 0;         ///< min(100 / churn %, horizon)
  double clv = 0;                     ///< aov × frequency × lifespan
  double customers_after_year = 0;    ///< customers × (1 − c)^12
  /// aov × frequency × Σ_{m=0}^{11} customers·(1 − c)^m: each month's orders
  /// from the customers still there at its start.
  double yearly_revenue = 0;
};

/// Before, after, and after − before.
struct whatif_result {
  whatif_scenario before;
  whatif_scenario after;
  whatif_scenario difference;
};

/// Projects one scenario; throws std::invalid_argument on out-of-range inputs.
inline whatif_scenario project_scenario(const whatif_inputs& in) {
  if (!(in.customers >= 0) || !(in.aov >= 0) || !(in.frequency_per_month >= 0) || !std::isfinite(in.customers) ||
      !std::isfinite(in.aov) || !std::isfinite(in.frequency_per_month))
    throw std::invalid_argument("customers, AOV and frequency must be non-negative numbers");
  clv_options o;
  o.monthly_churn_percent = in.monthly_churn_percent;
  o.horizon_months = in.horizon_months;
  whatif_scenario s;
  s.monthly_churn_percent = in.monthly_churn_percent;
  s.lifespan_months = relationship_duration(o).months;  // validates churn and horizon
  s.clv = in.aov * in.frequency_per_month * s.lifespan_months;
  const double keep = 1.0 - in.monthly_churn_percent / 100.0;
  s.customers_after_year = in.customers * std::pow(keep, 12);
  // Σ_{m=0}^{11} keep^m; 12 when nobody churns.
  const double months_of_base = keep < 1.0 ? (1.0 - std::pow(keep, 12)) / (1.0 - keep) : 12.0;
  s.yearly_revenue = in.aov * in.frequency_per_month * in.customers * months_of_base;
  return s;
}

/// The scenario with churn reduced by `reduction` (0.2 = churn 20% lower,
/// so 5% becomes 4%), against the scenario as it is.
inline whatif_result churn_whatif(const whatif_inputs& in, double reduction) {
  if (!(reduction >= 0 && reduction <= 1)) throw std::invalid_argument("the churn reduction must lie between 0% and 100%");
  whatif_result r;
  r.before = project_scenario(in);
  whatif_inputs changed = in;
  changed.monthly_churn_percent = in.monthly_churn_percent * (1.0 - reduction);
  r.after = project_scenario(changed);
  r.difference.monthly_churn_percent = r.after.monthly_churn_percent - r.before.monthly_churn_percent;
  r.difference.lifespan_months = r.after.lifespan_months - r.before.lifespan_months;
  r.difference.clv = r.after.clv - r.before.clv;
  r.difference.customers_after_year = r.after.customers_after_year - r.before.customers_after_year;
  r.difference.yearly_revenue = r.after.yearly_revenue - r.before.yearly_revenue;
  return r;
}

}  // namespace cxkpi
