#pragma once
// One pass over a command's inputs. Each command keeps its per-input work in
// a job with two members:
//   void read(io::table_reader& reader);   // every row of one reader
//   void merge(Job&& other);               // add another job's results
// so that the scan can give parts of a large file to several threads, each
// with its own job, and merge the jobs in input order at the end.
//
// A large regular CSV file (parallel_min_bytes or more, with --threads above
// 1) is cut into row-aligned ranges (io/csv_chunks.hpp), read by one job per
// range, each on its own thread with pread into its own buffer; the jobs are
// merged in range order. So merge must be exact: the jobs of the ranges,
// merged in order, must equal one job that read them all (integer counts,
// order of first appearance kept); a job that cannot promise it yet says
// `static constexpr bool parallel_scan = false;` and is read serially. What
// the jobs report (skipped rows, --verbose notes) is held per range and
// released in range order, and only for ranges that read exactly what the
// serial reader reads there, so standard output and standard error are the
// same bytes whatever the thread count. A large JSON Lines file is cut at
// line feeds instead (no record spans one), and read the same way. Everything
// else (standard input, JSON arrays, small files, --threads 1) streams
// serially.

#include "command.hpp"
#include "input.hpp"

#include <cxkpi/error.hpp>
#include <cxkpi/io/csv.hpp>
#include <cxkpi/io/csv_chunks.hpp>
#include <cxkpi/io/json.hpp>
#include <cxkpi/io/line_parts.hpp>
#include <cxkpi/io/random_access.hpp>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>


namespace cxkpi::cli {

// Files smaller than this are read serially: threads would not pay off.
inline constexpr std::uint64_t parallel_min_bytes = std::uint64_t{8} << 20;
// Each thread's range is at least this big, so a file just above the
// threshold is not cut into slivers.
inline constexpr std::uint64_t parallel_min_part_bytes = std::uint64_t{2} << 20;

namespace detail {

inline bool ends_with_any(std::string_view path, std::initializer_list<std::string_view> endings) {
  for (std::string_view e : endings) {
    if (path.size() < e.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < e.size(); ++i) {
      char c = path[path.size() - e.size() + i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      same = same && c == e[i];
    }
    if (same) return true;
  }
  return false;
}

// Whether open_table (src/input.cpp) reads this file as CSV: --input-format,
// else the extension, else the first byte that is not white space (after a
// BOM) is not `[` or `{`. Keep the two in step. `head` is the start of the
// file; false when it is all white space (the serial path decides).
inline bool reads_as_csv(const std::string& path, const input_options& options, std::string_view head) {
  if (options.format == "csv") return true;
  if (options.format != "auto") return false;
  if (ends_with_any(path, {".json", ".jsonl", ".ndjson"})) return false;
  if (ends_with_any(path, {".csv", ".tsv", ".txt"})) return true;
  const std::size_t start = head.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  const std::size_t first = head.find_first_not_of(" \t\r\n", start);
  return first != std::string_view::npos && head[first] != '[' && head[first] != '{';
}

// Adds `part` (read from `path`) into `into`. A merge that overflows a sum
// knows no row, so its error names the file at least.
template <class Job>
void merge_from(Job& into, std::type_identity_t<Job>&& part, const std::string& path) {
  try {
    into.merge(std::move(part));
  } catch (const data_error& e) {
    if (!e.location().file.empty()) throw;
    throw data_error(e.what(), {path, 0, 0});
  }
}

// How many parts to read a file in: one a thread, each at least
// parallel_min_part_bytes.
inline std::size_t part_count(const common_options& options, const io::random_access_source& file) {
  const std::uint64_t most = file.size() / parallel_min_part_bytes;
  if (options.threads <= most) return options.threads;
  return most > 1 ? static_cast<std::size_t>(most) : 1;
}

// Reads one JSON Lines file on several threads into `into`: the file cut at
// line feeds (io/line_parts.hpp), so every part is exact; each part read by
// a json_reader of its own, with the header of the file's first object and
// the line number where the part starts. The first error in part order is
// the one a serial read meets, after the warnings of the parts before it.
// Returns false, having done nothing, when open_table must read the file.
template <class Job, class MakeJob>
bool scan_json_lines_in_parallel(const std::string& path, const common_options& options,
                                 const io::file_random_access& file, std::string_view head, MakeJob& make_job,
                                 Job& into) {
  const std::optional<std::vector<std::string>> header = json_lines_header(path, options.input, head);
  if (!header) return false;
  const std::vector<io::line_part> parts = io::split_at_lines(file, part_count(options, file));
  std::vector<Job> jobs;
  jobs.reserve(parts.size());
  for (std::size_t k = 0; k < parts.size(); ++k) jobs.push_back(make_job());
  std::vector<diagnostics::held> held(parts.size());
  std::vector<std::exception_ptr> errors(parts.size());
  auto read_part = [&](std::size_t k) {
    const diagnostics::hold_scope scope(held[k]);
    try {
      auto bytes = std::make_unique<io::range_source>(file, parts[k].start, parts[k].stop);
      // Part 0 starts the file: its reader makes the header and skips a BOM, as the serial one does.
      const auto reader = k == 0 ? std::make_unique<io::json_reader>(std::move(bytes))
                                 : std::make_unique<io::json_reader>(std::move(bytes), *header, parts[k].line);
      jobs[k].read(*reader);
    } catch (...) {
      errors[k] = std::current_exception();
    }
  };
  cxkpi::detail::run_on_threads(parts.size(), read_part);
  for (std::size_t k = 0; k < parts.size(); ++k) {
    diagnostics::release(std::move(held[k]), k == 0);
    if (errors[k]) std::rethrow_exception(errors[k]);
  }
  for (Job& job : jobs) merge_from(into, std::move(job), path);
  return true;
}

// Reads one input on several threads into `into`. Returns false, having
// done nothing, when the input should be read serially instead.
template <class Job, class MakeJob>
bool scan_in_parallel(const std::string& path, const common_options& options, MakeJob& make_job, Job& into) {
  if (options.threads <= 1 || path == "-") return false;
  std::optional<io::file_random_access> file;
  try {
    file.emplace(path);
  } catch (const input_error&) {
    return false;  // not a regular file, or the serial path says why not
  }
  if (file->size() < parallel_min_bytes) return false;
  // The first MiB decides the format, the encoding and the layout.
  std::string head(std::size_t{1} << 20, '\0');
  head.resize(file->read_at(head.data(), head.size(), 0));
  if (!reads_as_csv(path, options.input, head)) return scan_json_lines_in_parallel(path, options, *file, head, make_job, into);
  if (needs_serial_read(path, options.input, head)) return false;  // converted or a layout (src/input.hpp)

  io::csv_options csv;
  csv.delimiter = options.input.delimiter;
  csv.whitespace = options.input.whitespace_delimited;
  csv.names = options.input.names;
  io::csv_layout layout;
  try {
    layout = io::read_csv_layout(*file, csv);
  } catch (...) {
    return false;  // a bad header: the serial reader reports it
  }

  const std::vector<io::csv_range> ranges = io::split_csv(*file, layout, part_count(options, *file));

  std::vector<Job> jobs;
  jobs.reserve(ranges.size());
  for (std::size_t k = 0; k < ranges.size(); ++k) jobs.push_back(make_job());
  std::vector<diagnostics::held> held(ranges.size());
  const std::vector<io::chunk_outcome> outcomes =
      io::read_csv_chunks(*file, layout, ranges, [&](std::size_t k, io::csv_range_reader& reader) {
        const diagnostics::hold_scope scope(held[k]);
        jobs[k].read(reader);
      });

  const io::chunk_verdict verdict = io::judge_chunks(ranges, outcomes);
  for (std::size_t k = 0; k < verdict.kept; ++k) diagnostics::release(std::move(held[k]), k == 0);
  if (verdict.error) std::rethrow_exception(verdict.error);
  for (std::size_t k = 0; k < verdict.kept; ++k) merge_from(into, std::move(jobs[k]), path);
  if (verdict.rest) {
    // The split was wrong from here on (a bare quote in an unquoted field):
    // the rest of the file, serially, from the true row boundary where the
    // last good range ended.
    jobs.clear();
    Job rest = make_job();
    diagnostics::held rest_held;
    std::exception_ptr error;
    {
      const diagnostics::hold_scope scope(rest_held);
      try {
        io::csv_range_reader reader(*file, layout, {verdict.rest_start, verdict.rest_line, file->size()});
        rest.read(reader);
      } catch (...) {
        error = std::current_exception();
      }
    }
    diagnostics::release(std::move(rest_held), verdict.kept == 0);
    if (error) std::rethrow_exception(error);
    merge_from(into, std::move(rest), path);
  }
  return true;
}

// Whether a job type may be read in parallel: yes, unless it says
//   static constexpr bool parallel_scan = false;
// which a job whose merge is not exact must (sums of doubles, whose rounding
// depends on how the rows were grouped; a tie broken by a row counter that
// starts again in every range), until it is made exact.
template <class Job>
constexpr bool allows_parallel_scan() {
  if constexpr (requires { Job::parallel_scan; }) {
    return Job::parallel_scan;
  } else {
    return true;
  }
}

}  // namespace detail

// Reads every input of `options` into a job made by `make_job()` and returns
// the merged job. Errors propagate as exceptions (data_error, input_error).
template <class MakeJob>
auto scan_inputs(const common_options& options, MakeJob&& make_job) {
  auto job = make_job();
  for (const std::string& path : options.inputs) {
    if constexpr (detail::allows_parallel_scan<decltype(job)>())
      if (detail::scan_in_parallel(path, options, make_job, job)) continue;
    std::unique_ptr<io::table_reader> reader = open_table(path, options.input);
    job.read(*reader);
  }
  return job;
}

}  // namespace cxkpi::cli
