// Tests of io/layouts.hpp: which layout a table's first rows are, and what the
// layout reader makes of them. Real exports are read from ../shared/data/exports
// (their facts are in its README.md); the others from tests/data/sources/,
// written by hand to follow each platform's layout. Expected values are
// counted off those files by hand, as each comment says.

#include <cxkpi/io/csv.hpp>
#include <cxkpi/io/json.hpp>
#include <cxkpi/io/layouts.hpp>
#include <cxkpi/io/source.hpp>
#include <cxkpi/money.hpp>

#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

using namespace cxkpi::io;

namespace {

const std::string exports = CXKPI_SHARED_DATA "/exports/";
const std::string sources = CXKPI_TEST_DATA "/sources/";

std::unique_ptr<table_reader> open_csv(const std::string& path, layout_options options = {}) {
  return open_layout(std::make_unique<csv_reader>(std::make_unique<file_source>(path)), options);
}

std::unique_ptr<table_reader> open_json(const std::string& path, layout_options options = {}) {
  return open_layout(std::make_unique<json_reader>(std::make_unique<file_source>(path)), options);
}

std::unique_ptr<table_reader> open_text(const std::string& text, layout_options options = {}) {
  static std::vector<std::unique_ptr<std::string>> keep;  // memory_source does not own its bytes
  keep.push_back(std::make_unique<std::string>(text));
  return open_layout(std::make_unique<csv_reader>(std::make_unique<memory_source>(*keep.back(), "<text>")), options);
}

std::size_t column(const table_reader& reader, const std::string& name) {
  const auto& h = reader.header();
  for (std::size_t i = 0; i < h.size(); ++i)
    if (h[i] == name) return i;
  FAIL("no column " << name);
  return 0;
}

// Every row as text, with the layout's marks.
struct row {
  std::vector<std::string> fields;
  std::uint64_t line;
  std::string skip;
  bool continues;
};
std::vector<row> read_all(table_reader& reader) {
  std::vector<row> out;
  record rec;
  while (reader.next(rec))
    out.push_back({{rec.fields.begin(), rec.fields.end()}, rec.line, std::string(rec.skip_reason), rec.continues_order});
  return out;
}

layout detect(std::vector<std::vector<std::string>> rows) { return detect_layout(rows); }

}  // namespace

TEST_CASE("layout names", "[layouts]") {
  CHECK(layout_name(layout::google_forms) == "google_forms");
  CHECK(parse_layout_name("qualtrics") == layout::qualtrics);
  CHECK(parse_layout_name("Google-Forms") == layout::google_forms);
  CHECK(parse_layout_name("google play") == layout::google_play);
  CHECK(parse_layout_name("generic") == layout::generic);
  CHECK_FALSE(parse_layout_name("excel").has_value());
  for (layout l : all_layouts) CHECK(parse_layout_name(layout_name(l)) == l);
}

TEST_CASE("detect_layout: the header rows of each platform, and what is generic", "[layouts]") {
  CHECK(detect({{"StartDate", "ResponseId", "Q1"}, {"Start Date", "Response ID", "How…?"},
                {"{\"ImportId\":\"startDate\"}", "{\"ImportId\":\"_recordId\"}", "{\"ImportId\":\"QID1\"}"}}) ==
        layout::qualtrics);
  CHECK(detect({{"V1", "V2", "Q1"}, {"ResponseID", "ResponseSet", "How…?"}}) == layout::qualtrics);
  CHECK(detect({{"Respondent ID", "Collector ID", "Start Date", "End Date", "Q?"}}) == layout::surveymonkey);
  CHECK(detect({{"#", "Q?", "Start Date (UTC)", "Submit Date (UTC)", "Network ID"}}) == layout::typeform);
  CHECK(detect({{"Timestamp", "Q?"}, {"2022/03/26 11:00:19 PM AST", "4"}}) == layout::google_forms);
  CHECK(detect({{"id", "score", "comment", "created_at", "ticket_id", "requester_id"}}) == layout::zendesk);
  CHECK(detect({{"id", "person", "score", "comment", "created_at"}, {"1", "2", "9", "", "1700000000"}}) ==
        layout::delighted);
  CHECK(detect({{"Package Name", "Star Rating", "Review Text"}}) == layout::google_play);
  CHECK(detect({{"Name", "Email", "Financial Status", "Total", "Lineitem name"}}) == layout::shopify);
  CHECK(detect({{"id", "Customer ID", "Status", "Created (UTC)", "Canceled At (UTC)", "Ended At (UTC)"}}) ==
        layout::stripe);

  // Near misses stay generic: a plain survey, a Timestamp that is not Google's,
  // score/comment/created_at with ISO dates, a Qualtrics-like header without
  // its ImportId row.
  CHECK(detect({{"response_id", "nps", "csat"}}) == layout::generic);
  CHECK(detect({{"Timestamp", "nps"}, {"2025-03-07 10:00", "9"}}) == layout::generic);
  CHECK(detect({{"score", "comment", "created_at"}, {"9", "", "2025-03-07"}}) == layout::generic);
  CHECK(detect({{"StartDate", "ResponseId", "Q1"}, {"2024-01-01", "R_1", "9"}, {"2024-01-02", "R_2", "7"}}) ==
        layout::generic);

  CHECK(rows_to_detect({"StartDate", "ResponseId"}) == 2);
  CHECK(rows_to_detect({"Respondent ID", "Collector ID"}) == 1);
  CHECK(rows_to_detect({"response_id", "nps"}) == 0);
}

TEST_CASE("a generic file gets its own reader back", "[layouts]") {
  auto csv = std::make_unique<csv_reader>(std::make_unique<file_source>(CXKPI_TEST_DATA "/survey/ten.csv"));
  const table_reader* raw = csv.get();
  auto opened = open_layout(std::move(csv));
  CHECK(opened.get() == raw);
  CHECK(layout_of(*opened) == nullptr);
  // --source generic: no detection at all, even on a Qualtrics export.
  auto off = open_csv(exports + "qualtrics/qualtRics_sample.csv", {layout::generic, false});
  CHECK(layout_of(*off) == nullptr);
  CHECK(read_all(*off).size() == 3);  // question text, ImportId row, the response: all data
}

TEST_CASE("Qualtrics export (real file): three header rows, one response", "[layouts][qualtrics]") {
  // README: names, German question text, ImportId row; one response with Q1 = 2.
  auto reader = open_csv(exports + "qualtrics/qualtRics_sample.csv");
  const layout_info* info = layout_of(*reader);
  REQUIRE(info != nullptr);
  CHECK(info->kind == layout::qualtrics);
  CHECK(info->header_rows == 3);
  CHECK(reader->header().front() == "StartDate");
  const std::size_t q1 = column(*reader, "Q1");
  CHECK(info->text[q1] == "This is a multiple choice question.");
  CHECK(info->text[column(*reader, "RecipientLastName")] == "Nachname des Empf\xC3\xA4ngers");
  CHECK(info->metadata[column(*reader, "StartDate")]);
  CHECK_FALSE(info->metadata[q1]);
  const auto rows = read_all(*reader);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].line == 4);
  CHECK(rows[0].fields[q1] == "2");
  CHECK(rows[0].fields[column(*reader, "RecordedDate")] == "2017-07-18 08:28:48");
  // No NPS question: nothing found, and the candidates are the question columns.
  CHECK_FALSE(detect_source_column(*reader, "nps", nps_column_hints()).has_value());
  CHECK(describe_candidate_columns(*info) ==
        "\"Q1\" (This is a multiple choice question.), \"Q2\" (This is a free text question.), \"Q2 - Topics\"");
}

TEST_CASE("Qualtrics legacy export (real file): V1… names, labels in row 2", "[layouts][qualtrics]") {
  // README: BOM, V1…V10,Q1,Q2,… then ResponseID,ResponseSet,…; a trailing comma.
  auto reader = open_csv(exports + "qualtrics/qualtRics_sample_legacy.csv");
  const layout_info* info = layout_of(*reader);
  REQUIRE(info != nullptr);
  CHECK(info->kind == layout::qualtrics);
  CHECK(info->header_rows == 2);
  CHECK(reader->header()[0] == "ResponseID");   // V1's label
  CHECK(reader->header()[7] == "StartDate");    // V8's label
  CHECK(reader->header()[10] == "Q1");
  CHECK(info->text[10] == "This is a multiple choice question.");
  CHECK(reader->header().back().empty());       // the trailing comma's column
  const auto rows = read_all(*reader);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].line == 3);
  CHECK(rows[0].fields[0] == "R_2YPOQ602ER1jkf1");
  CHECK(rows[0].fields[10] == "2");
}

TEST_CASE("Qualtrics with an NPS question: Q2_NPS_GROUP marks Q2, choice text read", "[layouts][qualtrics]") {
  auto reader = open_csv(sources + "qualtrics_nps.csv");
  const layout_info* info = layout_of(*reader);
  REQUIRE(info != nullptr);
  const auto nps = detect_source_column(*reader, "nps", nps_column_hints());
  REQUIRE(nps.has_value());
  CHECK(reader->header()[nps->index] == "Q2");
  CHECK_THAT(nps->reason, Catch::Contains("\"Q2_NPS_GROUP\" marks \"Q2\" as the NPS question"));
  // CSAT: no column name says so; the question text (with a line break) does.
  const auto csat = detect_source_column(*reader, "csat", csat_column_hints());
  REQUIRE(csat.has_value());
  CHECK(reader->header()[csat->index] == "Q1");
  CHECK(csat->reason ==
        "question text of \"Q1\" (How satisfied are you with our service?) contains \"satisf\"");
  CHECK_FALSE(detect_source_column(*reader, "ces", ces_column_hints()).has_value());
  // The end labels of the NPS scale become 10 and 0; "10 - Extremely likely"
  // stays as written (read_score takes its number).
  const auto rows = read_all(*reader);
  REQUIRE(rows.size() == 8);
  CHECK(rows[0].line == 5);  // three header rows, one of them two lines long
  CHECK(rows[0].fields[nps->index] == "10 - Extremely likely");
  CHECK(rows[4].fields[nps->index] == "10");
  CHECK(rows[5].fields[nps->index] == "0");
  CHECK(rows[5].fields[column(*reader, "Q3")] == "Nothing worked,\nat all");
}

TEST_CASE("SurveyMonkey: two header rows joined, month-first dates written year first", "[layouts][surveymonkey]") {
  auto reader = open_csv(sources + "surveymonkey.csv");
  const layout_info* info = layout_of(*reader);
  REQUIRE(info != nullptr);
  CHECK(info->kind == layout::surveymonkey);
  CHECK(info->header_rows == 2);
  const auto& h = reader->header();
  CHECK(h[10] == "Which features do you use? - Reports");
  CHECK(h[11] == "Which features do you use? - Dashboards");
  CHECK(h[12] == "Which features do you use? - Other (please specify)");
  CHECK(h[9] == "How likely is it that you would recommend Acme to a friend or colleague?");
  CHECK(h[14] == "Any other comments?");
  const auto nps = detect_source_column(*reader, "nps", nps_column_hints());
  REQUIRE(nps.has_value());
  CHECK(nps->index == 9);
  const auto rows = read_all(*reader);
  REQUIRE(rows.size() == 6);
  CHECK(rows[0].line == 3);
  CHECK(rows[0].fields[column(*reader, "Start Date")] == "2026-11-23 09:12:33 AM");
  CHECK(rows[5].fields[column(*reader, "End Date")] == "2026-12-31 11:59:59 PM");
}

TEST_CASE("Delighted: score is the NPS answer, created_at Unix seconds become dates", "[layouts][delighted]") {
  for (const auto& reader : {open_csv(sources + "delighted.csv"), open_json(sources + "delighted.json")}) {
    const layout_info* info = layout_of(*reader);
    REQUIRE(info != nullptr);
    CHECK(info->kind == layout::delighted);
    const auto nps = detect_source_column(*reader, "nps", without_generic_score(nps_column_hints()));
    REQUIRE(nps.has_value());
    CHECK(reader->header()[nps->index] == "score");
    // Neither CSAT nor CES may take the score.
    CHECK_FALSE(detect_source_column(*reader, "csat", csat_column_hints()).has_value());
    const auto rows = read_all(*reader);
    REQUIRE(rows.size() == 6);
    // 1700000000 s = 2023-11-14 22:13:20 UTC (date -u -d @1700000000).
    CHECK(rows[0].fields[column(*reader, "created_at")] == "2023-11-14T22:13:20Z");
    CHECK(rows[5].fields[column(*reader, "created_at")] == "2023-12-19T15:33:20Z");
  }
}

TEST_CASE("Zendesk: good/bad as 5/1, offered and unoffered marked", "[layouts][zendesk]") {
  auto reader = open_json(sources + "zendesk_ratings.json");
  REQUIRE(layout_of(*reader) != nullptr);
  CHECK(layout_of(*reader)->kind == layout::zendesk);
  const std::size_t score = column(*reader, "score");
  CHECK(detect_source_column(*reader, "csat", csat_column_hints())->index == score);
  CHECK_FALSE(detect_source_column(*reader, "nps", nps_column_hints()).has_value());
  std::map<std::string, int> seen;
  for (const row& r : read_all(*reader)) ++seen[r.skip.empty() ? r.fields[score] : r.skip];
  // good, good, bad, offered, good, unoffered, good, bad, offered, good
  CHECK(seen == std::map<std::string, int>{{"5", 5}, {"1", 2}, {"offered", 2}, {"unoffered", 1}});

  auto docs = open_json(exports + "zendesk/satisfaction_ratings.docs-example.json");
  REQUIRE(layout_of(*docs) != nullptr);
  const auto rows = read_all(*docs);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].fields[column(*docs, "score")] == "5");
}

TEST_CASE("Google Forms (real file) and Typeform", "[layouts]") {
  auto forms = open_csv(exports + "google_forms/rating-options-survey.csv");
  REQUIRE(layout_of(*forms) != nullptr);
  CHECK(layout_of(*forms)->kind == layout::google_forms);
  CHECK(read_all(*forms).size() == 3);  // the row read to recognise it is data

  auto typeform = open_csv(sources + "typeform.csv");
  REQUIRE(layout_of(*typeform) != nullptr);
  CHECK(layout_of(*typeform)->kind == layout::typeform);
  CHECK(detect_source_column(*typeform, "nps", nps_column_hints())->index == 1);
}

TEST_CASE("Shopify (real file): 51 orders, 590683.29, customers by Email", "[layouts][shopify]") {
  // README: 121 line-item rows, 51 orders #1001-#1051, all paid; sum of Total
  // over orders 590683.29; buyer1 49 orders, buyer2 1, one with a blank email.
  auto reader = open_csv(exports + "shopify/orders_export_1.csv");
  const layout_info* info = layout_of(*reader);
  REQUIRE(info != nullptr);
  CHECK(info->kind == layout::shopify);
  CHECK(reader->header()[detect_source_column(*reader, "customer id", customer_column_hints())->index] == "Email");
  CHECK(reader->header()[detect_source_column(*reader, "amount", amount_column_hints())->index] == "Total");
  CHECK(reader->header()[detect_source_column(*reader, "order date", order_date_column_hints())->index] ==
        "Created at");
  const std::size_t total = column(*reader, "Total"), email = column(*reader, "Email");
  std::int64_t micros = 0;
  int orders = 0, later_items = 0, skipped = 0;
  std::map<std::string, int> by_email;
  for (const row& r : read_all(*reader)) {
    if (!r.skip.empty()) ++skipped;
    if (r.continues) {
      ++later_items;
      CHECK(r.fields[total].empty());
      continue;
    }
    ++orders;
    micros += cxkpi::parse_money(r.fields[total]).micros;
    ++by_email[r.fields[email]];
  }
  CHECK(orders == 51);
  CHECK(later_items == 70);
  CHECK(skipped == 0);  // none cancelled or refunded
  CHECK(micros == 590683290000);
  CHECK(by_email == std::map<std::string, int>{{"buyer1@example.com", 49}, {"buyer2@example.com", 1}, {"", 1}});
}

TEST_CASE("Shopify: cancelled and refunded orders marked on all their rows", "[layouts][shopify]") {
  // tests/data/sources/shopify_orders.csv: #1001 (2 items), #1002, #1003,
  // #1004 refunded, #1005 cancelled (2 items), #1006 blank email, #1007
  // partially refunded (3 items): 11 rows.
  std::vector<std::string> marks;
  for (const row& r : read_all(*open_csv(sources + "shopify_orders.csv")))
    marks.push_back(r.fields[0] + (r.continues ? "+" : "") + (r.skip.empty() ? "" : " " + r.skip));
  CHECK(marks == std::vector<std::string>{"#1001", "#1001+", "#1002", "#1003", "#1004 refunded", "#1005 cancelled",
                                          "#1005+ cancelled", "#1006", "#1007", "#1007+", "#1007+"});
  marks.clear();
  for (const row& r : read_all(*open_csv(sources + "shopify_orders.csv", {std::nullopt, true})))
    marks.push_back(r.fields[0] + (r.continues ? "+" : "") + (r.skip.empty() ? "" : " " + r.skip));
  CHECK(marks == std::vector<std::string>{"#1001", "#1001+", "#1002", "#1003", "#1004", "#1005", "#1005+", "#1006",
                                          "#1007", "#1007+", "#1007+"});
}

TEST_CASE("Stripe: start, end, incomplete subscriptions", "[layouts][stripe]") {
  auto reader = open_csv(sources + "stripe_subscriptions.csv");
  REQUIRE(layout_of(*reader) != nullptr);
  CHECK(layout_of(*reader)->kind == layout::stripe);
  const auto& h = reader->header();
  CHECK(h[detect_source_column(*reader, "start date", start_column_hints())->index] == "Start (UTC)");
  const std::size_t end = detect_source_column(*reader, "end date", end_column_hints())->index;
  CHECK(h[end] == "Ended At (UTC)");
  CHECK(h[detect_source_column(*reader, "customer id", customer_column_hints())->index] == "Customer ID");
  const auto rows = read_all(*reader);
  REQUIRE(rows.size() == 6);
  CHECK(rows[0].fields[end].empty());                     // active
  CHECK(rows[1].fields[end] == "2025-02-20 09:00");       // ended
  CHECK(rows[2].fields[end] == "2025-03-10 12:00");       // canceled, Ended At blank: Canceled At
  CHECK(rows[3].fields[end].empty());                     // cancels at period end: not ended yet
  CHECK(rows[4].skip == "incomplete");
  CHECK(rows[5].skip.empty());

  // Only Created (UTC) and Canceled At (UTC): the start is Created, the end
  // Canceled At on canceled subscriptions only.
  auto small = open_text(
      "Customer ID,Status,Created (UTC),Canceled At (UTC)\n"
      "cus_A,active,2025-01-05 10:00,2025-03-01 10:00\n"
      "cus_B,canceled,2025-01-06 10:00,2025-02-01 10:00\n");
  REQUIRE(layout_of(*small) != nullptr);
  CHECK(detect_source_column(*small, "start date", start_column_hints())->index == 2);
  CHECK(detect_source_column(*small, "end date", end_column_hints())->index == 3);
  const auto small_rows = read_all(*small);
  CHECK(small_rows[0].fields[3].empty());
  CHECK(small_rows[1].fields[3] == "2025-02-01 10:00");
}

TEST_CASE("a forced layout applies to a header that does not match it", "[layouts]") {
  auto reader = open_text("Score,Ticket\ngood,1\noffered,2\n", {layout::zendesk, false});
  const layout_info* info = layout_of(*reader);
  REQUIRE(info != nullptr);
  CHECK(info->forced);
  const auto rows = read_all(*reader);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].fields[0] == "5");
  CHECK(rows[1].skip == "offered");
}

TEST_CASE("a forced Qualtrics layout takes no data row for question text", "[layouts][qualtrics]") {
  // Without the ImportId row nothing proves that row 2 is question text.
  auto reader = open_text("StartDate,Q1,Q1_NPS_GROUP\n2024-01-01,9,3\n2024-01-02,4,1\n", {layout::qualtrics, false});
  const layout_info* info = layout_of(*reader);
  REQUIRE(info != nullptr);
  CHECK(info->header_rows == 1);
  CHECK(detect_source_column(*reader, "nps", nps_column_hints())->index == 1);  // Q1_NPS_GROUP still marks Q1
  const auto rows = read_all(*reader);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].line == 2);
  CHECK(rows[0].fields[1] == "9");
}
