#pragma once
/// \file
/// Revenue by loyalty group: what promoters, passives and detractors are
/// worth. Survey answers and orders are joined on the customer id; for each
/// NPS group of the customer's 0–10 answer (promoters 9–10, passives 7–8,
/// detractors 0–6): customers, revenue per customer, orders per customer, AOV
/// and share of revenue; the share of revenue held by detractors; and the
/// detractors with the most revenue, the customers to call first.
///
/// Both sides are first reduced to one entry per customer, because that is
/// what the join needs and all it needs: a customer has one loyalty group
/// (their latest answer: `latest_answers`) and any number of orders (summed:
/// `customer_orders`). Customers found on one side only are counted, never
/// dropped: respondents without orders, and ordering customers who never
/// answered, with their orders and revenue. Money is exact (micro-units,
/// money.hpp); the ratios are computed once, at the end, from exact totals.
///
/// Both reductions merge exactly (integers; a merge keeps what reading the
/// rows in one pass would keep), so the result does not depend on how the
/// inputs were split between threads.

#include <cxkpi/detail/customer_map.hpp>
#include <cxkpi/money.hpp>
#include <cxkpi/timestamp.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cxkpi {

/// The three NPS groups, in the order every output lists them.
enum class nps_group : std::uint8_t { promoter, passive, detractor };

/// Every group, promoters first.
inline constexpr std::array<nps_group, 3> all_nps_groups = {nps_group::promoter, nps_group::passive,
                                                            nps_group::detractor};

/// The group of a 0–10 answer: 9–10 promoter, 7–8 passive, 0–6 detractor
/// (SPEC.md; 0 is a detractor).
constexpr nps_group nps_group_of(int score) noexcept {
  return score >= 9 ? nps_group::promoter : score >= 7 ? nps_group::passive : nps_group::detractor;
}

/// `promoter`, `passive`, `detractor`: the names used in output.
constexpr std::string_view to_string(nps_group g) noexcept {
  switch (g) {
    case nps_group::promoter: return "promoter";
    case nps_group::passive: return "passive";
    case nps_group::detractor: return "detractor";
  }
  return "";
}

/// One NPS answer of a customer, and when it was given when the survey says.
struct nps_answer {
  int score = 0;                         ///< 0–10
  std::optional<timestamp> answered_at;  ///< std::nullopt: the survey has no date
};

/// One answer per customer: the latest. A customer who answered several
/// times is in one group only, the one of their current opinion. Answers
/// are ordered by `answered_at` when they have one; an answer without one
/// counts as older than any answer with one (it cannot be shown to be
/// later); between answers with the same time, or both without, the one
/// read last wins. So a survey without a date column keeps each customer's
/// last row read.
class latest_answers {
 public:
  /// Records an answer of `customer` (`score` 0–10, else
  /// `std::invalid_argument`). It replaces the customer's answer so far
  /// unless that one is later by the rule above.
  void add(std::string_view customer, int score, std::optional<timestamp> answered_at = std::nullopt) {
    if (score < 0 || score > 10) throw std::invalid_argument("an NPS answer is an integer 0-10");
    keep(customer, nps_answer{score, answered_at});
    ++answers_;
  }

  /// Adds the answers recorded by `later`, which were read after these (the
  /// next part of a file, or the next file), as if they had been added here.
  void merge(const latest_answers& later) {
    for (const auto& [customer, answer] : later.by_customer_) keep(customer, answer);
    answers_ += later.answers_;
  }

  /// Answers recorded (every add()).
  std::uint64_t answers() const noexcept { return answers_; }
  /// Distinct customers: each keeps one answer.
  std::uint64_t customers() const noexcept { return by_customer_.size(); }
  /// Answers replaced by a later one of the same customer: answers − customers.
  std::uint64_t superseded() const noexcept { return answers_ - customers(); }

  /// The answer kept for `customer`, or nullptr.
  const nps_answer* find(std::string_view customer) const noexcept {
    auto it = by_customer_.find(customer);
    return it == by_customer_.end() ? nullptr : &it->second;
  }

  /// Iteration over (customer, answer) pairs, in order of first answer.
  auto begin() const noexcept { return by_customer_.begin(); }
  auto end() const noexcept { return by_customer_.end(); }

 private:
  // The rule of the class comment as one key per answer: (has a time, time).
  // Keeping the last of the largest keys is associative, which makes merge()
  // exact: the largest key of both halves, the later half winning a tie.
  static bool replaces(const nps_answer& incoming, const nps_answer& kept) noexcept {
    if (incoming.answered_at.has_value() != kept.answered_at.has_value()) return incoming.answered_at.has_value();
    return !incoming.answered_at || *incoming.answered_at >= *kept.answered_at;
  }

  void keep(std::string_view customer, const nps_answer& answer) {
    auto [entry, inserted] = by_customer_.emplace(customer, answer);
    if (!inserted && replaces(answer, entry->second)) entry->second = answer;
  }

  detail::string_map<nps_answer> by_customer_;
  std::uint64_t answers_ = 0;
};

/// A customer's orders and revenue.
struct order_totals {
  std::uint64_t orders = 0;
  std::int64_t revenue_micros = 0;  ///< Σ amounts, micro-units (exact)
};

/// Orders and revenue per customer, from a stream of orders.
class customer_orders {
 public:
  /// Records one order of `customer` for `amount_micros` (>= 0, as
  /// `parse_money` gives). Throws (detail::add_money) if the customer's total
  /// would pass 9.2e12 units; nothing changes then.
  void add(std::string_view customer, std::int64_t amount_micros) {
    order_totals& totals = detail::find_or_insert(by_customer_, customer);
    totals.revenue_micros = detail::add_money(totals.revenue_micros, amount_micros);
    ++totals.orders;
  }

  /// Adds the orders recorded by `other`, as if they had been added here.
  void merge(const customer_orders& other) {
    for (const auto& [customer, theirs] : other.by_customer_) {
      order_totals& mine = detail::find_or_insert(by_customer_, customer);
      mine.revenue_micros = detail::add_money(mine.revenue_micros, theirs.revenue_micros);
      mine.orders += theirs.orders;
    }
  }

  /// Customers with at least one order.
  std::uint64_t customers() const noexcept { return by_customer_.size(); }

  /// Iteration over (customer, totals) pairs, in order of first order.
  auto begin() const noexcept { return by_customer_.begin(); }
  auto end() const noexcept { return by_customer_.end(); }

 private:
  detail::string_map<order_totals> by_customer_;
};

/// The figures of one NPS group. Customers are respondents of the group who
/// have at least one order (the join); the ratios are `std::nullopt` when
/// their denominator is 0, never NaN.
struct loyalty_group_revenue {
  std::uint64_t customers = 0;                   ///< respondents in the group with >= 1 order
  std::uint64_t orders = 0;                      ///< their orders
  std::int64_t revenue_micros = 0;               ///< their revenue, micro-units
  std::uint64_t respondents_without_orders = 0;  ///< respondents in the group with no order (not in `customers`)
  std::optional<double> revenue_per_customer;    ///< revenue / customers, currency units
  std::optional<double> orders_per_customer;     ///< orders / customers, 1 or more
  std::optional<double> aov;                     ///< average order value: revenue / orders
  std::optional<double> revenue_share_percent;   ///< 100 × revenue / revenue of all groups, 0–100
};

/// A detractor to call: their answer, orders and revenue.
struct at_risk_customer {
  std::string customer;
  int score = 0;
  std::uint64_t orders = 0;
  std::int64_t revenue_micros = 0;
};

/// The join of answers and orders.
struct loyalty_revenue_result {
  std::array<loyalty_group_revenue, 3> groups;  ///< indexed by nps_group: promoters, passives, detractors

  std::uint64_t respondents = 0;                   ///< customers with an answer (one each)
  std::uint64_t matched_customers = 0;             ///< respondents with >= 1 order: Σ groups' customers
  std::uint64_t matched_orders = 0;                ///< Σ groups' orders
  std::int64_t matched_revenue_micros = 0;         ///< Σ groups' revenue: the revenue whose group is known
  std::uint64_t respondents_without_orders = 0;    ///< respondents with no order: Σ groups' respondents_without_orders
  std::uint64_t customers_without_answer = 0;      ///< customers with orders who never answered
  std::uint64_t orders_without_answer = 0;         ///< their orders
  std::int64_t revenue_without_answer_micros = 0;  ///< their revenue

  /// 100 × detractors' revenue / `matched_revenue_micros`, 0–100: the share
  /// of the revenue whose group is known, so that the three groups' shares
  /// add up to 100. Revenue of customers who never answered is left out of
  /// it (their group is unknown) and reported beside it. `std::nullopt` when
  /// the matched revenue is 0.
  std::optional<double> detractor_revenue_share_percent;

  /// The detractors with the most revenue, at most the number asked for:
  /// revenue descending, ties by customer id ascending (byte order).
  /// Only detractors with orders (a respondent without orders has no
  /// revenue to lose).
  std::vector<at_risk_customer> at_risk;

  const loyalty_group_revenue& group(nps_group g) const noexcept { return groups[static_cast<std::size_t>(g)]; }
};

/// Joins `answers` and `orders` on the customer id (exact, byte for byte:
/// ids are compared as written, after the caller's trimming) and lists up to
/// `at_risk_count` detractors to call first (0: none). Empty inputs give
/// zero counts and `std::nullopt` ratios. Throws (detail::add_money) if a
/// money total would pass 9.2e12 units.
inline loyalty_revenue_result join_loyalty_revenue(const latest_answers& answers, const customer_orders& orders,
                                                   std::size_t at_risk_count = 0) {
  loyalty_revenue_result r;
  r.respondents = answers.customers();
  std::uint64_t matched_in_group[3] = {0, 0, 0};
  std::vector<at_risk_customer> detractors;
  for (const auto& [customer, totals] : orders) {
    const nps_answer* answer = answers.find(customer);
    if (answer == nullptr) {
      ++r.customers_without_answer;
      r.orders_without_answer += totals.orders;
      r.revenue_without_answer_micros = detail::add_money(r.revenue_without_answer_micros, totals.revenue_micros);
      continue;
    }
    const nps_group g = nps_group_of(answer->score);
    loyalty_group_revenue& group = r.groups[static_cast<std::size_t>(g)];
    ++group.customers;
    group.orders += totals.orders;
    group.revenue_micros = detail::add_money(group.revenue_micros, totals.revenue_micros);
    ++matched_in_group[static_cast<std::size_t>(g)];
    if (g == nps_group::detractor && at_risk_count > 0)
      detractors.push_back({customer, answer->score, totals.orders, totals.revenue_micros});
  }

  // Respondents per group, for those without orders: every respondent is in
  // one group, and each ordering customer appears once in `orders`.
  std::uint64_t respondents_in_group[3] = {0, 0, 0};
  for (const auto& [customer, answer] : answers)
    ++respondents_in_group[static_cast<std::size_t>(nps_group_of(answer.score))];

  for (std::size_t i = 0; i < r.groups.size(); ++i) {
    loyalty_group_revenue& group = r.groups[i];
    group.respondents_without_orders = respondents_in_group[i] - matched_in_group[i];
    r.matched_customers += group.customers;
    r.matched_orders += group.orders;
    r.matched_revenue_micros = detail::add_money(r.matched_revenue_micros, group.revenue_micros);
    r.respondents_without_orders += group.respondents_without_orders;
  }
  for (loyalty_group_revenue& group : r.groups) {
    const double revenue = to_units(group.revenue_micros);
    if (group.customers > 0) {
      group.revenue_per_customer = revenue / static_cast<double>(group.customers);
      group.orders_per_customer = static_cast<double>(group.orders) / static_cast<double>(group.customers);
    }
    if (group.orders > 0) group.aov = revenue / static_cast<double>(group.orders);
    // Ratios of exact micro-unit totals: the shares of the three groups add
    // up to 100 up to the last bit of a double.
    if (r.matched_revenue_micros > 0)
      group.revenue_share_percent =
          100.0 * static_cast<double>(group.revenue_micros) / static_cast<double>(r.matched_revenue_micros);
  }
  r.detractor_revenue_share_percent = r.group(nps_group::detractor).revenue_share_percent;

  // Only the top `at_risk_count` are ordered: a large survey has many
  // detractors and the list is short.
  const auto first_to_call = [](const at_risk_customer& a, const at_risk_customer& b) {
    if (a.revenue_micros != b.revenue_micros) return a.revenue_micros > b.revenue_micros;
    return a.customer < b.customer;
  };
  const std::size_t keep = std::min(at_risk_count, detractors.size());
  std::partial_sort(detractors.begin(), detractors.begin() + static_cast<std::ptrdiff_t>(keep), detractors.end(),
                    first_to_call);
  detractors.resize(keep);
  r.at_risk = std::move(detractors);
  return r;
}

}  // namespace cxkpi
