// cxkpi rfm and cxkpi clv --model bgnbd. One job reads the order rows
// (customer, date, amount) into an rfm_accumulator per customer (one entry
// per distinct purchase day, never the list of orders); the library builds
// the summaries, fits the models and predicts; this file resolves the flags
// and their units and renders the results.

#include "predictive_command.hpp"

#include "checks.hpp"
#include "orders_command.hpp"
#include "output.hpp"
#include "scan.hpp"
#include "svg_plot.hpp"

#include <cxkpi/bgnbd.hpp>
#include <cxkpi/date.hpp>
#include <cxkpi/detail/customer_map.hpp>
#include <cxkpi/gamma_gamma.hpp>
#include <cxkpi/io/number.hpp>
#include <cxkpi/rfm.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <time.h>

namespace cxkpi::cli {
namespace {

using steady = std::chrono::steady_clock;

double milliseconds_since(steady::time_point start) {
  return std::chrono::duration<double, std::milli>(steady::now() - start).count();
}

double cpu_ms(clockid_t clock) {
  timespec t{};
  ::clock_gettime(clock, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

// Wall and CPU time of one step, for --verbose: on a busy machine the CPU
// time is the step's own cost. CLOCK_THREAD_CPUTIME_ID for the fits (one
// thread), CLOCK_PROCESS_CPUTIME_ID for reading (--threads).
struct stopwatch {
  clockid_t clock = CLOCK_THREAD_CPUTIME_ID;
  steady::time_point wall = steady::now();
  double cpu = cpu_ms(clock);
  std::string text() const {
    return fmt::format("{:.1f} ms (CPU {:.1f} ms)", milliseconds_since(wall), cpu_ms(clock) - cpu);
  }
};

// ---------------------------------------------------------------------------
// Flags and their units

// What reading and summarising need, resolved from the flags.
struct rfm_settings {
  column_flags columns;
  date_format dates = date_format::iso;
  bool strict = false;
  time_unit unit = time_unit::week;
  std::optional<std::int32_t> calibration_end;  // days since 1970-01-01; default: the last order date
  std::optional<std::int32_t> holdout_end;

  // Orders after this day change nothing: the holdout end, else the calibration end.
  std::optional<std::int32_t> last_needed() const { return holdout_end ? holdout_end : calibration_end; }
};

std::string plural(time_unit unit) { return std::string(time_unit_name(unit)) + "s"; }

std::string day_text(std::int32_t day) { return to_string(date{day}); }

std::optional<std::int32_t> flag_date(const std::string& text, std::string_view flag, date_format format) {
  if (text.empty()) return std::nullopt;
  if (auto d = parse_date(text, format)) return d->days;
  throw usage_error(fmt::format("{} takes a date such as 1997-09-30, not \"{}\"", flag, text));
}

rfm_settings resolve_rfm_settings(const column_flags& columns, date_format dates, bool strict,
                                  const predictive_flags& f) {
  rfm_settings s;
  s.columns = columns;
  s.dates = dates;
  s.strict = strict;
  const std::optional<time_unit> unit = parse_time_unit(f.time_unit);
  if (!unit) throw usage_error(fmt::format("--time-unit takes day, week or month, not \"{}\"", f.time_unit));
  s.unit = *unit;
  s.calibration_end = flag_date(f.calibration_end, "--calibration-end", dates);
  s.holdout_end = flag_date(f.holdout_end, "--holdout-end", dates);
  if (s.holdout_end && !s.calibration_end)
    throw usage_error("--holdout-end needs --calibration-end (the holdout window starts the day after it)");
  if (s.holdout_end && *s.holdout_end <= *s.calibration_end)
    throw usage_error(fmt::format("--holdout-end {} is not after --calibration-end {}", f.holdout_end,
                                  f.calibration_end));
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Days in a duration unit written by the user: d, w, m, y and their names.
std::optional<double> days_of_unit(std::string_view name) {
  const std::string n = lower(io::trim(name));
  if (n == "d" || n == "day" || n == "days") return 1.0;
  if (n == "w" || n == "week" || n == "weeks") return 7.0;
  if (n == "m" || n == "month" || n == "months") return days_per_unit(time_unit::month);
  if (n == "y" || n == "year" || n == "years") return 365.2425;
  return std::nullopt;
}

// The CLV horizon in whole time units of the fit. --horizon is in months in
// both models (a bare number keeps the flag's one meaning); a suffix names
// another unit: 52w, 365d, 3y. The conversion is stated, never hidden.
struct horizon_spec {
  int units = 0;           // whole time units of the fit
  double exact = 0;        // the requested length in time units of the fit
  std::string requested;   // "36 months", "52 weeks"
  std::string note;        // the conversion, when there is one
};

horizon_spec resolve_horizon(const std::string& text, time_unit unit) {
  const std::string_view t = io::trim(text);
  std::size_t split = 0;
  while (split < t.size() && !(std::isalpha(static_cast<unsigned char>(t[split])))) ++split;
  const std::string_view number = io::trim(t.substr(0, split));
  const std::string_view suffix = io::trim(t.substr(split));
  const std::optional<double> value = io::parse_number(number);
  const std::optional<double> unit_days = suffix.empty() ? days_per_unit(time_unit::month) : days_of_unit(suffix);
  if (!value || !std::isfinite(*value) || !unit_days)
    throw usage_error(fmt::format(
        "--horizon takes a length in months (36), or with a unit: 52w, 365d, 12m, 3y; not \"{}\"", text));
  if (*value <= 0) throw usage_error(fmt::format("--horizon takes a positive length, not \"{}\"", text));
  const double days = *value * *unit_days;
  if (days > 100 * 365.2425) throw usage_error(fmt::format("--horizon {} is more than 100 years", text));
  horizon_spec h;
  h.exact = days / days_per_unit(unit);
  h.units = static_cast<int>(std::lround(h.exact));
  const std::string unit_name = suffix.empty() ? "months"
                                : *unit_days == 1.0 ? "days"
                                : *unit_days == 7.0 ? "weeks"
                                : *unit_days == 365.2425 ? "years"
                                                         : "months";
  h.requested = fmt::format("{} {}", io::parse_number(number).value_or(0), unit_name);
  if (h.units < 1)
    throw usage_error(fmt::format("--horizon {} is {:.3g} {}, less than one time unit of the fit (--time-unit {})",
                                  text, h.exact, plural(unit), time_unit_name(unit)));
  const bool same_unit = std::fabs(*unit_days - days_per_unit(unit)) < 1e-12;
  if (!same_unit) {
    h.note = std::fabs(h.exact - h.units) < 1e-9
                 ? fmt::format("{} = {} {}", h.requested, h.units, plural(unit))
                 : fmt::format("{} = {:.2f} {}, rounded to {} whole {}", h.requested, h.exact, plural(unit), h.units,
                               plural(unit));
  } else if (std::fabs(h.exact - h.units) > 1e-9) {
    h.note = fmt::format("{} rounded to {} whole {}", h.requested, h.units, plural(unit));
  }
  return h;
}

// The discount rate per time unit of the fit: a fraction (0.01) or a
// percentage (1%) per time unit, or per another period with /year, /month,
// /week, /day, converted as (1 + rate)^(unit / period) - 1.
struct discount_spec {
  double per_unit = 0;
  std::string note;  // the conversion, when there is one
};

discount_spec resolve_discount(const std::string& text, time_unit unit) {
  const std::string_view t = io::trim(text);
  const std::size_t slash = t.find('/');
  std::string_view rate_text = io::trim(t.substr(0, slash));
  const bool percent = rate_text.ends_with('%');
  if (percent) rate_text.remove_suffix(1);
  const std::optional<double> value = io::parse_number(io::trim(rate_text));
  std::optional<double> period_days = days_per_unit(unit);
  if (slash != std::string_view::npos) period_days = days_of_unit(t.substr(slash + 1));
  if (!value || !std::isfinite(*value) || !period_days)
    throw usage_error(fmt::format(
        "--discount-rate takes a rate per time unit of the fit (0.01 or 1%), or per period (10%/year); not \"{}\"",
        text));
  const double rate = percent ? *value / 100.0 : *value;
  if (!(rate > -1.0)) throw usage_error(fmt::format("--discount-rate must be above -100%, not \"{}\"", text));
  discount_spec d;
  d.per_unit = std::pow(1.0 + rate, days_per_unit(unit) / *period_days) - 1.0;
  if (slash != std::string_view::npos && std::fabs(*period_days - days_per_unit(unit)) > 1e-12)
    d.note = fmt::format("{} = {:.6g} per {}", std::string(t), d.per_unit, time_unit_name(unit));
  return d;
}

// ---------------------------------------------------------------------------
// Reading

// Reads order rows into one accumulator per customer, in order of first
// appearance. A row is skipped (with a warning, or an error under --strict)
// when its customer, date or amount is missing or unreadable; a negative
// amount is an error: a refund has no place in x, t_x and zbar.
class rfm_job {
 public:
  rfm_job(const rfm_settings& settings, diagnostics& diag) : s_(&settings), diag_(&diag) {}

  void read(io::table_reader& reader) {
    const std::size_t customer = need_column(reader, s_->columns.customer, customer_column(), *diag_);
    const std::size_t date_col = need_column(reader, s_->columns.date, order_date_column(), *diag_);
    const std::size_t amount_col = need_column(reader, s_->columns.amount, amount_column(), *diag_);
    const std::optional<std::int32_t> last = s_->last_needed();
    const cell_reader cells(reader, s_->dates);
    io::record rec;
    while (reader.next(rec)) {
      // No purchase of its own, says the input's layout (io/layouts.hpp): a
      // cancelled Shopify order, or a later line item of an order.
      if (!rec.skip_reason.empty() || rec.continues_order) {
        rows.skip(rec.skip_reason.empty() ? std::string_view("line_item") : rec.skip_reason);
        continue;
      }
      cell_problem problem;
      const std::optional<std::string_view> id = cells.text(rec, customer, "missing_customer", "customer id", problem);
      std::optional<date> day;
      std::optional<std::int64_t> amount;
      if (!problem) day = cells.day(rec, date_col, problem);
      if (!problem) amount = cells.money(rec, amount_col, false, problem);
      if (problem.reason == "negative_amount")
        throw data_error(problem.message +
                             ": a refund is not a purchase (x, t_x and zbar count purchases); leave refund rows "
                             "out or net them into their orders",
                         {reader.name(), rec.line, problem.column + 1});
      if (problem) {
        note_skipped(problem, reader, rec, s_->strict, *diag_);
        rows.skip(problem.reason);
        continue;
      }
      if (last && day->days > *last) {
        // What --calibration-end / --holdout-end ask: no warning, no order
        // kept; the customer is known, so one who only buys later is
        // counted as such.
        customer_orders(*id);
        rows.skip("after_window");
        continue;
      }
      customer_orders(*id).add(day->days, static_cast<double>(*amount) / 1e6);
      last_day = std::max(last_day.value_or(day->days), day->days);
      rows.use();
    }
  }

  void merge(rfm_job&& other) {
    for (std::size_t k = 0; k < other.ids.size(); ++k) {
      rfm_accumulator& into = customer_orders(other.ids[k]);
      for (const purchase_day& p : other.orders[k].days()) into.add(p.day, p.spend);
    }
    rows.merge(other.rows);
    if (other.last_day) last_day = std::max(last_day.value_or(*other.last_day), *other.last_day);
  }

  std::vector<std::string> ids;          // in order of first appearance
  std::vector<rfm_accumulator> orders;   // orders[k] belongs to ids[k]
  row_accounting rows;
  std::optional<std::int32_t> last_day;  // the last order date kept

 private:
  rfm_accumulator& customer_orders(std::string_view id) {
    if (auto it = index_.find(id); it != index_.end()) return orders[it->second];
    index_.emplace(std::string(id), ids.size());
    ids.emplace_back(id);
    return orders.emplace_back();
  }

  const rfm_settings* s_;
  diagnostics* diag_;
  cxkpi::detail::string_map<std::size_t> index_;
};

// The calibration cohort: customers with a first purchase on or before the
// calibration end, in input order.
struct cohort {
  rfm_window window;
  bool known = false;                 // false: no order at all, so no calibration end
  std::vector<std::size_t> who;       // index into the job's ids and orders
  std::vector<rfm_summary> rfm;       // rfm[k] summarises who[k]
  std::size_t later = 0;              // customers whose first purchase is after the calibration end
  std::int32_t first_day = 0;         // the earliest first purchase of the cohort
};

struct scan_result {
  rfm_job job;
  cohort customers;
};

scan_result read_cohort(const common_options& common, const rfm_settings& s) {
  const stopwatch watch{CLOCK_PROCESS_CPUTIME_ID};
  diagnostics diag(common);
  rfm_job job = scan_inputs(common, [&] { return rfm_job(s, diag); });
  cohort c;
  c.window.unit = s.unit;
  c.window.holdout_end = s.holdout_end;
  c.known = s.calibration_end.has_value() || job.last_day.has_value();
  c.window.calibration_end = s.calibration_end.value_or(job.last_day.value_or(0));
  if (c.known) {
    for (std::size_t k = 0; k < job.ids.size(); ++k) {
      std::optional<rfm_summary> summary = job.orders[k].summarize(c.window);
      if (!summary) {
        ++c.later;
        continue;
      }
      if (c.who.empty() || summary->first_day < c.first_day) c.first_day = summary->first_day;
      c.who.push_back(k);
      c.rfm.push_back(*summary);
    }
  }
  diag.info(fmt::format("read {} rows: {} customers, {} in the calibration cohort: {}", job.rows.read(),
                        job.ids.size(), c.rfm.size(), watch.text()));
  return {std::move(job), std::move(c)};
}

// ---------------------------------------------------------------------------
// Output helpers

// Full precision for scripts: the shortest text that reads back the same double.
std::string number_text(double v) { return fmt::format("{}", v); }

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string fixed(double v, int decimals) {
  if (!std::isfinite(v)) return "-";
  std::string s = fmt::format("{:.{}f}", v, decimals);
  if (s.starts_with("-") && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

// A few decimals, as many significant digits as a parameter deserves.
std::string short_number(double v) {
  if (!std::isfinite(v)) return "-";
  return fmt::format("{:.6g}", v);
}

// Rows of text cells printed as aligned columns or a Markdown table.
struct text_table {
  std::vector<std::string> header;
  std::vector<bool> right;  // right-aligned columns
  std::vector<std::vector<std::string>> rows;

  std::string render(bool markdown) const {
    std::string out;
    if (markdown) {
      out += "|";
      for (const std::string& h : header) out += " " + h + " |";
      out += "\n|";
      for (std::size_t c = 0; c < header.size(); ++c) out += c < right.size() && right[c] ? "---:|" : "---|";
      out += "\n";
      for (const auto& row : rows) {
        out += "|";
        for (const std::string& cell : row) out += " " + cell + " |";
        out += "\n";
      }
      return out;
    }
    std::vector<std::size_t> width(header.size(), 0);
    for (std::size_t c = 0; c < header.size(); ++c) width[c] = header[c].size();
    for (const auto& row : rows)
      for (std::size_t c = 0; c < row.size() && c < width.size(); ++c) width[c] = std::max(width[c], row[c].size());
    auto line = [&](const std::vector<std::string>& cells) {
      std::string l;
      for (std::size_t c = 0; c < cells.size() && c < width.size(); ++c) {
        const std::string pad(width[c] - cells[c].size(), ' ');
        if (c > 0) l += "  ";
        l += c < right.size() && right[c] ? pad + cells[c] : cells[c] + pad;
      }
      while (!l.empty() && l.back() == ' ') l.pop_back();
      return l + "\n";
    };
    out += line(header);
    for (const auto& row : rows) out += line(row);
    return out;
  }
};

std::string heading(const std::string& text, bool markdown) { return markdown ? "### " + text + "\n\n" : text + "\n"; }
std::string paragraph(const std::string& text, bool markdown) { return markdown ? text + "\n\n" : text + "\n"; }

ordered_json rows_json(const row_accounting& rows) {
  ordered_json reasons = ordered_json::object();
  for (const auto& [reason, count] : rows.skipped_by_reason) reasons[reason] = count;
  return {{"read", rows.read()}, {"used", rows.used}, {"skipped", rows.skipped()}, {"skipped_by_reason", reasons}};
}

std::string rows_line(const row_accounting& rows) {
  std::string line = fmt::format("rows: {} read, {} used, {} skipped", rows.read(), rows.used, rows.skipped());
  std::string reasons;
  for (const auto& [reason, count] : rows.skipped_by_reason)
    reasons += fmt::format("{}{} {}", reasons.empty() ? "" : ", ", reason, count);
  if (!reasons.empty()) line += " (" + reasons + ")";
  return line;
}

ordered_json checks_json(const report& r) {
  ordered_json checks = ordered_json::array();
  for (const check_outcome& c : r.checks) {
    ordered_json j = {{"expr", c.expr}, {"passed", c.passed}};
    if (!c.reason.empty()) j["reason"] = c.reason;
    checks.push_back(std::move(j));
  }
  return checks;
}

std::string checks_text(const report& r, bool markdown) {
  std::string out;
  for (const check_outcome& c : r.checks)
    out += markdown ? fmt::format("- {} `{}`{}\n", c.passed ? "passed" : "FAILED", c.expr,
                                  c.reason.empty() ? "" : " (" + c.reason + ")")
                    : fmt::format("check {}: {}{}\n", c.passed ? "passed" : "FAILED", c.expr,
                                  c.reason.empty() ? "" : " (" + c.reason + ")");
  return out;
}

// Writes the output (atomically with -o) and reports failed checks: the
// last step of both commands, as finish() is for the KPI commands.
int write_and_exit(const std::string& content, const report& r, const common_options& common) {
  write_output(content, common.output);
  bool all_passed = true;
  for (const check_outcome& c : r.checks)
    if (!c.passed) {
      all_passed = false;
      std::fprintf(stderr, "cxkpi: check failed: %s (%s)\n", c.expr.c_str(), c.reason.c_str());
    }
  return static_cast<int>(all_passed ? exit_code::ok : exit_code::check_failed);
}

void warn(const common_options& common, const std::string& message) {
  if (!common.quiet) std::fprintf(stderr, "cxkpi: warning: %s\n", message.c_str());
}

double mean_of(const std::vector<double>& v) {
  if (v.empty()) return std::nan("");
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double median_of(std::vector<double> v) {
  if (v.empty()) return std::nan("");
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double upper = v[mid];
  if (v.size() % 2 == 1) return upper;
  return (*std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid)) + upper) / 2;
}

ordered_json json_number(double v) { return std::isfinite(v) ? ordered_json(v) : ordered_json(nullptr); }

// ---------------------------------------------------------------------------
// cxkpi rfm

struct rfm_cli {
  common_options common;
  column_flags columns;
  date_flags dates;
  predictive_flags flags;
};

struct rfm_stats {
  std::size_t customers = 0;
  std::size_t repeat = 0;
  double mean_x = std::nan("");
  double mean_t_x = std::nan("");
  double mean_T = std::nan("");
  double mean_zbar = std::nan("");        // over repeat customers
  std::optional<double> correlation;      // x and zbar over repeat customers with zbar > 0
  std::int64_t holdout_x = 0;
};

rfm_stats rfm_statistics(const cohort& c) {
  rfm_stats s;
  s.customers = c.rfm.size();
  std::vector<double> x, t_x, T, zbar;
  std::vector<rfm_summary> spenders;
  for (const rfm_summary& r : c.rfm) {
    x.push_back(static_cast<double>(r.x));
    t_x.push_back(r.t_x);
    T.push_back(r.T);
    s.holdout_x += r.holdout_x;
    if (r.x > 0) {
      ++s.repeat;
      zbar.push_back(r.zbar);
      if (r.zbar > 0) spenders.push_back(r);
    }
  }
  s.mean_x = mean_of(x);
  s.mean_t_x = mean_of(t_x);
  s.mean_T = mean_of(T);
  s.mean_zbar = mean_of(zbar);
  if (spenders.size() >= 2) s.correlation = frequency_spend_correlation(spenders);
  return s;
}

std::string render_rfm_csv(const scan_result& s, bool header) {
  const cohort& c = s.customers;
  const std::string u = plural(c.window.unit);
  const bool holdout = c.window.holdout_end.has_value();
  std::string out;
  if (header) {
    out += fmt::format("customer,x,t_x_{0},T_{0},zbar,first_purchase", u);
    if (holdout) out += ",holdout_x,holdout_spend";
    out += "\n";
  }
  for (std::size_t k = 0; k < c.rfm.size(); ++k) {
    const rfm_summary& r = c.rfm[k];
    out += fmt::format("{},{},{},{},{},{}", csv_field(s.job.ids[c.who[k]]), r.x, number_text(r.t_x),
                       number_text(r.T), number_text(r.zbar), day_text(r.first_day));
    if (holdout) out += fmt::format(",{},{}", r.holdout_x, number_text(r.holdout_spend));
    out += "\n";
  }
  return out;
}

ordered_json window_json(const cohort& c) {
  ordered_json j;
  j["time_unit"] = std::string(time_unit_name(c.window.unit));
  j["calibration_end"] = c.known ? ordered_json(day_text(c.window.calibration_end)) : ordered_json(nullptr);
  j["holdout_end"] = c.window.holdout_end ? ordered_json(day_text(*c.window.holdout_end)) : ordered_json(nullptr);
  j["holdout_length_" + plural(c.window.unit)] =
      c.window.holdout_end ? ordered_json(c.window.holdout_length()) : ordered_json(nullptr);
  return j;
}

kpi_row rfm_kpi(const rfm_stats& st, const cohort& c, const row_accounting& rows) {
  kpi_row row;
  row.kpi = "rfm";
  row.value = static_cast<double>(st.customers);
  row.n = st.customers;
  const std::string u = plural(c.window.unit);
  row.details = {{"customers", st.customers},
                 {"repeat_customers", st.repeat},
                 {"customers_after_calibration_end", c.later},
                 {"mean_x", json_number(st.mean_x)},
                 {"mean_t_x_" + u, json_number(st.mean_t_x)},
                 {"mean_T_" + u, json_number(st.mean_T)},
                 {"mean_zbar", json_number(st.mean_zbar)},
                 {"corr_x_zbar", st.correlation ? ordered_json(*st.correlation) : ordered_json(nullptr)}};
  if (c.window.holdout_end) row.details["holdout_x"] = st.holdout_x;
  row.rows = rows;
  return row;
}

std::string render_rfm_json(const scan_result& s, const kpi_row& summary, const report& r) {
  const cohort& c = s.customers;
  const std::string u = plural(c.window.unit);
  ordered_json j = window_json(c);
  j["summary"] = summary.details;
  ordered_json customers = ordered_json::array();
  for (std::size_t k = 0; k < c.rfm.size(); ++k) {
    const rfm_summary& x = c.rfm[k];
    ordered_json row = {{"customer", s.job.ids[c.who[k]]},
                        {"x", x.x},
                        {"t_x_" + u, x.t_x},
                        {"T_" + u, x.T},
                        {"zbar", x.zbar},
                        {"first_purchase", day_text(x.first_day)}};
    if (c.window.holdout_end) {
      row["holdout_x"] = x.holdout_x;
      row["holdout_spend"] = x.holdout_spend;
    }
    customers.push_back(std::move(row));
  }
  j["customers"] = std::move(customers);
  j["rows"] = rows_json(s.job.rows);
  j["checks"] = checks_json(r);
  return j.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

std::string render_rfm_table(const scan_result& s, const rfm_stats& st, const report& r, bool markdown) {
  const cohort& c = s.customers;
  const std::string u = plural(c.window.unit);
  std::string out;
  std::string title = fmt::format("RFM summary: {} customers, time unit {}", st.customers, time_unit_name(c.window.unit));
  if (c.known) title += ", calibration end " + day_text(c.window.calibration_end);
  if (c.window.holdout_end) title += ", holdout end " + day_text(*c.window.holdout_end);
  out += heading(title, markdown);
  text_table t;
  t.header = {"measure", "value"};
  t.right = {false, true};
  t.rows.push_back({"customers", std::to_string(st.customers)});
  t.rows.push_back({"repeat customers (x > 0)",
                    fmt::format("{} ({})", st.repeat,
                                st.customers ? fixed(100.0 * static_cast<double>(st.repeat) /
                                                         static_cast<double>(st.customers), 1) + "%"
                                             : "-")});
  t.rows.push_back({"mean x", fixed(st.mean_x, 3)});
  t.rows.push_back({"mean t_x_" + u, fixed(st.mean_t_x, 2)});
  t.rows.push_back({"mean T_" + u, fixed(st.mean_T, 2)});
  t.rows.push_back({"mean zbar (repeat customers)", fixed(st.mean_zbar, 2)});
  t.rows.push_back({"corr(x, zbar)", st.correlation ? fixed(*st.correlation, 3) : "-"});
  if (c.window.holdout_end) t.rows.push_back({"holdout repeat purchases", std::to_string(st.holdout_x)});
  if (c.later) t.rows.push_back({"customers first buying after the calibration end (left out)", std::to_string(c.later)});
  if (!c.rfm.empty()) t.rows.push_back({"first purchases from", day_text(c.first_day)});
  out += t.render(markdown);
  if (markdown) out += "\n";
  out += paragraph(rows_line(s.job.rows), markdown);
  out += paragraph("Per-customer rows: --format csv (the default) or --format json.", markdown);
  out += checks_text(r, markdown);
  return out;
}

int run_rfm(rfm_cli& o) {
  finalize_common_options(o.common);
  const std::vector<check> checks = parse_checks(o.common.checks);
  finalize_date_flags(o.dates);
  const rfm_settings settings = resolve_rfm_settings(o.columns, o.dates.format, o.common.strict, o.flags);
  const scan_result s = read_cohort(o.common, settings);
  const rfm_stats st = rfm_statistics(s.customers);
  report r;
  r.kpis.push_back(rfm_kpi(st, s.customers, s.job.rows));
  r.rows = s.job.rows;
  evaluate_checks(r, checks);
  std::string content;
  if (o.common.format == "csv") content = render_rfm_csv(s, !o.common.no_header);
  else if (o.common.format == "json") content = render_rfm_json(s, r.kpis.front(), r);
  else content = render_rfm_table(s, st, r, o.common.format == "markdown");
  return write_and_exit(content, r, o.common);
}

// --time-unit, --calibration-end, --holdout-end; `prefix` marks them as
// --model bgnbd's in `cxkpi clv --help`.
void add_window_flags(CLI::App& cmd, predictive_flags& f, std::vector<CLI::Option*>* collect,
                      const std::string& prefix) {
  std::vector<CLI::Option*> added;
  added.push_back(cmd.add_option("--time-unit", f.time_unit,
                                 prefix + "Time unit of t_x and T (in every header: t_x_weeks), of the fit and "
                                          "of the discount rate")
                      ->check(CLI::IsMember({"day", "week", "month"}))
                      ->capture_default_str());
  added.push_back(cmd.add_option("--calibration-end", f.calibration_end,
                                 prefix + "Last day of the calibration window, inclusive (default: the last order date)"));
  added.push_back(cmd.add_option("--holdout-end", f.holdout_end,
                                 prefix + "Last day of the holdout window, inclusive: " +
                                     (collect ? "actual vs. predicted repeat purchases" : "adds holdout_x")));
  if (collect) collect->insert(collect->end(), added.begin(), added.end());
}

// ---------------------------------------------------------------------------
// cxkpi clv --model bgnbd

struct customer_prediction {
  double p_alive = 0;
  double expected_purchases = 0;  // over the horizon
  double spend = 0;               // expected spend per purchase (Gamma-Gamma)
  double clv = 0;
  double holdout_expected = 0;    // E[Y(holdout length)]
};

struct holdout_week {
  std::int32_t from = 0, to = 0;  // days, inclusive
  std::int64_t actual = 0, actual_cumulative = 0;  // repeat purchase days
  double predicted = 0, predicted_cumulative = 0;
};

struct holdout_check {
  double length = 0;  // time units
  std::int64_t actual = 0;
  double predicted = 0;
  std::vector<holdout_week> weeks;
};

// Customers with equal (x, T) share the expectation of an alive customer,
// E[Y(t)] / P(alive): the BG/NBD expectation of a new customer with the
// posterior parameters (r + x, alpha + T, a, b + x).
struct x_T_group {
  std::int64_t x = 0;
  double T = 0;
  double alive = 0;  // sum of P(alive) over the group
};

std::vector<x_T_group> alive_groups(const std::vector<rfm_summary>& rfm, const std::vector<customer_prediction>& p) {
  std::vector<std::size_t> order(rfm.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t i, std::size_t j) { return std::tie(rfm[i].x, rfm[i].T) < std::tie(rfm[j].x, rfm[j].T); });
  std::vector<x_T_group> groups;
  for (std::size_t i : order) {
    if (groups.empty() || groups.back().x != rfm[i].x || groups.back().T != rfm[i].T)
      groups.push_back({rfm[i].x, rfm[i].T, 0.0});
    groups.back().alive += p[i].p_alive;
  }
  return groups;
}

holdout_check check_holdout(const scan_result& s, const bgnbd_params& params,
                            const std::vector<customer_prediction>& predictions) {
  const cohort& c = s.customers;
  const std::int32_t end = c.window.calibration_end, holdout_end = *c.window.holdout_end;
  holdout_check h;
  h.length = c.window.holdout_length();
  const std::int32_t days = holdout_end - end;
  const std::size_t weeks = static_cast<std::size_t>((days + 6) / 7);
  h.weeks.resize(weeks);
  for (std::size_t k = 0; k < weeks; ++k) {
    h.weeks[k].from = end + 1 + static_cast<std::int32_t>(7 * k);
    h.weeks[k].to = std::min(end + static_cast<std::int32_t>(7 * (k + 1)), holdout_end);
  }
  for (std::size_t k = 0; k < c.who.size(); ++k)
    for (const purchase_day& p : s.job.orders[c.who[k]].days())
      if (p.day > end && p.day <= holdout_end) ++h.weeks[static_cast<std::size_t>((p.day - end - 1) / 7)].actual;
  const std::vector<x_T_group> groups = alive_groups(c.rfm, predictions);
  const double unit = days_per_unit(c.window.unit);
  for (const x_T_group& g : groups) {
    const double xd = static_cast<double>(g.x);
    const bgnbd_params posterior{params.r + xd, params.alpha + g.T, params.a, params.b + xd};
    for (holdout_week& w : h.weeks)
      w.predicted_cumulative += g.alive * bgnbd_expected_purchases_new(posterior, (w.to - end) / unit);
  }
  std::int64_t actual = 0;
  double previous = 0;
  for (holdout_week& w : h.weeks) {
    actual += w.actual;
    w.actual_cumulative = actual;
    w.predicted = w.predicted_cumulative - previous;
    previous = w.predicted_cumulative;
  }
  h.actual = actual;
  for (const customer_prediction& p : predictions) h.predicted += p.holdout_expected;
  return h;
}

// The tracking plot of Fader, Hardie & Lee (2005), figure 1: cumulative
// repeat purchases of the cohort, actual and predicted (each customer's
// E[X(t)] from their own first purchase), through calibration and holdout.
line_plot tracking_plot(const scan_result& s, const bgnbd_params& params) {
  const cohort& c = s.customers;
  const double unit = days_per_unit(c.window.unit);
  const std::int32_t day0 = c.first_day;
  const std::int32_t end = c.window.holdout_end.value_or(c.window.calibration_end);
  const std::int32_t span = end - day0;
  std::vector<double> per_day(static_cast<std::size_t>(span) + 1, 0.0);
  std::vector<double> birth;
  birth.reserve(c.rfm.size());
  for (std::size_t k = 0; k < c.who.size(); ++k) {
    birth.push_back((c.rfm[k].first_day - day0) / unit);
    const auto days = s.job.orders[c.who[k]].days();
    for (std::size_t i = 1; i < days.size() && days[i].day <= end; ++i)
      per_day[static_cast<std::size_t>(days[i].day - day0)] += 1;
  }
  // About 200 points whatever the span: the predicted curve costs one
  // expectation per distinct birth day and point.
  const std::int32_t step = std::max<std::int32_t>(1, (span + 199) / 200);
  std::vector<std::int32_t> sample;
  for (std::int32_t d = 0; d < span; d += step) sample.push_back(d);
  sample.push_back(span);
  std::vector<double> at, actual;
  double cumulative = 0;
  std::int32_t done = -1;
  for (std::int32_t d : sample) {
    for (++done; done <= d; ++done) cumulative += per_day[static_cast<std::size_t>(done)];
    done = d;
    at.push_back(d / unit);
    actual.push_back(cumulative);
  }
  const std::vector<double> predicted = bgnbd_expected_cumulative_repeats(params, birth, at);

  line_plot plot;
  plot.title = "Cumulative repeat purchases: actual vs. BG/NBD";
  plot.x_label = fmt::format("{} since {} (first purchase in the cohort)",
                             c.window.unit == time_unit::day    ? "Days"
                             : c.window.unit == time_unit::week ? "Weeks"
                                                                : "Months",
                             day_text(day0));
  plot.y_label = "Cumulative repeat purchases";
  plot.series.push_back({"Actual", at, actual, "#1a1a1a", false});
  plot.series.push_back({"BG/NBD prediction", at, predicted, "#d62728", true});
  if (c.window.holdout_end)
    plot.markers.push_back(
        {(c.window.calibration_end - day0) / unit, "calibration end " + day_text(c.window.calibration_end)});
  return plot;
}

struct clv_run {
  horizon_spec horizon;
  discount_spec discount;
  std::optional<double> margin;
  std::string discount_text;
  bgnbd_fit bgnbd;
  gamma_gamma_fit gg;
  double correlation = 0;
  std::size_t zero_spend = 0;           // repeat customers with zbar = 0, left out of the Gamma-Gamma fit
  std::string zero_spend_example;
  std::vector<customer_prediction> predictions;
  std::optional<holdout_check> holdout;
};

std::string clv_header(const clv_run& run, time_unit unit) { return fmt::format("clv_{}_{}", run.horizon.units, plural(unit)); }
std::string purchases_header(const clv_run& run, time_unit unit) {
  return fmt::format("expected_purchases_{}_{}", run.horizon.units, plural(unit));
}

ordered_json bgnbd_json(const bgnbd_fit& f, time_unit unit) {
  ordered_json se = nullptr;
  if (f.standard_errors)
    se = {{"r", f.standard_errors->r},
          {"alpha", f.standard_errors->alpha},
          {"a", f.standard_errors->a},
          {"b", f.standard_errors->b}};
  return {{"r", f.params.r},
          {"alpha", f.params.alpha},
          {"alpha_unit", std::string(time_unit_name(unit))},
          {"a", f.params.a},
          {"b", f.params.b},
          {"standard_errors", se},
          {"log_likelihood", f.log_likelihood},
          {"converged", f.converged},
          {"message", f.message.empty() ? ordered_json(nullptr) : ordered_json(f.message)},
          {"customers", f.customers},
          {"starts", f.starts},
          {"iterations", f.iterations}};
}

ordered_json gamma_gamma_json(const clv_run& run) {
  const gamma_gamma_fit& f = run.gg;
  ordered_json se = nullptr;
  if (f.standard_errors)
    se = {{"p", f.standard_errors->p}, {"q", f.standard_errors->q}, {"gamma", f.standard_errors->gamma}};
  return {{"p", f.params.p},
          {"q", f.params.q},
          {"gamma", f.params.gamma},
          {"standard_errors", se},
          {"log_likelihood", f.log_likelihood},
          {"converged", f.converged},
          {"message", f.message.empty() ? ordered_json(nullptr) : ordered_json(f.message)},
          {"customers", f.customers},
          {"mean_zbar", f.mean_spend},
          {"mean_spend_per_purchase", json_number(f.params.q > 1 ? f.params.p * f.params.gamma / (f.params.q - 1)
                                                                   : std::nan(""))},
          {"corr_x_zbar", run.correlation},
          {"max_abs_corr", gamma_gamma_max_correlation},
          {"zero_spend_customers_excluded", run.zero_spend}};
}

// Customers by CLV, highest first (ties in input order).
std::vector<std::size_t> by_clv(const std::vector<customer_prediction>& p) {
  std::vector<std::size_t> order(p.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return p[i].clv > p[j].clv; });
  return order;
}

constexpr std::size_t top_customers = 10;

kpi_row clv_kpi(const clv_run& run, const cohort& c, const row_accounting& rows) {
  std::vector<double> clv, purchases, alive;
  for (const customer_prediction& p : run.predictions) {
    clv.push_back(p.clv);
    purchases.push_back(p.expected_purchases);
    alive.push_back(p.p_alive);
  }
  kpi_row row;
  row.kpi = "clv";
  row.value = mean_of(clv);
  row.n = clv.size();
  row.decimals = 2;
  const std::string u = plural(c.window.unit);
  row.details = {{"customers", clv.size()},
                 {"total", std::accumulate(clv.begin(), clv.end(), 0.0)},
                 {"mean", json_number(mean_of(clv))},
                 {"median", json_number(median_of(clv))},
                 {"expected_purchases", std::accumulate(purchases.begin(), purchases.end(), 0.0)},
                 {"mean_p_alive", json_number(mean_of(alive))},
                 {"horizon_" + u, run.horizon.units},
                 {"discount_rate_per_" + std::string(time_unit_name(c.window.unit)), run.discount.per_unit}};
  if (run.holdout) {
    row.details["holdout_actual"] = run.holdout->actual;
    row.details["holdout_predicted"] = run.holdout->predicted;
  }
  row.rows = rows;
  return row;
}

std::string render_clv_csv(const scan_result& s, const clv_run& run, bool header) {
  const cohort& c = s.customers;
  const std::string u = plural(c.window.unit);
  const bool holdout = run.holdout.has_value();
  std::string out;
  if (header) {
    out += fmt::format("customer,x,t_x_{0},T_{0},zbar,p_alive,{1},expected_spend_per_purchase,{2}", u,
                       purchases_header(run, c.window.unit), clv_header(run, c.window.unit));
    if (holdout) out += ",holdout_x,holdout_expected";
    out += "\n";
  }
  for (std::size_t k = 0; k < c.rfm.size(); ++k) {
    const rfm_summary& r = c.rfm[k];
    const customer_prediction& p = run.predictions[k];
    out += fmt::format("{},{},{},{},{},{},{},{},{}", csv_field(s.job.ids[c.who[k]]), r.x, number_text(r.t_x),
                       number_text(r.T), number_text(r.zbar), number_text(p.p_alive),
                       number_text(p.expected_purchases), number_text(p.spend), number_text(p.clv));
    if (holdout) out += fmt::format(",{},{}", r.holdout_x, number_text(p.holdout_expected));
    out += "\n";
  }
  return out;
}

ordered_json customer_json(const scan_result& s, const clv_run& run, std::size_t k) {
  const cohort& c = s.customers;
  const std::string u = plural(c.window.unit);
  const rfm_summary& r = c.rfm[k];
  const customer_prediction& p = run.predictions[k];
  ordered_json j = {{"customer", s.job.ids[c.who[k]]},
                    {"x", r.x},
                    {"t_x_" + u, r.t_x},
                    {"T_" + u, r.T},
                    {"zbar", r.zbar},
                    {"p_alive", p.p_alive},
                    {purchases_header(run, c.window.unit), p.expected_purchases},
                    {"expected_spend_per_purchase", p.spend},
                    {clv_header(run, c.window.unit), p.clv}};
  if (run.holdout) {
    j["holdout_x"] = r.holdout_x;
    j["holdout_expected"] = p.holdout_expected;
  }
  return j;
}

ordered_json holdout_json(const holdout_check& h, const cohort& c) {
  ordered_json weeks = ordered_json::array();
  for (std::size_t k = 0; k < h.weeks.size(); ++k) {
    const holdout_week& w = h.weeks[k];
    weeks.push_back({{"week", k + 1},
                     {"from", day_text(w.from)},
                     {"to", day_text(w.to)},
                     {"actual", w.actual},
                     {"predicted", w.predicted},
                     {"actual_cumulative", w.actual_cumulative},
                     {"predicted_cumulative", w.predicted_cumulative}});
  }
  return {{"from", day_text(c.window.calibration_end + 1)},
          {"to", day_text(*c.window.holdout_end)},
          {"length_" + plural(c.window.unit), h.length},
          {"actual_repeat_purchases", h.actual},
          {"predicted_repeat_purchases", h.predicted},
          {"error_pct", h.actual > 0 ? ordered_json(100.0 * (h.predicted - static_cast<double>(h.actual)) /
                                                    static_cast<double>(h.actual))
                                     : ordered_json(nullptr)},
          {"weeks", weeks}};
}

std::string render_clv_json(const scan_result& s, const clv_run& run, const report& r) {
  const cohort& c = s.customers;
  const time_unit unit = c.window.unit;
  ordered_json j;
  j["model"] = "bgnbd";
  const ordered_json window = window_json(c);
  for (const auto& [key, value] : window.items()) j[key] = value;
  j["horizon"] = {{plural(unit), run.horizon.units},
                  {"requested", run.horizon.requested},
                  {"note", run.horizon.note.empty() ? ordered_json(nullptr) : ordered_json(run.horizon.note)}};
  j["discount_rate_per_" + std::string(time_unit_name(unit))] = run.discount.per_unit;
  j["margin"] = run.margin ? ordered_json(*run.margin) : ordered_json(nullptr);
  j["bgnbd"] = bgnbd_json(run.bgnbd, unit);
  j["gamma_gamma"] = gamma_gamma_json(run);
  ordered_json summary = r.kpis.front().details;
  ordered_json top = ordered_json::array();
  const std::vector<std::size_t> order = by_clv(run.predictions);
  for (std::size_t k = 0; k < order.size() && k < top_customers; ++k) top.push_back(customer_json(s, run, order[k]));
  summary["top"] = std::move(top);
  j["summary"] = std::move(summary);
  j["holdout"] = run.holdout ? holdout_json(*run.holdout, c) : ordered_json(nullptr);
  ordered_json customers = ordered_json::array();
  for (std::size_t k = 0; k < c.rfm.size(); ++k) customers.push_back(customer_json(s, run, k));
  j["customers"] = std::move(customers);
  j["rows"] = rows_json(s.job.rows);
  j["checks"] = checks_json(r);
  return j.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

std::string fit_status(bool converged, const std::string& message, int starts, int iterations) {
  std::string out = converged ? fmt::format("converged ({} starts, {} iterations)", starts, iterations)
                              : "NOT CONVERGED: the figures use the best point found";
  if (!message.empty()) out += " (" + message + ")";
  return out;
}

std::string render_clv_table(const scan_result& s, const clv_run& run, const report& r, bool markdown) {
  const cohort& c = s.customers;
  const time_unit unit = c.window.unit;
  const std::string u = plural(unit);
  std::string out;
  out += heading(fmt::format("BG/NBD + Gamma-Gamma: {} customers, time unit {}, calibration end {} (first purchase {})",
                             c.rfm.size(), time_unit_name(unit), day_text(c.window.calibration_end),
                             day_text(c.first_day)),
                 markdown);
  if (!markdown) out += "\n";

  const bgnbd_fit& b = run.bgnbd;
  text_table bt;
  bt.header = {"BG/NBD", "estimate", "std. error"};
  bt.right = {false, true, true};
  auto se = [](const auto& e, auto member) { return e ? short_number((*e).*member) : std::string("-"); };
  bt.rows.push_back({"r", short_number(b.params.r), se(b.standard_errors, &bgnbd_params::r)});
  bt.rows.push_back({"alpha (" + u + ")", short_number(b.params.alpha), se(b.standard_errors, &bgnbd_params::alpha)});
  bt.rows.push_back({"a", short_number(b.params.a), se(b.standard_errors, &bgnbd_params::a)});
  bt.rows.push_back({"b", short_number(b.params.b), se(b.standard_errors, &bgnbd_params::b)});
  out += bt.render(markdown);
  if (markdown) out += "\n";
  out += paragraph(fmt::format("log-likelihood {}; {}", fixed(b.log_likelihood, 2),
                               fit_status(b.converged, b.message, b.starts, b.iterations)),
                   markdown);
  if (!markdown) out += "\n";

  const gamma_gamma_fit& g = run.gg;
  text_table gt;
  gt.header = {"Gamma-Gamma", "estimate", "std. error"};
  gt.right = {false, true, true};
  gt.rows.push_back({"p", short_number(g.params.p), se(g.standard_errors, &gamma_gamma_params::p)});
  gt.rows.push_back({"q", short_number(g.params.q), se(g.standard_errors, &gamma_gamma_params::q)});
  gt.rows.push_back({"gamma", short_number(g.params.gamma), se(g.standard_errors, &gamma_gamma_params::gamma)});
  out += gt.render(markdown);
  if (markdown) out += "\n";
  out += paragraph(fmt::format("log-likelihood {}; {}; {} repeat customers, mean zbar {}, corr(x, zbar) {}{}",
                               fixed(g.log_likelihood, 2), fit_status(g.converged, g.message, g.starts, g.iterations),
                               g.customers, fixed(g.mean_spend, 2), fixed(run.correlation, 3),
                               run.zero_spend ? fmt::format(" ({} with zero spend left out)", run.zero_spend) : ""),
                   markdown);
  if (!markdown) out += "\n";

  const kpi_row& k = r.kpis.front();
  std::string horizon = fmt::format("CLV over {} {}", run.horizon.units, u);
  if (!run.horizon.note.empty()) horizon += " (" + run.horizon.note + ")";
  horizon += ", discount rate " + (run.discount.note.empty() ? fmt::format("{} per {}", short_number(run.discount.per_unit),
                                                                           time_unit_name(unit))
                                                               : run.discount.note);
  if (run.margin) horizon += fmt::format(", margin {}", short_number(*run.margin));
  out += heading(horizon, markdown);
  out += paragraph(fmt::format("customers {}, total {}, mean {}, median {}, expected purchases {}, mean P(alive) {}",
                               k.n, fixed(k.details["total"].get<double>(), 2), fixed(k.value, 2),
                               fixed(k.details["median"].is_number() ? k.details["median"].get<double>() : std::nan(""), 2),
                               fixed(k.details["expected_purchases"].get<double>(), 1),
                               fixed(k.details["mean_p_alive"].is_number() ? k.details["mean_p_alive"].get<double>()
                                                                             : std::nan(""),
                                     3)),
                   markdown);
  if (!markdown) out += "\n";

  out += heading(fmt::format("Top {} customers by CLV", std::min(top_customers, run.predictions.size())), markdown);
  text_table tt;
  tt.header = {"customer", "x", "t_x_" + u, "T_" + u, "zbar", "p_alive", purchases_header(run, unit),
               "expected_spend_per_purchase", clv_header(run, unit)};
  tt.right = {false, true, true, true, true, true, true, true, true};
  const std::vector<std::size_t> order = by_clv(run.predictions);
  for (std::size_t i = 0; i < order.size() && i < top_customers; ++i) {
    const std::size_t n = order[i];
    const rfm_summary& x = c.rfm[n];
    const customer_prediction& p = run.predictions[n];
    tt.rows.push_back({s.job.ids[c.who[n]], std::to_string(x.x), fixed(x.t_x, 2), fixed(x.T, 2), fixed(x.zbar, 2),
                       fixed(p.p_alive, 3), fixed(p.expected_purchases, 2), fixed(p.spend, 2), fixed(p.clv, 2)});
  }
  out += tt.render(markdown);
  if (markdown) out += "\n";

  if (run.holdout) {
    const holdout_check& h = *run.holdout;
    if (!markdown) out += "\n";
    out += heading(fmt::format("Holdout {} to {} ({} {}): actual {} repeat purchases, predicted {} ({}%)",
                               day_text(c.window.calibration_end + 1), day_text(*c.window.holdout_end),
                               short_number(h.length), u, h.actual, fixed(h.predicted, 1),
                               h.actual > 0 ? fmt::format("{:+.1f}", 100.0 * (h.predicted - static_cast<double>(h.actual)) /
                                                                          static_cast<double>(h.actual))
                                            : std::string("-")),
                   markdown);
    text_table ht;
    ht.header = {"week", "from", "to", "actual", "predicted", "actual_cumulative", "predicted_cumulative"};
    ht.right = {true, false, false, true, true, true, true};
    for (std::size_t i = 0; i < h.weeks.size(); ++i) {
      const holdout_week& w = h.weeks[i];
      ht.rows.push_back({std::to_string(i + 1), day_text(w.from), day_text(w.to), std::to_string(w.actual),
                         fixed(w.predicted, 1), std::to_string(w.actual_cumulative), fixed(w.predicted_cumulative, 1)});
    }
    out += ht.render(markdown);
    if (markdown) out += "\n";
  }
  if (!markdown) out += "\n";
  out += paragraph(rows_line(s.job.rows), markdown);
  out += paragraph("Every customer: --format csv or --format json.", markdown);
  out += checks_text(r, markdown);
  return out;
}

std::optional<double> resolve_margin(const std::string& text) {
  if (text.empty()) return std::nullopt;
  double value = parse_flag_number(text, "--margin", true);
  if (io::trim(text).ends_with('%')) value /= 100.0;
  if (!(value > 0) || value > 1)
    throw usage_error(
        fmt::format("--margin takes a fraction between 0 and 1 (0.25) or a percentage (25%), not \"{}\"", text));
  return value;
}

clv_run fit_and_predict(const scan_result& s, const common_options& common, clv_run run) {
  const cohort& c = s.customers;
  const std::vector<rfm_summary>& rfm = c.rfm;
  diagnostics diag(common);

  stopwatch watch;
  run.bgnbd = fit_bgnbd(rfm);
  diag.info(fmt::format("BG/NBD fit of {} customers: {}, {} starts, {} iterations, {} evaluations", rfm.size(),
                        watch.text(), run.bgnbd.starts, run.bgnbd.iterations, run.bgnbd.evaluations));
  if (!std::isfinite(run.bgnbd.log_likelihood))
    throw data_error(run.bgnbd.message.empty() ? "BG/NBD fit failed" : run.bgnbd.message, {});
  if (!run.bgnbd.converged) warn(common, run.bgnbd.message + " (r " + short_number(run.bgnbd.params.r) + ", alpha " +
                                             short_number(run.bgnbd.params.alpha) + ", a " +
                                             short_number(run.bgnbd.params.a) + ", b " +
                                             short_number(run.bgnbd.params.b) + ")");
  else if (!run.bgnbd.message.empty()) warn(common, run.bgnbd.message);

  // Gamma-Gamma on repeat customers with positive spend. A repeat customer
  // whose repeat purchases were all free (zbar = 0; CDNOW_master has one) has
  // no place in a Gamma likelihood: left out of the fit, counted and named;
  // their expected spend still follows eq. 5 with their zbar of 0.
  std::vector<rfm_summary> spenders;
  std::size_t repeat = 0;
  for (std::size_t k = 0; k < rfm.size(); ++k) {
    if (rfm[k].x == 0) continue;
    ++repeat;
    if (rfm[k].zbar > 0) {
      spenders.push_back(rfm[k]);
    } else if (run.zero_spend++ == 0) {
      run.zero_spend_example = s.job.ids[c.who[k]];
    }
  }
  if (run.zero_spend)
    warn(common, fmt::format("{} repeat {} with zero repeat spend (zbar = 0, e.g. customer {}) left out of the "
                             "Gamma-Gamma fit; their expected spend uses zbar = 0",
                             run.zero_spend, run.zero_spend == 1 ? "customer" : "customers", run.zero_spend_example));
  if (spenders.size() < 2)
    throw data_error(fmt::format("Gamma-Gamma needs at least 2 repeat customers with positive spend, got {} "
                                 "({} repeat customers, {} with zero repeat spend)",
                                 spenders.size(), repeat, run.zero_spend),
                     {});
  run.correlation = frequency_spend_correlation(spenders);
  if (std::fabs(run.correlation) > gamma_gamma_max_correlation)
    throw data_error(fmt::format("Gamma-Gamma refused: corr(x, zbar) = {:.3f} over {} repeat customers, beyond "
                                 "+-{}: spend depends on purchase frequency, and the model assumes it does not",
                                 run.correlation, spenders.size(), gamma_gamma_max_correlation),
                     {});
  watch = {};
  run.gg = fit_gamma_gamma(spenders);
  diag.info(fmt::format("Gamma-Gamma fit of {} repeat customers: {}, {} starts, {} iterations", spenders.size(),
                        watch.text(), run.gg.starts, run.gg.iterations));
  if (!run.gg.converged)
    warn(common, run.gg.message + " (p " + short_number(run.gg.params.p) + ", q " + short_number(run.gg.params.q) +
                     ", gamma " + short_number(run.gg.params.gamma) + ")");
  else if (!run.gg.message.empty()) warn(common, run.gg.message);
  if (!(run.gg.params.q > 1))
    throw data_error(fmt::format("Gamma-Gamma q = {:.4g} <= 1: the mean spend per purchase is infinite, so no CLV",
                                 run.gg.params.q),
                     {});

  watch = {};
  const bgnbd_params& params = run.bgnbd.params;
  const std::vector<double> alive = bgnbd_p_alive(params, rfm);
  const std::vector<double> purchases = bgnbd_expected_purchases(params, rfm, run.horizon.units);
  std::vector<double> spend = gamma_gamma_expected_spend(run.gg.params, rfm);
  std::vector<double> value = spend;
  if (run.margin)
    for (double& v : value) v *= *run.margin;
  const std::vector<double> clv = bgnbd_clv(params, rfm, value, run.horizon.units, run.discount.per_unit);
  std::vector<double> holdout;
  if (c.window.holdout_end) holdout = bgnbd_expected_purchases(params, rfm, c.window.holdout_length());
  run.predictions.resize(rfm.size());
  for (std::size_t k = 0; k < rfm.size(); ++k) {
    customer_prediction& p = run.predictions[k];
    p.p_alive = alive[k];
    p.expected_purchases = purchases[k];
    p.spend = spend[k];
    p.clv = clv[k];
    if (!holdout.empty()) p.holdout_expected = holdout[k];
    if (!std::isfinite(p.p_alive) || !std::isfinite(p.expected_purchases) || !std::isfinite(p.spend) ||
        !std::isfinite(p.clv) || !std::isfinite(p.holdout_expected))
      throw data_error(fmt::format("customer {}: a prediction is not a finite number (x = {}, t_x = {}, T = {})",
                                   s.job.ids[c.who[k]], rfm[k].x, rfm[k].t_x, rfm[k].T),
                       {});
  }
  if (c.window.holdout_end) run.holdout = check_holdout(s, params, run.predictions);
  diag.info(fmt::format("predictions for {} customers over {} {}{}: {}", rfm.size(), run.horizon.units,
                        plural(c.window.unit), c.window.holdout_end ? " and the holdout" : "", watch.text()));
  return run;
}

}  // namespace

// ---------------------------------------------------------------------------
// Registration and entry points

void add_predictive_clv_flags(CLI::App& cmd, predictive_flags& f) {
  cmd.add_option("--model", f.model,
                 "simple: AOV x frequency x duration; bgnbd: BG/NBD + Gamma-Gamma fit, CLV per customer over "
                 "--horizon (months, or with a unit: 52w, 365d, 3y), docs/predictive-clv.md")
      ->check(CLI::IsMember({"simple", "bgnbd"}))
      ->capture_default_str();
  add_window_flags(cmd, f, &f.bgnbd_only, "bgnbd: ");
  f.bgnbd_only.push_back(cmd.add_option(
      "--discount-rate", f.discount_rate,
      "bgnbd: discount rate per time unit (0.002 or 0.2%), or per period: 10%/year"));
  f.bgnbd_only.push_back(cmd.add_option("--plot", f.plot,
                                        "bgnbd: write the cumulative repeat purchases, actual vs. predicted, to FILE.svg"));
  for (const char* name : {"--lifespan", "--churn", "--subscriptions", "--cac", "--profit-column", "--from", "--to",
                           "--start-column", "--end-column"})
    if (CLI::Option* o = cmd.get_option_no_throw(name)) f.simple_only.push_back(o);
  cmd.parse_complete_callback([&f] {
    const bool bgnbd = f.model == "bgnbd";
    for (CLI::Option* o : bgnbd ? f.simple_only : f.bgnbd_only)
      if (o->count() > 0)
        throw CLI::ValidationError(
            bgnbd ? fmt::format("{} is for --model simple, not --model bgnbd{}", o->get_name(),
                                o->get_name() == "--from" || o->get_name() == "--to"
                                    ? " (the windows are --calibration-end and --holdout-end)"
                                    : "")
                  : fmt::format("{} is for --model bgnbd", o->get_name()));
    if (bgnbd && f.plot == "-") throw CLI::ValidationError("--plot takes a file name (FILE.svg), not -");
  });
}

int run_predictive_clv(const common_options& common, const orders_settings& settings, const clv_flags& clv,
                       const predictive_flags& flags) {
  const std::vector<check> checks = parse_checks(common.checks);
  const rfm_settings rs = resolve_rfm_settings(settings.columns, settings.dates.format, common.strict, flags);
  clv_run run;
  run.horizon = resolve_horizon(clv.horizon, rs.unit);
  run.discount = resolve_discount(flags.discount_rate, rs.unit);
  run.margin = resolve_margin(clv.margin);

  const scan_result s = read_cohort(common, rs);
  if (s.customers.rfm.size() < 2 && s.customers.later > 0)
    throw data_error(fmt::format("BG/NBD needs at least 2 customers with a first purchase on or before the "
                                 "calibration end {}, got {} ({} first bought after it)",
                                 day_text(s.customers.window.calibration_end), s.customers.rfm.size(),
                                 s.customers.later),
                     {});
  run = fit_and_predict(s, common, std::move(run));

  report r;
  r.kpis.push_back(clv_kpi(run, s.customers, s.job.rows));
  r.rows = s.job.rows;
  evaluate_checks(r, checks);
  if (!flags.plot.empty()) write_output(render_svg(tracking_plot(s, run.bgnbd.params)), flags.plot);
  std::string content;
  if (common.format == "csv") content = render_clv_csv(s, run, !common.no_header);
  else if (common.format == "json") content = render_clv_json(s, run, r);
  else content = render_clv_table(s, run, r, common.format == "markdown");
  return write_and_exit(content, r, common);
}

void add_rfm_command(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<rfm_cli>();
  o->common.format = "csv";
  CLI::App* cmd = app.add_subcommand(
      "rfm", "Per-customer x (repeat purchases), t_x (recency), T (age), zbar (mean repeat spend) for BG/NBD");
  cmd->footer(
      "One row per order: customer id, order date, amount. Several orders on one day are one purchase;\n"
      "x counts purchase days after the first, up to --calibration-end (default: the last order date).\n"
      "t_x and T are in --time-unit (week): the unit is in every header (t_x_weeks, T_weeks).\n"
      "\n"
      "Examples:\n"
      "  cxkpi rfm orders.csv --calibration-end 2025-06-30 > rfm.csv\n"
      "  cxkpi rfm orders.csv --calibration-end 2025-06-30 --holdout-end 2025-12-31 --format json\n"
      "  cxkpi rfm CDNOW_sample.txt --delimiter whitespace --names master_id,sample_id,date,cds,dollars \\\n"
      "      --customer-column sample_id --amount-column dollars --calibration-end 1997-09-30\n");
  add_common_options(*cmd, o->common);
  add_column_flags(*cmd, o->columns, column_flag::customer | column_flag::date | column_flag::amount);
  add_date_flags(*cmd, o->dates, false);
  add_window_flags(*cmd, o->flags, nullptr, "");
  cmd->callback([o, &run] { run = [o] { return run_rfm(*o); }; });
}

}  // namespace cxkpi::cli
