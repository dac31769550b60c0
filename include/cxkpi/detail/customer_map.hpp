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
///
/// Past a few hundred thousand keys a lookup still waits for two cache
/// misses (the slot, then the entry), about 200 ns, which is most of a row's
/// cost. A caller with many keys to look up can hide them: prefetch_slot()
/// some keys ahead, prefetch_entry() a few keys ahead, then look up
/// (for_each_ahead() does this over a batch), so the misses overlap. Each of
/// these hashes the key; a hashed_key carries its hash from one to the next,
/// so a row's customer id is hashed once however many lookups it takes.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cxkpi::detail {

/// Asks the CPU to start loading `address` into cache. GCC 12 silently drops
/// a bare __builtin_prefetch whose address depends on bytes read with
/// memcpy (the hash of a key); the empty asm taking the address keeps it.
inline void prefetch(const void* address) noexcept {
  asm volatile("" : : "r"(address));
  __builtin_prefetch(address);
}

/// The hash of a key: 8 bytes a step (the last step overlaps the one before), then a full
/// avalanche (MurmurHash3's finaliser): the top bits pick the slot, the high
/// half is the tag. Short ids cost two loads and a few multiplications,
/// against std::hash's byte loop.
inline std::uint64_t hash_key(std::string_view key) noexcept {
  const char* p = key.data();
  const std::size_t n = key.size();
  std::uint64_t h = 0x9e3779b97f4a7c15u ^ n;
  std::uint64_t word = 0;
  if (n < 8) {
    // Fixed-size loads (two overlapping halves, or three single bytes): a
    // copy of a variable length would be a call.
    if (n >= 4) {
      std::uint32_t lo = 0, hi = 0;
      std::memcpy(&lo, p, 4);
      std::memcpy(&hi, p + n - 4, 4);
      word = lo | std::uint64_t{hi} << 32;
    } else if (n > 0) {
      word = static_cast<unsigned char>(p[0]) | std::uint64_t{static_cast<unsigned char>(p[n / 2])} << 8 |
             std::uint64_t{static_cast<unsigned char>(p[n - 1])} << 16;
    }
    h = (h ^ word) * 0xff51afd7ed558ccdu;
  } else {
    for (std::size_t i = 0; i + 8 < n; i += 8) {
      std::memcpy(&word, p + i, 8);
      h = (h ^ word) * 0xff51afd7ed558ccdu;
      h ^= h >> 29;
    }
    std::memcpy(&word, p + n - 8, 8);
    h = (h ^ word) * 0xff51afd7ed558ccdu;
  }
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53u;
  h ^= h >> 33;
  return h;
}

/// A key with its hash (hash_key), computed once for the several lookups and
/// hints one key takes. Views the key's bytes: they must outlive it.
struct hashed_key {
  std::string_view text;
  std::uint64_t hash;
  explicit hashed_key(std::string_view key) noexcept : text(key), hash(hash_key(key)) {}
  /// `key` with its hash as computed earlier: `known_hash` must be hash_key(key).
  hashed_key(std::string_view key, std::uint64_t known_hash) noexcept : text(key), hash(known_hash) {}
};

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
  iterator find(hashed_key key) noexcept {
    if (slots_.empty()) return end();
    const auto tag = static_cast<std::uint32_t>(key.hash >> 32);
    for (std::size_t i = home(key.hash);; i = (i + 1) & mask_) {
      const slot s = slots_[i];
      if (s.index == 0) return end();
      if (s.hash == tag && same_key(entries_[s.index - 1].first, key.text)) return &entries_[s.index - 1];
    }
  }
  iterator find(std::string_view key) noexcept { return find(hashed_key(key)); }
  const_iterator find(std::string_view key) const noexcept { return const_cast<string_map*>(this)->find(key); }

  /// Inserts `value` under `key` unless the key is there; returns the entry
  /// and whether it was inserted.
  std::pair<iterator, bool> emplace(hashed_key key, Value value) {
    if ((entries_.size() + 1) * 10 > slots_.size() * 7) grow();
    const auto tag = static_cast<std::uint32_t>(key.hash >> 32);
    std::size_t i = home(key.hash);
    for (;; i = (i + 1) & mask_) {
      const slot s = slots_[i];
      if (s.index == 0) break;
      if (s.hash == tag && same_key(entries_[s.index - 1].first, key.text)) return {&entries_[s.index - 1], false};
    }
    if (entries_.size() == entries_.capacity()) make_room();
    entries_.emplace_back(std::string(key.text), std::move(value));
    slots_[i] = {static_cast<std::uint32_t>(entries_.size()), tag};
    return {&entries_.back(), true};
  }
  std::pair<iterator, bool> emplace(std::string_view key, Value value) {
    return emplace(hashed_key(key), std::move(value));
  }

  /// The value under `key`, value-initialised and inserted when missing.
  Value& operator[](hashed_key key) { return emplace(key, Value{}).first->second; }
  Value& operator[](std::string_view key) { return (*this)[hashed_key(key)]; }

  /// Starts loading the slot where a lookup of `key` begins. A hint only.
  void prefetch_slot(hashed_key key) const noexcept {
    if (!slots_.empty()) prefetch(&slots_[home(key.hash)]);
  }
  void prefetch_slot(std::string_view key) const noexcept { prefetch_slot(hashed_key(key)); }
  /// Starts loading the entry that slot points to (best called once the slot
  /// is in cache, a few lookups after prefetch_slot). A hint only. An entry
  /// larger than a cache line may straddle two: both are asked for.
  void prefetch_entry(hashed_key key) const noexcept {
    if (slots_.empty()) return;
    const slot s = slots_[home(key.hash)];
    if (s.index == 0) return;
    const value_type* entry = &entries_[s.index - 1];
    prefetch(entry);
    if constexpr (sizeof(value_type) > 32) prefetch(reinterpret_cast<const char*>(entry + 1) - 1);
  }
  void prefetch_entry(std::string_view key) const noexcept { prefetch_entry(hashed_key(key)); }

 private:
  struct slot {
    std::uint32_t index = 0;  // 1-based into entries_; 0 = empty
    std::uint32_t hash = 0;   // the high half of the key's hash
  };
  // Key equality without a memcmp call for ids of 8 to 16 bytes (two
  // overlapping 8-byte loads each side), the usual customer id.
  static bool same_key(const std::string& stored, std::string_view key) noexcept {
    const std::size_t n = key.size();
    if (stored.size() != n) return false;
    if (n >= 8 && n <= 16) {
      std::uint64_t a0, a1, b0, b1;
      std::memcpy(&a0, stored.data(), 8);
      std::memcpy(&b0, key.data(), 8);
      std::memcpy(&a1, stored.data() + n - 8, 8);
      std::memcpy(&b1, key.data() + n - 8, 8);
      return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }
    return std::string_view(stored) == key;
  }

  void grow() { rehash(slots_.empty() ? 64 : slots_.size() * 2); }

  // Room for more entries: twice as many, but four times as many once they
  // take 2 MiB. Each growth moves every entry into fresh memory, whose pages
  // the kernel zeroes as the moves first touch them (slow on a virtual
  // machine: with 500,000 customers `clear_page` was 11% of `report
  // --orders`' samples, mostly under these moves). Growing 4× past 2 MiB
  // moves 12 MB of 64-byte entries into fresh memory for such a table
  // rather than 32 MB. The pages past the last entry are not touched until
  // used, so the larger steps cost address space, not memory (peak RSS
  // fell: no table is held twice for as long).
  void make_room() {
    const std::size_t n = entries_.capacity();
    const bool large = n * sizeof(value_type) >= (std::size_t{2} << 20);
    entries_.reserve(n == 0 ? 8 : large ? n * 4 : n * 2);
  }

  // The slot where the probe for a key with this hash starts: the hash's top
  // bits, which are also the top bits of the tag a slot keeps, so that a
  // table up to 2^32 slots re-places its keys from the slots alone (rehash).
  std::size_t home(std::uint64_t hash) const noexcept { return static_cast<std::size_t>(hash >> shift_); }

  // Moves the keys to `capacity` slots (a power of 2, at least 64). Up to
  // 2^32 slots a key's new home is in its tag, so this reads the old slots in
  // order and writes the new ones nearly in order, with no key hashed again
  // and no entry read (2.4% → 1.5% of `report --orders`' samples with
  // 500,000 customers). Past 2^32 slots the keys are hashed again.
  void rehash(std::size_t capacity) {
    std::vector<slot> bigger(capacity);
    const int bits = std::countr_zero(capacity);
    mask_ = capacity - 1;
    shift_ = 64 - bits;
    const auto place = [&](slot s, std::size_t i) {
      while (bigger[i].index != 0) i = (i + 1) & mask_;
      bigger[i] = s;
    };
    if (bits <= 32) {
      for (const slot s : slots_)
        if (s.index != 0) place(s, static_cast<std::size_t>(s.hash >> (32 - bits)));
    } else {
      for (const slot s : slots_)
        if (s.index != 0) place(s, home(hash_key(entries_[s.index - 1].first)));
    }
    slots_ = std::move(bigger);
  }

  std::vector<value_type> entries_;
  std::vector<slot> slots_;
  std::size_t mask_ = 0;
  int shift_ = 63;  // 64 − log2(slots); a home is hash >> shift_
};

/// Calls `visit(i)` for i = 0 … n − 1 in order, after giving `map` the keys
/// ahead (`key_of(i)`, a std::string_view or a hashed_key) as hints: the slot 16 keys ahead,
/// the entry 8 keys ahead. `map` is anything with prefetch_slot and
/// prefetch_entry (a string_map, or an accumulator holding one). The result
/// is that of the plain loop; only the cache misses overlap.
template <class Map, class KeyOf, class Visit>
void for_each_ahead(const Map& map, std::size_t n, KeyOf&& key_of, Visit&& visit) {
  constexpr std::size_t slot_ahead = 16;
  constexpr std::size_t entry_ahead = 8;
  for (std::size_t i = 0; i < n && i < slot_ahead; ++i) map.prefetch_slot(key_of(i));
  for (std::size_t i = 0; i < n; ++i) {
    if (i + slot_ahead < n) map.prefetch_slot(key_of(i + slot_ahead));
    if (i + entry_ahead < n) map.prefetch_entry(key_of(i + entry_ahead));
    visit(i);
  }
}

/// The value stored under `key`, value-initialised and inserted when missing.
/// Copies the key only on insertion.
template <class Value, class Key>
Value& find_or_insert(string_map<Value>& map, Key key) {
  return map[key];
}

}  // namespace cxkpi::detail
