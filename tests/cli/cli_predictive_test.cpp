// End-to-end tests of cxkpi rfm and cxkpi clv --model bgnbd (issue 8): the
// published CDNOW results from the raw transaction file, through the binary.

#include "run_cxkpi.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using Catch::Detail::Approx;
using nlohmann::json;

namespace {

const std::string cdnow_dir = std::string(CXKPI_SHARED_DATA) + "/cdnow/";

// The raw CDNOW sample has no header row; the published summaries use the
// sample id as the customer ID.
const std::string sample = "'" + cdnow_dir + "CDNOW_sample.txt' --delimiter whitespace "
                           "--names master_id,sample_id,date,cds,dollars --customer-column sample_id "
                           "--amount-column dollars";
// The split of Fader, Hardie & Lee (2005): 39 weeks of calibration, 39 of holdout.
const std::string split = " --calibration-end 1997-09-30 --holdout-end 1998-06-30";

std::string write_file(const std::string& name, const std::string& content) {
  const std::string path = scratch_dir() + "/" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::vector<std::string> split_line(const std::string& line, char sep = ',') {
  std::vector<std::string> out;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, sep)) out.push_back(field);
  if (!line.empty() && line.back() == sep) out.emplace_back();
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(line);
  }
  return out;
}

bool matches_2dp(double ours, const std::string& published) { return std::fabs(ours - std::stod(published)) <= 0.005 + 1e-9; }

// Checks that `text` is well-formed XML as far as an SVG needs: every tag
// closed in order, attributes quoted, entities known. Returns the element
// names in document order.
std::vector<std::string> xml_elements(const std::string& text) {
  std::vector<std::string> stack, seen;
  std::size_t i = 0;
  auto fail = [&](const std::string& why) { FAIL("not well-formed XML at byte " << i << ": " << why); };
  while (i < text.size()) {
    if (text[i] == '&') {
      const std::size_t end = text.find(';', i);
      if (end == std::string::npos) fail("unterminated entity");
      const std::string entity = text.substr(i, end - i + 1);
      if (entity != "&amp;" && entity != "&lt;" && entity != "&gt;" && entity != "&quot;" && entity != "&apos;")
        fail("unknown entity " + entity);
      i = end + 1;
      continue;
    }
    if (text[i] != '<') {
      if (text[i] == '>') fail("bare >");
      ++i;
      continue;
    }
    if (text.compare(i, 5, "<?xml") == 0) {
      const std::size_t end = text.find("?>", i);
      if (end == std::string::npos || i != 0) fail("bad XML declaration");
      i = end + 2;
      continue;
    }
    const bool closing = i + 1 < text.size() && text[i + 1] == '/';
    std::size_t j = i + (closing ? 2 : 1);
    std::string name;
    while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '-' || text[j] == ':'))
      name += text[j++];
    if (name.empty()) fail("tag without a name");
    bool self_closing = false;
    while (true) {
      while (j < text.size() && std::isspace(static_cast<unsigned char>(text[j]))) ++j;
      if (j >= text.size()) fail("unterminated tag");
      if (text[j] == '>') break;
      if (text.compare(j, 2, "/>") == 0) {
        self_closing = true;
        ++j;
        break;
      }
      if (closing) fail("attribute on a closing tag");
      std::string attribute;
      while (j < text.size() && text[j] != '=' && !std::isspace(static_cast<unsigned char>(text[j]))) attribute += text[j++];
      if (j >= text.size() || text[j] != '=' || j + 1 >= text.size() || text[j + 1] != '"') fail("unquoted attribute " + attribute);
      const std::size_t end = text.find('"', j + 2);
      if (end == std::string::npos) fail("unterminated attribute");
      if (text.substr(j + 2, end - j - 2).find('<') != std::string::npos) fail("< in an attribute");
      j = end + 1;
    }
    if (closing) {
      if (stack.empty() || stack.back() != name) fail("</" + name + "> does not close the open element");
      stack.pop_back();
    } else {
      seen.push_back(name);
      if (!self_closing) stack.push_back(name);
    }
    i = j + 1;
  }
  if (!stack.empty()) FAIL("unclosed <" << stack.back() << ">");
  return seen;
}

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("clv --model bgnbd reproduces the published CDNOW fits from the raw file", "[cli][bgnbd]") {
  const auto r = run_cxkpi("clv --model bgnbd " + sample + split + " --horizon 39w --format json");
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  const json j = json::parse(r.out);
  CHECK(j["model"] == "bgnbd");
  CHECK(j["time_unit"] == "week");
  CHECK(j["calibration_end"] == "1997-09-30");
  CHECK(j["holdout_end"] == "1998-06-30");

  // Fader, Hardie & Lee (2005a): r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4.
  const json& b = j["bgnbd"];
  CHECK(b["customers"] == 2357);
  CHECK(b["converged"] == true);
  CHECK(b["r"].get<double>() == Approx(0.243).margin(0.0005));
  CHECK(b["alpha"].get<double>() == Approx(4.414).margin(0.0005));
  CHECK(b["a"].get<double>() == Approx(0.793).margin(0.0005));
  CHECK(b["b"].get<double>() == Approx(2.426).margin(0.0005));
  CHECK(b["log_likelihood"].get<double>() == Approx(-9582.4).margin(0.05));
  CHECK(b["alpha_unit"] == "week");
  // lifetimes' Quickstart: standard errors 0.012557, 0.378221, 0.185719, 0.705345.
  CHECK(b["standard_errors"]["r"].get<double>() == Approx(0.012557).margin(5e-5));
  CHECK(b["standard_errors"]["alpha"].get<double>() == Approx(0.378221).margin(5e-4));

  // Fader & Hardie (2013): 946 repeat customers, mean zbar 35.08; p = 6.25, q = 3.74, gamma = 15.44.
  const json& g = j["gamma_gamma"];
  CHECK(g["customers"] == 946);
  CHECK(g["mean_zbar"].get<double>() == Approx(35.08).margin(0.005));
  CHECK(g["p"].get<double>() == Approx(6.25).margin(0.005));
  CHECK(g["q"].get<double>() == Approx(3.74).margin(0.005));
  CHECK(g["gamma"].get<double>() == Approx(15.44).margin(0.005));
  CHECK(g["corr_x_zbar"].get<double>() == Approx(0.1139).margin(0.0005));
  CHECK(g["zero_spend_customers_excluded"] == 0);

  // FHL 2005a: a customer with x = 2, t_x = 30.43, T = 38.86 (sample ID 1) makes
  // 1.226 purchases in the next 39 weeks.
  REQUIRE(j["customers"].size() == 2357);
  const json& first = j["customers"][0];
  CHECK(first["customer"] == "0001");  // the sample id as written in the raw file
  CHECK(first["x"] == 2);
  CHECK(first["t_x_weeks"].get<double>() == Approx(30.43).margin(0.005));
  CHECK(first["T_weeks"].get<double>() == Approx(38.86).margin(0.005));
  CHECK(first["expected_purchases_39_weeks"].get<double>() == Approx(1.226).margin(0.0005));
  CHECK(first.contains("clv_39_weeks"));
  CHECK(j["horizon"]["weeks"] == 39);
  CHECK(j["horizon"]["note"].is_null());  // asked in weeks: nothing converted

  // The holdout: 1,882 actual repeat purchase days of the cohort; the
  // conditional expectations sum to 1,653 (docs/predictive-clv.md).
  const json& h = j["holdout"];
  CHECK(h["from"] == "1997-10-01");
  CHECK(h["to"] == "1998-06-30");
  CHECK(h["length_weeks"].get<double>() == Approx(39.0));
  CHECK(h["actual_repeat_purchases"].is_number_integer());
  CHECK(h["actual_repeat_purchases"] == 1882);
  CHECK(h["predicted_repeat_purchases"].get<double>() == Approx(1653).margin(1));
  REQUIRE(h["weeks"].size() == 39);
  double actual = 0, predicted = 0;
  for (const json& w : h["weeks"]) {
    actual += w["actual"].get<double>();
    predicted += w["predicted"].get<double>();
    CHECK(w["predicted"].get<double>() >= 0);
  }
  CHECK(actual == 1882);
  CHECK(predicted == Approx(h["predicted_repeat_purchases"].get<double>()).epsilon(1e-9));
  CHECK(h["weeks"][38]["to"] == "1998-06-30");
  CHECK(h["weeks"][38]["actual_cumulative"] == 1882);

  // Summary: total = sum of the customers; the top customer leads.
  const json& s = j["summary"];
  double total = 0;
  for (const json& c : j["customers"]) total += c["clv_39_weeks"].get<double>();
  CHECK(s["total"].get<double>() == Approx(total).epsilon(1e-12));
  CHECK(s["mean"].get<double>() == Approx(total / 2357).epsilon(1e-12));
  REQUIRE(s["top"].size() == 10);
  CHECK(s["top"][0]["clv_39_weeks"].get<double>() >= s["top"][9]["clv_39_weeks"].get<double>());
  CHECK(r.out.find("NaN") == std::string::npos);
  CHECK(r.out.find("nan") == std::string::npos);
}

TEST_CASE("clv --model bgnbd: the master id keys the same customers as the sample id", "[cli][bgnbd]") {
  const auto r = run_cxkpi("clv --model bgnbd '" + cdnow_dir +
                           "CDNOW_sample.txt' --delimiter whitespace --names master_id,sample_id,date,cds,dollars "
                           "--customer-column master_id --amount-column dollars --calibration-end 1997-09-30 "
                           "--format json");
  REQUIRE(r.exit_code == 0);
  const json j = json::parse(r.out);
  CHECK(j["bgnbd"]["r"].get<double>() == Approx(0.243).margin(0.0005));
  CHECK(j["bgnbd"]["log_likelihood"].get<double>() == Approx(-9582.4).margin(0.05));
  CHECK(j["gamma_gamma"]["p"].get<double>() == Approx(6.25).margin(0.005));
  CHECK(j["customers"][0]["customer"] == "00004");
}

TEST_CASE("rfm reproduces the published per-customer summary from the raw transactions", "[cli][rfm]") {
  const auto r = run_cxkpi("rfm " + sample + " --calibration-end 1997-09-30");
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  const std::vector<std::string> ours = lines_of(r.out);
  REQUIRE(!ours.empty());
  CHECK(ours[0] == "customer,x,t_x_weeks,T_weeks,zbar,first_purchase");
  // The raw file writes the sample id as 0001, the published summary as 1.
  std::map<long, std::vector<std::string>> by_id;
  for (std::size_t i = 1; i < ours.size(); ++i) {
    const auto f = split_line(ours[i]);
    REQUIRE(f.size() == 6);
    by_id[std::stol(f[0])] = f;
  }
  CHECK(by_id.size() == 2357);

  std::ifstream in(cdnow_dir + "cdnow_customers_summary_with_transactions.csv");
  REQUIRE(in);
  std::string line;
  std::getline(in, line);  // ID,x,t_x,T,zbar
  std::size_t rows = 0, equal = 0;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const auto published = split_line(line);
    REQUIRE(published.size() == 5);
    ++rows;
    const auto it = by_id.find(std::stol(published[0]));
    REQUIRE(it != by_id.end());
    const auto& f = it->second;
    const bool same = f[1] == published[1] && matches_2dp(std::stod(f[2]), published[2]) &&
                      matches_2dp(std::stod(f[3]), published[3]) && matches_2dp(std::stod(f[4]), published[4]);
    if (!same) FAIL_CHECK("ID " << published[0] << ": ours " << f[1] << "," << f[2] << "," << f[3] << "," << f[4]
                                << " published " << line);
    equal += same;
  }
  CHECK(rows == 2357);
  CHECK(equal == rows);
  // Row 1 as published: 1,2,30.43,38.86,22.35.
  CHECK(by_id[1][1] == "2");
  CHECK(std::stod(by_id[1][2]) == Approx(213.0 / 7));
  CHECK(by_id[1][5] == "1997-01-01");
}

TEST_CASE("rfm: units in the headers, holdout columns, JSON and the summary table", "[cli][rfm]") {
  const auto days = run_cxkpi("rfm " + sample + split + " --time-unit day");
  REQUIRE(days.exit_code == 0);
  const auto header = lines_of(days.out)[0];
  CHECK(header == "customer,x,t_x_days,T_days,zbar,first_purchase,holdout_x,holdout_spend");
  CHECK(lines_of(days.out)[1].starts_with("0001,2,213,272,"));

  const auto j = run_cxkpi("rfm " + sample + split + " --format json");
  REQUIRE(j.exit_code == 0);
  const json doc = json::parse(j.out);
  CHECK(doc["time_unit"] == "week");
  CHECK(doc["summary"]["customers"] == 2357);
  CHECK(doc["summary"]["repeat_customers"] == 946);
  CHECK(doc["summary"]["mean_zbar"].get<double>() == Approx(35.08).margin(0.005));
  CHECK(doc["summary"]["holdout_x"] == 1882);
  CHECK(doc["customers"][0]["t_x_weeks"].get<double>() == Approx(213.0 / 7));
  CHECK(doc["rows"]["read"] == 6919);

  const auto t = run_cxkpi("rfm " + sample + split + " --format table --check 'rfm.repeat_customers>=900'");
  REQUIRE(t.exit_code == 0);
  CHECK_THAT(t.out, Catch::Contains("RFM summary: 2357 customers, time unit week, calibration end 1997-09-30"));
  CHECK_THAT(t.out, Catch::Contains("946 (40.1%)"));
  CHECK_THAT(t.out, Catch::Contains("check passed: rfm.repeat_customers>=900"));
}

TEST_CASE("clv --model bgnbd: the horizon is in months unless it names its unit, and the output says so", "[cli][bgnbd]") {
  SECTION("a bare number keeps --horizon's unit, months, converted to weeks") {
    const auto r = run_cxkpi("clv --model bgnbd " + sample + " --calibration-end 1997-09-30 --horizon 12 --format json");
    REQUIRE(r.exit_code == 0);
    const json j = json::parse(r.out);
    CHECK(j["horizon"]["weeks"] == 52);
    CHECK(j["horizon"]["requested"] == "12 months");
    CHECK(j["horizon"]["note"] == "12 months = 52.18 weeks, rounded to 52 whole weeks");
    CHECK(j["customers"][0].contains("clv_52_weeks"));
  }
  SECTION("the default is --horizon's default, 36 months") {
    const auto r = run_cxkpi("clv --model bgnbd " + sample + " --calibration-end 1997-09-30 --format csv");
    REQUIRE(r.exit_code == 0);
    CHECK(lines_of(r.out)[0] == "customer,x,t_x_weeks,T_weeks,zbar,p_alive,expected_purchases_157_weeks,"
                                "expected_spend_per_purchase,clv_157_weeks");
    CHECK(lines_of(r.out).size() == 2358);
  }
  SECTION("a month fit with a horizon in years and an annual discount rate") {
    const auto r = run_cxkpi("clv --model bgnbd " + sample +
                             " --calibration-end 1997-09-30 --time-unit month --horizon 2y --discount-rate 10%/year "
                             "--format json");
    REQUIRE(r.exit_code == 0);
    const json j = json::parse(r.out);
    CHECK(j["horizon"]["months"] == 24);
    CHECK(j["horizon"]["note"] == "2 years = 24 months");
    CHECK(j["discount_rate_per_month"].get<double>() == Approx(std::pow(1.1, 1.0 / 12) - 1));
    CHECK(j["bgnbd"]["alpha_unit"] == "month");
    const auto table = run_cxkpi("clv --model bgnbd " + sample +
                                 " --calibration-end 1997-09-30 --horizon 12 --discount-rate 10%/year");
    REQUIRE(table.exit_code == 0);
    CHECK_THAT(table.out, Catch::Contains("CLV over 52 weeks (12 months = 52.18 weeks, rounded to 52 whole weeks), "
                                          "discount rate 10%/year = 0.00182832 per week"));
    // alpha scales with the unit: 4.414 weeks = 4.414 x 7 / 30.436875 months; r, a, b do not change.
    CHECK(j["bgnbd"]["alpha"].get<double>() == Approx(4.4136 * 7 / 30.436875).epsilon(1e-3));
    CHECK(j["bgnbd"]["r"].get<double>() == Approx(0.2426).epsilon(1e-3));
  }
  SECTION("discounting lowers every CLV; a margin scales it") {
    const auto plain = run_cxkpi("clv --model bgnbd " + sample + " --calibration-end 1997-09-30 --horizon 52w --format json");
    const auto discounted = run_cxkpi("clv --model bgnbd " + sample +
                                      " --calibration-end 1997-09-30 --horizon 52w --discount-rate 0.5% --margin 30% "
                                      "--format json");
    REQUIRE(plain.exit_code == 0);
    REQUIRE(discounted.exit_code == 0);
    const json a = json::parse(plain.out), b = json::parse(discounted.out);
    CHECK(b["discount_rate_per_week"].get<double>() == Approx(0.005));
    CHECK(b["margin"].get<double>() == Approx(0.3));
    const double total_a = a["summary"]["total"].get<double>(), total_b = b["summary"]["total"].get<double>();
    CHECK(total_b < 0.3 * total_a);
    CHECK(total_b > 0.3 * total_a * std::pow(1.005, -52));
    // Without discount, CLV = expected purchases x expected spend.
    const json& c = a["customers"][0];
    CHECK(c["clv_52_weeks"].get<double>() ==
          Approx(c["expected_purchases_52_weeks"].get<double>() * c["expected_spend_per_purchase"].get<double>()));
  }
  SECTION("flags of the other model are usage errors") {
    auto r = run_cxkpi("clv --model bgnbd " + sample + " --churn 4");
    CHECK(r.exit_code == 64);
    CHECK_THAT(r.err, Catch::Contains("--churn is for --model simple, not --model bgnbd"));
    r = run_cxkpi("clv " + sample + " --plot out.svg");
    CHECK(r.exit_code == 64);
    CHECK_THAT(r.err, Catch::Contains("--plot is for --model bgnbd"));
    r = run_cxkpi("clv --model bgnbd " + sample + " --to 1997-10-01");
    CHECK(r.exit_code == 64);
    CHECK_THAT(r.err, Catch::Contains("--calibration-end and --holdout-end"));
    r = run_cxkpi("clv --model bgnbd " + sample + " --horizon 52x");
    CHECK(r.exit_code == 64);
    CHECK_THAT(r.err, Catch::Contains("--horizon takes a length in months (36), or with a unit"));
    r = run_cxkpi("clv --model bgnbd " + sample + " --horizon 3d");
    CHECK(r.exit_code == 64);
    CHECK_THAT(r.err, Catch::Contains("less than one time unit of the fit"));
    r = run_cxkpi("clv --model bgnbd " + sample + " --holdout-end 1998-06-30");
    CHECK(r.exit_code == 64);
    CHECK_THAT(r.err, Catch::Contains("--holdout-end needs --calibration-end"));
    r = run_cxkpi("clv --model bgnbd " + sample + " --calibration-end 1997-09-30 --holdout-end 1997-09-01");
    CHECK(r.exit_code == 64);
    r = run_cxkpi("clv --model pareto " + sample);
    CHECK(r.exit_code == 64);
  }
}

TEST_CASE("clv --model bgnbd: the table shows parameters, summary, top customers and the holdout", "[cli][bgnbd]") {
  const auto r = run_cxkpi("clv --model bgnbd " + sample + split + " --horizon 52w --check 'clv>=10'");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("BG/NBD + Gamma-Gamma: 2357 customers, time unit week, calibration end 1997-09-30"));
  CHECK_THAT(r.out, Catch::Contains("alpha (weeks)"));
  CHECK_THAT(r.out, Catch::Contains("log-likelihood -9582.43; converged"));
  CHECK_THAT(r.out, Catch::Contains("946 repeat customers, mean zbar 35.08, corr(x, zbar) 0.114"));
  CHECK_THAT(r.out, Catch::Contains("CLV over 52 weeks, discount rate 0 per week"));
  CHECK_THAT(r.out, Catch::Contains("   1  1997-10-01  1997-10-07      50       52.1                 50                  52.1"));
  CHECK_THAT(r.out, Catch::Contains("Top 10 customers by CLV"));
  CHECK_THAT(r.out, Catch::Contains("Holdout 1997-10-01 to 1998-06-30 (39 weeks): actual 1882 repeat purchases"));
  CHECK_THAT(r.out, Catch::Contains("check passed: clv>=10"));

  const auto md = run_cxkpi("clv --model bgnbd " + sample + split + " --format markdown");
  REQUIRE(md.exit_code == 0);
  CHECK_THAT(md.out, Catch::Contains("| BG/NBD | estimate | std. error |"));

  const auto failed = run_cxkpi("clv --model bgnbd " + sample + split + " --check 'clv.total>=1e9'");
  CHECK(failed.exit_code == 1);
  CHECK_THAT(failed.err, Catch::Contains("check failed: clv.total>=1e9"));
}

TEST_CASE("clv --model bgnbd --plot writes the tracking plot as standalone SVG", "[cli][bgnbd][plot]") {
  const std::string svg_path = scratch_dir() + "/tracking.svg";
  std::remove(svg_path.c_str());
  const auto r = run_cxkpi("clv --model bgnbd " + sample + split + " --plot '" + svg_path + "' --format csv");
  REQUIRE(r.exit_code == 0);
  const std::string svg = slurp(svg_path);
  REQUIRE(!svg.empty());
  const std::vector<std::string> elements = xml_elements(svg);
  REQUIRE(!elements.empty());
  CHECK(elements.front() == "svg");
  CHECK_THAT(svg, Catch::Contains("xmlns=\"http://www.w3.org/2000/svg\""));
  // Two curves, both with many points, named in the legend.
  CHECK(count_of(svg, "<polyline") == 2);
  CHECK_THAT(svg, Catch::Contains("<title>Actual</title>"));
  CHECK_THAT(svg, Catch::Contains("<title>BG/NBD prediction</title>"));
  CHECK(count_of(svg, "<polyline class=\"series\"") == 2);
  const std::size_t points = svg.find("points=\"");
  REQUIRE(points != std::string::npos);
  CHECK(count_of(svg.substr(points, svg.find('"', points + 8) - points), ",") > 100);
  // Axes with labels and ticks; the calibration end marked.
  CHECK_THAT(svg, Catch::Contains(">Cumulative repeat purchases</text>"));
  CHECK_THAT(svg, Catch::Contains(">Weeks since 1997-01-01 (first purchase in the cohort)</text>"));
  CHECK_THAT(svg, Catch::Contains(">calibration end 1997-09-30</text>"));
  CHECK_THAT(svg, Catch::Contains(">4,000</text>"));  // a y tick: 4,339 repeat purchases by the holdout end
  CHECK_THAT(svg, Catch::Contains(">80</text>"));     // an x tick: 78 weeks
  CHECK(svg.find("nan") == std::string::npos);

  // An unwritable plot path: exit 74, nothing left behind.
  const auto bad = run_cxkpi("clv --model bgnbd " + sample + split + " --plot /nonexistent/dir/x.svg --format csv");
  CHECK(bad.exit_code == 74);
  CHECK_THAT(bad.err, Catch::Contains("/nonexistent/dir/x.svg"));
}

TEST_CASE("clv --model bgnbd on CDNOW_master: the $0 repeat customer is left out of Gamma-Gamma, with a warning",
          "[cli][bgnbd]") {
  const auto r = run_cxkpi("clv --model bgnbd '" + cdnow_dir +
                           "CDNOW_master.txt' --delimiter whitespace --amount-column dollar_value "
                           "--calibration-end 1997-09-30 --format json");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("cxkpi: warning: 1 repeat customer with zero repeat spend (zbar = 0, e.g. "
                                    "customer 10244) left out of the Gamma-Gamma fit"));
  const json j = json::parse(r.out);
  CHECK(j["bgnbd"]["customers"] == 23570);
  CHECK(j["bgnbd"]["converged"] == true);
  CHECK(j["gamma_gamma"]["customers"] == 9450);
  CHECK(j["gamma_gamma"]["zero_spend_customers_excluded"] == 1);
  bool found = false;
  for (const json& c : j["customers"]) {
    if (c["customer"] != "10244") continue;
    found = true;
    CHECK(c["x"].get<int>() > 0);
    CHECK(c["zbar"].get<double>() == 0);
    CHECK(c["expected_spend_per_purchase"].get<double>() > 0);  // eq. 5 with zbar = 0: shrunk towards 0, not 0
  }
  CHECK(found);
  const auto quiet = run_cxkpi("clv --model bgnbd '" + cdnow_dir +
                               "CDNOW_master.txt' --delimiter whitespace --amount-column dollar_value "
                               "--calibration-end 1997-09-30 --format csv --quiet");
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.err.empty());
}

TEST_CASE("clv --model bgnbd: a fit that does not converge is a warning, with the best point found", "[cli][bgnbd]") {
  // 30 customers buying every 7 to 9 days from January to June: nobody shows
  // any sign of dropping out, so the drop-out probability runs to 0 (a -> 0)
  // and the rate's Gamma to a point (r, alpha -> infinity).
  std::string csv = "customer,date,amount\n";
  for (int c = 0; c < 30; ++c) {
    const int first = c + 1;  // day of January
    const int step = 7 + c % 3;
    for (int day = first; day <= 181; day += step) {
      // day of year (2025 is not a leap year) -> month and day
      static const int month_days[] = {31, 28, 31, 30, 31, 30};
      int m = 0, d = day;
      while (d > month_days[m]) d -= month_days[m++];
      csv += "C" + std::to_string(c) + ",2025-" + (m + 1 < 10 ? "0" : "") + std::to_string(m + 1) + "-" +
             (d < 10 ? "0" : "") + std::to_string(d) + "," + std::to_string(10 + c % 7) + "\n";
    }
  }
  const std::string f = write_file("steady.csv", csv);
  const auto r = run_cxkpi("clv --model bgnbd '" + f + "' --calibration-end 2025-06-30 --format json");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("cxkpi: warning: BG/NBD fit ran to a boundary"));
  CHECK_THAT(r.err, Catch::Contains("(r "));  // the best point, named
  const json j = json::parse(r.out);
  CHECK(j["bgnbd"]["converged"] == false);
  CHECK(j["bgnbd"]["standard_errors"].is_null());
  CHECK_THAT(j["bgnbd"]["message"].get<std::string>(), Catch::Contains("the data do not identify the model"));
  CHECK(j["summary"]["mean"].get<double>() > 0);
  CHECK(r.out.find("NaN") == std::string::npos);
  const auto table = run_cxkpi("clv --model bgnbd '" + f + "' --calibration-end 2025-06-30 --quiet");
  REQUIRE(table.exit_code == 0);
  CHECK_THAT(table.out, Catch::Contains("NOT CONVERGED: the figures use the best point found"));
  CHECK(table.err.empty());
}

TEST_CASE("predictive commands: bad inputs give a clear message and exit 65, never NaN", "[cli][bgnbd][errors]") {
  SECTION("a negative amount is a refund, not a purchase") {
    const std::string f = write_file("refund.csv",
                                     "customer,date,amount\nA,2025-01-01,10\nA,2025-02-01,-5\nB,2025-01-03,7\n");
    for (const char* cmd : {"rfm", "clv --model bgnbd"}) {
      const auto r = run_cxkpi(std::string(cmd) + " '" + f + "'");
      CHECK(r.exit_code == 65);
      CHECK_THAT(r.err, Catch::Contains("refund.csv:3:3: negative amount \"-5\" in column \"amount\": a refund is not "
                                        "a purchase"));
      CHECK(r.out.empty());
    }
  }
  SECTION("a single customer") {
    const std::string f = write_file("one.csv", "customer,date,amount\nA,2025-01-01,10\nA,2025-02-01,20\n");
    const auto r = run_cxkpi("clv --model bgnbd '" + f + "' --calibration-end 2025-03-01");
    CHECK(r.exit_code == 65);
    CHECK_THAT(r.err, Catch::Contains("cxkpi: error: BG/NBD needs at least 2 customers, got 1"));
    CHECK(r.out.empty());
  }
  SECTION("a calibration end before nearly everybody's first purchase") {
    const std::string f = write_file("early.csv", "customer,date,amount\nA,2025-01-01,10\nA,2025-02-01,20\n"
                                                  "B,2025-03-01,5\nB,2025-03-08,5\n");
    const auto r = run_cxkpi("clv --model bgnbd '" + f + "' --calibration-end 2025-02-15");
    CHECK(r.exit_code == 65);
    CHECK_THAT(r.err, Catch::Contains("BG/NBD needs at least 2 customers with a first purchase on or before the "
                                      "calibration end 2025-02-15, got 1 (1 first bought after it)"));
  }
  SECTION("nobody bought twice") {
    const std::string f =
        write_file("once.csv", "customer,date,amount\nA,2025-01-01,10\nB,2025-01-05,20\nC,2025-02-01,5\n");
    const auto r = run_cxkpi("clv --model bgnbd '" + f + "' --calibration-end 2025-03-01");
    CHECK(r.exit_code == 65);
    CHECK_THAT(r.err, Catch::Contains("BG/NBD cannot be fitted: all 3 customers have x = 0"));
    // rfm still summarises them.
    const auto rfm = run_cxkpi("rfm '" + f + "' --calibration-end 2025-03-01 --format json");
    REQUIRE(rfm.exit_code == 0);
    const json j = json::parse(rfm.out);
    CHECK(j["summary"]["repeat_customers"] == 0);
    CHECK(j["summary"]["mean_zbar"].is_null());
    CHECK(j["summary"]["corr_x_zbar"].is_null());
  }
  SECTION("every repeat purchase was free") {
    const std::string f = write_file("free.csv",
                                     "customer,date,amount\nA,2025-01-01,10\nA,2025-02-01,0\nB,2025-01-03,7\n"
                                     "B,2025-01-20,0\nC,2025-01-10,5\n");
    const auto r = run_cxkpi("clv --model bgnbd '" + f + "' --calibration-end 2025-03-01");
    CHECK(r.exit_code == 65);
    CHECK_THAT(r.err, Catch::Contains("Gamma-Gamma needs at least 2 repeat customers with positive spend, got 0 "
                                      "(2 repeat customers, 2 with zero repeat spend)"));
  }
  SECTION("spend that rises with frequency: Gamma-Gamma refused, with the correlation") {
    // 12 customers; customer c buys once in January, then 1 + c % 6 more
    // times, each repeat purchase worth 10 x the number of repeats (+15 for odd c).
    std::string csv = "customer,date,amount\n";
    auto two = [](int v) { return std::string(v < 10 ? "0" : "") + std::to_string(v); };
    for (int c = 1; c <= 12; ++c) {
      const int repeats = 1 + c % 6;
      csv += "C" + std::to_string(c) + ",2025-01-" + two(c) + ",10\n";
      for (int k = 1; k <= repeats; ++k)
        csv += "C" + std::to_string(c) + ",2025-" + two(1 + k) + "-" + two(c) + "," + std::to_string(10 * repeats + 15 * (c % 2)) + "\n";
    }
    csv += "D1,2025-01-15,10\nD2,2025-02-15,10\n";
    const std::string f = write_file("correlated.csv", csv);
    const auto r = run_cxkpi("clv --model bgnbd '" + f + "' --calibration-end 2025-07-31 --quiet");
    CHECK(r.exit_code == 65);
    CHECK_THAT(r.err, Catch::Contains("cxkpi: error: Gamma-Gamma refused: corr(x, zbar) = 0.937"));
    CHECK_THAT(r.err, Catch::Contains("over 12 repeat customers, beyond +-0.3"));
    CHECK(r.out.empty());
  }
  SECTION("empty input and rows with problems") {
    const std::string empty = write_file("empty.csv", "customer,date,amount\n");
    auto r = run_cxkpi("rfm '" + empty + "'");
    CHECK(r.exit_code == 0);
    CHECK(r.out == "customer,x,t_x_weeks,T_weeks,zbar,first_purchase\n");
    r = run_cxkpi("rfm '" + empty + "' --format table");
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("nan") == std::string::npos);
    r = run_cxkpi("clv --model bgnbd '" + empty + "'");
    CHECK(r.exit_code == 65);
    CHECK_THAT(r.err, Catch::Contains("BG/NBD needs at least 2 customers, got 0"));

    const std::string bad = write_file("bad_rows.csv",
                                       "customer,date,amount\nA,2025-01-01,10\nA,not a date,5\n,2025-01-02,3\n"
                                       "B,2025-01-03,x\nB,2025-01-04,4\n");
    r = run_cxkpi("rfm '" + bad + "' --format json");
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.err, Catch::Contains("bad_rows.csv:3:2: skipped row: invalid date \"not a date\""));
    const json j = json::parse(r.out);
    CHECK(j["rows"]["read"] == 5);
    CHECK(j["rows"]["used"] == 2);
    CHECK(j["rows"]["skipped_by_reason"]["bad_date"] == 1);
    r = run_cxkpi("rfm '" + bad + "' --strict");
    CHECK(r.exit_code == 65);
  }
  SECTION("orders after the windows are not read; customers born after the calibration end are left out") {
    const std::string f = write_file("late.csv",
                                     "customer,date,amount\nA,2025-01-01,10\nA,2025-01-08,20\nA,2025-03-01,30\n"
                                     "B,2025-01-03,7\nC,2025-01-20,9\n");
    const auto r = run_cxkpi("rfm '" + f + "' --calibration-end 2025-01-10 --holdout-end 2025-02-01 --time-unit day --format json");
    REQUIRE(r.exit_code == 0);
    const json j = json::parse(r.out);
    CHECK(j["summary"]["customers"] == 2);
    CHECK(j["summary"]["customers_after_calibration_end"] == 1);  // C
    CHECK(j["rows"]["skipped_by_reason"]["after_window"] == 1);   // A's order of 2025-03-01
    CHECK(j["customers"][0]["x"] == 1);
    CHECK(j["customers"][0]["t_x_days"] == 7);
    CHECK(j["customers"][0]["T_days"] == 9);
    CHECK(j["customers"][0]["zbar"] == 20);
    CHECK(j["holdout_length_days"] == 22);
  }
}
