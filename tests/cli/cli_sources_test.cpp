// End-to-end tests of issue 5: exports as survey platforms, shops, Stripe and
// Excel write them, read with no flags. Real exports come from
// ../shared/data/exports (facts in its README.md); the other layouts from
// tests/data/sources/, written by hand to follow each platform's layout.
// Every expected KPI is worked out by hand from the answers in the comment.

#include "run_cxkpi.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>
#include <vector>

using Catch::Detail::Approx;
using nlohmann::json;

namespace {

std::string source(const std::string& name) { return "'" + data("sources/" + name) + "'"; }
std::string exported(const std::string& path) { return "'" + std::string(CXKPI_SHARED_DATA) + "/exports/" + path + "'"; }

json kpi_of(const json& report, const std::string& kpi, const std::string& period = "") {
  for (const json& k : report["kpis"])
    if (k["kpi"] == kpi && k.value("period", "") == period && !k.contains("segment")) return k;
  FAIL("no " << kpi << " row for period '" << period << "'");
  return {};
}

json run_json(const std::string& args) {
  auto r = run_cxkpi(args + " --format json");
  INFO(args << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out);
}

}  // namespace

// qualtrics_nps.csv: three header rows (the question text of Q1 has a line
// break), then 8 responses. Q2 is the NPS question (Q2_NPS_GROUP marks it):
// "10 - Extremely likely", 9, 8, 6, "Extremely likely", "Not at all likely", 7,
// blank → 10, 9, 8, 6, 10, 0, 7: promoters 3, passives 2, detractors 2 of 7 →
// NPS 100 × 1/7 = 14.29. Q1 ("How satisfied are you with our service?"):
// 5, 4, 3, 2, 5, 1, blank, 4 → 4 of 7 satisfied (4-5) = 57.14%.
TEST_CASE("Qualtrics: header rows, NPS_GROUP, choice text, question text", "[cli][sources][qualtrics]") {
  const json j = run_json("survey " + source("qualtrics_nps.csv"));
  CHECK(j["source"] == "qualtrics");
  const json nps = kpi_of(j, "nps");
  CHECK(nps["value"].get<double>() == Approx(100.0 / 7));
  CHECK(nps["n"] == 7);
  CHECK(nps["promoters"] == 3);
  CHECK(nps["passives"] == 2);
  CHECK(nps["detractors"] == 2);
  const json csat = kpi_of(j, "csat");
  CHECK(csat["value"].get<double>() == Approx(400.0 / 7));
  CHECK(csat["n"] == 7);
  // The header rows are no data rows: 8 read, not 10.
  CHECK(j["rows"]["read"] == 8);
  CHECK(j["rows"]["skipped"] == 0);
  CHECK(nps["rows"]["skipped_by_reason"]["missing"] == 1);

  // --verbose names the layout and why each column was picked.
  auto v = run_cxkpi("nps " + source("qualtrics_nps.csv") + " --verbose -q");
  REQUIRE(v.exit_code == 0);
  CHECK_THAT(v.err, Catch::Contains("source: qualtrics (recognised from the header): Qualtrics export: three header "
                                    "rows (column names, question text, ImportId); rows 2-3 are header rows"));
  CHECK_THAT(v.err, Catch::Contains("nps column: \"Q2_NPS_GROUP\" marks \"Q2\" as the NPS question (How likely are "
                                    "you to recommend us to a friend or colleague?)"));
  auto c = run_cxkpi("csat " + source("qualtrics_nps.csv") + " --verbose -q");
  CHECK_THAT(c.err, Catch::Contains("csat column: question text of \"Q1\" (How satisfied are you with our service?) "
                                    "contains \"satisf\""));

  // By month of StartDate: May 10, 9, 8 → 2 promoters, 1 passive of 3 = 66.67;
  // June 6, 10, 0, 7 → 1 promoter, 2 detractors of 4 = -25.
  const json m = run_json("nps " + source("qualtrics_nps.csv") + " --period month");
  CHECK(kpi_of(m, "nps", "2024-05")["value"].get<double>() == Approx(200.0 / 3));
  CHECK(kpi_of(m, "nps", "2024-06")["value"].get<double>() == Approx(-25.0));
}

// qualtrics_legacy.csv: BOM, V1… names, labels and question text in row 2, a
// trailing comma. Q1 "How likely is it that you would recommend our shop to a
// friend?": 10, 9, 7, 3, 10 → promoters 3, passive 1, detractor 1 → NPS 40.
TEST_CASE("Qualtrics legacy layout: the NPS question found by its question text", "[cli][sources][qualtrics]") {
  const json j = run_json("nps " + source("qualtrics_legacy.csv"));
  CHECK(j["source"] == "qualtrics");
  CHECK(j["kpis"][0]["value"].get<double>() == Approx(40.0));
  CHECK(j["kpis"][0]["n"] == 5);
  CHECK(j["rows"]["read"] == 5);
}

// The real Qualtrics exports have no NPS question, and one response with Q1 = 2.
TEST_CASE("Qualtrics real exports: candidates listed with their question text", "[cli][sources][qualtrics]") {
  auto r = run_cxkpi("nps " + exported("qualtrics/qualtRics_sample.csv"));
  CHECK(r.exit_code == 65);
  CHECK_THAT(r.err, Catch::Contains("no nps column found; the candidate columns are \"Q1\" (This is a multiple choice "
                                    "question.), \"Q2\" (This is a free text question.), \"Q2 - Topics\"; name one "
                                    "with --column"));
  // Q1 = 2 on 1-5: not satisfied. One response: the header rows are not rows.
  for (const std::string file : {"qualtrics/qualtRics_sample.csv", "qualtrics/qualtRics_sample_legacy.csv"}) {
    const json j = run_json("csat " + exported(file) + " --column Q1");
    CHECK(j["source"] == "qualtrics");
    CHECK(j["kpis"][0]["value"].get<double>() == Approx(0.0));
    CHECK(j["kpis"][0]["n"] == 1);
    CHECK(j["rows"]["read"] == 1);
    CHECK(j["rows"]["used"] == 1);
  }
  // --source generic turns detection off: rows 2 and 3 are data (and no numbers).
  const json g = run_json("csat " + exported("qualtrics/qualtRics_sample.csv") + " --column Q1 --source generic -q");
  CHECK_FALSE(g.contains("source"));
  CHECK(g["rows"]["read"] == 3);
  CHECK(g["rows"]["skipped_by_reason"]["not_a_number"] == 2);
}

// surveymonkey.csv: two header rows, a three-column multiple-choice question,
// End Date month-first. NPS 10, 9, 6, 8, 3, 10 → 3 promoters, 1 passive, 2
// detractors of 6 = 16.67; CSAT 5, 4, 2, 4, 1, 5 → 4 of 6 = 66.67. By month of
// End Date: November 10, 9 → 100; December 6, 8, 3, 10 → (1 - 2) / 4 = -25.
TEST_CASE("SurveyMonkey: two header rows, US dates", "[cli][sources][surveymonkey]") {
  const json j = run_json("survey " + source("surveymonkey.csv"));
  CHECK(j["source"] == "surveymonkey");
  CHECK(kpi_of(j, "nps")["value"].get<double>() == Approx(100.0 / 6));
  CHECK(kpi_of(j, "csat")["value"].get<double>() == Approx(400.0 / 6));
  CHECK(j["rows"]["read"] == 6);
  const json m = run_json("nps " + source("surveymonkey.csv") + " --period month");
  CHECK(kpi_of(m, "nps", "2026-11")["value"].get<double>() == Approx(100.0));
  CHECK(kpi_of(m, "nps", "2026-12")["value"].get<double>() == Approx(-25.0));
  CHECK(m["rows"]["skipped"] == 0);  // every month-first date read without --date-format
}

// typeform.csv: NPS 9, 10, 7, 4, 10, blank → 3 promoters, 1 passive, 1 detractor
// of 5 = 40.
TEST_CASE("Typeform", "[cli][sources][typeform]") {
  const json j = run_json("nps " + source("typeform.csv"));
  CHECK(j["source"] == "typeform");
  CHECK(j["kpis"][0]["value"].get<double>() == Approx(40.0));
  CHECK(j["rows"]["read"] == 6);
  CHECK(j["rows"]["skipped_by_reason"]["missing"] == 1);
}

// google_forms.csv: NPS "10", "8", "3", "9", "10 - Extremely likely" → 3
// promoters, 1 passive, 1 detractor = 40; CSAT "5 - Very satisfied", "4", "2",
// "5 - Very satisfied", "4" → 4 of 5 = 80. By month of Timestamp: March 10, 8 →
// 50; April 3, 9, 10 → (2 - 1) / 3 = 33.33.
TEST_CASE("Google Forms: quoted fields, mixed answers, Timestamp with a zone", "[cli][sources][google_forms]") {
  const json j = run_json("survey " + source("google_forms.csv"));
  CHECK(j["source"] == "google_forms");
  CHECK(kpi_of(j, "nps")["value"].get<double>() == Approx(40.0));
  CHECK(kpi_of(j, "csat")["value"].get<double>() == Approx(80.0));
  const json m = run_json("nps " + source("google_forms.csv") + " --period month");
  CHECK(kpi_of(m, "nps", "2022-03")["value"].get<double>() == Approx(50.0));
  CHECK(kpi_of(m, "nps", "2022-04")["value"].get<double>() == Approx(100.0 / 3));

  // The real export: option 1 rated 3, 1, 2 on 1-4 → 1 of 3 in the top two = 33.33;
  // option 3 rated 4, 3, 4 → 100.
  const std::string real = exported("google_forms/rating-options-survey.csv");
  const json o1 = run_json("csat " + real + " --column 'How useful is option 1?' --scale 1-4");
  CHECK(o1["source"] == "google_forms");
  CHECK(o1["kpis"][0]["value"].get<double>() == Approx(100.0 / 3));
  CHECK(o1["kpis"][0]["mean"].get<double>() == Approx(2.0));
  const json o3 = run_json("csat " + real + " --column 'How useful is option 3?' --scale 1-4 --period month");
  CHECK(kpi_of(o3, "csat", "2022-03")["value"].get<double>() == Approx(100.0));
}

// delighted.csv and delighted.json hold the same 6 responses: scores 10, 9, 6,
// 0, 8, 10 → 3 promoters, 1 passive, 2 detractors = 16.67. created_at in Unix
// seconds: 1700000000 and 1700500000 are November 2023 (10, 9 → 100); the
// other four December (6, 0, 8, 10 → (1 - 2) / 4 = -25).
TEST_CASE("Delighted: CSV and JSON, score and Unix seconds", "[cli][sources][delighted]") {
  const json csv = run_json("survey " + source("delighted.csv"));
  const json js = run_json("survey " + source("delighted.json"));
  CHECK(csv == js);
  CHECK(csv["source"] == "delighted");
  REQUIRE(csv["kpis"].size() == 1);  // score is the NPS, not a CSAT too
  CHECK(kpi_of(csv, "nps")["value"].get<double>() == Approx(100.0 / 6));
  const json m = run_json("nps " + source("delighted.json") + " --period month");
  CHECK(kpi_of(m, "nps", "2023-11")["value"].get<double>() == Approx(100.0));
  CHECK(kpi_of(m, "nps", "2023-12")["value"].get<double>() == Approx(-25.0));
}

// zendesk_ratings.json: good ×5, bad ×2, offered ×2, unoffered ×1 → CSAT = 5 / 7
// = 71.43; the 3 ratings that were never answered are skipped under their
// own reasons. The documentation example: two "good" → 100.
TEST_CASE("Zendesk satisfaction ratings: good / (good + bad)", "[cli][sources][zendesk]") {
  const json j = run_json("csat " + source("zendesk_ratings.json"));
  CHECK(j["source"] == "zendesk");
  CHECK(j["kpis"][0]["value"].get<double>() == Approx(500.0 / 7));
  CHECK(j["kpis"][0]["n"] == 7);
  CHECK(j["kpis"][0]["satisfied"] == 5);
  CHECK(j["rows"]["read"] == 10);
  CHECK(j["rows"]["skipped_by_reason"] == json{{"offered", 2}, {"unoffered", 1}});
  const json docs = run_json("survey " + exported("zendesk/satisfaction_ratings.docs-example.json"));
  CHECK(docs["source"] == "zendesk");
  REQUIRE(docs["kpis"].size() == 1);
  CHECK(docs["kpis"][0]["kpi"] == "csat");
  CHECK(docs["kpis"][0]["value"].get<double>() == Approx(100.0));
  CHECK(docs["kpis"][0]["n"] == 2);
}

// google_play_reviews.csv is UTF-16 LE with a BOM (review texts with an emoji
// and Chinese). Star Rating 5, 4, 3, 1, 5, 2, 5 → 4 of 7 in 4-5 = 57.14; mean 25 / 7.
TEST_CASE("Google Play reviews: UTF-16, Star Rating", "[cli][sources][google_play]") {
  const json j = run_json("csat " + source("google_play_reviews.csv"));
  CHECK(j["source"] == "google_play");
  CHECK(j["kpis"][0]["value"].get<double>() == Approx(400.0 / 7));
  CHECK(j["kpis"][0]["mean"].get<double>() == Approx(25.0 / 7));
  auto v = run_cxkpi("csat " + source("google_play_reviews.csv") + " --verbose -q");
  CHECK_THAT(v.err, Catch::Contains("encoding: UTF-16 LE (byte order mark), converted to UTF-8"));
  CHECK_THAT(v.err, Catch::Contains("source: google_play"));
}

// The real Shopify export: 121 line-item rows, 51 orders, all paid; buyer1 49
// orders, buyer2 1, #1001 (27244.55) with a blank email. Customers by Email:
// 2 customers, 1 repeats → RPR 50%; 50 orders; revenue 590683.29 − 27244.55 =
// 563438.74; the other 70 rows are later line items, and #1001 has no customer.
TEST_CASE("Shopify (real export): 51 orders, 590683.29", "[cli][sources][shopify]") {
  const std::string real = exported("shopify/orders_export_1.csv");
  const json j = run_json("rpr " + real);
  CHECK(j["source"] == "shopify");
  const json rpr = j["kpis"][0];
  CHECK(rpr["value"].get<double>() == Approx(50.0));
  CHECK(rpr["customers"] == 2);
  CHECK(rpr["orders"] == 50);
  CHECK(rpr["revenue"].get<double>() == Approx(563438.74));
  CHECK(j["rows"]["read"] == 121);
  CHECK(j["rows"]["used"] == 50);
  CHECK(j["rows"]["skipped_by_reason"] == json{{"line_item", 70}, {"missing_customer", 1}});
  // Every order counted, whoever bought it (the order name as the "customer"):
  // 51 orders, 590683.29.
  const json all = run_json("rpr " + real + " --customer-column Name");
  CHECK(all["kpis"][0]["orders"] == 51);
  CHECK(all["kpis"][0]["revenue"].get<double>() == Approx(590683.29));
  CHECK(all["rows"]["skipped_by_reason"] == json{{"line_item", 70}});
}

// shopify_orders.csv: #1001 a 100 (2 items: Coffee, Mug), #1002 b 50 (Coffee),
// #1003 a 70 (Tea), #1004 c 40 refunded (Mug), #1005 b 30 cancelled (Tea,
// Coffee), #1006 no email 25 (Tea), #1007 c 60 partially refunded (Coffee, Tea,
// Grinder): 11 rows.
TEST_CASE("Shopify: cancelled and refunded orders, line items, services", "[cli][sources][shopify]") {
  // Default: orders #1001, #1002, #1003, #1007 → a 2, b 1, c 1: RPR 1 of 3;
  // revenue 280, AOV 70.
  const json j = run_json("rpr " + source("shopify_orders.csv"));
  CHECK(j["kpis"][0]["value"].get<double>() == Approx(100.0 / 3));
  CHECK(j["kpis"][0]["orders"] == 4);
  CHECK(j["kpis"][0]["revenue"].get<double>() == Approx(280.0));
  CHECK(j["kpis"][0]["aov"].get<double>() == Approx(70.0));
  CHECK(j["rows"]["skipped_by_reason"] ==
        json{{"cancelled", 2}, {"line_item", 3}, {"missing_customer", 1}, {"refunded", 1}});
  // --include-cancelled: + #1004 (c) and #1005 (b): everyone repeats; 6 orders, 350.
  const json all = run_json("rpr " + source("shopify_orders.csv") + " --include-cancelled");
  CHECK(all["kpis"][0]["value"].get<double>() == Approx(100.0));
  CHECK(all["kpis"][0]["orders"] == 6);
  CHECK(all["kpis"][0]["revenue"].get<double>() == Approx(350.0));
  CHECK(all["rows"]["skipped_by_reason"] == json{{"line_item", 4}, {"missing_customer", 1}});
  // Services come from every line item: a {Coffee, Mug, Tea}, b {Coffee}, c
  // {Coffee, Tea, Grinder} → 7 pairs / 3 customers.
  const json s = run_json("services " + source("shopify_orders.csv"));
  CHECK(s["kpis"][0]["value"].get<double>() == Approx(7.0 / 3));
  CHECK(s["kpis"][0]["customers"] == 3);
  CHECK(s["rows"]["used"] == 7);
}

// stripe_subscriptions.csv: A active from 2025-01-05; B 01-10 to 02-20; C
// 01-15, canceled 03-10 (Ended At blank: Canceled At is its end); D 01-20,
// cancels at the period end (not ended); E incomplete_expired (never
// started); F from 02-12. February: A B C D at the start, B lost → 25%;
// March: A C D F, C lost → 25%; overall 2 of 8 = 25%.
TEST_CASE("Stripe subscriptions: straight into churn", "[cli][sources][stripe]") {
  const json j = run_json("churn " + source("stripe_subscriptions.csv"));
  CHECK(j["source"] == "stripe");
  const json overall = kpi_of(j, "churn");
  CHECK(overall["value"].get<double>() == Approx(25.0));
  CHECK(overall["lost"] == 2);
  CHECK(overall["customer_periods"] == 8);
  CHECK(kpi_of(j, "churn", "2025-02")["value"].get<double>() == Approx(25.0));
  CHECK(kpi_of(j, "churn", "2025-03")["value"].get<double>() == Approx(25.0));
  CHECK(j["rows"]["skipped_by_reason"] == json{{"incomplete", 1}});
}

// same_*.csv: one survey written four ways. NPS 10, 9, 6, 8, 3, 10, 7 → 3
// promoters, 2 passives, 2 detractors = 14.29; CSAT 5, 4, 3, 4, 2, 5, blank →
// 4 of 6 = 66.67; CES 6, 7, 5, 6, 2, 7, 4 (6.0 and 6,0 alike) → mean 37 / 7.
// (Test names hold no ';': CTest would cut the name there.)
TEST_CASE("one survey as UTF-8, UTF-8 with BOM, semicolon CSV in Windows-1252 with CRLF, UTF-16 LE: the same JSON",
          "[cli][sources][encoding]") {
  const std::string args = " --by region";
  const json utf8 = run_json("survey " + source("same_utf8.csv") + args);
  CHECK_FALSE(utf8.contains("source"));
  CHECK(kpi_of(utf8, "nps")["value"].get<double>() == Approx(100.0 / 7));
  CHECK(kpi_of(utf8, "csat")["value"].get<double>() == Approx(400.0 / 6));
  CHECK(kpi_of(utf8, "ces")["value"].get<double>() == Approx(37.0 / 7));
  bool zurich = false;
  for (const json& k : utf8["kpis"]) zurich = zurich || k.value("segment", "") == "region=Z\xC3\xBCrich";
  CHECK(zurich);
  for (const std::string other : {"same_utf8_bom.csv", "same_cp1252.csv", "same_utf16le.csv"}) {
    INFO(other);
    auto r = run_cxkpi("survey " + source(other) + args + " --format json");
    REQUIRE(r.exit_code == 0);
    CHECK(r.out == run_cxkpi("survey " + source("same_utf8.csv") + args + " --format json").out);
  }
  auto v = run_cxkpi("survey " + source("same_cp1252.csv") + " --verbose -q");
  CHECK_THAT(v.err, Catch::Contains("encoding: Windows-1252 (the first 64 KiB are not valid UTF-8), converted to UTF-8"));
}

TEST_CASE("source: --source forces a layout, unknown names are usage errors", "[cli][sources]") {
  // A header Zendesk detection does not know (no ticket_id), forced.
  auto bad = run_cxkpi("nps " + source("same_utf8.csv") + " --source excel");
  CHECK(bad.exit_code == 64);
  const json forced = run_json("csat " + source("zendesk_ratings.json") + " --source Zendesk");
  CHECK(forced["source"] == "zendesk");
  CHECK(forced["kpis"][0]["value"].get<double>() == Approx(500.0 / 7));
  // Standard input is detected the same way.
  const json piped = json::parse(run_cxkpi("csat - --format json", data("sources/google_play_reviews.csv")).out);
  CHECK(piped["source"] == "google_play");
  CHECK(piped["kpis"][0]["n"] == 7);
}

TEST_CASE("generic files carry no source and read as before", "[cli][sources]") {
  auto r = run_cxkpi("survey '" + std::string(CXKPI_EXAMPLES) + "/survey.csv' --format json");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.starts_with("{\n  \"kpis\": ["));
  CHECK_FALSE(json::parse(r.out).contains("source"));
}

// Files above the parallel threshold (8 MiB) that need the serial reader: a
// Qualtrics export (its header rows must not be read as data) and a
// Windows-1252 file (converted). --threads 1 and --threads 4 give the same
// bytes, and the header rows are never rows. Answers cycle 0..10 in the
// Qualtrics file: each block of 11 has 2 promoters and 7 detractors.
TEST_CASE("large exports that need conversion or header rows are read serially", "[cli][sources][parallel]") {
  const std::string qualtrics = scratch_dir() + "/large_qualtrics.csv";
  const std::string latin = scratch_dir() + "/large_cp1252.csv";
  std::uint64_t rows = 0;
  {
    std::ofstream q(qualtrics, std::ios::binary);
    q << "StartDate,ResponseId,Q1,Q1_NPS_GROUP,Q2\n"
         "Start Date,Response ID,\"How likely are you to recommend us?\",Group,Comment\n"
         "\"{\"\"ImportId\"\":\"\"startDate\"\"}\",\"{\"\"ImportId\"\":\"\"_recordId\"\"}\","
         "\"{\"\"ImportId\"\":\"\"QID1\"\"}\",\"{\"\"ImportId\"\":\"\"QID1_NPS_GROUP\"\"}\","
         "\"{\"\"ImportId\"\":\"\"QID2_TEXT\"\"}\"\n";
    std::ofstream l(latin, std::ios::binary);
    l << "id;region;nps;comment\r\n";
    for (; rows < 11 * 30000; ++rows) {
      const std::string score = std::to_string(rows % 11);
      q << "2024-05-02 10:00:00,R_" << rows << "," << score << ",1,\"Some comment, with a comma\"\n";
      l << rows << ";" << (rows % 2 ? "Z\xFCrich" : "M\xE1laga") << ";" << score
        << ";Caf\xE9 cr\xE8me, tr\xE8s bon et pas cher\r\n";
    }
  }
  for (const std::string& file : {qualtrics, latin}) {
    INFO(file);
    auto one = run_cxkpi("nps '" + file + "' --threads 1 --format json");
    auto four = run_cxkpi("nps '" + file + "' --threads 4 --format json");
    REQUIRE(one.exit_code == 0);
    CHECK(four.exit_code == 0);
    CHECK(one.out == four.out);
    CHECK(one.err == four.err);
    const json j = json::parse(four.out);
    CHECK(j["rows"]["read"] == rows);
    CHECK(j["kpis"][0]["value"].get<double>() == Approx(100.0 * (2 - 7) / 11));
  }
  auto by = run_cxkpi("nps '" + latin + "' --threads 4 --by region --format json");
  CHECK_THAT(by.out, Catch::Contains("region=Z\xC3\xBCrich"));
}
