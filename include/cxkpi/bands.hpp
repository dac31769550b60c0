#pragma once
/// \file
/// Benchmark bands: the words that say whether a KPI value is good. The
/// defaults below are SPEC.md's table, each with its source; a user's
/// `--bands FILE.json` replaces them (see docs/bands.md).

#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace cxkpi {

/// One band: values from `from` (inclusive) up to the next band's `from`.
struct band {
  double from = -std::numeric_limits<double>::infinity();
  std::string label;
};

/// The bands of one KPI, in ascending order of `from`; the first starts at
/// −∞ so that every value has a band.
struct band_scale {
  std::string kpi;     ///< `nps`, `csat`, `ces`, `churn`, `rpr`, `clv_cac`
  std::string source;  ///< where the thresholds come from
  std::vector<band> bands;

  /// The label of the band holding `value`; empty for NaN (no data).
  /// Lower bounds are inclusive: an NPS of exactly 20 is "favorable".
  std::string_view classify(double value) const {
    if (std::isnan(value) || bands.empty()) return {};
    std::string_view label = bands.front().label;
    for (const band& b : bands)
      if (value >= b.from) label = b.label;
    return label;
  }
};

/// Bands for every KPI.
struct band_table {
  std::vector<band_scale> scales;

  /// The scale for `kpi`, or nullptr when there is none.
  const band_scale* find(std::string_view kpi) const {
    for (const band_scale& s : scales)
      if (s.kpi == kpi) return &s;
    return nullptr;
  }
  /// The label for `value` of `kpi`; empty when the KPI has no bands.
  std::string_view classify(std::string_view kpi, double value) const {
    const band_scale* s = find(kpi);
    return s ? s->classify(value) : std::string_view{};
  }
};

/// The built-in bands of SPEC.md. CES bands are for a 1-7 scale where higher
/// is easier; other scales are mapped onto 1-7 first (ces_on_seven_point_scale).
inline band_table default_bands() {
  constexpr double lowest = -std::numeric_limits<double>::infinity();
  return band_table{{
      {"nps", "Bain & Company guidance on Net Promoter Score ranges",
       {{lowest, "poor"}, {0, "good"}, {20, "favorable"}, {50, "excellent"}, {80, "world-class"}}},
      {"csat", "usual range for a good CSAT score (75-85%)",
       {{lowest, "below target"}, {75, "good"}, {85, "excellent"}}},
      {"ces", "cxkpi project default for a 1-7 scale, higher = easier",
       {{lowest, "high effort"}, {4, "fair"}, {5, "good"}, {6, "excellent"}}},
      {"churn", "commonly quoted monthly subscription churn ranges (cxkpi project default)",
       {{lowest, "low"}, {2, "average"}, {5, "high"}}},
      {"rpr", "commonly quoted e-commerce repeat purchase rates (cxkpi project default)",
       {{lowest, "low"}, {20, "average"}, {30, "strong"}}},
      {"clv_cac", "the 3:1 CLV:CAC rule of thumb",
       {{lowest, "loses money"}, {1, "weak"}, {3, "healthy"}}},
  }};
}

}  // namespace cxkpi
