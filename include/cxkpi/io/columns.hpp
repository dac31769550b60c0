#pragma once
/// \file
/// Finding a KPI's column in a header: by the name the user gave, or by the
/// usual names exports use (`nps`, `likelihood to recommend`, `customer_id`).
/// Matching ignores case, surrounding spaces, and the difference between
/// `_`, `-` and a space, since exports spell the same name every way.
///
/// A column cxkpi uses must be the only one with its (normalised) name: with
/// two `nps` columns, taking the first would be a guess, so
/// `same_name_columns` finds them and `duplicate_column_error` is the error
/// the callers throw. A column can also be picked by its 1-based position,
/// `#3` (`column_at_position`), which is how such a file is read unchanged.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cxkpi/error.hpp"

namespace cxkpi::io {

/// Lower case, `_`/`-`/`.` as spaces, runs of spaces folded, trimmed; a
/// UTF-8 BOM removed. `Customer_ID ` → `customer id`.
inline std::string normalize_column_name(std::string_view name) {
  if (name.starts_with("\xEF\xBB\xBF")) name.remove_prefix(3);
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == '_' || c == '-' || c == '.' || c == '\t' || c == '\r' || c == '\n') c = ' ';
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

/// The index of the first column named `name` (normalised comparison).
inline std::optional<std::size_t> find_column(const std::vector<std::string>& header, std::string_view name) {
  const std::string wanted = normalize_column_name(name);
  for (std::size_t i = 0; i < header.size(); ++i)
    if (normalize_column_name(header[i]) == wanted) return i;
  return std::nullopt;
}

/// A column name in double quotes for a message, cut after 80 bytes (at a
/// UTF-8 character boundary, with `…`): a header may hold a name of any
/// length, a message should not.
inline std::string quoted_column_name(std::string_view name) {
  constexpr std::size_t limit = 80;
  if (name.size() <= limit) return "\"" + std::string(name) + "\"";
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
  return "\"" + std::string(name.substr(0, cut)) + "\xE2\x80\xA6\"";
}

/// The columns whose names normalise to the same text as column `index`'s,
/// `index` included, in header order: just `{index}` when its name is
/// unique. `nps`, `NPS` and ` nps ` are one name.
inline std::vector<std::size_t> same_name_columns(const std::vector<std::string>& header, std::size_t index) {
  const std::string wanted = normalize_column_name(header[index]);
  std::vector<std::size_t> same;
  for (std::size_t i = 0; i < header.size(); ++i)
    if (i == index || normalize_column_name(header[i]) == wanted) same.push_back(i);
  return same;
}

/// A column given by its 1-based position: `#3` is index 2. Nothing unless
/// `text` is `#` and 1 to 9 digits naming one of `columns` columns.
inline std::optional<std::size_t> column_at_position(std::string_view text, std::size_t columns) {
  if (text.size() < 2 || text.size() > 10 || text.front() != '#') return std::nullopt;
  std::size_t position = 0;
  for (char c : text.substr(1)) {
    if (c < '0' || c > '9') return std::nullopt;
    position = position * 10 + static_cast<std::size_t>(c - '0');
  }
  if (position == 0 || position > columns) return std::nullopt;
  return position - 1;
}

/// The error for a column cxkpi would use whose name is shared by the
/// columns `same` (from same_name_columns, two or more), at `file`:1 and
/// the first of them:
/// `column "nps" appears twice (columns 2 and 3): cxkpi will not guess which
/// one to use; rename one, or pick one by position, such as --column '#3'`.
/// `flag` is the flag that names this column (`--column`); without one the
/// advice says "with its column flag". At most ten positions are listed.
inline data_error duplicate_column_error(const std::vector<std::string>& header, const std::vector<std::size_t>& same,
                                         const std::string& file, std::string_view flag = {}) {
  std::string message = "column " + quoted_column_name(header[same.front()]) + " appears ";
  message += same.size() == 2 ? std::string("twice") : std::to_string(same.size()) + " times";
  constexpr std::size_t listed = 10;
  message += " (columns ";
  for (std::size_t k = 0; k < same.size() && k < listed; ++k) {
    if (k > 0) message += k + 1 == same.size() ? " and " : ", ";
    message += std::to_string(same[k] + 1);
  }
  if (same.size() > listed) message += " and " + std::to_string(same.size() - listed) + " more";
  const std::string example = "'#" + std::to_string(same.back() + 1) + "'";
  message += "): cxkpi will not guess which one to use; rename one, or pick one by position, ";
  message += flag.empty() ? "with its column flag, such as " + example
                          : "such as " + std::string(flag) + " " + example;
  return data_error(message, {file, 1, same.front() + 1});
}

/// How to recognise one kind of column: whole names first, then words a
/// longer header (a question text) may contain.
struct column_hints {
  std::span<const std::string_view> names;     ///< normalised whole names, best first
  std::span<const std::string_view> keywords;  ///< normalised substrings
};

/// A column picked automatically, and why, for `--verbose`.
struct column_match {
  std::size_t index = 0;
  std::string reason;  ///< `named "nps"` or `header contains "recommend"`
};

/// The first column whose name is one of `hints.names` (in the order of the
/// hints), else the first whose name contains a keyword; nothing if none.
inline std::optional<column_match> detect_column(const std::vector<std::string>& header, const column_hints& hints) {
  std::vector<std::string> normalized;
  normalized.reserve(header.size());
  for (const std::string& h : header) normalized.push_back(normalize_column_name(h));
  for (std::string_view name : hints.names)
    for (std::size_t i = 0; i < normalized.size(); ++i)
      if (normalized[i] == name) return column_match{i, "named \"" + header[i] + "\""};
  for (std::string_view word : hints.keywords)
    for (std::size_t i = 0; i < normalized.size(); ++i)
      if (normalized[i].find(word) != std::string::npos)
        return column_match{i, "header \"" + header[i] + "\" contains \"" + std::string(word) + "\""};
  return std::nullopt;
}

/// Usual names of the columns cxkpi looks for.
namespace usual_columns {
inline constexpr std::string_view nps_names[] = {"nps", "nps score", "ltr", "likelihood to recommend",
                                                 "recommend", "score"};
inline constexpr std::string_view nps_keywords[] = {"recommend", "nps"};
inline constexpr std::string_view csat_names[] = {"csat", "csat score", "satisfaction", "satisfaction score",
                                                  "rating", "star rating", "score"};
inline constexpr std::string_view csat_keywords[] = {"csat", "satisf"};
inline constexpr std::string_view ces_names[] = {"ces", "ces score", "effort", "customer effort score",
                                                 "effort score"};
inline constexpr std::string_view ces_keywords[] = {"effort", "ces "};

// Order and subscription columns. Keywords are kept to words that cannot hide
// inside unrelated names: "end" would match "gender" and "spend", so the end
// date is found by whole names and "end date", "cancel" only.
inline constexpr std::string_view customer_names[] = {
    "customer id", "customerid", "customer", "customer number", "customer no", "client id", "clientid", "client",
    "user id", "userid", "account id", "accountid", "member id", "buyer id", "email", "e mail", "customer email",
    "email address", "buyer"};
inline constexpr std::string_view customer_keywords[] = {"customer", "client", "email"};
inline constexpr std::string_view order_date_names[] = {
    "order date", "date", "order datetime", "order time", "purchase date", "transaction date", "invoice date",
    "invoicedate", "orderdate", "created at", "order created at", "paid at", "timestamp", "datetime"};
inline constexpr std::string_view order_date_keywords[] = {"date", "time"};
inline constexpr std::string_view amount_names[] = {
    "amount", "total", "revenue", "order total", "order amount", "total amount", "order value", "value", "sales",
    "net sales", "total sales", "gross sales", "total price", "price", "dollar value", "dollars", "spend"};
inline constexpr std::string_view amount_keywords[] = {"amount", "revenue", "total", "sales", "value"};
inline constexpr std::string_view profit_names[] = {"profit", "gross profit", "net profit", "profit amount",
                                                    "contribution"};
inline constexpr std::string_view profit_keywords[] = {"profit"};
inline constexpr std::string_view service_names[] = {
    "service", "services", "product", "products", "plan", "product name", "service name", "plan name",
    "product id", "sku", "item", "item name", "lineitem name"};
// Not "service": wide CRM exports have yes/no columns such as "PhoneService".
inline constexpr std::string_view service_keywords[] = {"product", "plan"};
inline constexpr std::string_view start_names[] = {
    "start date", "start", "started at", "start time", "subscription start", "subscription start date",
    "signup date", "sign up date", "signed up at", "join date", "joined", "joined at", "activation date",
    "activated at", "begin date", "contract start"};
inline constexpr std::string_view start_keywords[] = {"start", "signup", "sign up", "joined"};
inline constexpr std::string_view end_names[] = {
    "end date", "end", "ended at", "end time", "subscription end", "subscription end date", "cancel date",
    "cancelled at", "canceled at", "cancellation date", "churn date", "churned at", "stop date", "contract end",
    "termination date"};
inline constexpr std::string_view end_keywords[] = {"end date", "ended", "cancel", "churn date"};
// A flag is recognised by its whole name only: a keyword "churn" would also
// match a "churn date".
inline constexpr std::string_view churn_flag_names[] = {"churn", "churned", "is churned", "has churned",
                                                        "churn flag", "churn label", "exited", "attrition",
                                                        "attrited"};
}  // namespace usual_columns

/// Hints for the NPS column.
inline column_hints nps_column_hints() { return {usual_columns::nps_names, usual_columns::nps_keywords}; }
/// Hints for the CSAT column.
inline column_hints csat_column_hints() { return {usual_columns::csat_names, usual_columns::csat_keywords}; }
/// Hints for the CES column.
inline column_hints ces_column_hints() { return {usual_columns::ces_names, usual_columns::ces_keywords}; }

/// Hints for the customer id: `customer_id`, `customer`, `email`, ...
inline column_hints customer_column_hints() {
  return {usual_columns::customer_names, usual_columns::customer_keywords};
}
/// Hints for an order's date: `order_date`, `date`, `created at`, ...
inline column_hints order_date_column_hints() {
  return {usual_columns::order_date_names, usual_columns::order_date_keywords};
}
/// Hints for an order's amount: `amount`, `total`, `revenue`, ...
inline column_hints amount_column_hints() { return {usual_columns::amount_names, usual_columns::amount_keywords}; }
/// Hints for an order's profit: `profit`, `gross profit`, ...
inline column_hints profit_column_hints() { return {usual_columns::profit_names, usual_columns::profit_keywords}; }
/// Hints for a service, product or plan: `service`, `product`, `plan`, ...
inline column_hints service_column_hints() {
  return {usual_columns::service_names, usual_columns::service_keywords};
}
/// Hints for a subscription's start date: `start_date`, `signup date`, ...
inline column_hints start_column_hints() { return {usual_columns::start_names, usual_columns::start_keywords}; }
/// Hints for a subscription's end date: `end_date`, `cancelled at`, ...
inline column_hints end_column_hints() { return {usual_columns::end_names, usual_columns::end_keywords}; }
/// Hints for a churn flag (`Churn` with `Yes`/`No`): whole names only.
inline column_hints churn_flag_column_hints() { return {usual_columns::churn_flag_names, {}}; }

/// Hints without the generic name `score`, for commands that look for several
/// KPIs at once, where `score` could be any of them.
inline column_hints without_generic_score(column_hints hints) {
  if (!hints.names.empty() && hints.names.back() == "score") hints.names = hints.names.first(hints.names.size() - 1);
  return hints;
}

}  // namespace cxkpi::io
