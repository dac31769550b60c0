#pragma once
/// \file
/// Hash maps keyed by customer id (or any name) that can be searched with a
/// `std::string_view` without building a `std::string`: the accumulators look a
/// customer up once per row, and most rows hit an existing key.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace cxkpi::detail {

/// Transparent hash: `std::string` and `std::string_view` hash alike, so
/// `find(std::string_view)` works on a `string_map` (C++20 heterogeneous lookup).
struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const noexcept {
    return std::hash<std::string_view>{}(text);
  }
};

/// `std::string` → `Value`, searchable by `std::string_view`.
template <class Value>
using string_map = std::unordered_map<std::string, Value, string_hash, std::equal_to<>>;

/// The value stored under `key`, value-initialised and inserted when missing.
/// Allocates the key only on insertion.
template <class Value>
Value& find_or_insert(string_map<Value>& map, std::string_view key) {
  if (auto it = map.find(key); it != map.end()) return it->second;
  return map.emplace(std::string(key), Value{}).first->second;
}

}  // namespace cxkpi::detail
