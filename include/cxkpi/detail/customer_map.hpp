#pragma once
/// \file
/// A hash map keyed by customer id (or any name), searched with a
/// `std::string_view`. The order accumulators look a customer up once per
/// row, over hundreds of thousands of customers, so the map is built for
/// that: open addressing with linear probing over a flat slot array that
/// keeps each key's hash (a probe compares hashes before bytes), and keys
/// with their values in one vector, so a short id (held inline by the
/// string) and its totals share a cache line. std::unordered_map spent 70%
/// of `cxkpi rpr`'s time in its node-chasing lookup.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cxkpi::detail {

/// `name → Value`, in insertion order; iteration yields
/// `std::pair<std::string, Value>`. Holds up to 2^32 − 1 keys.
template <class Value>
class string_map {
 public:
  using value_type = std::pair<std::string, Value>;
  using iterator = value_type*;
  using const_iterator = const value_type*;

  std::size_t size() const noexcept { return entries_.size(); }
  bool empty() const noexcept { return entries_.empty(); }
  iterator begin() noexcept { return entries_.data(); }
  iterator end() noexcept { return entries_.data() + entries_.size(); }
  const_iterator begin() const noexcept { return entries_.data(); }
  const_iterator end() const noexcept { return entries_.data() + entries_.size(); }

  /// The entry for `key`, or end().
  iterator find(std::string_view key) noexcept {
    if (slots_.empty()) return end();
    const std::uint64_t h = hash(key);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const slot s = slots_[i];
      if (s.index == 0) return end();
      if (s.hash == static_cast<std::uint32_t>(h >> 32) && entries_[s.index - 1].first == key)
        return &entries_[s.index - 1];
    }
  }
  const_iterator find(std::string_view key) const noexcept { return const_cast<string_map*>(this)->find(key); }

  /// Inserts `value` under `key` unless the key is there; returns the entry
  /// and whether it was inserted.
  std::pair<iterator, bool> emplace(std::string_view key, Value value) {
    if ((entries_.size() + 1) * 10 > slots_.size() * 7) grow();
    const std::uint64_t h = hash(key);
    const auto tag = static_cast<std::uint32_t>(h >> 32);
    std::size_t i = h & mask_;
    for (;; i = (i + 1) & mask_) {
      const slot s = slots_[i];
      if (s.index == 0) break;
      if (s.hash == tag && entries_[s.index - 1].first == key) return {&entries_[s.index - 1], false};
    }
    entries_.emplace_back(std::string(key), std::move(value));
    slots_[i] = {static_cast<std::uint32_t>(entries_.size()), tag};
    return {&entries_.back(), true};
  }

  /// The value under `key`, value-initialised and inserted when missing.
  Value& operator[](std::string_view key) { return emplace(key, Value{}).first->second; }

 private:
  struct slot {
    std::uint32_t index = 0;  // 1-based into entries_; 0 = empty
    std::uint32_t hash = 0;   // the high half of the key's hash
  };
  static std::uint64_t hash(std::string_view key) noexcept { return std::hash<std::string_view>{}(key); }

  void grow() {
    const std::size_t capacity = slots_.empty() ? 64 : slots_.size() * 2;
    std::vector<slot> bigger(capacity);
    mask_ = capacity - 1;
    for (std::size_t e = 0; e < entries_.size(); ++e) {
      const std::uint64_t h = hash(entries_[e].first);
      std::size_t i = h & mask_;
      while (bigger[i].index != 0) i = (i + 1) & mask_;
      bigger[i] = {static_cast<std::uint32_t>(e + 1), static_cast<std::uint32_t>(h >> 32)};
    }
    slots_ = std::move(bigger);
  }

  std::vector<value_type> entries_;
  std::vector<slot> slots_;
  std::size_t mask_ = 0;
};

/// The value stored under `key`, value-initialised and inserted when missing.
/// Copies the key only on insertion.
template <class Value>
Value& find_or_insert(string_map<Value>& map, std::string_view key) {
  return map[key];
}

}  // namespace cxkpi::detail
