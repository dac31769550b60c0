#pragma once
/// \file
/// Services per customer: how many distinct services (products, contracts)
/// each customer uses, which share of customers uses each service, and how
/// customers spread over 1, 2, 3, ... services.
///
/// Services per customer = distinct (customer, service) pairs / distinct
/// customers. Penetration of a service = 100 × customers using it / customers.
/// A customer who appears with the same service on many rows counts once.

#include <algorithm>
#include <bit>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cxkpi/detail/customer_map.hpp"

namespace cxkpi {

/// The share of customers using one service.
struct service_share {
  std::string service;          ///< the service name as written in the data
  std::uint64_t customers = 0;  ///< customers using it (>= 1)
  double percent = 0;           ///< 100 × customers / all customers, in (0, 100]
};

/// Services-per-customer figures. Empty input: customers 0, pairs 0,
/// `services_per_customer` `std::nullopt`, empty penetration and distribution.
struct services_result {
  std::uint64_t customers = 0;  ///< n: distinct customers
  std::uint64_t pairs = 0;      ///< distinct (customer, service) pairs
  /// pairs / customers, 1 or more; `std::nullopt` when there are no customers.
  std::optional<double> services_per_customer;
  /// One entry per service, in byte order of the service name (deterministic
  /// whatever the input order or thread split).
  std::vector<service_share> penetration;
  /// `distribution[k - 1]` = customers with exactly k services, for k = 1 to
  /// the largest count seen (entries may be 0). Sums to `customers`.
  std::vector<std::uint64_t> distribution;
};

namespace detail {

/// A set of service ids: ids 0–63 as bits, higher ids in a sorted vector
/// allocated only when one is used. 16 bytes.
class service_set {
 public:
  service_set() = default;
  service_set(const service_set& other)
      : low_(other.low_), high_(other.high_ ? std::make_unique<std::vector<std::uint32_t>>(*other.high_) : nullptr) {}
  service_set& operator=(const service_set& other) {
    if (this != &other) *this = service_set(other);
    return *this;
  }
  service_set(service_set&&) noexcept = default;
  service_set& operator=(service_set&&) noexcept = default;
  ~service_set() = default;

  /// Adds `id`; true when it was not there yet.
  bool insert(std::uint32_t id) {
    if (id < 64) {
      const std::uint64_t bit = std::uint64_t{1} << id;
      const bool added = (low_ & bit) == 0;
      low_ |= bit;
      return added;
    }
    if (!high_) high_ = std::make_unique<std::vector<std::uint32_t>>();
    const auto at = std::lower_bound(high_->begin(), high_->end(), id);
    if (at != high_->end() && *at == id) return false;
    high_->insert(at, id);
    return true;
  }
  std::size_t size() const noexcept {
    return static_cast<std::size_t>(std::popcount(low_)) + (high_ ? high_->size() : 0);
  }
  template <class Visit>
  void for_each(Visit&& visit) const {
    for (std::uint64_t bits = low_; bits != 0; bits &= bits - 1)
      visit(static_cast<std::uint32_t>(std::countr_zero(bits)));
    if (high_)
      for (std::uint32_t id : *high_) visit(id);
  }

 private:
  std::uint64_t low_ = 0;
  std::unique_ptr<std::vector<std::uint32_t>> high_;
};

/// Service names interned to small ids, the customers using each, and the
/// distinct (customer, service) pairs; the customers' sets are the caller's.
/// Shared by services_accumulator and order_book.
class service_catalog {
 public:
  /// No service seen yet.
  bool empty() const noexcept { return names_.empty(); }

  /// The id of `name`, given on first use.
  std::uint32_t id(std::string_view name) {
    if (auto it = ids_.find(name); it != ids_.end()) return it->second;
    const auto id = static_cast<std::uint32_t>(names_.size());
    ids_.emplace(name, id);
    names_.emplace_back(name);
    users_.push_back(0);
    return id;
  }

  /// Adds service `id` to one customer's set, counting a new pair and user.
  void add(service_set& customer, std::uint32_t id) {
    if (customer.insert(id)) {
      ++pairs_;
      ++users_[id];
    }
  }

  /// Each of `other`'s ids as an id here (interned by name), for merging:
  /// ids differ between catalogs.
  std::vector<std::uint32_t> ids_of(const service_catalog& other) {
    std::vector<std::uint32_t> mapped(other.names_.size());
    for (std::size_t i = 0; i < other.names_.size(); ++i) mapped[i] = id(other.names_[i]);
    return mapped;
  }

  /// The figures over the customers' sets, `set_of(entry)` for each of
  /// `entries`; a customer with an empty set has used no service and is not
  /// counted.
  template <class Entries, class SetOf>
  services_result result(const Entries& entries, SetOf&& set_of) const {
    services_result out;
    for (const auto& entry : entries) {
      const std::size_t k = set_of(entry).size();
      if (k == 0) continue;
      ++out.customers;
      if (out.distribution.size() < k) out.distribution.resize(k, 0);
      ++out.distribution[k - 1];
    }
    out.pairs = pairs_;
    if (out.customers == 0) {
      out.distribution.clear();
      return out;
    }
    out.services_per_customer = static_cast<double>(pairs_) / static_cast<double>(out.customers);
    for (std::size_t id = 0; id < names_.size(); ++id) {
      if (users_[id] == 0) continue;  // named (an order_book row outside the window) but never added
      out.penetration.push_back({names_[id], users_[id],
                                 100.0 * static_cast<double>(users_[id]) / static_cast<double>(out.customers)});
    }
    std::sort(out.penetration.begin(), out.penetration.end(),
              [](const service_share& a, const service_share& b) { return a.service < b.service; });
    return out;
  }

 private:
  string_map<std::uint32_t> ids_;     ///< service name → id
  std::vector<std::string> names_;    ///< id → service name
  std::vector<std::uint64_t> users_;  ///< id → customers using it
  std::uint64_t pairs_ = 0;
};

}  // namespace detail

/// Streaming services per customer. Service names are interned to small
/// integers; per customer it keeps a 64-bit set of the first 64 services plus,
/// only when needed, a sorted vector of higher ids. To compute the order
/// figures from the same rows as well, order_book keeps both in one table.
class services_accumulator {
 public:
  /// Records that `customer` uses `service` (any number of times).
  void add(std::string_view customer, std::string_view service) {
    catalog_.add(customers_[customer], catalog_.id(service));
  }

  /// Hints that `customer` is added soon (see order_accumulator::prefetch_slot).
  void prefetch_slot(std::string_view customer) const noexcept { customers_.prefetch_slot(customer); }
  void prefetch_entry(std::string_view customer) const noexcept { customers_.prefetch_entry(customer); }

  /// Adds what `other` recorded, as if its rows had been added here.
  void merge(const services_accumulator& other) {
    const std::vector<std::uint32_t> mapped = catalog_.ids_of(other.catalog_);
    const auto* theirs = other.customers_.begin();
    detail::for_each_ahead(
        customers_, other.customers_.size(), [&](std::size_t i) -> std::string_view { return theirs[i].first; },
        [&](std::size_t i) {
          auto& mine = customers_[theirs[i].first];
          theirs[i].second.for_each([&](std::uint32_t id) { catalog_.add(mine, mapped[id]); });
        });
  }

  /// The figures so far.
  services_result result() const {
    return catalog_.result(customers_, [](const auto& entry) -> const detail::service_set& { return entry.second; });
  }

 private:
  detail::service_catalog catalog_;
  detail::string_map<detail::service_set> customers_;
};

}  // namespace cxkpi
