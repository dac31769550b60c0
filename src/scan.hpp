#pragma once
// One pass over a command's inputs. Each command keeps its per-input work in
// a job with two members:
//   void read(io::table_reader& reader);   // every row of one reader
//   void merge(Job&& other);               // add another job's results
// so that the scan can give parts of a large file to several threads, each
// with its own job, and merge the jobs in input order at the end.

#include "command.hpp"
#include "input.hpp"

#include <memory>
#include <string>
#include <utility>

namespace cxkpi::cli {

// Reads every input of `options` into a job made by `make_job()` and returns
// the merged job. Errors propagate as exceptions (data_error, input_error).
template <class MakeJob>
auto scan_inputs(const common_options& options, MakeJob&& make_job) {
  auto job = make_job();
  for (const std::string& path : options.inputs) {
    std::unique_ptr<io::table_reader> reader = open_table(path, options.input);
    job.read(*reader);
  }
  return job;
}

}  // namespace cxkpi::cli
