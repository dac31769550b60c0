// CLV: both forms, every component, the duration rule, CLV:CAC.
#include <catch2/catch.hpp>

#include <limits>
#include <stdexcept>

#include "cxkpi/clv.hpp"

using cxkpi::clv_options;
using cxkpi::compute_clv;
using cxkpi::date;
using cxkpi::duration_rule;
using cxkpi::order_accumulator;

namespace {

date d(int year, int month, int day) { return *cxkpi::make_date(year, month, day); }
std::int64_t money(const char* text) { return cxkpi::parse_money(text).micros; }

// The orders: A (10, 20, 30), B (40), C (50, 50), dated from 1 January to 31 March 2025.
order_accumulator acceptance_orders(cxkpi::date_window window = {}) {
  order_accumulator orders(window);
  orders.add("A", d(2025, 1, 1), money("10"));
  orders.add("A", d(2025, 2, 5), money("20"));
  orders.add("A", d(2025, 3, 5), money("30"));
  orders.add("B", d(2025, 1, 20), money("40"));
  orders.add("C", d(2025, 2, 1), money("50"));
  orders.add("C", d(2025, 3, 31), money("50"));
  return orders;
}

}  // namespace

TEST_CASE("issue 3 acceptance: profit form with margin 0.25") {
  clv_options options;
  options.margin = 0.25;
  const auto clv = compute_clv(acceptance_orders().result(), options);
  // AOV = 200 / 6 = 33.333; W = 0.25 × 33.333 = 8.333 (8.33); A = 6 / 3 = 2.0;
  // W × A = 8.333 × 2 = 16.667 (16.67).
  CHECK(*clv.aov == Approx(100.0 / 3));
  CHECK(clv.basis == cxkpi::profit_basis::margin);
  CHECK(*clv.profit_per_order == Approx(25.0 / 3));
  CHECK(*clv.orders_per_customer == 2.0);
  CHECK(*clv.clv_profit == Approx(50.0 / 3));
  CHECK(cxkpi::format_money(static_cast<std::int64_t>(*clv.profit_per_order * 1e6 + 0.5)) == "8.33");
  CHECK(cxkpi::format_money(static_cast<std::int64_t>(*clv.clv_profit * 1e6 + 0.5)) == "16.67");
  CHECK(clv.customers == 3);
  CHECK(clv.orders == 6);
}

TEST_CASE("revenue form: AOV × monthly frequency × duration") {
  clv_options options;
  options.lifespan_months = 12;
  options.cac = 100;
  const auto clv = compute_clv(acceptance_orders().result(), options);
  // Window: first order 2025-01-01 to the day after the last, 2025-04-01: 31 + 28 + 31 = 90 days;
  //   months = 90 / 30.436875 = 2.956940...
  // Frequency = (6 / 3) / 2.956940 = 2 × 30.436875 / 90 = 60.87375 / 90 = 0.676375 orders per customer per month.
  // Duration = the lifespan, 12 months.
  // CLV = 33.333 × 0.676375 × 12 = (200 / 3) × (30.436875 × 12 / 90) = (200 / 3) × 4.05825 = 811.65 / 3 = 270.55.
  CHECK(*clv.window_days == 90.0);
  CHECK(*clv.window_months == Approx(90 / 30.436875));
  CHECK(*clv.frequency_per_month == Approx(0.676375).epsilon(1e-9));
  CHECK(clv.duration.months == 12.0);
  CHECK(clv.duration.rule == duration_rule::lifespan);
  CHECK(*clv.clv == Approx(270.55));
  // CLV:CAC = 270.55 / 100 = 2.7055.
  CHECK(*clv.cac == 100.0);
  CHECK(*clv.clv_cac == Approx(2.7055));
  // No margin and no profit column: no profit form.
  CHECK(clv.basis == cxkpi::profit_basis::none);
  CHECK_FALSE(clv.profit_per_order);
  CHECK_FALSE(clv.clv_profit);
  CHECK(cxkpi::days_per_month == 30.436875);
}

TEST_CASE("the window comes from --from/--to when given") {
  // Both bounds: [2025-01-01, 2025-04-01) = 90 days, whatever the order dates.
  const auto both = compute_clv(acceptance_orders({d(2025, 1, 1), d(2025, 4, 1)}).result(), {});
  CHECK(*both.window_days == 90.0);
  // Only from = 2024-12-01: to the day after the last order, 2025-04-01: 31 + 90 = 121 days.
  const auto from_only = compute_clv(acceptance_orders({d(2024, 12, 1), std::nullopt}).result(), {});
  CHECK(*from_only.window_days == 121.0);
  // Only to = 2025-06-01: from the first order, 2025-01-01: 90 + 30 (April) + 31 (May) = 151 days.
  const auto to_only = compute_clv(acceptance_orders({std::nullopt, d(2025, 6, 1)}).result(), {});
  CHECK(*to_only.window_days == 151.0);
  // Frequency over 151 days: 2 × 30.436875 / 151 = 60.87375 / 151 = 0.403137.
  CHECK(*to_only.frequency_per_month == Approx(2 * 30.436875 / 151));
}

TEST_CASE("the duration rule") {
  const auto rule_for = [](clv_options options) { return cxkpi::relationship_duration(options); };
  clv_options o;
  // Nothing known: the lifetime is unbounded, so the horizon, 36 months.
  CHECK(rule_for(o).months == 36.0);
  CHECK(rule_for(o).rule == duration_rule::horizon_cap);
  // Churn 5% a month: 1 / 0.05 = 20 months.
  o.monthly_churn_percent = 5;
  CHECK(rule_for(o).months == 20.0);
  CHECK(rule_for(o).rule == duration_rule::churn);
  // Churn 2%: 1 / 0.02 = 50 months, capped at 36.
  o.monthly_churn_percent = 2;
  CHECK(rule_for(o).months == 36.0);
  CHECK(rule_for(o).rule == duration_rule::horizon_cap);
  // ... or at a horizon of 24.
  o.horizon_months = 24;
  CHECK(rule_for(o).months == 24.0);
  // Churn 0: 1 / 0 is unbounded, capped.
  o.monthly_churn_percent = 0;
  CHECK(rule_for(o).months == 24.0);
  CHECK(rule_for(o).rule == duration_rule::horizon_cap);
  // A lifespan wins over churn, and is capped too.
  o.monthly_churn_percent = 5;
  o.lifespan_months = 18;
  CHECK(rule_for(o).months == 18.0);
  CHECK(rule_for(o).rule == duration_rule::lifespan);
  o.lifespan_months = 48;
  CHECK(rule_for(o).months == 24.0);
  CHECK(rule_for(o).rule == duration_rule::horizon_cap);
  // Exactly the horizon is not a cap.
  o.lifespan_months = 24;
  CHECK(rule_for(o).rule == duration_rule::lifespan);

  CHECK(cxkpi::to_string(duration_rule::lifespan) == "lifespan");
  CHECK(cxkpi::to_string(duration_rule::churn) == "churn");
  CHECK(cxkpi::to_string(duration_rule::horizon_cap) == "horizon_cap");
}

TEST_CASE("churn feeds the duration") {
  clv_options options;
  options.monthly_churn_percent = 5;
  const auto clv = compute_clv(acceptance_orders().result(), options);
  // CLV = (200 / 3) × (30.436875 / 90) × 20 = (200 / 3) × 6.76375 = 1352.75 / 3 = 450.9167.
  CHECK(clv.duration.rule == duration_rule::churn);
  CHECK(*clv.clv == Approx(200.0 / 3 * 30.436875 / 90 * 20));
  CHECK(*clv.clv == Approx(450.9167).epsilon(1e-6));
}

TEST_CASE("profit from a profit column") {
  order_accumulator orders;
  // A: 10 (profit 2), 30 (profit 6); B: 20 (profit -1).
  orders.add("A", d(2025, 1, 1), money("10"), money("2"));
  orders.add("A", d(2025, 1, 2), money("30"), money("6"));
  orders.add("B", d(2025, 1, 3), money("20"), cxkpi::parse_money("-1", {cxkpi::decimal_mark::point, true}).micros);
  const auto clv = compute_clv(orders.result(), {});
  // W = (2 + 6 - 1) / 3 = 7 / 3 = 2.333; A = 3 / 2 = 1.5; W × A = 3.5.
  CHECK(clv.basis == cxkpi::profit_basis::profit_column);
  CHECK(*clv.profit_per_order == Approx(7.0 / 3));
  CHECK(*clv.clv_profit == Approx(3.5));
  // A margin wins over the column: W = 0.5 × (60 / 3) = 10; W × A = 15.
  clv_options options;
  options.margin = 0.5;
  const auto with_margin = compute_clv(orders.result(), options);
  CHECK(with_margin.basis == cxkpi::profit_basis::margin);
  CHECK(*with_margin.clv_profit == 15.0);
  CHECK(cxkpi::to_string(cxkpi::profit_basis::profit_column) == "profit_column");
}

TEST_CASE("empty or undated orders give no CLV, never NaN") {
  clv_options options;
  options.margin = 0.25;
  options.cac = 10;
  const auto empty = compute_clv(order_accumulator().result(), options);
  CHECK(empty.customers == 0);
  CHECK_FALSE(empty.aov);
  CHECK_FALSE(empty.window_days);
  CHECK_FALSE(empty.frequency_per_month);
  CHECK_FALSE(empty.clv);
  CHECK_FALSE(empty.clv_profit);
  CHECK_FALSE(empty.clv_cac);
  CHECK(empty.duration.months == 36.0);

  // Orders without dates: AOV and the profit form exist; frequency needs a window.
  order_accumulator undated;
  undated.add_undated("A", money("10"));
  undated.add_undated("A", money("30"));
  const auto clv = compute_clv(undated.result(), options);
  CHECK(*clv.aov == 20.0);
  CHECK_FALSE(clv.frequency_per_month);
  CHECK_FALSE(clv.clv);
  CHECK(*clv.clv_profit == 10.0);  // 0.25 × 20 × 2
}

TEST_CASE("options out of range are refused") {
  const auto result = order_accumulator().result();
  const auto refuses = [&](clv_options options) {
    CHECK_THROWS_AS(compute_clv(result, options), std::invalid_argument);
  };
  clv_options o;
  o.lifespan_months = 0;
  refuses(o);
  o = {};
  o.monthly_churn_percent = 101;
  refuses(o);
  o = {};
  o.monthly_churn_percent = -1;
  refuses(o);
  o = {};
  o.horizon_months = 0;
  refuses(o);
  o = {};
  o.horizon_months = std::numeric_limits<double>::quiet_NaN();
  refuses(o);
  o = {};
  o.margin = 1.5;
  refuses(o);
  o = {};
  o.cac = 0;
  refuses(o);
}
