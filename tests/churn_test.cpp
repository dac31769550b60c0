// Churn from subscriptions, from counts and from a flag.
#include <catch2/catch.hpp>

#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "cxkpi/churn.hpp"

using cxkpi::date;
using cxkpi::period_kind;
using cxkpi::subscription_churn;

namespace {

date d(int year, int month, int day) { return *cxkpi::make_date(year, month, day); }

struct expected_period {
  const char* key;
  std::uint64_t at_start, lost, added;
};

void check_periods(const cxkpi::churn_series& series, const std::vector<expected_period>& expected) {
  REQUIRE(series.periods.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& got = series.periods[i];
    INFO("period " << expected[i].key);
    CHECK(got.key == expected[i].key);
    CHECK(got.figures.customers_at_start == expected[i].at_start);
    CHECK(got.figures.lost == expected[i].lost);
    CHECK(got.figures.new_customers == expected[i].added);
  }
}

// The hand-built fixture. Each line: customer, start, end (inclusive; none = still active).
//   A  2024-11-15 ..            still active
//   B  2024-12-10 .. 2025-02-01 leaves on the first day of a month
//   C  2025-01-05 .. 2025-01-20 joins and leaves in the same month
//   D  2024-12-01 .. 2025-02-15 and 2025-01-10 .. 2025-03-10: two overlapping rows,
//                               merged into 2024-12-01 .. 2025-03-10
//   E  2025-01-31 .. 2025-03-31 leaves on the last day of a month
//   F  2024-10-01 .. 2025-01-31
//   G  2024-12-05 .. 2025-01-31 and 2025-02-01 .. : a renewal the next day,
//                               merged into 2024-12-05 .. (never lost, never new twice)
//   H  2024-11-01 .. 2025-01-10 and 2025-03-05 .. : a gap, so lost in January and new in March
//   I  2025-02-01 ..            starts on the first day of a month
subscription_churn fixture() {
  subscription_churn churn;
  churn.add("A", d(2024, 11, 15), std::nullopt);
  churn.add("B", d(2024, 12, 10), d(2025, 2, 1));
  churn.add("C", d(2025, 1, 5), d(2025, 1, 20));
  churn.add("D", d(2025, 1, 10), d(2025, 3, 10));  // the later row first: order must not matter
  churn.add("D", d(2024, 12, 1), d(2025, 2, 15));
  churn.add("E", d(2025, 1, 31), d(2025, 3, 31));
  churn.add("F", d(2024, 10, 1), d(2025, 1, 31));
  churn.add("G", d(2024, 12, 5), d(2025, 1, 31));
  churn.add("G", d(2025, 2, 1), std::nullopt);
  churn.add("H", d(2025, 3, 5), std::nullopt);
  churn.add("H", d(2024, 11, 1), d(2025, 1, 10));
  churn.add("I", d(2025, 2, 1), std::nullopt);
  return churn;
}

}  // namespace

TEST_CASE("issue 3 acceptance: churn per month of the hand-built fixture") {
  const auto churn = fixture();
  CHECK(churn.customers() == 9);
  // Active at the start s: start < s and end >= s (merged rows). Lost: active at s, end in [s, e).
  // New: a (merged) row starts in [s, e).
  //
  // January [01-01, 02-01):
  //   at start: A, B, D, F, G, H = 6 (C, E start in January; I in February)
  //   lost:     F (ends 01-31), H (ends 01-10) = 2
  //   new:      C (01-05), E (01-31) = 2 (D's second row starts 01-10 but merges into a row from December)
  //   churn 100 × 2 / 6 = 33.33%, acquisition 100 × 2 / 6 = 33.33%
  // February [02-01, 03-01):
  //   at start: A, B (end 02-01 >= 02-01), D, E (start 01-31 < 02-01), G = 5
  //             (F ended 01-31; H is in its gap; I starts 02-01, not before it)
  //   lost:     B (02-01) = 1 (D's first row ends 02-15, but the merged row runs to 03-10)
  //   new:      I (02-01) = 1 (G's renewal on 02-01 is merged)
  //   churn 100 × 1 / 5 = 20%, acquisition 20%
  // March [03-01, 04-01):
  //   at start: A, D, E, G, I = 5
  //   lost:     D (03-10), E (03-31) = 2
  //   new:      H (03-05, back after the gap) = 1
  //   churn 100 × 2 / 5 = 40%, acquisition 100 × 1 / 5 = 20%
  // April [04-01, 05-01):
  //   at start: A, G, H, I = 4; lost 0; new 0; churn 0%, acquisition 0%
  // Overall: Σ lost / Σ at start = (2 + 1 + 2 + 0) / (6 + 5 + 5 + 4) = 5 / 20 = 25%;
  //   mean of the rates (33.333 + 20 + 40 + 0) / 4 = 23.333%; acquisition (2 + 1 + 1 + 0) / 20 = 20%.
  const auto series = churn.result(period_kind::month, d(2025, 1, 1), d(2025, 5, 1));
  check_periods(series, {{"2025-01", 6, 2, 2}, {"2025-02", 5, 1, 1}, {"2025-03", 5, 2, 1}, {"2025-04", 4, 0, 0}});
  CHECK(*series.periods[0].figures.churn_percent == Approx(100.0 / 3));
  CHECK(*series.periods[0].figures.acquisition_percent == Approx(100.0 / 3));
  CHECK(*series.periods[1].figures.churn_percent == 20.0);
  CHECK(*series.periods[1].figures.acquisition_percent == 20.0);
  CHECK(*series.periods[2].figures.churn_percent == 40.0);
  CHECK(*series.periods[2].figures.acquisition_percent == 20.0);
  CHECK(*series.periods[3].figures.churn_percent == 0.0);
  CHECK(series.periods[0].span.start == d(2025, 1, 1));
  CHECK(series.periods[3].span.end == d(2025, 5, 1));
  CHECK(series.kind == period_kind::month);
  CHECK(series.customers == 9);

  const auto& all = series.overall;
  CHECK(all.periods == 4);
  CHECK(all.rated_periods == 4);
  CHECK(all.customer_periods == 20);
  CHECK(all.lost == 5);
  CHECK(all.new_customers == 4);
  CHECK(*all.churn_percent == 25.0);
  CHECK(*all.mean_churn_percent == Approx(70.0 / 3));  // 93.333 / 4 = 23.333
  CHECK(*all.acquisition_percent == 20.0);
}

TEST_CASE("the default series runs over the data's own range") {
  // From the month of the earliest start (F, 2024-10-01) to the month of the latest
  // date in any row (E ends 2025-03-31): October 2024 to March 2025.
  // October: at start 0 (F starts 10-01, not before it); new F = 1; no rate.
  // November: at start F = 1; new A (11-15), H (11-01) = 2; lost 0: churn 0%, acquisition 200%.
  // December: at start F, A, H = 3 (D starts 12-01, not before it); new B, D, G = 3; churn 0%, acq. 100%.
  // January to March as in the acceptance case.
  // Overall: Σ lost 0 + 0 + 0 + 2 + 1 + 2 = 5 over Σ at start 0 + 1 + 3 + 6 + 5 + 5 = 20: 25%.
  //   Mean of the 5 defined rates (0 + 0 + 33.333 + 20 + 40) / 5 = 18.667%.
  //   Acquisition (1 + 2 + 3 + 2 + 1 + 1) / 20 = 10 / 20 = 50%.
  const auto churn = fixture();
  CHECK(churn.first_date() == d(2024, 10, 1));
  CHECK(churn.last_date() == d(2025, 3, 31));
  const auto series = churn.result();
  check_periods(series, {{"2024-10", 0, 0, 1},
                         {"2024-11", 1, 0, 2},
                         {"2024-12", 3, 0, 3},
                         {"2025-01", 6, 2, 2},
                         {"2025-02", 5, 1, 1},
                         {"2025-03", 5, 2, 1}});
  CHECK_FALSE(series.periods[0].figures.churn_percent);
  CHECK_FALSE(series.periods[0].figures.acquisition_percent);
  CHECK(*series.periods[1].figures.acquisition_percent == 200.0);
  CHECK(series.overall.periods == 6);
  CHECK(series.overall.rated_periods == 5);
  CHECK(*series.overall.churn_percent == 25.0);
  CHECK(*series.overall.mean_churn_percent == Approx(56.0 / 3));  // 93.333 / 5 = 18.667
  CHECK(*series.overall.acquisition_percent == 50.0);
}

TEST_CASE("quarters and years count a customer once per period") {
  const auto churn = fixture();
  // Q1 2025 [01-01, 04-01): at start A, B, D, F, G, H = 6.
  //   lost: B (02-01), D (03-10), F (01-31), H (01-10) = 4; A, G, I have no end; E was not there at 01-01.
  //   new: C (01-05), E (01-31), I (02-01), H (03-05, after its gap) = 4: H is lost and new in one quarter.
  //   churn 100 × 4 / 6 = 66.67%, acquisition 66.67%.
  const auto q1 = churn.result(period_kind::quarter, d(2025, 1, 1), d(2025, 4, 1));
  check_periods(q1, {{"2025-Q1", 6, 4, 4}});
  CHECK(*q1.periods[0].figures.churn_percent == Approx(200.0 / 3));

  // Years: 2024 has nobody at its start and 6 new (F, A, H, B, D, G);
  //   2025 has the same 6 at start, lost B, D, F, H = 4 and new C, E, I, H = 4.
  const auto years = churn.result(period_kind::year, d(2024, 6, 1), d(2025, 6, 1));
  check_periods(years, {{"2024", 0, 0, 6}, {"2025", 6, 4, 4}});
  CHECK(*years.overall.churn_percent == Approx(200.0 / 3));  // 4 / 6
}

TEST_CASE("rows that are invalid, single-day or outside the range") {
  subscription_churn churn;
  CHECK_FALSE(churn.add("X", d(2025, 3, 2), d(2025, 3, 1)));  // ends before it starts
  CHECK(churn.customers() == 0);
  CHECK(churn.add("Y", d(2025, 3, 2), d(2025, 3, 2)));  // one day: new in March, never at a start
  CHECK(churn.add("Z", d(2020, 1, 1), d(2020, 6, 1)));  // entirely before the range
  const auto series = churn.result(period_kind::month, d(2025, 3, 1), d(2025, 5, 1));
  check_periods(series, {{"2025-03", 0, 0, 1}, {"2025-04", 0, 0, 0}});
  CHECK_FALSE(series.overall.churn_percent);
  CHECK_FALSE(series.overall.mean_churn_percent);
  CHECK(series.overall.customer_periods == 0);
}

TEST_CASE("empty input and empty ranges are defined") {
  const subscription_churn churn;
  CHECK_FALSE(churn.first_date());
  const auto series = churn.result();
  CHECK(series.periods.empty());
  CHECK(series.customers == 0);
  CHECK(series.overall.periods == 0);
  CHECK_FALSE(series.overall.churn_percent);
  CHECK(fixture().result(period_kind::month, d(2025, 5, 1), d(2025, 1, 1)).periods.empty());
}

TEST_CASE("churn from plain counts") {
  // --start-count 1000 --lost 50 --new 30: churn 100 × 50 / 1000 = 5%, acquisition 100 × 30 / 1000 = 3%.
  const auto figures = cxkpi::churn_from_counts(1000, 50, 30);
  CHECK(figures.customers_at_start == 1000);
  CHECK(*figures.churn_percent == 5.0);
  CHECK(*figures.acquisition_percent == 3.0);
  CHECK(*cxkpi::churn_from_counts(8, 1).acquisition_percent == 0.0);
  CHECK(*cxkpi::churn_from_counts(8, 1).churn_percent == 12.5);  // 100 × 1 / 8
  CHECK_FALSE(cxkpi::churn_from_counts(0, 0).churn_percent);
  CHECK_THROWS_AS(cxkpi::churn_from_counts(10, 11), std::invalid_argument);
}

TEST_CASE("churn flags") {
  for (const char* yes : {"Yes", "yes", "YES", "y", "True", "true", "1", " Yes "}) CHECK(cxkpi::parse_churn_flag(yes) == true);
  for (const char* no : {"No", "no", "n", "FALSE", "false", "0"}) CHECK(cxkpi::parse_churn_flag(no) == false);
  for (const char* bad : {"", "maybe", "2", "yess", "churned", "nope!"}) CHECK_FALSE(cxkpi::parse_churn_flag(bad));
}

TEST_CASE("snapshot churn from a flag, and its merge") {
  cxkpi::snapshot_churn a, b;
  CHECK_FALSE(a.result().churn_percent);  // empty: no rate
  a.add(true);
  a.add(false);
  b.add(false);
  b.add(false);
  a.merge(b);
  const auto r = a.result();
  CHECK(r.customers == 4);
  CHECK(r.churned == 1);
  CHECK(*r.churn_percent == 25.0);  // 100 × 1 / 4
}

TEST_CASE("real data: Telco customer churn snapshot") {
  // One row per customer, 21 fields, `Churn` last. No field is quoted:
  //   grep -c '"' Telco-Customer-Churn.csv                             → 0
  // so a plain split on ',' is exact. LF line ends, no BOM. Expected:
  //   awk -F, 'NR>1 && $21=="Yes"' Telco-Customer-Churn.csv | wc -l    → 1869
  //   awk -F, 'NR>1' Telco-Customer-Churn.csv | wc -l                  → 7043
  // Churn = 100 × 1869 / 7043 = 26.537%.
  std::ifstream in(CXKPI_SHARED_DATA "/telco-churn/Telco-Customer-Churn.csv");
  REQUIRE(in);
  const auto split = [](const std::string& line) {
    std::vector<std::string> fields(1);
    for (char c : line) {
      if (c == ',') fields.emplace_back();
      else fields.back() += c;
    }
    return fields;
  };
  std::string line;
  std::getline(in, line);
  const auto header = split(line);
  std::size_t column = header.size();
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == "Churn") column = i;
  REQUIRE(column == 20);
  cxkpi::snapshot_churn churn;
  std::uint64_t bad_rows = 0;
  while (std::getline(in, line)) {
    const auto fields = split(line);
    const auto flag = fields.size() == header.size() ? cxkpi::parse_churn_flag(fields[column]) : std::nullopt;
    if (flag) churn.add(*flag);
    else ++bad_rows;
  }
  const auto r = churn.result();
  CHECK(bad_rows == 0);
  CHECK(r.customers == 7043);
  CHECK(r.churned == 1869);
  CHECK(*r.churn_percent == Approx(26.537).margin(0.001));
}

namespace {

// The churn rule restated on days, independently of the accumulator: mark the
// days each customer's rows cover; a customer is active at the start of day s
// when days s-1 and s are both covered (one run through midnight), lost in
// [s, e) when also the run through s ends on a day in [s, e), new when a run
// starts on a day in [s, e).
struct day_model {
  static constexpr int margin = 200;                // days before `base` that exist too
  static constexpr int size = 1200;                 // days from `base` - margin
  std::vector<std::vector<bool>> covered;           // per customer

  void add(int customer, int start, std::optional<int> end) {
    if (covered.size() <= static_cast<std::size_t>(customer)) covered.resize(static_cast<std::size_t>(customer) + 1, std::vector<bool>(size, false));
    for (int day = start; day <= (end ? *end : size - margin - 2); ++day)  // the last day stays uncovered
      covered[static_cast<std::size_t>(customer)][static_cast<std::size_t>(day + margin)] = true;
  }

  expected_period figures(int s, int e) const {
    expected_period out{"", 0, 0, 0};
    for (const auto& days : covered) {
      if (days.empty()) continue;
      const auto at = [&days](int day) { return days[static_cast<std::size_t>(day + margin)]; };
      if (at(s - 1) && at(s)) {
        ++out.at_start;
        int last = s;
        while (at(last + 1)) ++last;
        if (last < e) ++out.lost;
      }
      for (int day = s; day < e; ++day)
        if (at(day) && !at(day - 1)) {
          ++out.added;
          break;
        }
    }
    return out;
  }
};

}  // namespace

TEST_CASE("churn matches the rule restated on days, and merge equals one pass") {
  std::mt19937_64 random(7);
  const date base = d(2024, 1, 1);
  for (int round = 0; round < 40; ++round) {
    struct row {
      int customer, start;
      std::optional<int> end;
    };
    std::vector<row> rows;
    const int customers = 1 + static_cast<int>(random() % 30);
    const int count = static_cast<int>(random() % 120);
    for (int i = 0; i < count; ++i) {
      const int start = 10 + static_cast<int>(random() % 500);
      std::optional<int> end;
      if (random() % 5) end = start + static_cast<int>(random() % (random() % 2 ? 10 : 150));
      rows.push_back({static_cast<int>(random() % static_cast<unsigned>(customers)), start, end});
    }
    day_model model;
    subscription_churn whole;
    const std::size_t parts = 1 + random() % 3;
    std::vector<subscription_churn> split(parts);
    for (const auto& r : rows) {
      const std::string id = "customer " + std::to_string(r.customer);
      const auto end = r.end ? std::optional<date>(cxkpi::add_days(base, *r.end)) : std::nullopt;
      model.add(r.customer, r.start, r.end);
      whole.add(id, cxkpi::add_days(base, r.start), end);
      split[random() % parts].add(id, cxkpi::add_days(base, r.start), end);
    }
    subscription_churn merged;
    for (const auto& part : split) merged.merge(part);

    for (const auto kind : {period_kind::month, period_kind::week, period_kind::quarter}) {
      const auto series = whole.result(kind, cxkpi::add_days(base, 40), cxkpi::add_days(base, 600));
      const auto again = merged.result(kind, cxkpi::add_days(base, 40), cxkpi::add_days(base, 600));
      REQUIRE(series.periods.size() == again.periods.size());
      std::uint64_t lost = 0, at_start = 0;
      for (std::size_t i = 0; i < series.periods.size(); ++i) {
        const auto& p = series.periods[i];
        const auto want = model.figures(p.span.start.days - base.days, p.span.end.days - base.days);
        INFO("round " << round << " period " << p.key);
        CHECK(p.figures.customers_at_start == want.at_start);
        CHECK(p.figures.lost == want.lost);
        CHECK(p.figures.new_customers == want.added);
        CHECK(again.periods[i].figures.customers_at_start == want.at_start);
        CHECK(again.periods[i].figures.lost == want.lost);
        CHECK(again.periods[i].figures.new_customers == want.added);
        lost += want.lost;
        at_start += want.at_start;
      }
      CHECK(series.overall.lost == lost);
      CHECK(series.overall.customer_periods == at_start);
      CHECK(series.overall.churn_percent == again.overall.churn_percent);
      CHECK(series.overall.mean_churn_percent == again.overall.mean_churn_percent);
    }
    CHECK(whole.customers() == merged.customers());
    CHECK(whole.first_date() == merged.first_date());
    CHECK(whole.last_date() == merged.last_date());
  }
}
