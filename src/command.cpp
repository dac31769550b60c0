#include "command.hpp"

#include "checks.hpp"
#include "output.hpp"

#include <cxkpi/io/columns.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <tuple>
#include <cstdlib>
#include <cstring>

#include <unistd.h>

namespace cxkpi::cli {

void add_common_options(CLI::App& command, common_options& o, bool inputs_required) {
  auto* inputs = command.add_option("inputs", o.inputs, "Input files (CSV, JSON, JSON Lines); - reads standard input");
  if (inputs_required) inputs->required();
  command.add_option("-f,--format", o.format, "Output format")
      ->check(CLI::IsMember({"table", "json", "csv", "markdown"}))
      ->capture_default_str();
  command.add_option("--check", o.checks, "Fail (exit 1) unless EXPR holds, e.g. 'nps>=30'; repeatable")
      ->allow_extra_args(false);
  command.add_option("--bands", o.bands_file, "Benchmark bands from FILE.json instead of the built-in ones");
  command.add_option("-o,--output", o.output, "Write to FILE (atomically: all or nothing)");
  command.add_flag("--strict", o.strict, "Treat a missing or invalid value as an error (exit 65), not a skipped row");
  command.add_flag("-q,--quiet", o.quiet, "No warnings about skipped rows");
  command.add_flag("-v,--verbose", o.verbose, "Say which columns were picked and why");
  command.add_flag("--no-header", o.no_header, "CSV output without its header line (to append to a history file)");
  command.add_option("--input-format", o.input.format, "Input format")
      ->check(CLI::IsMember({"auto", "csv", "json"}))
      ->capture_default_str();
  command.add_option("--delimiter", o.delimiter, "CSV delimiter: , ; tab | or whitespace (default: detected)");
  command.add_option("--names", o.input.names, "Column names for input without a header row (comma-separated)")
      ->delimiter(',')
      ->allow_extra_args(false);
}

void finalize_common_options(common_options& o) {
  if (o.delimiter.empty()) return;
  if (o.delimiter == "whitespace") {
    o.input.whitespace_delimited = true;
  } else if (o.delimiter == "tab" || o.delimiter == "\\t") {
    o.input.delimiter = '\t';
  } else if (o.delimiter.size() == 1 && std::strchr(",;|\t", o.delimiter[0]) != nullptr) {
    o.input.delimiter = o.delimiter[0];
  } else {
    throw usage_error("--delimiter must be one of , ; tab | whitespace, not \"" + o.delimiter + "\"");
  }
}

diagnostics::~diagnostics() {
  if (quiet_) return;
  for (const note& n : first_notes_) std::fprintf(stderr, "cxkpi: warning: %s\n", n.text.c_str());
  if (skipped_ > first_notes_.size())
    std::fprintf(stderr, "cxkpi: warning: %llu more skipped rows not listed (counts are in the output)\n",
                 static_cast<unsigned long long>(skipped_ - first_notes_.size()));
}

void diagnostics::skipped_row(const source_location& where, const std::string& what) {
  if (quiet_) return;
  std::string place = where.file + ":" + std::to_string(where.line) + ":";
  if (where.column != 0) place += std::to_string(where.column) + ":";
  // Inputs are named by path, or <stdin> for "-".
  std::size_t input = inputs_.size();
  for (std::size_t i = 0; i < inputs_.size(); ++i)
    if (inputs_[i] == where.file || (inputs_[i] == "-" && where.file == "<stdin>")) input = i;
  note n{input, where.line, place + " skipped row: " + what};
  const std::lock_guard<std::mutex> lock(mutex_);
  ++skipped_;
  auto before = [](const note& a, const note& b) { return std::tie(a.input, a.line) < std::tie(b.input, b.line); };
  auto at = std::upper_bound(first_notes_.begin(), first_notes_.end(), n, before);
  if (static_cast<std::size_t>(at - first_notes_.begin()) >= listed_limit) return;
  first_notes_.insert(at, std::move(n));
  if (first_notes_.size() > listed_limit) first_notes_.pop_back();
}

void diagnostics::info(const std::string& message) const {
  if (verbose_) std::fprintf(stderr, "cxkpi: %s\n", message.c_str());
}

std::string columns_list(const std::vector<std::string>& header) {
  std::string out;
  for (const std::string& h : header) out += (out.empty() ? "\"" : ", \"") + h + "\"";
  return out.empty() ? "(none)" : out;
}

std::size_t require_column(const io::table_reader& reader, const std::string& name) {
  if (auto found = io::find_column(reader.header(), name)) return *found;
  throw data_error(fmt::format("no column \"{}\"; the columns are {}", name, columns_list(reader.header())),
                   {reader.name(), 1, 0});
}

exit_code finish(report& r, const common_options& o) {
  evaluate_checks(r, parse_checks(o.checks));
  render_options ro;
  ro.format = o.format == "json"       ? output_format::json
              : o.format == "csv"      ? output_format::csv
              : o.format == "markdown" ? output_format::markdown
                                       : output_format::table;
  ro.csv_header = !o.no_header;
  // Colour only for a person at a terminal (ninja's rule): not in files or
  // pipes, not with NO_COLOR set, not on a dumb terminal.
  const char* term = std::getenv("TERM");
  ro.color = o.output.empty() && ::isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr &&
             !(term != nullptr && std::strcmp(term, "dumb") == 0);
  write_output(render(r, ro), o.output);
  bool all_passed = true;
  for (const check_outcome& c : r.checks)
    if (!c.passed) {
      all_passed = false;
      std::fprintf(stderr, "cxkpi: check failed: %s (%s)\n", c.expr.c_str(), c.reason.c_str());
    }
  return all_passed ? exit_code::ok : exit_code::check_failed;
}

}  // namespace cxkpi::cli
