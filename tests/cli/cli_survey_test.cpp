// End-to-end tests of cxkpi nps / csat / ces / survey (issue 2's acceptance).

#include "run_cxkpi.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using Catch::Detail::Approx;
using nlohmann::json;

TEST_CASE("nps on the ten answers gives the hand-computed figures", "[cli][nps]") {
  // tests/data/survey/ten.csv: NPS answers 10,10,9,9,9,8,7,6,3,0 plus a row
  // with "n/a". By hand (see nps_test.cpp): NPS 20, 5/2/3, SE 27.57,
  // interval [-34.03, 74.03], band "favorable" (20 is the lower bound of
  // SPEC.md's 20-50 band).
  auto r = run_cxkpi("nps '" + data("survey/ten.csv") + "' --format json");
  REQUIRE(r.exit_code == 0);
  auto j = json::parse(r.out);
  auto k = j["kpis"][0];
  CHECK(k["kpi"] == "nps");
  CHECK(k["value"].get<double>() == Approx(20.0));
  CHECK(k["n"] == 10);
  CHECK(k["promoters"] == 5);
  CHECK(k["passives"] == 2);
  CHECK(k["detractors"] == 3);
  CHECK(k["ci95"][0].get<double>() == Approx(-34.03).margin(0.005));
  CHECK(k["ci95"][1].get<double>() == Approx(74.03).margin(0.005));
  CHECK(k["band"] == "favorable");
  // 11 rows: 10 used, 1 skipped because "n/a" is not a number.
  CHECK(j["rows"]["read"] == 11);
  CHECK(j["rows"]["used"] == 10);
  CHECK(j["rows"]["skipped"] == 1);
  CHECK(j["rows"]["skipped_by_reason"]["not_a_number"] == 1);
  // The skipped row is named on stderr with file, line and column.
  CHECK_THAT(r.err, Catch::Contains("ten.csv:12:2: skipped row: nps: not a number \"n/a\" in column \"nps\""));
}

TEST_CASE("survey: the same answers in four layouts give identical JSON", "[cli][survey][formats]") {
  // The same 11 rows as comma CSV; as ';' CSV with CRLF, a BOM and decimal
  // commas ("7,0"); as a JSON array; and as JSON Lines.
  auto csv = run_cxkpi("survey '" + data("survey/ten.csv") + "' --format json");
  REQUIRE(csv.exit_code == 0);
  for (const char* other : {"survey/ten_semicolon_crlf_bom.csv", "survey/ten.json", "survey/ten.jsonl"}) {
    INFO(other);
    auto r = run_cxkpi(std::string("survey '") + data(other) + "' --format json");
    REQUIRE(r.exit_code == 0);
    CHECK(r.out == csv.out);
  }
  auto j = json::parse(csv.out);
  REQUIRE(j["kpis"].size() == 3);
  // CSAT 5,5,5,4,4,3,2,1,5,4: 7 of 10 satisfied = 70%, Wilson [39.68, 89.22],
  // mean 3.8, top box 40%, bottom-2 20% (csat_test.cpp); row 11 has no CSAT.
  auto csat = j["kpis"][1];
  CHECK(csat["kpi"] == "csat");
  CHECK(csat["value"].get<double>() == Approx(70.0));
  CHECK(csat["satisfied"] == 7);
  CHECK(csat["ci95"][0].get<double>() == Approx(39.68).margin(0.01));
  CHECK(csat["top_box_pct"].get<double>() == Approx(40.0));
  CHECK(csat["bottom2_box_pct"].get<double>() == Approx(20.0));
  CHECK(csat["distribution"]["4"] == 3);
  CHECK(csat["band"] == "below target");
  CHECK(csat["rows"]["skipped_by_reason"]["missing"] == 1);
  // CES 7,6,5,5,4,7,6,5,5,4: mean 5.4; variance 10.4/9 = 1.15556, s = 1.07497,
  // SE 0.339935, t(0.975, 9) = 2.262157 → 5.4 ± 0.76898 = [4.6310, 6.1690];
  // easy (5-7) 8 of 10 = 80%; row 11's "9" is off the 1-7 scale.
  auto ces = j["kpis"][2];
  CHECK(ces["value"].get<double>() == Approx(5.4));
  CHECK(ces["ci95"][0].get<double>() == Approx(4.6310).margin(0.0001));
  CHECK(ces["ci95"][1].get<double>() == Approx(6.1690).margin(0.0001));
  CHECK(ces["pct_easy"].get<double>() == Approx(80.0));
  CHECK(ces["band"] == "good");
  CHECK(ces["rows"]["skipped_by_reason"]["off_scale"] == 1);
}

TEST_CASE("standard input reads like a file", "[cli][stdin]") {
  auto file = run_cxkpi("nps '" + data("survey/ten.csv") + "' --format json");
  auto piped = run_cxkpi("nps - --format json", data("survey/ten.csv"));
  REQUIRE(piped.exit_code == 0);
  CHECK(piped.out == file.out);
  CHECK_THAT(piped.err, Catch::Contains("<stdin>:12:2:"));
  // Two files are one data set: twice the answers, same NPS.
  auto twice = run_cxkpi("nps '" + data("survey/ten.csv") + "' '" + data("survey/ten.jsonl") + "' --format json -q");
  REQUIRE(twice.exit_code == 0);
  auto j = json::parse(twice.out);
  CHECK(j["kpis"][0]["n"] == 20);
  CHECK(j["kpis"][0]["value"].get<double>() == Approx(20.0));
  CHECK(j["rows"]["read"] == 22);
}

TEST_CASE("quoted fields with commas, quotes and line breaks", "[cli][csv]") {
  // quoted.csv: 3 rows, the second spans two lines. NPS 10, 6, 9 →
  // 2 promoters, 1 detractor → 100 × (2 − 1)/3 = 33.33.
  auto r = run_cxkpi("nps '" + data("survey/quoted.csv") + "' --format json");
  REQUIRE(r.exit_code == 0);
  auto j = json::parse(r.out);
  CHECK(j["kpis"][0]["n"] == 3);
  CHECK(j["kpis"][0]["value"].get<double>() == Approx(100.0 / 3.0));
  CHECK(j["rows"]["read"] == 3);
}

TEST_CASE("malformed input and missing things: exit codes and messages", "[cli][errors]") {
  // The quote opened on line 3 is never closed: exit 65 naming file and line.
  auto unterminated = run_cxkpi("nps '" + data("survey/unterminated.csv") + "'");
  CHECK(unterminated.exit_code == 65);
  CHECK_THAT(unterminated.err, Catch::Contains("unterminated.csv:3:"));
  CHECK_THAT(unterminated.err, Catch::Contains("unterminated"));
  CHECK(unterminated.out.empty());

  auto missing_file = run_cxkpi("nps no-such-file.csv");
  CHECK(missing_file.exit_code == 66);
  CHECK_THAT(missing_file.err, Catch::Contains("cxkpi: error: cannot open no-such-file.csv"));

  auto missing_column = run_cxkpi("nps '" + data("survey/ten.csv") + "' --column recommend");
  CHECK(missing_column.exit_code == 65);
  CHECK_THAT(missing_column.err,
             Catch::Contains("no column \"recommend\"; the columns are \"id\", \"nps\", \"csat\", \"ces\""));

  auto strict = run_cxkpi("nps '" + data("survey/ten.csv") + "' --strict");
  CHECK(strict.exit_code == 65);
  CHECK_THAT(strict.err, Catch::Contains("ten.csv:12:2: not a number \"n/a\" in column \"nps\" (expected an integer 0-10)"));

  auto bad_flag = run_cxkpi("nps '" + data("survey/ten.csv") + "' --no-such-flag");
  CHECK(bad_flag.exit_code == 64);
  CHECK_THAT(bad_flag.err, Catch::Contains("--help"));

  auto bad_check = run_cxkpi("nps '" + data("survey/ten.csv") + "' --check 'nps>>30'");
  CHECK(bad_check.exit_code == 64);
  CHECK_THAT(bad_check.err, Catch::Contains("invalid check \"nps>>30\": expected a number at column 5"));

  auto bad_field = run_cxkpi("nps '" + data("survey/ten.csv") + "' --check 'nps.foo>=1'");
  CHECK(bad_field.exit_code == 64);
  CHECK_THAT(bad_field.err, Catch::Contains("nps has no field \"foo\""));
}

TEST_CASE("a failed check exits 1 and is named", "[cli][check]") {
  // NPS is 20 (see above): nps>=30 fails, nps>=10 holds.
  auto failing = run_cxkpi("nps '" + data("survey/ten.csv") + "' -q --check 'nps>=30'");
  CHECK(failing.exit_code == 1);
  CHECK_THAT(failing.err, Catch::Contains("cxkpi: check failed: nps>=30 (nps is 20)"));
  auto passing = run_cxkpi("nps '" + data("survey/ten.csv") + "' -q --check 'nps>=10'");
  CHECK(passing.exit_code == 0);
  CHECK(passing.err.empty());
  // Two checks, one failing: one line for the failure only.
  auto mixed = run_cxkpi("survey '" + data("survey/ten.csv") + "' -q --check 'csat>=60' --check 'ces>=6' --format json");
  CHECK(mixed.exit_code == 1);
  CHECK_THAT(mixed.err, Catch::Contains("check failed: ces>=6"));
  CHECK_THAT(mixed.err, !Catch::Contains("csat>=60"));
  auto j = json::parse(mixed.out);
  CHECK(j["checks"][0]["expr"] == "csat>=60");
  CHECK(j["checks"][0]["passed"] == true);
  CHECK(j["checks"][1]["passed"] == false);
  // The whole interval check: nps.ci_low is -34.03.
  CHECK(run_cxkpi("nps '" + data("survey/ten.csv") + "' -q --check 'nps.ci_low>=0'").exit_code == 1);
  // --check before the input file takes one expression, not the file too.
  CHECK(run_cxkpi("nps --check 'nps>=30' '" + data("survey/ten.csv") + "' -q").exit_code == 1);
  // A KPI the report does not hold fails rather than passing silently.
  auto absent = run_cxkpi("nps '" + data("survey/ten.csv") + "' -q --check 'churn<=3'");
  CHECK(absent.exit_code == 1);
  CHECK_THAT(absent.err, Catch::Contains("no churn result"));
}

TEST_CASE("every format shows the skipped rows", "[cli][formats]") {
  const std::string file = "'" + data("survey/ten.csv") + "' -q";
  auto table = run_cxkpi("nps " + file);
  CHECK_THAT(table.out, Catch::Contains("rows: 11 read, 10 used, 1 skipped (not_a_number 1)"));
  CHECK_THAT(table.out, Catch::Contains("20.0"));
  CHECK_THAT(table.out, Catch::Contains("-34.0 to 74.0"));
  auto markdown = run_cxkpi("nps --format markdown " + file);
  CHECK_THAT(markdown.out, Catch::Contains("| NPS | 20.0 | -34.0 to 74.0 | 10 | favorable |"));
  CHECK_THAT(markdown.out, Catch::Contains("rows: 11 read, 10 used, 1 skipped (not_a_number 1)"));
  auto csv = run_cxkpi("nps --format csv " + file);
  CHECK_THAT(csv.out, Catch::StartsWith("kpi,segment,period,value,ci_low,ci_high,n,band,rows_read,rows_used,rows_skipped,skipped_by_reason,details\n"));
  CHECK_THAT(csv.out, Catch::Contains(",10,favorable,11,10,1,not_a_number=1,"));
  auto no_header = run_cxkpi("nps --format csv --no-header " + file);
  CHECK_THAT(no_header.out, Catch::StartsWith("nps,,,20"));
}

TEST_CASE("an output file (-o) is written whole or not at all", "[cli][output]") {
  const std::string target = scratch_dir() + "/result.json";
  auto r = run_cxkpi("nps '" + data("survey/ten.csv") + "' -q --format json -o '" + target + "'");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.empty());
  CHECK(json::parse(slurp(target))["kpis"][0]["n"] == 10);
  // A directory that does not exist: exit 74, nothing left behind.
  auto bad = run_cxkpi("nps '" + data("survey/ten.csv") + "' -q -o /nonexistent-dir/out.json");
  CHECK(bad.exit_code == 74);
  CHECK_THAT(bad.err, Catch::Contains("/nonexistent-dir/out.json"));
  // A full disk: exit 74 with a message.
  auto full = run_cxkpi("nps '" + data("survey/ten.csv") + "' -q -o /dev/full");
  CHECK(full.exit_code == 74);
  CHECK_THAT(full.err, Catch::Contains("No space left on device"));
}

TEST_CASE("same input, same bytes", "[cli][determinism]") {
  auto a = run_cxkpi("survey '" + data("survey/ten.csv") + "' --format json -q");
  auto b = run_cxkpi("survey '" + data("survey/ten.csv") + "' --format json -q");
  CHECK(a.out == b.out);
}
