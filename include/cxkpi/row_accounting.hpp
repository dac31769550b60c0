#pragma once
/// \file
/// Row accounting: every row read is either used or skipped for a named
/// reason, so `read == used + skipped` holds by construction.

#include <cstdint>
#include <map>
#include <string>

namespace cxkpi {

/// Counts of rows read, used and skipped by reason. Reasons are short
/// snake_case keys (`missing`, `not_a_number`, `off_scale`, ...); the map is
/// ordered so that every output lists them in the same order.
struct row_accounting {
  std::uint64_t used = 0;
  std::map<std::string, std::uint64_t, std::less<>> skipped_by_reason;

  void use() { ++used; }
  void skip(std::string_view reason) {
    auto it = skipped_by_reason.find(reason);
    if (it == skipped_by_reason.end()) it = skipped_by_reason.emplace(std::string(reason), 0).first;
    ++it->second;
  }

  std::uint64_t skipped() const {
    std::uint64_t total = 0;
    for (const auto& [reason, count] : skipped_by_reason) total += count;
    return total;
  }
  std::uint64_t read() const { return used + skipped(); }

  /// Adds the counts of `other`, as if its rows had been read here too.
  void merge(const row_accounting& other) {
    used += other.used;
    for (const auto& [reason, count] : other.skipped_by_reason) skipped_by_reason[reason] += count;
  }
};

}  // namespace cxkpi
