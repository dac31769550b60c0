// detail::string_map, the per-customer map of the order KPIs: its hash reads
// keys in pieces by length (0, 1–3, 4–7, 8–16 with overlapping loads, longer
// in 8-byte steps) and compares 8–16-byte keys without memcmp, so each
// length class is checked against keys that differ in a single byte.

#include <cxkpi/detail/customer_map.hpp>

#include <catch2/catch.hpp>

#include <cstddef>
#include <string>
#include <vector>

using cxkpi::detail::string_map;

namespace {

// Every key of length 0 to 40 made of 'a's, plus every key that differs from
// one of them in exactly one byte (that byte 'b'): for length n, 1 + n keys,
// 861 in all, all distinct by construction.
std::vector<std::string> one_byte_apart_keys() {
  std::vector<std::string> keys;
  for (std::size_t n = 0; n <= 40; ++n) {
    keys.emplace_back(n, 'a');
    for (std::size_t i = 0; i < n; ++i) {
      std::string k(n, 'a');
      k[i] = 'b';
      keys.push_back(k);
    }
  }
  return keys;
}

}  // namespace

TEST_CASE("string_map keeps keys one byte apart distinct, at every length", "[customer_map]") {
  const std::vector<std::string> keys = one_byte_apart_keys();
  REQUIRE(keys.size() == 861);  // sum over n = 0..40 of (1 + n) = 41 + 820
  string_map<std::size_t> map;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto [entry, inserted] = map.emplace(keys[i], i);
    REQUIRE(inserted);
    REQUIRE(entry->second == i);
  }
  CHECK(map.size() == keys.size());
  // Each key finds its own value, not a neighbour's.
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto it = map.find(keys[i]);
    REQUIRE(it != map.end());
    CHECK(it->second == i);
  }
  // A second emplace finds the entry and leaves it unchanged.
  const auto [again, inserted] = map.emplace(keys[100], 999);
  CHECK_FALSE(inserted);
  CHECK(again->second == 100);
  CHECK(map.find("c") == map.end());
  CHECK(map.find(std::string(17, 'c')) == map.end());
}

TEST_CASE("string_map iterates in insertion order across growth", "[customer_map]") {
  // 100,000 ids make the slot array grow from 64 to 262,144 slots (load
  // under 0.7), each rehash placing the slots from their tags, and the
  // entries grow 2× up to 65,536 (of 40 bytes: 2.6 MB), then 4× to 262,144:
  // the order of first insertion must survive every growth.
  string_map<int> map;
  for (int i = 0; i < 100'000; ++i) map["C" + std::to_string(i * 7919 % 100'000)] += 1;
  CHECK(map.size() == 100'000);  // 7919 is prime, so i * 7919 mod 100,000 is a permutation
  std::size_t position = 0;
  bool in_order = true;
  for (const auto& [key, count] : map) {
    in_order = in_order && key == "C" + std::to_string(static_cast<int>(position * 7919 % 100'000)) && count == 1;
    ++position;
  }
  CHECK(in_order);
  // Each key found again once the slots were re-placed from their tags, and
  // one never inserted not found.
  bool found = true;
  for (int i = 0; i < 100'000; ++i) {
    const auto it = map.find("C" + std::to_string(i));
    found = found && it != map.end() && it->first == "C" + std::to_string(i) && it->second == 1;
  }
  CHECK(found);
  CHECK(map.find("C100000") == map.end());
}

TEST_CASE("for_each_ahead visits every index once, in order", "[customer_map]") {
  string_map<int> map;
  for (int i = 0; i < 1000; ++i) map["id" + std::to_string(i)] = i;
  const std::vector<std::string> wanted = {"id5", "id999", "nobody", "id5", "id0"};
  std::vector<int> seen;
  cxkpi::detail::for_each_ahead(
      map, wanted.size(), [&](std::size_t i) -> std::string_view { return wanted[i]; },
      [&](std::size_t i) {
        const auto it = map.find(wanted[i]);
        seen.push_back(it == map.end() ? -1 : it->second);
      });
  CHECK(seen == std::vector<int>{5, 999, -1, 5, 0});
}
