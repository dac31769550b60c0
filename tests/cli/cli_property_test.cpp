// Nothing lost, as a property (issue 7): random survey exports with random bad
// cells and bad dates mixed in, generated here from fixed seeds. For each:
//  - rows read = used + skipped, by reason, overall and for every KPI, and the
//    reasons are exactly the bad cells the generator wrote;
//  - NPS, CSAT and CES (and their n) equal the values computed here from the
//    good cells alone, overall and per month with --period month;
//  - the JSON output is byte-identical whether the rows come as one CSV, as
//    several CSV files, as JSON Lines, as a JSON array, or as a mix of CSV and
//    JSON Lines parts.

#include "run_cxkpi.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace {

using nlohmann::json;

enum kpi_index { nps_i = 0, csat_i = 1, ces_i = 2 };
constexpr std::array<const char*, 3> kpi_names = {"nps", "csat", "ces"};
constexpr std::array<const char*, 3> column_names = {"nps", "csat", "ces"};
constexpr std::array<std::pair<int, int>, 3> scales = {{{0, 10}, {1, 5}, {1, 7}}};

struct cell {
  std::string text;            // as written in CSV
  json value;                  // as written in JSON (absent when `absent`)
  bool absent = false;         // JSON only: the key left out (never in a file's first object)
  std::optional<int> score;    // the score a reader must find, if good
  std::string reason;          // the skip reason otherwise
};

struct survey_row {
  std::string id;
  std::string region;
  std::string date;
  std::string date_reason;     // bad_date, missing_date, or empty
  std::string month;           // 2025-01 .. for good dates
  std::array<cell, 3> cells;
};

cell make_cell(std::mt19937& rng, int low, int high, bool allow_absent) {
  std::uniform_int_distribution<int> pick(0, 99);
  std::uniform_int_distribution<int> value_of(low, high);
  const int kind = pick(rng);
  const int v = value_of(rng);
  cell c;
  if (kind < 70) {  // good, in one of the forms exports use
    c.score = v;
    switch (pick(rng) % 5) {
      case 0: c.text = std::to_string(v); c.value = v; break;
      case 1: c.text = std::to_string(v); c.value = std::to_string(v); break;
      case 2: c.text = " " + std::to_string(v) + " "; c.value = c.text; break;
      case 3: c.text = std::to_string(v) + ".0"; c.value = json::parse(c.text); break;
      default: c.text = std::to_string(v) + " - label"; c.value = c.text; break;
    }
    return c;
  }
  if (kind < 78) {
    c.reason = "missing";
    c.text = "";
    c.value = pick(rng) % 2 == 0 ? json(nullptr) : json("");
    c.absent = allow_absent && pick(rng) % 2 == 0;
  } else if (kind < 86) {
    c.reason = "not_a_number";
    static const char* words[] = {"abc", "n/a", "NaN", "inf", "1e309", "--", "x9"};
    c.text = words[pick(rng) % 7];
    c.value = c.text;
  } else if (kind < 93) {
    c.reason = "not_integer";
    c.text = std::to_string(v) + ".5";
    c.value = pick(rng) % 2 == 0 ? json::parse(c.text) : json(c.text);
  } else {
    c.reason = "off_scale";
    const int off = pick(rng) % 2 == 0 ? high + 1 + pick(rng) % 5 : low - 1 - pick(rng) % 5;
    c.text = std::to_string(off);
    c.value = off;
  }
  return c;
}

std::vector<survey_row> make_rows(std::uint32_t seed, std::size_t count) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> pick(0, 99);
  static const char* regions[] = {"North", "South", "East", "West"};
  std::vector<survey_row> rows;
  for (std::size_t i = 0; i < count; ++i) {
    survey_row r;
    r.id = "R" + std::to_string(i + 1);
    r.region = regions[pick(rng) % 4];
    const int d = pick(rng);
    if (d < 90) {
      const int month = 1 + pick(rng) % 3, day = 1 + pick(rng) % 28;
      char text[32];
      std::snprintf(text, sizeof text, pick(rng) % 2 ? "2025-%02d-%02d" : "2025-%02d-%02dT10:00:00Z", month, day);
      r.date = text;
      std::snprintf(text, sizeof text, "2025-%02d", month);
      r.month = text;
    } else if (d < 95) {
      r.date = pick(rng) % 2 ? "2025-02-30" : "soon";
      r.date_reason = "bad_date";
    } else {
      r.date_reason = "missing_date";
    }
    for (int k = 0; k < 3; ++k) r.cells[k] = make_cell(rng, scales[k].first, scales[k].second, true);
    rows.push_back(std::move(r));
  }
  return rows;
}

// --- writing the rows in several layouts ------------------------------------------

void write_csv(const std::string& path, const std::vector<survey_row>& rows, std::size_t from, std::size_t to) {
  std::ofstream f(path, std::ios::binary);
  f << "response_id,region,submitted_at,nps,csat,ces\n";
  for (std::size_t i = from; i < to; ++i) {
    const survey_row& r = rows[i];
    f << r.id << ',' << r.region << ',' << r.date;
    for (const cell& c : r.cells) f << ',' << c.text;
    f << '\n';
  }
}

json to_object(const survey_row& r, bool first_in_file) {
  json o = json::object();
  o["response_id"] = r.id;
  o["region"] = r.region;
  o["submitted_at"] = r.date.empty() ? json(nullptr) : json(r.date);
  for (int k = 0; k < 3; ++k) {
    const cell& c = r.cells[k];
    if (c.absent && !first_in_file) continue;  // the first object names the columns
    o[column_names[k]] = c.value;
  }
  return o;
}

void write_jsonl(const std::string& path, const std::vector<survey_row>& rows, std::size_t from, std::size_t to) {
  std::ofstream f(path, std::ios::binary);
  for (std::size_t i = from; i < to; ++i) f << to_object(rows[i], i == from).dump() << '\n';
}

void write_json_array(const std::string& path, const std::vector<survey_row>& rows) {
  std::ofstream f(path, std::ios::binary);
  f << "[\n";
  for (std::size_t i = 0; i < rows.size(); ++i) f << (i ? ",\n  " : "  ") << to_object(rows[i], i == 0).dump(2);
  f << "\n]\n";
}

// --- what the output must say --------------------------------------------------------

struct expected_kpi {
  std::map<int, std::uint64_t> counts;  // score -> answers
  std::map<std::string, std::uint64_t> skipped;
  std::uint64_t n() const {
    std::uint64_t total = 0;
    for (const auto& [score, count] : counts) total += count;
    return total;
  }
  double value(int k) const {
    const double total = static_cast<double>(n());
    double sum = 0, promoters = 0, detractors = 0, satisfied = 0;
    for (const auto& [score, count] : counts) {
      sum += static_cast<double>(score) * static_cast<double>(count);
      if (score >= 9) promoters += static_cast<double>(count);
      if (score <= 6) detractors += static_cast<double>(count);
      if (score >= 4) satisfied += static_cast<double>(count);
    }
    if (k == nps_i) return 100.0 * (promoters - detractors) / total;
    if (k == csat_i) return 100.0 * satisfied / total;
    return sum / total;
  }
};

struct expected_report {
  std::array<expected_kpi, 3> all;
  std::map<std::string, std::array<expected_kpi, 3>> by_month;
  std::uint64_t used = 0;
  std::map<std::string, std::uint64_t> skipped;
};

expected_report expect(const std::vector<survey_row>& rows, bool by_period) {
  expected_report e;
  for (const survey_row& r : rows) {
    if (by_period && !r.date_reason.empty()) {
      ++e.skipped[r.date_reason];
      for (auto& k : e.all) ++k.skipped[r.date_reason];
      continue;
    }
    bool used = false;
    std::string first_reason;
    for (int k = 0; k < 3; ++k) {
      const cell& c = r.cells[k];
      std::vector<expected_kpi*> targets{&e.all[k]};
      if (by_period) targets.push_back(&e.by_month[r.month][k]);
      for (expected_kpi* t : targets) {
        if (c.score) ++t->counts[*c.score];
        else ++t->skipped[c.reason];
      }
      if (c.score) used = true;
      else if (first_reason.empty()) first_reason = c.reason;
    }
    if (used) ++e.used;
    else ++e.skipped[first_reason];
  }
  return e;
}

void check_accounting(const json& rows, std::uint64_t used, const std::map<std::string, std::uint64_t>& skipped) {
  std::uint64_t skipped_total = 0;
  for (const auto& [reason, count] : skipped) skipped_total += count;
  CHECK(rows["used"].get<std::uint64_t>() == used);
  CHECK(rows["skipped"].get<std::uint64_t>() == skipped_total);
  CHECK(rows["read"].get<std::uint64_t>() == used + skipped_total);
  CHECK(rows["skipped_by_reason"].get<std::map<std::string, std::uint64_t>>() == skipped);
}

void check_kpi(const json& row, int k, const expected_kpi& want) {
  INFO("kpi " << kpi_names[k] << (row.contains("period") ? " period " + row["period"].get<std::string>() : ""));
  REQUIRE(want.n() > 0);
  CHECK(row["n"].get<std::uint64_t>() == want.n());
  CHECK(row["value"].get<double>() == Approx(want.value(k)).epsilon(1e-12).margin(1e-9));
  check_accounting(row["rows"], want.n(), want.skipped);
}

void check_report(const json& report, const expected_report& e, std::size_t rows, bool by_period) {
  check_accounting(report["rows"], e.used, e.skipped);
  CHECK(report["rows"]["read"].get<std::uint64_t>() == rows);  // every generated row is read
  std::size_t seen_months = 0;
  for (const json& row : report["kpis"]) {
    const std::string kpi = row["kpi"];
    const int k = kpi == "nps" ? nps_i : kpi == "csat" ? csat_i : ces_i;
    REQUIRE(!row.contains("segment"));
    if (!row.contains("period")) {
      check_kpi(row, k, e.all[k]);
    } else {
      REQUIRE(by_period);
      const auto month = e.by_month.find(row["period"].get<std::string>());
      REQUIRE(month != e.by_month.end());
      check_kpi(row, k, month->second[k]);
      ++seen_months;
    }
  }
  CHECK(seen_months == (by_period ? 3 * e.by_month.size() : 0));
}

std::string quoted(const std::vector<std::string>& paths) {
  std::string out;
  for (const std::string& p : paths) out += " '" + p + "'";
  return out;
}

// One random export: checked in every layout, without and with --period.
void check_seed(std::uint32_t seed) {
  {
    std::mt19937 rng(seed * 7919U);
    const std::size_t count = 300 + rng() % 900;
    const std::vector<survey_row> rows = make_rows(seed, count);
    const std::string dir = scratch_dir();
    const std::string base = dir + "/prop" + std::to_string(seed);

    // Cut points for the split layouts: 2-4 non-empty parts.
    std::vector<std::size_t> cuts{0};
    const std::size_t parts = 2 + rng() % 3;
    for (std::size_t p = 1; p < parts; ++p) cuts.push_back(cuts.back() + 1 + rng() % (count / parts));
    cuts.push_back(count);

    std::map<std::string, std::vector<std::string>> layouts;
    write_csv(base + ".csv", rows, 0, count);
    layouts["one CSV"] = {base + ".csv"};
    write_jsonl(base + ".jsonl", rows, 0, count);
    layouts["JSON Lines"] = {base + ".jsonl"};
    write_json_array(base + ".json", rows);
    layouts["JSON array"] = {base + ".json"};
    for (std::size_t p = 0; p + 1 < cuts.size(); ++p) {
      const std::string csv = base + "-part" + std::to_string(p) + ".csv";
      write_csv(csv, rows, cuts[p], cuts[p + 1]);
      layouts["CSV parts"].push_back(csv);
      const std::string mixed = base + "-mixed" + std::to_string(p) + (p % 2 ? ".jsonl" : ".csv");
      if (p % 2) write_jsonl(mixed, rows, cuts[p], cuts[p + 1]);
      else write_csv(mixed, rows, cuts[p], cuts[p + 1]);
      layouts["CSV and JSON Lines parts"].push_back(mixed);
    }

    for (const bool by_period : {false, true}) {
      const expected_report want = expect(rows, by_period);
      std::string reference_output;
      for (const auto& [layout, paths] : layouts) {
        INFO("seed " << seed << ", " << count << " rows, layout: " << layout
                     << (by_period ? ", --period month" : ""));
        const run_result r =
            run_cxkpi("survey" + quoted(paths) + " --format json -q" + (by_period ? " --period month" : ""));
        INFO("stderr: " << r.err);
        REQUIRE(r.exit_code == 0);
        check_report(json::parse(r.out), want, count, by_period);
        if (reference_output.empty()) reference_output = r.out;
        CHECK(r.out == reference_output);  // byte for byte, whatever the layout
      }
    }
  }
}

}  // namespace

// Each seed is its own test case, so that CTest can run them side by side.
TEST_CASE("nothing lost, seed 1: accounting, KPIs from the good rows alone, any split or format", "[property]") {
  check_seed(1);
}
TEST_CASE("nothing lost, seed 42: accounting, KPIs from the good rows alone, any split or format", "[property]") {
  check_seed(42);
}
TEST_CASE("nothing lost, seed 2025: accounting, KPIs from the good rows alone, any split or format", "[property]") {
  check_seed(2025);
}
