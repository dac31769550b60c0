#include <cxkpi/bands.hpp>

#include <catch2/catch.hpp>

TEST_CASE("default bands follow SPEC.md, lower bounds inclusive", "[bands]") {
  const auto bands = cxkpi::default_bands();
  // SPEC.md NPS: < 0 poor · 0–20 good · 20–50 favorable · 50–80 excellent · ≥ 80 world-class.
  CHECK(bands.classify("nps", -0.1) == "poor");
  CHECK(bands.classify("nps", 0) == "good");
  CHECK(bands.classify("nps", 20) == "favorable");
  CHECK(bands.classify("nps", 49.9) == "favorable");
  CHECK(bands.classify("nps", 50) == "excellent");
  CHECK(bands.classify("nps", 80) == "world-class");
  // CSAT: < 75 below target · 75–85 good · ≥ 85 excellent.
  CHECK(bands.classify("csat", 74.9) == "below target");
  CHECK(bands.classify("csat", 75) == "good");
  CHECK(bands.classify("csat", 85) == "excellent");
  // CES (1-7): < 4 high effort · 4–5 fair · 5–6 good · ≥ 6 excellent.
  CHECK(bands.classify("ces", 3.99) == "high effort");
  CHECK(bands.classify("ces", 5.4) == "good");
  // churn %/month: < 2 low · 2–5 average · ≥ 5 high; RPR: < 20 · 20–30 · ≥ 30.
  CHECK(bands.classify("churn", 1.9) == "low");
  CHECK(bands.classify("churn", 5) == "high");
  CHECK(bands.classify("rpr", 66.67) == "strong");
  CHECK(bands.classify("clv_cac", 2.5) == "weak");
  // No data, no band; unknown KPI, no band.
  CHECK(bands.classify("nps", std::nan("")).empty());
  CHECK(bands.classify("unknown", 1).empty());
  for (const auto& s : bands.scales) CHECK_FALSE(s.source.empty());
}
