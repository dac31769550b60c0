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
#include <thread>

#include <unistd.h>

namespace cxkpi::cli {

std::size_t default_threads() {
  const unsigned cores = std::thread::hardware_concurrency();
  return cores > 0 ? cores : 1;
}

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
  add_source_option(command, o.input);
  command.add_option("--names", o.input.names, "Column names for input without a header row (comma-separated)")
      ->delimiter(',')
      ->allow_extra_args(false);
  command.add_option("--threads", o.threads, "Threads for parsing a large CSV or JSON Lines file (default: the number of cores)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1024}));
}

void finalize_common_options(common_options& o) {
  o.input.verbose = o.verbose;
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

namespace {
// The hold this thread reports into, if any (diagnostics::hold_scope).
thread_local diagnostics::held* current_hold = nullptr;
}  // namespace

void diagnostics::keep_first(std::vector<note>& notes, note n) {
  auto before = [](const note& a, const note& b) { return std::tie(a.input, a.line) < std::tie(b.input, b.line); };
  auto at = std::upper_bound(notes.begin(), notes.end(), n, before);
  if (static_cast<std::size_t>(at - notes.begin()) >= listed_limit) return;
  notes.insert(at, std::move(n));
  if (notes.size() > listed_limit) notes.pop_back();
}

std::size_t diagnostics::input_index(const std::string& file) const {
  // Inputs are named by path, or <stdin> for "-".
  std::size_t input = inputs_.size();
  for (std::size_t i = 0; i < inputs_.size(); ++i)
    if (inputs_[i] == file || (inputs_[i] == "-" && file == "<stdin>")) input = i;
  return input;
}

diagnostics::held::notes_for& diagnostics::held::notes_to(diagnostics* d) {
  for (notes_for& f : notes_)
    if (f.to == d) return f;
  return notes_.emplace_back(notes_for{d, {}, 0});
}

void diagnostics::skipped_row(const source_location& where, const std::string& what) {
  if (quiet_) return;
  std::string place = where.file + ":" + std::to_string(where.line) + ":";
  if (where.column != 0) place += std::to_string(where.column) + ":";
  note n{input_index(where.file), where.line, place + " skipped row: " + what};
  if (held* h = current_hold) {  // only this thread touches its hold
    held::notes_for& f = h->notes_to(this);
    ++f.skipped;
    keep_first(f.first, std::move(n));
    return;
  }
  const std::lock_guard<std::mutex> lock(mutex_);
  ++skipped_;
  keep_first(first_notes_, std::move(n));
}

bool diagnostics::lists(const std::string& file, std::uint64_t line) {
  if (quiet_) return false;
  const std::size_t input = input_index(file);
  auto listed = [&](const std::vector<note>& notes) {
    return notes.size() < listed_limit || std::tie(input, line) < std::tie(notes.back().input, notes.back().line);
  };
  if (held* h = current_hold) return listed(h->notes_to(this).first);
  const std::lock_guard<std::mutex> lock(mutex_);
  return listed(first_notes_);
}

void diagnostics::count_skipped_row() {
  if (quiet_) return;
  if (held* h = current_hold) {
    ++h->notes_to(this).skipped;
    return;
  }
  const std::lock_guard<std::mutex> lock(mutex_);
  ++skipped_;
}

void diagnostics::info(const std::string& message) const {
  if (!verbose_) return;
  if (held* h = current_hold) {
    h->infos_.emplace_back(this, message);
    return;
  }
  std::fprintf(stderr, "cxkpi: %s\n", message.c_str());
}

diagnostics::hold_scope::hold_scope(held& into) : previous_(current_hold) { current_hold = &into; }
diagnostics::hold_scope::~hold_scope() { current_hold = previous_; }

void diagnostics::release(held&& h, bool infos) {
  if (infos)
    for (const auto& [to, message] : h.infos_) to->info(message);
  for (held::notes_for& f : h.notes_) {
    const std::lock_guard<std::mutex> lock(f.to->mutex_);
    f.to->skipped_ += f.skipped;
    for (note& n : f.first) keep_first(f.to->first_notes_, std::move(n));
  }
  h.notes_.clear();
  h.infos_.clear();
}

namespace {
// 999980 → "999,980", for counts in messages.
std::string thousands(std::size_t n) {
  std::string digits = std::to_string(n);
  for (std::size_t at = digits.size(); at > 3; at -= 3) digits.insert(at - 3, ",");
  return digits;
}
}  // namespace

std::string columns_list(const std::vector<std::string>& header) {
  std::string out;
  for (std::size_t i = 0; i < header.size() && i < columns_listed; ++i)
    out += (out.empty() ? "" : ", ") + io::quoted_column_name(header[i]);
  // A million names would be a 10 MB message: the rest is counted, not
  // listed, and each name is cut after 80 bytes.
  if (header.size() > columns_listed)
    out += fmt::format(", and {} more", thousands(header.size() - columns_listed));
  return out.empty() ? "(none)" : out;
}

void require_unique_column(const io::table_reader& reader, std::size_t index, std::string_view flag) {
  const std::vector<std::size_t> same = io::same_name_columns(reader.header(), index);
  if (same.size() > 1) throw io::duplicate_column_error(reader.header(), same, reader.name(), flag);
}

std::size_t require_column(const io::table_reader& reader, const std::string& name, std::string_view flag) {
  const std::vector<std::string>& header = reader.header();
  if (auto found = io::find_column(header, name)) {
    require_unique_column(reader, *found, flag);
    return *found;
  }
  if (auto at = io::column_at_position(name, header.size())) return *at;
  if (name.starts_with('#') && name.size() > 1 && name.find_first_not_of("0123456789", 1) == std::string::npos)
    throw data_error(fmt::format("no column {}: the header has {} column{}", name, thousands(header.size()),
                                 header.size() == 1 ? "" : "s"),
                     {reader.name(), 1, 0});
  throw data_error(fmt::format("no column \"{}\"; the columns are {}", name, columns_list(header)),
                   {reader.name(), 1, 0});
}

exit_code finish(report& r, const common_options& o) {
  if (r.source.empty()) r.source = o.input.sources->joined();
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
