#pragma once
/// \file
/// One way to run a few tasks at once, shared by the readers that cut a file
/// into parts (io/csv_chunks.hpp, io/line_parts.hpp) and by the CLI's scan.

#include <cstddef>
#include <system_error>
#include <thread>
#include <vector>

namespace cxkpi::detail {

/// Runs task(0 .. n-1), task(0) on the calling thread and the others on
/// threads of their own (inline, after the others, if a thread cannot be
/// started). The tasks must not throw.
template <class Task>
void run_on_threads(std::size_t n, Task& task) {
  std::vector<std::thread> threads;
  std::vector<std::size_t> inline_tasks;
  threads.reserve(n);
  for (std::size_t k = 1; k < n; ++k) {
    try {
      threads.emplace_back([&task, k] { task(k); });
    } catch (const std::system_error&) {
      inline_tasks.push_back(k);
    }
  }
  if (n != 0) task(0);
  for (std::thread& t : threads) t.join();
  for (std::size_t k : inline_tasks) task(k);
}

}  // namespace cxkpi::detail
