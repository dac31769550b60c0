// End-to-end: a large CSV or JSON Lines file read on several threads (src/scan.hpp) gives
// the same bytes on standard output and standard error, and the same exit
// code, as --threads 1, for results, warnings, --verbose notes and errors.
// The files are made here, above the parallel threshold (8 MiB), with what
// makes splitting hard: quoted comments holding commas, doubled quotes and
// line breaks (LF and CRLF) wherever the cut points fall.

#include "run_cxkpi.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace {

const char* const header = "response_id,customer_id,submitted_at,region,channel,nps_score,csat_score,ces_score,comment\n";

// One survey row; `row` numbers it. About 1% of the scores are bad (empty,
// off the scale, not a number) unless `clean`.
std::string survey_row(std::mt19937& rng, std::uint64_t row, bool clean, const char* eol = "\n") {
  static const char* const regions[] = {"North", "South", "East", "West", "Central"};
  static const char* const channels[] = {"web", "app", "store", "phone", "email"};
  static const char* const comments[] = {
      "",
      "Fast delivery",
      "\"Slow, but friendly\"",
      "\"The \"\"easy\"\" checkout, thanks\"",
      "\"Two lines:\nfirst, then second\"",
      "\"Windows style:\r\nsecond line, \"\"quoted\"\"\"",
      "\"\"",
      "\"Long, long comment that goes on and on, with commas, and more commas, to make rows of uneven length\"",
  };
  auto pick = [&](std::uint32_t n) { return rng() % n; };
  auto score = [&](int low, int high) -> std::string {
    if (!clean && pick(100) == 0) {
      static const char* const bad[] = {"", "", "11", "n/a", "7.5", " "};
      return bad[pick(6)];
    }
    return std::to_string(low + static_cast<int>(pick(static_cast<std::uint32_t>(high - low + 1))));
  };
  std::string r = "R" + std::to_string(row) + ",C" + std::to_string(pick(200000)) + ",2024-0" +
                  std::to_string(1 + pick(9)) + "-1" + std::to_string(pick(10)) + "T10:00:00Z," + regions[pick(5)] +
                  "," + channels[pick(5)] + ",";
  r += score(0, 10) + "," + score(1, 5) + "," + score(1, 7) + ",";
  r += comments[pick(8)];
  r += eol;
  return r;
}

// Writes a survey file of about `bytes` bytes; `at_fraction` (0..1) places
// `special` as a whole row there (nothing when empty).
std::string make_file(const std::string& name, std::size_t bytes, std::uint32_t seed, bool clean,
                      const std::string& special = "", double at_fraction = 0, const char* eol = "\n") {
  const std::string path = scratch_dir() + "/" + name;
  std::mt19937 rng(seed);
  std::string text = header;
  std::uint64_t row = 1;
  bool placed = special.empty();
  while (text.size() < bytes) {
    if (!placed && static_cast<double>(text.size()) >= at_fraction * static_cast<double>(bytes)) {
      text += special;
      placed = true;
    }
    text += survey_row(rng, row++, clean, eol);
  }
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// The rows of make_file as JSON Lines (about `bytes` bytes, a BOM first):
// scores as numbers, a bad one as a string or an off-scale number, an empty
// one as null; comments with escapes (a quote, a line break, \u00e9);
// blank lines and CRLF endings here and there; `special` as a line at
// `at_fraction`.
std::string make_json_lines(const std::string& name, std::size_t bytes, std::uint32_t seed,
                            const std::string& special = "", double at_fraction = 0) {
  static const char* const regions[] = {"North", "South", "East", "West", "Central"};
  static const char* const comments[] = {"", "Fast delivery", "The \\\"easy\\\" checkout", "Two lines:\\nsecond",
                                         "caf\\u00e9, tr\xC3\xA8s bien"};
  const std::string path = scratch_dir() + "/" + name;
  std::mt19937 rng(seed);
  auto pick = [&](std::uint32_t n) { return rng() % n; };
  auto score = [&](int low, int high) -> std::string {
    switch (pick(100)) {
      case 0: return "null";
      case 1: return "\"n/a\"";
      case 2: return std::to_string(high + 1);
      default: return std::to_string(low + static_cast<int>(pick(static_cast<std::uint32_t>(high - low + 1))));
    }
  };
  std::string text = "\xEF\xBB\xBF";
  bool placed = special.empty();
  for (std::uint64_t row = 1; text.size() < bytes; ++row) {
    if (!placed && static_cast<double>(text.size()) >= at_fraction * static_cast<double>(bytes)) {
      text += special;
      placed = true;
    }
    text += "{\"response_id\":\"R" + std::to_string(row) + "\",\"region\":\"" + regions[pick(5)] +
            "\",\"nps_score\":" + score(0, 10) + ",\"csat_score\":" + score(1, 5) + ",\"ces_score\":" + score(1, 7) +
            ",\"comment\":\"" + comments[pick(5)] + "\"}" + (pick(20) == 0 ? "\r\n" : "\n");
    if (pick(50) == 0) text += "\n";
  }
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// Runs `args` with each thread count and requires the same result as with 1.
run_result same_for_all_thread_counts(const std::string& args, const std::vector<int>& counts = {2, 3, 7}) {
  const run_result one = run_cxkpi(args + " --threads 1");
  for (int n : counts) {
    INFO("--threads " << n << ": " << args);
    const run_result r = run_cxkpi(args + " --threads " + std::to_string(n));
    REQUIRE(r.exit_code == one.exit_code);
    REQUIRE(r.err == one.err);
    REQUIRE(r.out == one.out);  // REQUIRE, not CHECK: a diff of 10 KB of JSON is no help
  }
  return one;
}

// The survey of `file` by region in JSON, then with --verbose in CSV: the
// same bytes and exit code on every thread count, with warnings (bad scores
// are everywhere) and the notes of --verbose once, not once per thread.
void survey_same_for_all_thread_counts(const std::string& file) {
  const run_result r = same_for_all_thread_counts("survey '" + file + "' --by region --format json");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("\"segment\": \"region=West\""));
  CHECK_THAT(r.err, Catch::Contains("skipped row"));
  CHECK_THAT(r.err, Catch::Contains("more skipped rows not listed"));
  const run_result v = same_for_all_thread_counts("survey '" + file + "' --format csv -v", {2, 5});
  CHECK_THAT(v.err, Catch::Contains("nps column"));
}

}  // namespace

TEST_CASE("survey on a 20 MB file: the same JSON and warnings with 1, 2, 3 and 7 threads", "[cli][parallel]") {
  survey_same_for_all_thread_counts(make_file("survey-20mb.csv", 20u << 20, 1, false));
}

TEST_CASE("strict mode: the same first error, whichever thread meets it", "[cli][parallel]") {
  // Clean scores, then one off the scale at 70% of the file: a later range
  // throws it while the earlier ones read on.
  const std::string special = "R0,C1,2024-05-05T10:00:00Z,North,web,12,4,5,\"bad, late\"\n";
  const std::string file = make_file("strict.csv", 10u << 20, 2, true, special, 0.7);
  const run_result r = same_for_all_thread_counts("survey '" + file + "' --by region --format json --strict", {2, 3});
  REQUIRE(r.exit_code == 65);
  CHECK_THAT(r.err, Catch::Contains("off the scale"));
  CHECK(r.out.empty());

  // With bad scores all over, --strict stops at the first one.
  const std::string dirty = make_file("strict-dirty.csv", 9u << 20, 3, false);
  const run_result d = same_for_all_thread_counts("survey '" + dirty + "' --format json --strict", {2, 4});
  REQUIRE(d.exit_code == 65);
}

TEST_CASE("a malformed row ends the run with the same warnings before it", "[cli][parallel]") {
  // Bad scores everywhere (warnings from every range), and a row with too
  // few fields at 60%: only the warnings before it may count.
  const std::string file = make_file("ragged.csv", 10u << 20, 4, false, "R0,C1,2024-05-05,North\n", 0.6);
  const run_result r = same_for_all_thread_counts("survey '" + file + "' --by region --format json", {2, 3});
  REQUIRE(r.exit_code == 65);
  CHECK_THAT(r.err, Catch::Contains("row has 4 fields, the header has 9"));
  CHECK_THAT(r.err, Catch::Contains("more skipped rows not listed"));

  // An unterminated quote near the end runs to the end of the file.
  const std::string open = make_file("unterminated.csv", 9u << 20, 5, false, "R0,C1,2024-05-05,North,web,9,4,5,\"open\n", 0.98);
  const run_result u = same_for_all_thread_counts("survey '" + open + "' --format json", {2, 3});
  REQUIRE(u.exit_code == 65);
}

TEST_CASE("a bare quote in an unquoted field: the wrong split is caught", "[cli][parallel]") {
  // `5'10"` early in the file flips the quote parity for the rest, so line
  // breaks inside the quoted comments look like row ends to the split.
  const std::string special = "R0,C1,2024-05-05T10:00:00Z,North,web,9,4,5,5'10\" tall\n";
  const std::string file = make_file("bare-quote.csv", 10u << 20, 6, false, special, 0.1);
  const run_result r = same_for_all_thread_counts("survey '" + file + "' --by region --format json", {2, 3});
  REQUIRE(r.exit_code == 0);
}

TEST_CASE("CRLF rows, a BOM and a semicolon delimiter", "[cli][parallel]") {
  const std::string path = make_file("crlf.csv", 9u << 20, 7, false, "", 0, "\r\n");
  const run_result r = same_for_all_thread_counts("survey '" + path + "' --by channel --format json", {2, 3});
  REQUIRE(r.exit_code == 0);

  // The same rows with ';' and a BOM, under a name without .csv (sniffed).
  std::string text = slurp(path);
  for (char& c : text)
    if (c == ',') c = ';';  // commas inside quotes become ';' too: still quoted
  const std::string semicolons = scratch_dir() + "/semicolons.data";
  std::ofstream(semicolons, std::ios::binary) << "\xEF\xBB\xBF" << text;
  const run_result s = same_for_all_thread_counts("survey '" + semicolons + "' --by channel --format json", {2});
  REQUIRE(s.exit_code == 0);
}

TEST_CASE("JSON Lines on a 12 MB file: the same JSON and warnings with 1, 2, 3 and 7 threads", "[cli][parallel]") {
  survey_same_for_all_thread_counts(make_json_lines("survey-12mb.jsonl", 12u << 20, 8));
}

TEST_CASE("JSON Lines: a bad line or a strict error ends the run the same way on any thread count", "[cli][parallel]") {
  // A line that is not an object at 60%: the warnings before it, then its error.
  const std::string file = make_json_lines("bad-line.jsonl", 10u << 20, 9, "[1, 2]\n", 0.6);
  const run_result r = same_for_all_thread_counts("survey '" + file + "' --by region --format json", {2, 3});
  REQUIRE(r.exit_code == 65);
  CHECK_THAT(r.err, Catch::Contains("expected an object, found an array"));
  CHECK_THAT(r.err, Catch::Contains("more skipped rows not listed"));
  // --strict: the first bad score, whichever thread meets it.
  const run_result s = same_for_all_thread_counts("survey '" + file + "' --format json --strict", {2, 4});
  REQUIRE(s.exit_code == 65);
  CHECK(s.out.empty());
}
