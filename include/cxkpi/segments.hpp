#pragma once
/// \file
/// Splitting a KPI by segment (`--by region --by channel`) and by period
/// (`--period month`): a map from (segment, period) to an accumulator. Memory
/// grows with the number of segments × periods, never with the rows.

#include <compare>
#include <map>
#include <string>
#include <string_view>
#include <utility>

namespace cxkpi {

/// The coordinates of one cell. An empty segment is "all rows"; an empty
/// period is "the whole range". Segments read `region=North, channel=web`;
/// periods are period_key()s, which sort in time order.
struct cell_key {
  std::string segment;
  std::string period;
  friend auto operator<=>(const cell_key&, const cell_key&) = default;
};

/// A view of a cell key, for lookups that do not allocate.
struct cell_key_view {
  std::string_view segment;
  std::string_view period;
};

/// Orders keys and views alike (segment first, then period).
struct cell_key_less {
  using is_transparent = void;
  template <class A, class B>
  bool operator()(const A& a, const B& b) const {
    const std::string_view as = a.segment, bs = b.segment;
    if (as != bs) return as < bs;
    return std::string_view(a.period) < std::string_view(b.period);
  }
};

/// Accumulators per cell. `State` needs a copy constructor and
/// `merge(const State&)`; new cells start as copies of `prototype`, so they
/// carry its options (scale, satisfied range).
template <class State>
class cell_map {
 public:
  explicit cell_map(State prototype) : prototype_(std::move(prototype)) {}

  /// The state of a cell, created empty on first use.
  State& at(std::string_view segment, std::string_view period) {
    const cell_key_view key{segment, period};
    auto it = cells_.lower_bound(key);
    if (it == cells_.end() || cell_key_less{}(key, it->first))
      it = cells_.emplace_hint(it, cell_key{std::string(segment), std::string(period)}, prototype_);
    return it->second;
  }

  /// Adds every cell of `other` to the same cell here.
  void merge(const cell_map& other) {
    for (const auto& [key, state] : other.cells_) at(key.segment, key.period).merge(state);
  }

  /// The cells in key order: segment, then period.
  const std::map<cell_key, State, cell_key_less>& cells() const { return cells_; }

 private:
  State prototype_;
  std::map<cell_key, State, cell_key_less> cells_;
};

}  // namespace cxkpi
