// cxkpi rpr | clv | services. One job reads order rows into the library's
// accumulators (per-customer state only, never the list of orders), with
// row accounting per KPI: a row with a bad amount still counts for services.

#include "orders_command.hpp"

#include "checks.hpp"
#include "churn_command.hpp"
#include "grouping.hpp"
#include "predictive_command.hpp"
#include "scan.hpp"

#include <cxkpi/detail/customer_map.hpp>
#include <cxkpi/io/number.hpp>
#include <cxkpi/money.hpp>
#include <cxkpi/order_book.hpp>
#include <cxkpi/stats.hpp>

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace cxkpi::cli {
namespace {

constexpr double no_value = std::numeric_limits<double>::quiet_NaN();

ordered_json optional_number(const std::optional<double>& v) { return v ? ordered_json(*v) : ordered_json(nullptr); }
ordered_json optional_date(const std::optional<date>& d) {
  return d ? ordered_json(to_string(*d)) : ordered_json(nullptr);
}

bool has_window(const date_window& w) { return w.from.has_value() || w.to.has_value(); }

class orders_job {
 public:
  orders_job(const orders_settings& settings, diagnostics& diag)
      : s_(settings), diag_(diag), book_(settings.dates.window) {
    grouping_.by = settings.by;
  }

  void read(io::table_reader& reader) {
    const bool window = has_window(s_.dates.window);
    const std::size_t customer = need_column(reader, s_.columns.customer, customer_column(), diag_);
    // Services look at dates only to apply a window; order figures use a
    // date column whenever there is one (first and last order, CLV).
    std::optional<std::size_t> date_col, amount_col, profit_col, service_col;
    if (s_.dates_required || window) date_col = need_column(reader, s_.columns.date, order_date_column(), diag_);
    else if (s_.orders) date_col = find_column(reader, s_.columns.date, order_date_column(), diag_);
    if (s_.orders) {
      amount_col = s_.amounts_required ? need_column(reader, s_.columns.amount, amount_column(), diag_)
                                       : find_column(reader, s_.columns.amount, amount_column(), diag_);
      if (s_.profits) profit_col = find_column(reader, s_.columns.profit, profit_column(), diag_);
      if (!amount_col) diag_.info(fmt::format("{}: no amount column: no AOV or revenue", reader.name()));
    }
    if (s_.services)
      service_col = s_.services_required ? need_column(reader, s_.columns.service, service_column(), diag_)
                                         : find_column(reader, s_.columns.service, service_column(), diag_);
    amounts_ = amounts_ && amount_col.has_value();
    dated_ = dated_ && date_col.has_value();
    any_services_ = any_services_ || service_col.has_value();
    // Which KPI a warning is about, when a row feeds two.
    const std::string_view order_prefix = s_.orders && service_col ? "orders" : "";
    const std::string_view service_prefix = s_.orders && service_col ? "services" : "";

    const cell_reader cells(reader, s_.dates.format);
    // --by: the segment of each row (the --by columns resolved here, a
    // data_error naming the columns there are when one is missing). Without
    // --by, `seg` stays null and the rows take the batched path only.
    std::optional<row_grouper> grouper;
    if (!grouping_.by.empty()) grouper.emplace(grouping_, reader, diag_);
    segment_state* seg = nullptr;
    last_segment_ = nullptr;  // the job may have been copied or moved since the last read
    io::record rec;
    while (reader.next(rec)) {
      if (grouper) seg = &segment_of(grouper->segment_of(rec));
      // What the input's layout says the row is (io/layouts.hpp): no order
      // at all (a cancelled Shopify order), or a later line item of an
      // order, which is no order of its own but still a product bought.
      if (!rec.skip_reason.empty() || (rec.continues_order && !service_col)) {
        const std::string_view reason = rec.skip_reason.empty() ? std::string_view("line_item") : rec.skip_reason;
        if (s_.orders) order_rows_.skip(reason);
        if (service_col) service_rows_.skip(reason);
        if (seg != nullptr) {
          if (s_.orders) seg->order_rows.skip(reason);
          if (service_col) seg->service_rows.skip(reason);
        }
        rows_.skip(reason);
        continue;
      }
      // Problems shared by every KPI of the row: no customer, a bad date, a
      // date outside the window (not an error: it is what --from/--to ask).
      cell_problem shared;
      const std::optional<std::string_view> id = cells.text(rec, customer, "missing_customer", "customer id", shared);
      std::optional<date> day;
      if (!shared && date_col) {
        day = recent_date_.day(cells, rec, *date_col, shared);
        if (day && !s_.dates.window.contains(*day)) shared = {"outside_window", "", *date_col};
      }
      if (shared && shared.reason != "outside_window") note_skipped(shared, reader, rec, s_.strict, diag_);
      const bool shared_by_services = shared && (shared.reason == "missing_customer" || window);

      bool used = false;
      std::string_view first_reason;
      auto skip = [&](row_accounting& rows, row_accounting* segment_rows, std::string_view reason) {
        rows.skip(reason);
        if (segment_rows != nullptr) segment_rows->skip(reason);
        if (first_reason.empty()) first_reason = reason;
      };
      std::optional<order_line> order;
      std::optional<std::string_view> service;
      if (s_.orders && rec.continues_order) {
        skip(order_rows_, seg != nullptr ? &seg->order_rows : nullptr, "line_item");
      } else if (s_.orders) {
        cell_problem problem = shared;
        std::optional<std::int64_t> amount, profit;
        if (!problem && amount_col) {
          amount = cells.money(rec, *amount_col, false, problem);
          if (problem) note_skipped(problem, reader, rec, s_.strict, diag_, order_prefix);
        }
        if (!problem && profit_col) {
          profit = cells.money(rec, *profit_col, true, problem, true);
          if (problem) note_skipped(problem, reader, rec, s_.strict, diag_, order_prefix);
        }
        if (problem) {
          skip(order_rows_, seg != nullptr ? &seg->order_rows : nullptr, problem.reason);
        } else {
          order = order_line{day, amount.value_or(0), profit};
          order_rows_.use();
          if (seg != nullptr) seg->order_rows.use();
          used = true;
        }
      }
      if (service_col) {
        cell_problem problem;
        if (shared_by_services) problem = shared;
        if (!problem) {
          service = cells.text(rec, *service_col, "missing_service", "service", problem);
          if (problem) note_skipped(problem, reader, rec, s_.strict, diag_, service_prefix);
        }
        if (problem) {
          skip(service_rows_, seg != nullptr ? &seg->service_rows : nullptr, problem.reason);
        } else {
          service_rows_.use();
          if (seg != nullptr) seg->service_rows.use();
          used = true;
        }
      }
      if (used) {
        batch_.add(*id, order, service ? book_.service_id(*service) : order_book::no_service, rec.line);
        // Segments are added at once (no batch): --by is not the hot path.
        if (seg != nullptr) {
          order_book& book = seg->book;
          with_row_location(reader.name(), rec.line, amount_col, [&] {
            book.add(cxkpi::detail::hashed_key(*id), order, service ? book.service_id(*service) : order_book::no_service);
          });
        }
        rows_.use();
      } else {
        rows_.skip(first_reason.empty() ? std::string_view(shared.reason) : first_reason);
      }
      if (batch_.full()) flush(reader.name(), amount_col);
    }
    flush(reader.name(), amount_col);
  }

  // Adds the batch to the book, in row order, with lookahead hints
  // (detail::for_each_ahead) so that the customer lookups overlap their
  // cache misses. A money total out of range is an error at its row.
  void flush(const std::string& input, std::optional<std::size_t> amount_col) {
    cxkpi::detail::for_each_ahead(
        book_, batch_.rows.size(), [&](std::size_t i) { return batch_.customer_of(i); },
        [&](std::size_t i) {
          const pending_row& row = batch_.rows[i];
          with_row_location(input, row.line, amount_col,
                            [&] { book_.add(batch_.customer_of(i), row.order(), row.service); });
        });
    batch_.clear();
  }

  void merge(orders_job&& other) {
    book_.merge(std::move(other.book_));
    rows_.merge(other.rows_);
    order_rows_.merge(other.order_rows_);
    service_rows_.merge(other.service_rows_);
    amounts_ = amounts_ && other.amounts_;
    dated_ = dated_ && other.dated_;
    any_services_ = any_services_ || other.any_services_;
    // Segment by segment, by key: exact and independent of the order of the parts.
    last_segment_ = nullptr;
    for (auto& [key, theirs] : other.segments_) {
      segment_state& mine = segment_of(key);
      mine.book.merge(std::move(theirs.book));
      mine.order_rows.merge(theirs.order_rows);
      mine.service_rows.merge(theirs.service_rows);
    }
  }

  orders_outcome outcome() const {
    orders_outcome out;
    if (s_.orders) out.orders = book_.orders();
    out.amounts = amounts_;
    out.dated = dated_;
    if (any_services_) out.services = book_.services();
    out.input_rows = rows_;
    out.order_rows = order_rows_;
    out.service_rows = service_rows_;
    for (const auto& [key, state] : segments_) {
      orders_segment segment;
      segment.segment = key;
      if (s_.orders) segment.orders = state.book.orders();
      if (any_services_) segment.services = state.book.services();
      segment.order_rows = state.order_rows;
      segment.service_rows = state.service_rows;
      out.segments.push_back(std::move(segment));
    }
    return out;
  }

 private:
  // One --by segment: its own accumulators and accounting.
  struct segment_state {
    explicit segment_state(date_window window) : book(window) {}
    order_book book;
    row_accounting order_rows, service_rows;
  };

  // The state of a segment, made on first use; the last one is remembered
  // (rows of a segment often come together).
  segment_state& segment_of(std::string_view key) {
    if (last_segment_ != nullptr && last_key_ == key) return *last_segment_;
    auto it = segments_.find(key);
    if (it == segments_.end()) it = segments_.emplace(std::string(key), segment_state(s_.dates.window)).first;
    last_key_.assign(key);
    last_segment_ = &it->second;
    return it->second;
  }

  const orders_settings& s_;
  diagnostics& diag_;
  grouping_options grouping_;  // only `by` is used: row_grouper builds the segment text
  std::map<std::string, segment_state, std::less<>> segments_;
  std::string last_key_;
  segment_state* last_segment_ = nullptr;
  // Rows read but not yet added to the book: their customer ids copied (the
  // reader's views do not outlive the row) and hashed once, for the hints
  // and the lookup. At most `capacity` rows. The order is kept in plain
  // fields, each written once: copying a just-written std::optional whole
  // (wide loads over narrow stores) stalled on store forwarding, and took a
  // tenth of a run.
  struct pending_row {
    std::size_t customer_offset = 0;  // into pending_rows::text
    std::size_t customer_size = 0;
    std::uint64_t customer_hash = 0;
    std::uint64_t line = 0;
    std::int64_t amount = 0;
    std::int64_t profit = 0;
    std::int32_t day = 0;
    std::uint32_t service = order_book::no_service;
    bool has_order = false;
    bool has_day = false;
    bool has_profit = false;

    std::optional<order_line> order() const {
      if (!has_order) return std::nullopt;
      return order_line{has_day ? std::optional(date{day}) : std::nullopt, amount,
                        has_profit ? std::optional(profit) : std::nullopt};
    }
  };
  struct pending_rows {
    static constexpr std::size_t capacity = 256;
    std::string text;
    std::vector<pending_row> rows;

    void add(std::string_view customer, const std::optional<order_line>& order, std::uint32_t service,
             std::uint64_t line) {
      pending_row& row = rows.emplace_back();
      row.customer_offset = text.size();
      row.customer_size = customer.size();
      row.customer_hash = cxkpi::detail::hash_key(customer);
      row.line = line;
      row.service = service;
      if (order) {
        row.has_order = true;
        row.amount = order->amount_micros;
        row.has_day = order->day.has_value();
        if (order->day) row.day = order->day->days;
        row.has_profit = order->profit_micros.has_value();
        if (order->profit_micros) row.profit = *order->profit_micros;
      }
      text.append(customer);
    }
    cxkpi::detail::hashed_key customer_of(std::size_t i) const {
      const pending_row& row = rows[i];
      return {std::string_view(text.data() + row.customer_offset, row.customer_size), row.customer_hash};
    }
    // Also bounded by the bytes kept: a few very long ids must not make the
    // batch large.
    bool full() const { return rows.size() >= capacity || text.size() >= (std::size_t{1} << 20); }
    void clear() {
      text.clear();
      rows.clear();
    }
  };

  // Runs `add`, naming the row (and the amount column) in a money-overflow
  // error, which the book raises without a location.
  template <class Add>
  static void with_row_location(const std::string& input, std::uint64_t line, std::optional<std::size_t> amount_col,
                                Add&& add) {
    try {
      add();
    } catch (const data_error& e) {
      if (!e.location().file.empty()) throw;
      throw data_error(e.what(), {input, line, amount_col ? *amount_col + 1 : 0});
    }
  }

  // Order files are mostly sorted by date, so a date cell usually repeats
  // the one before: reuse its parse rather than parse it again.
  class recent_date {
   public:
    std::optional<date> day(const cell_reader& cells, const io::record& rec, std::size_t column,
                            cell_problem& problem) {
      const std::string_view cell = rec.fields[column];
      if (known_ && cell == text_) return day_;
      const std::optional<date> parsed = cells.day(rec, column, problem);
      known_ = parsed.has_value();
      if (known_) {
        text_.assign(cell);
        day_ = *parsed;
      }
      return parsed;
    }

   private:
    bool known_ = false;
    std::string text_;
    date day_{};
  };

  order_book book_;
  pending_rows batch_;
  recent_date recent_date_;
  row_accounting rows_, order_rows_, service_rows_;
  bool amounts_ = true;
  bool dated_ = true;
  bool any_services_ = false;
};

// A fraction 0-1, or a percentage with `%`: 0.25 and 25% are the same margin.
double parse_fraction(const std::string& text, std::string_view flag) {
  const double value = parse_flag_number(text, flag, true);
  return io::trim(text).ends_with('%') ? value / 100.0 : value;
}

}  // namespace

orders_outcome scan_orders(const common_options& common, const orders_settings& settings) {
  diagnostics diag(common);
  const orders_job job = scan_inputs(common, [&] { return orders_job(settings, diag); });
  return job.outcome();
}

void add_clv_flags(CLI::App& command, clv_flags& f, bool subscriptions_flag) {
  command.add_option("--lifespan", f.lifespan, "Customer lifespan in months (wins over churn)");
  auto* churn = command.add_option("--churn", f.churn, "Monthly churn % (5 or 5%): duration = 100 / churn months");
  if (subscriptions_flag) {
    auto* subscriptions = command.add_option(
        "--subscriptions", f.subscriptions, "Subscription FILE(s) to compute the monthly churn from (see 'cxkpi churn')");
    churn->excludes(subscriptions);
  }
  command.add_option("--horizon", f.horizon, "Cap on the duration, in months")->capture_default_str();
  command.add_option("--margin", f.margin, "Profit margin (0.25 or 25%): profit form W x A with W = margin x AOV");
  command.add_option("--cac", f.cac, "Customer acquisition cost: adds CLV:CAC and its band");
}

clv_inputs resolve_clv_flags(const clv_flags& f) {
  clv_inputs in;
  if (!f.lifespan.empty()) {
    in.options.lifespan_months = parse_flag_number(f.lifespan, "--lifespan");
    if (*in.options.lifespan_months <= 0)
      throw usage_error(fmt::format("--lifespan takes a positive number of months, not \"{}\"", f.lifespan));
  }
  if (!f.churn.empty()) {
    in.options.monthly_churn_percent = parse_flag_number(f.churn, "--churn", true);
    if (*in.options.monthly_churn_percent < 0 || *in.options.monthly_churn_percent > 100)
      throw usage_error(fmt::format("--churn takes a monthly percentage between 0 and 100, not \"{}\"", f.churn));
    in.churn_source = "given";
  }
  in.options.horizon_months = parse_flag_number(f.horizon, "--horizon");
  if (in.options.horizon_months <= 0)
    throw usage_error(fmt::format("--horizon takes a positive number of months, not \"{}\"", f.horizon));
  if (!f.margin.empty()) {
    in.options.margin = parse_fraction(f.margin, "--margin");
    if (*in.options.margin < 0 || *in.options.margin > 1)
      throw usage_error(
          fmt::format("--margin takes a fraction between 0 and 1 (0.25) or a percentage (25%), not \"{}\"", f.margin));
  }
  if (!f.cac.empty()) {
    in.options.cac = parse_flag_number(f.cac, "--cac");
    if (*in.options.cac <= 0) throw usage_error(fmt::format("--cac takes a positive amount, not \"{}\"", f.cac));
  }
  try {
    relationship_duration(in.options);  // the library's own checks, should ours ever drift from them
  } catch (const std::invalid_argument& e) {
    throw usage_error(e.what());
  }
  return in;
}

orders_outcome segment_outcome(const orders_outcome& outcome, const orders_segment& segment) {
  orders_outcome out;
  out.orders = segment.orders;
  out.amounts = outcome.amounts;
  out.dated = outcome.dated;
  out.services = segment.services;
  out.order_rows = segment.order_rows;
  out.service_rows = segment.service_rows;
  // input_rows is the whole run's: a segment row shows its KPI's accounting.
  return out;
}

std::vector<kpi_row> segmented_rows(const orders_outcome& outcome, const grouping_options& grouping,
                                    const std::function<std::vector<kpi_row>(const orders_outcome&)>& make) {
  std::vector<kpi_row> all = make(outcome);
  if (grouping.by.empty()) return all;
  std::vector<std::vector<kpi_row>> per_kpi;
  for (kpi_row& row : all) per_kpi.push_back({std::move(row)});
  for (const orders_segment& segment : outcome.segments) {
    std::vector<kpi_row> rows = make(segment_outcome(outcome, segment));
    for (std::size_t k = 0; k < rows.size() && k < per_kpi.size(); ++k) {
      rows[k].segment = segment.segment;
      per_kpi[k].push_back(std::move(rows[k]));
    }
  }
  std::vector<kpi_row> out;
  for (std::vector<kpi_row>& rows : per_kpi) {
    arrange_rows(rows, grouping, [](const kpi_row&, const kpi_row&) { return comparison{}; });  // no periods: never called
    for (kpi_row& row : rows) out.push_back(std::move(row));
  }
  return out;
}

kpi_row rpr_row(const orders_outcome& outcome, const date_window& window, const band_table& bands) {
  const rpr_result r = outcome.orders.value_or(rpr_result{});
  kpi_row row;
  row.kpi = "rpr";
  row.value = r.rpr_percent.value_or(no_value);
  row.n = r.customers;
  const interval p = wilson_interval(r.repeat_customers, r.customers);
  row.ci95 = {100.0 * p.low, 100.0 * p.high};
  row.band = std::isnan(row.value) ? "" : std::string(bands.classify("rpr", row.value));
  row.decimals = 2;
  row.details = {{"customers", r.customers},
                 {"repeat_customers", r.repeat_customers},
                 {"orders", r.orders},
                 {"orders_per_customer", optional_number(r.orders_per_customer)},
                 {"aov", outcome.amounts ? optional_number(r.aov) : ordered_json(nullptr)},
                 {"revenue", outcome.amounts ? ordered_json(to_units(r.revenue_micros)) : ordered_json(nullptr)},
                 {"first_order", optional_date(r.first_order)},
                 {"last_order", optional_date(r.last_order)},
                 {"from", optional_date(window.from)},
                 {"to", optional_date(window.to)}};
  row.rows = outcome.order_rows;
  return row;
}

std::vector<kpi_row> clv_rows(const orders_outcome& outcome, const clv_inputs& inputs, const band_table& bands) {
  const clv_result c = compute_clv(outcome.orders.value_or(rpr_result{}), inputs.options);
  std::vector<kpi_row> rows;
  kpi_row row;
  row.kpi = "clv";
  row.value = c.clv.value_or(no_value);
  row.n = c.customers;
  row.decimals = 2;
  row.details = {{"aov", optional_number(c.aov)},
                 {"orders", c.orders},
                 {"customers", c.customers},
                 {"orders_per_customer", optional_number(c.orders_per_customer)},
                 {"window_days", c.window_days ? ordered_json(static_cast<std::int64_t>(*c.window_days))
                                               : ordered_json(nullptr)},  // whole days
                 {"window_months", optional_number(c.window_months)},
                 {"frequency_per_month", optional_number(c.frequency_per_month)},
                 {"duration_months", c.duration.months},
                 {"duration_rule", to_string(c.duration.rule)},
                 {"horizon_months", inputs.options.horizon_months},
                 {"lifespan_months", optional_number(inputs.options.lifespan_months)},
                 {"monthly_churn", optional_number(inputs.options.monthly_churn_percent)},
                 {"churn_source",
                  inputs.churn_source.empty() ? ordered_json(nullptr) : ordered_json(inputs.churn_source)},
                 {"profit_basis", to_string(c.basis)},
                 {"margin", optional_number(inputs.options.margin)},
                 {"profit_per_order", optional_number(c.profit_per_order)},
                 {"clv_profit", optional_number(c.clv_profit)},
                 {"cac", optional_number(c.cac)},
                 {"clv_cac", optional_number(c.clv_cac)}};
  row.rows = outcome.order_rows;
  rows.push_back(row);
  if (inputs.options.cac) {
    // Its own KPI so that `--check 'clv_cac>=3'` reads as written and the
    // ratio gets its band (3:1 or better is healthy).
    kpi_row ratio;
    ratio.kpi = "clv_cac";
    ratio.value = c.clv_cac.value_or(no_value);
    ratio.n = c.customers;
    ratio.decimals = 2;
    ratio.band = std::isnan(ratio.value) ? "" : std::string(bands.classify("clv_cac", ratio.value));
    ratio.details = {{"clv", optional_number(c.clv)}, {"cac", *inputs.options.cac}};
    ratio.rows = outcome.order_rows;
    rows.push_back(std::move(ratio));
  }
  return rows;
}

kpi_row services_row(const orders_outcome& outcome) {
  const services_result s = outcome.services.value_or(services_result{});
  kpi_row row;
  row.kpi = "services";
  row.value = s.services_per_customer.value_or(no_value);
  row.n = s.customers;
  row.decimals = 2;
  ordered_json penetration = ordered_json::object(), users = ordered_json::object(),
               distribution = ordered_json::object();
  for (const service_share& share : s.penetration) {
    penetration[share.service] = share.percent;
    users[share.service] = share.customers;
  }
  for (std::size_t k = 0; k < s.distribution.size(); ++k) distribution[std::to_string(k + 1)] = s.distribution[k];
  row.details = {{"customers", s.customers},
                 {"pairs", s.pairs},
                 {"services", s.penetration.size()},
                 {"penetration", penetration},
                 {"service_customers", users},
                 {"distribution", distribution}};
  row.rows = outcome.service_rows;
  return row;
}

namespace {

enum class order_kpi { rpr, clv, services };

struct orders_cli {
  order_kpi kpi = order_kpi::rpr;
  common_options common;
  orders_settings settings;
  grouping_options grouping;  // --by, --min-n, --sort (settings.by is grouping.by)
  std::string period;         // --period: not supported by order KPIs yet (a usage error)
  clv_flags clv;
  predictive_flags predictive;  // --model bgnbd (src/predictive_command.cpp)
};

// The monthly churn of --subscriptions files, over the same --from/--to.
std::optional<double> churn_of_subscriptions(const orders_cli& o, const band_table& bands) {
  common_options common = o.common;
  common.inputs = o.clv.subscriptions;
  common.checks.clear();
  churn_settings churn;
  churn.columns = o.settings.columns;
  churn.dates = o.settings.dates;
  churn.strict = o.common.strict;
  return compute_churn(common, churn, bands, false).monthly_churn_percent;
}

// --by, --min-n, --sort as the survey commands take them (grouping.hpp);
// --period only to refuse it clearly. Not add_grouping_options: the order
// commands' --date-format is date_flags' own.
void add_order_grouping_options(CLI::App& command, orders_cli& o) {
  add_segment_options(command, o.grouping.by, o.grouping.min_n, o.grouping.sort,
                      "Flag segments with fewer customers as too small to trust");
  command.add_option("--period", o.period, "Not supported by the order commands yet (a usage error)");
}

int run_orders(orders_cli& o) {
  finalize_common_options(o.common);
  const char* command = o.kpi == order_kpi::rpr ? "rpr" : o.kpi == order_kpi::clv ? "clv" : "services";
  if (!o.period.empty())
    throw usage_error(fmt::format(
        "--period is not supported by '{}' yet (order KPIs have no trends); use --from/--to for a window, "
        "or --by for segments",
        command));
  o.settings.by = o.grouping.by;
  const band_table bands = load_bands(o.common.bands_file);
  parse_checks(o.common.checks);  // a bad expression is a usage error before any data is read
  finalize_date_flags(o.settings.dates);
  o.settings.strict = o.common.strict;
  report r;
  switch (o.kpi) {
    case order_kpi::rpr: {
      const orders_outcome outcome = scan_orders(o.common, o.settings);
      for (kpi_row& row : segmented_rows(outcome, o.grouping, [&](const orders_outcome& part) {
             return std::vector<kpi_row>{rpr_row(part, o.settings.dates.window, bands)};
           }))
        r.kpis.push_back(std::move(row));
      r.rows = outcome.input_rows;
      break;
    }
    case order_kpi::clv: {
      if (o.predictive.model != "simple") {
        if (!o.grouping.by.empty())
          throw usage_error(fmt::format("--by is not supported with --model {} yet", o.predictive.model));
        return run_predictive_clv(o.common, o.settings, o.clv, o.predictive);
      }
      // The simple (historic) CLV. A predictive model (BG/NBD + Gamma-Gamma,
      // issue 8) fits here as another branch on a --model flag: its
      // per-customer summary (rfm.hpp) would join orders_job as one more
      // accumulator fed from the same rows, and its rows would follow these.
      clv_inputs inputs = resolve_clv_flags(o.clv);  // before reading: a bad flag costs no scan
      o.settings.profits = !inputs.options.margin;
      if (!o.clv.subscriptions.empty()) {
        inputs.options.monthly_churn_percent = churn_of_subscriptions(o, bands);
        inputs.churn_source = "subscriptions";
      }
      const orders_outcome outcome = scan_orders(o.common, o.settings);
      for (kpi_row& row : segmented_rows(outcome, o.grouping,
                                         [&](const orders_outcome& part) { return clv_rows(part, inputs, bands); }))
        r.kpis.push_back(std::move(row));
      r.rows = outcome.input_rows;
      break;
    }
    case order_kpi::services: {
      const orders_outcome outcome = scan_orders(o.common, o.settings);
      for (kpi_row& row : segmented_rows(outcome, o.grouping, [&](const orders_outcome& part) {
             return std::vector<kpi_row>{services_row(part)};
           }))
        r.kpis.push_back(std::move(row));
      r.rows = outcome.input_rows;
      break;
    }
  }
  return static_cast<int>(finish(r, o.common));
}

}  // namespace

void add_order_commands(CLI::App& app, std::function<int()>& run) {
  using namespace column_flag;
  {
    auto o = std::make_shared<orders_cli>();
    o->kpi = order_kpi::rpr;
    CLI::App* cmd = app.add_subcommand("rpr", "Repeat purchase rate: % of customers with 2+ orders, with AOV");
    cmd->footer(
        "One row per order: customer id, order date, amount (columns found by their usual names).\n"
        "\n"
        "Examples:\n"
        "  cxkpi rpr examples/orders.csv\n"
        "  cxkpi rpr orders.csv --from 2025-01-01 --to 2025-07-01 --check 'rpr>=25'\n"
        "  cxkpi rpr CDNOW_master.txt --delimiter whitespace --format json\n"
        "  cxkpi rpr export.csv --date-format day-first --customer-column Email --amount-column Total\n");
    add_common_options(*cmd, o->common);
    add_column_flags(*cmd, o->settings.columns, customer | date | amount);
    add_include_cancelled_flag(*cmd, o->common.input);
    add_date_flags(*cmd, o->settings.dates, true);
    add_order_grouping_options(*cmd, *o);
    cmd->callback([o, &run] { run = [o] { return run_orders(*o); }; });
  }
  {
    auto o = std::make_shared<orders_cli>();
    o->kpi = order_kpi::clv;
    o->settings.dates_required = true;
    o->settings.amounts_required = true;
    CLI::App* cmd = app.add_subcommand("clv", "Customer lifetime value: AOV x orders per month x duration, and W x A");
    cmd->footer(
        "Duration in months: --lifespan, else 100 / monthly churn (--churn or --subscriptions),\n"
        "capped at --horizon (36). Profit form W x A: --margin, or a profit column.\n"
        "\n"
        "Examples:\n"
        "  cxkpi clv examples/orders.csv --subscriptions examples/subscriptions.csv\n"
        "  cxkpi clv orders.csv --churn 4 --margin 0.3 --cac 60 --check 'clv_cac>=3'\n"
        "  cxkpi clv orders.csv --lifespan 24 --profit-column gross_profit --format json\n"
        "  cxkpi clv orders.csv --model bgnbd --calibration-end 2025-06-30 --horizon 52w --plot tracking.svg\n");
    add_common_options(*cmd, o->common);
    add_column_flags(*cmd, o->settings.columns, customer | date | amount | profit | start | end);
    add_include_cancelled_flag(*cmd, o->common.input);
    add_date_flags(*cmd, o->settings.dates, true);
    add_clv_flags(*cmd, o->clv, true);
    add_order_grouping_options(*cmd, *o);
    add_predictive_clv_flags(*cmd, o->predictive);
    cmd->callback([o, &run] { run = [o] { return run_orders(*o); }; });
  }
  {
    auto o = std::make_shared<orders_cli>();
    o->kpi = order_kpi::services;
    o->settings.orders = false;
    o->settings.services = true;
    o->settings.services_required = true;
    CLI::App* cmd = app.add_subcommand("services", "Services per customer, penetration per service, distribution");
    cmd->footer(
        "One row per (customer, service) use: orders with a product, or contracts.\n"
        "\n"
        "Examples:\n"
        "  cxkpi services examples/orders.csv\n"
        "  cxkpi services contracts.csv --service-column plan --format json\n"
        "  cxkpi services orders.csv --from 2025-01-01 --check 'services>=1.5'\n");
    add_common_options(*cmd, o->common);
    add_column_flags(*cmd, o->settings.columns, customer | service | date);
    add_include_cancelled_flag(*cmd, o->common.input);
    add_date_flags(*cmd, o->settings.dates, true);
    add_order_grouping_options(*cmd, *o);
    cmd->callback([o, &run] { run = [o] { return run_orders(*o); }; });
  }
}

}  // namespace cxkpi::cli
