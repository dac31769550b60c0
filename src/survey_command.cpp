// cxkpi nps | csat | ces | survey: one pass over the rows, each row counted
// into the cells it belongs to (all rows, its segment, its period, its
// segment in its period), with row accounting per cell and KPI.

#include "survey_command.hpp"

#include "checks.hpp"
#include "command.hpp"
#include "grouping.hpp"
#include "scan.hpp"

#include <cxkpi/ces.hpp>
#include <cxkpi/csat.hpp>
#include <cxkpi/io/columns.hpp>
#include <cxkpi/io/layouts.hpp>
#include <cxkpi/io/number.hpp>
#include <cxkpi/nps.hpp>
#include <cxkpi/segments.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>

namespace cxkpi::cli {
namespace {

enum class survey_kpi { nps, csat, ces };
constexpr std::array<survey_kpi, 3> all_survey_kpis = {survey_kpi::nps, survey_kpi::csat, survey_kpi::ces};
constexpr std::size_t index_of(survey_kpi k) { return static_cast<std::size_t>(k); }

std::string_view kpi_key(survey_kpi k) {
  switch (k) {
    case survey_kpi::nps: return "nps";
    case survey_kpi::csat: return "csat";
    case survey_kpi::ces: return "ces";
  }
  return "";
}

struct survey_options {
  common_options common;
  grouping_options grouping;
  std::array<bool, 3> want{};
  bool required = true;               // single-KPI commands need their column; survey takes what is there
  std::array<std::string, 3> column;  // --column / --nps-column ...
  std::array<std::string, 3> scale_text = {"0-10", "1-5", "1-7"};
  std::string satisfied_text;         // --satisfied
  bool lower_is_better = false;       // --lower-is-better (CES)
};

// Every KPI's accumulator and row accounting for one cell.
struct survey_cell {
  nps_accumulator nps;
  csat_accumulator csat;
  ces_accumulator ces;
  std::array<row_accounting, 3> rows;
  // The answers the row loop counted here and flush() has not yet added to
  // the accumulators and row accounting: one counter per point of each KPI's
  // scale, `tally_offset[k] + score` for KPI k. One increment an answer in
  // one array, where adding each would update the accumulator's count, its
  // total and the rows used, each behind a pointer of its own.
  std::vector<std::uint64_t> tally;
  std::array<int, 3> tally_offset{};
  std::array<rating_scale, 3> tally_scale{};  // empty (high < low) for a KPI not asked for

  // Sizes the tally for `scales`, where a KPI not asked for has an empty scale.
  void prepare_tally(const std::array<rating_scale, 3>& scales) {
    tally_scale = scales;
    int size = 0;
    for (std::size_t i = 0; i < scales.size(); ++i) {
      tally_offset[i] = size - scales[i].low;
      if (scales[i].high >= scales[i].low) size += scales[i].high - scales[i].low + 1;
    }
    tally.assign(static_cast<std::size_t>(size), 0);
  }
  // The counter of `score` (on its scale) for KPI `i`.
  std::uint64_t& tally_of(std::size_t i, int score) {
    const int slot = tally_offset[i] + score;  // >= 0 for a score on the scale
    return tally[static_cast<std::size_t>(slot)];
  }
  // Counts a valid answer of KPI `i`.
  void count(std::size_t i, int score) { ++tally_of(i, score); }
  // Adds the tally to the accumulators and row accounting, and empties it.
  void flush() {
    for (survey_kpi k : all_survey_kpis) {
      const std::size_t i = index_of(k);
      for (int score = tally_scale[i].low; score <= tally_scale[i].high; ++score) {
        std::uint64_t& n = tally_of(i, score);
        if (n == 0) continue;
        switch (k) {
          case survey_kpi::nps: nps.add(score, n); break;
          case survey_kpi::csat: csat.add(score, n); break;
          case survey_kpi::ces: ces.add(score, n); break;
        }
        rows[i].used += n;
        n = 0;
      }
    }
  }
  // Adds a flushed cell's counts (the tallies themselves are not merged).
  void merge(const survey_cell& other) {
    nps.merge(other.nps);
    csat.merge(other.csat);
    ces.merge(other.ces);
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i].merge(other.rows[i]);
  }
};

rating_scale parse_scale_flag(const std::string& text, const char* flag) {
  auto scale = parse_scale(text);
  if (!scale) throw usage_error(fmt::format("{} takes LOW-HIGH such as 1-5, not \"{}\"", flag, text));
  return *scale;
}

std::string scale_text(rating_scale s) { return fmt::format("{}-{}", s.low, s.high); }

// The checked settings of a run, shared by every input.
struct survey_plan {
  std::vector<survey_kpi> kpis;
  std::array<rating_scale, 3> scales{};
  survey_cell prototype;
};

survey_plan make_plan(const survey_options& o) {
  survey_plan plan;
  csat_options csat;
  ces_options ces;
  for (survey_kpi k : all_survey_kpis) {
    if (!o.want[index_of(k)]) continue;
    plan.kpis.push_back(k);
    const rating_scale s = parse_scale_flag(o.scale_text[index_of(k)], "--scale");
    plan.scales[index_of(k)] = s;
    if (k == survey_kpi::nps && !(s == nps_scale || s == rating_scale{1, 10}))
      throw usage_error("NPS is asked on 0-10 (or 1-10), not " + o.scale_text[index_of(k)]);
    if (k == survey_kpi::csat) {
      csat = csat_options::for_scale(s);
      if (!o.satisfied_text.empty()) {
        csat.satisfied = parse_scale_flag(o.satisfied_text, "--satisfied");
        if (csat.satisfied.low < s.low || csat.satisfied.high > s.high)
          throw usage_error("--satisfied " + o.satisfied_text + " lies outside the scale " + scale_text(s));
      }
    }
    if (k == survey_kpi::ces) ces = ces_options{s, o.lower_is_better};
  }
  plan.prototype.csat = csat_accumulator(csat);
  plan.prototype.ces = ces_accumulator(ces);
  std::array<rating_scale, 3> tally_scales;
  tally_scales.fill(rating_scale{1, 0});
  for (survey_kpi k : plan.kpis) tally_scales[index_of(k)] = plan.scales[index_of(k)];
  plan.prototype.prepare_tally(tally_scales);
  return plan;
}

// Finds a KPI's column in an input's header; nullopt for `survey` when the
// input has none; data_error listing the columns otherwise.
std::optional<std::size_t> resolve_kpi_column(const survey_options& o, survey_kpi k, const io::table_reader& reader,
                                              const diagnostics& diag) {
  const std::string& named = o.column[index_of(k)];
  // The flag that names this column, for the duplicate-column advice.
  const std::string flag = o.required ? std::string("--column") : fmt::format("--{}-column", kpi_key(k));
  if (!named.empty()) return require_column(reader, named, flag);
  io::column_hints hints = k == survey_kpi::nps    ? io::nps_column_hints()
                           : k == survey_kpi::csat ? io::csat_column_hints()
                                                   : io::ces_column_hints();
  if (!o.required) hints = io::without_generic_score(hints);
  if (auto match = io::detect_source_column(reader, kpi_key(k), hints, flag)) {
    diag.info(fmt::format("{}: {} column: {}", reader.name(), kpi_key(k), match->reason));
    return match->index;
  }
  if (!o.required) return std::nullopt;
  throw data_error(fmt::format("no {} column found; {}; name one with --column", kpi_key(k), columns_clause(reader)),
                   {reader.name(), 1, 0});
}

[[gnu::noinline]] io::score_reading read_any_score(std::string_view cell, rating_scale scale, bool decimal_comma) {
  return io::read_score(cell, scale, decimal_comma);
}

// io::read_score, with a shortcut for the common cell of one or two digits
// and nothing else (same result: such a cell is that integer). One and two
// digits take the same path: which one a cell has (`9` or `10` on 0-10)
// would be a branch the processor cannot guess.
inline io::score_reading score_of(std::string_view cell, rating_scale scale, bool decimal_comma) {
  const std::size_t size = cell.size();
  if (size - 1 < 2) {
    const auto first = static_cast<unsigned>(cell[0] - '0');
    const auto last = static_cast<unsigned>(cell[size - 1] - '0');
    if (first <= 9 && last <= 9) {
      const int value = static_cast<int>(size == 2 ? first * 10 + last : last);
      if (value < scale.low || value > scale.high) return {io::score_status::off_scale, 0};
      return {io::score_status::ok, value};
    }
  }
  return read_any_score(cell, scale, decimal_comma);
}

// Segment keys to cells: open addressing, a power-of-two size and a hash of
// 8 bytes a step. std::unordered_map's byte hash and prime modulo cost more
// per row than counting the row's answers.
class cell_cache {
 public:
  survey_cell* find(std::string_view key) const {
    const std::uint64_t h = hash(key);
    for (std::size_t i = slot_of(h);; i = (i + 1) & (slots_.size() - 1)) {
      const slot& s = slots_[i];
      if (s.cell == nullptr) return nullptr;
      if (s.hash == h && s.key.size() == key.size() && (key.size() < 8 || s.key == key)) return s.cell;
    }
  }
  void insert(std::string_view key, survey_cell* cell) {
    if (2 * (used_ + 1) > slots_.size()) {
      std::vector<slot> old(slots_.size() * 2);
      old.swap(slots_);
      used_ = 0;
      for (slot& s : old)
        if (s.cell != nullptr) place(std::move(s.key), s.cell);
    }
    place(std::string(key), cell);
  }

 private:
  struct slot {
    std::string key;
    std::uint64_t hash = 0;
    survey_cell* cell = nullptr;
  };
  // 8 bytes a step; the last step takes the last 8 bytes (overlapping the
  // one before). A shorter key is read with fixed-size loads (two
  // overlapping 4-byte ones, or 3 single bytes): a copy of a variable
  // length to the stack and a wide load from it would stall. For a key
  // shorter than 8 bytes, the hash is a bijection of its bytes (for a given
  // length every step is: xor, multiplication by an odd number, x ^ x >> 32),
  // so equal hashes and lengths mean equal keys, with no byte compare.
  static std::uint64_t hash(std::string_view key) {
    const auto mix = [](std::uint64_t h, std::uint64_t word) {
      h = (h ^ word) * 0xff51afd7ed558ccdu;
      return h ^ (h >> 32);
    };
    const char* p = key.data();
    const std::size_t n = key.size();
    std::uint64_t h = n * 0x9e3779b97f4a7c15u;
    std::uint64_t word = 0;
    if (n < 8) {
      if (n >= 4) {
        std::uint32_t a, b;
        std::memcpy(&a, p, 4);
        std::memcpy(&b, p + n - 4, 4);
        word = a | std::uint64_t{b} << 32;
      } else if (n != 0) {
        word = static_cast<unsigned char>(p[0]) | std::uint64_t{static_cast<unsigned char>(p[n / 2])} << 8 |
               std::uint64_t{static_cast<unsigned char>(p[n - 1])} << 16;
      }
      return mix(h, word);
    }
    for (std::size_t i = 0; i + 8 < n; i += 8) {
      std::memcpy(&word, p + i, 8);
      h = mix(h, word);
    }
    std::memcpy(&word, p + n - 8, 8);
    return mix(h, word);
  }
  std::size_t slot_of(std::uint64_t h) const {
    return static_cast<std::size_t>((h * 0xc4ceb9fe1a85ec53u) >> 29) & (slots_.size() - 1);
  }
  void place(std::string key, survey_cell* cell) {
    const std::uint64_t h = hash(key);
    std::size_t i = slot_of(h);
    while (slots_[i].cell != nullptr) i = (i + 1) & (slots_.size() - 1);
    slots_[i] = slot{std::move(key), h, cell};
    ++used_;
  }
  std::vector<slot> slots_ = std::vector<slot>(16);
  std::size_t used_ = 0;
};

// The one cell a row counts in: the finest its grouping makes (its segment
// in its period, its segment, its period, or all rows). The coarser cells are
// sums of these, made once at the end (with_totals), so each answer is added
// once rather than up to four times. Cells are remembered by key for one
// read, since a std::map lookup with string keys per row would cost more than
// the rest of the row; they are still created on first use.
class cell_finder {
 public:
  // `by_column`: with a single --by, its column; the row's raw value there
  // then keys the cache (the same raw value always makes the same segment),
  // so the segment text is built only the first time a value is seen.
  cell_finder(cell_map<survey_cell>& cells, row_grouper& grouper, bool by, std::optional<std::size_t> by_column)
      : cells_(cells), grouper_(grouper), by_(by), by_column_(by_column) {}
  cell_finder(const cell_finder&) = delete;
  cell_finder& operator=(const cell_finder&) = delete;
  // The answers tallied in the cells it found go into their accumulators
  // however the read ends.
  ~cell_finder() {
    for (survey_cell* cell : found_) cell->flush();
  }

  // Inlined into the row loop, which calls it once a row; a cell seen for
  // the first time is made out of line.
  [[gnu::always_inline]] survey_cell* find(const group_of_row& g, const io::record& rec) {
    if (!by_ && g.period.empty()) {
      if (all_ == nullptr) {
        all_ = &cells_.at("", "");
        found_.push_back(all_);
      }
      return all_;
    }
    std::string_view key = by_column_ ? rec.fields[*by_column_] : g.segment;
    if (!g.period.empty()) {
      // Period keys never hold a \x1f: the last one splits the key.
      key_.assign(key);
      key_ += '\x1f';
      key_.append(g.period);
      key = key_;
    }
    survey_cell* cell = cache_.find(key);
    return cell != nullptr ? cell : add(key, g, rec);
  }

 private:
  [[gnu::noinline]] survey_cell* add(std::string_view key, const group_of_row& g, const io::record& rec) {
    const std::string_view segment = !by_ ? std::string_view() : by_column_ ? grouper_.segment_of(rec) : g.segment;
    survey_cell* cell = &cells_.at(segment, g.period);
    cache_.insert(key, cell);
    found_.push_back(cell);
    return cell;
  }

  cell_map<survey_cell>& cells_;  // a std::map: pointers to its cells stay valid
  row_grouper& grouper_;
  bool by_;
  std::optional<std::size_t> by_column_;
  survey_cell* all_ = nullptr;
  cell_cache cache_;
  std::string key_;
  std::vector<survey_cell*> found_;  // a cell twice when two raw values make one segment
};

// One pass over the inputs.
class survey_job {
 public:
  survey_job(const survey_options& options, const survey_plan& plan, diagnostics& diag)
      : options_(options), plan_(plan), diag_(diag), cells_(plan.prototype) {}

  void read(io::table_reader& reader) {
    std::array<std::optional<std::size_t>, 3> columns;
    for (survey_kpi k : plan_.kpis) {
      columns[index_of(k)] = resolve_kpi_column(options_, k, reader, diag_);
      active_[index_of(k)] = active_[index_of(k)] || columns[index_of(k)].has_value();
    }
    row_grouper grouper(options_.grouping, reader, diag_);
    const bool decimal_comma = reader.decimal_comma();
    io::record rec;
    const bool by = !options_.grouping.by.empty();
    std::optional<std::size_t> by_column;
    if (options_.grouping.by.size() == 1) by_column = require_column(reader, options_.grouping.by.front(), "--by");
    cell_finder cells(cells_, grouper, by, by_column);
    const bool strict = options_.common.strict;
    // With a single --by the segment text is built only for a new value
    // (cell_finder), so without --period the grouper has nothing to do for a
    // row, and is not called.
    const bool group_rows = options_.grouping.period.has_value() || (by && !by_column);
    group_of_row group;
    while (reader.next(rec)) {
      if (group_rows) {
        group = grouper.group(rec, strict, !by_column);
        if (!group.skip_reason.empty()) {
          rows_.skip(group.skip_reason);
          diag_.skipped_row({reader.name(), rec.line, group.skip_column}, group.skip_message);
          continue;
        }
      }
      survey_cell& target = *cells.find(group, rec);
      if (!rec.skip_reason.empty()) {  // no answer at all, says the layout (Zendesk's "offered")
        for (survey_kpi k : plan_.kpis) target.rows[index_of(k)].skip(rec.skip_reason);
        rows_.skip(rec.skip_reason);
        continue;
      }

      bool used = false;
      std::string_view first_reason;
      for (survey_kpi k : plan_.kpis) {
        const std::size_t i = index_of(k);
        std::string_view reason;
        if (!columns[i]) {
          reason = "no_column";
        } else {
          const std::string_view cell = rec.fields[*columns[i]];
          const io::score_reading reading = score_of(cell, plan_.scales[i], decimal_comma);
          if (reading.status == io::score_status::ok) {
            target.count(i, reading.value);
            used = true;
            continue;
          }
          reason = io::reason_key(reading.status);
          // The message only when it is shown: most skipped rows are only counted.
          if (strict || diag_.lists(reader.name(), rec.line)) {
            const std::string culprit =
                reading.status == io::score_status::missing ? "" : fmt::format(" \"{}\"", cell);
            const std::string what =
                fmt::format("{}{} in column \"{}\" (expected an integer {})", io::reason_text(reading.status),
                            culprit, reader.header()[*columns[i]], scale_text(plan_.scales[i]));
            const source_location where{reader.name(), rec.line, *columns[i] + 1};
            if (strict) throw data_error(what, where);
            diag_.skipped_row(where, fmt::format("{}: {}", kpi_key(k), what));
          } else {
            diag_.count_skipped_row();
          }
        }
        target.rows[i].skip(reason);
        if (first_reason.empty()) first_reason = reason;
      }
      if (used) rows_.use();
      else rows_.skip(first_reason);
    }
  }

  void merge(survey_job&& other) {
    cells_.merge(other.cells_);
    rows_.merge(other.rows_);
    for (std::size_t i = 0; i < active_.size(); ++i) active_[i] = active_[i] || other.active_[i];
  }

  report make_report(const band_table& bands) const {
    report r;
    r.rows = rows_;
    const cell_map<survey_cell> totals = with_totals();
    for (survey_kpi k : plan_.kpis) {
      if (!active_[index_of(k)]) continue;
      std::vector<kpi_row> rows;
      for (const auto& [key, cell] : totals.cells()) rows.push_back(make_row(k, key, cell, bands));
      // Rows skipped before any KPI looked at them (bad dates) belong to every KPI's count.
      for (kpi_row& row : rows)
        if (row.segment.empty() && row.period.empty())
          for (const auto& [reason, count] : rows_.skipped_by_reason)
            if (reason == "bad_date" || reason == "missing_date") row.rows.skipped_by_reason[reason] += count;
      arrange_rows(rows, options_.grouping, [k](const kpi_row& a, const kpi_row& b) {
        return trend_between(k, a, b);
      });
      for (kpi_row& row : rows) r.kpis.push_back(std::move(row));
    }
    bool any_active = std::any_of(active_.begin(), active_.end(), [](bool b) { return b; });
    if (!any_active)
      throw data_error(
          "no survey column found (looked for NPS, CSAT and CES columns by their usual names); "
          "name them with --nps-column, --csat-column or --ces-column",
          {options_.common.inputs.empty() ? "" : options_.common.inputs.front(), 1, 0});
    return r;
  }

 private:
  // The cells read (the finest of the grouping) and the sums over them that
  // the report shows too: all rows, and with both --by and --period each
  // segment over all periods and each period over all segments. Counts
  // only, so the sums are exact.
  cell_map<survey_cell> with_totals() const {
    const bool by = !options_.grouping.by.empty();
    const bool period = options_.grouping.period.has_value();
    cell_map<survey_cell> out(plan_.prototype);
    for (const auto& [key, cell] : cells_.cells()) {
      out.at(key.segment, key.period).merge(cell);
      if (by || period) out.at("", "").merge(cell);
      if (by && period) {
        out.at(key.segment, "").merge(cell);
        out.at("", key.period).merge(cell);
      }
    }
    return out;
  }

  static ordered_json distribution_json(const std::vector<std::uint64_t>& counts, rating_scale scale) {
    ordered_json d = ordered_json::object();
    for (int v = scale.low; v <= scale.high; ++v) d[std::to_string(v)] = counts[static_cast<std::size_t>(v - scale.low)];
    return d;
  }

  // The change from an earlier row of the same KPI and segment, with the
  // significance test SPEC.md and issue 4 name for the KPI.
  static comparison trend_between(survey_kpi k, const kpi_row& before, const kpi_row& after) {
    switch (k) {
      case survey_kpi::nps:
        return compare_estimates(before.value, before.details["standard_error"].get<double>(), after.value,
                                 after.details["standard_error"].get<double>());
      case survey_kpi::csat:
        return compare_proportions(before.details["satisfied"].get<std::uint64_t>(), before.n,
                                   after.details["satisfied"].get<std::uint64_t>(), after.n);
      case survey_kpi::ces: {
        const double sd1 = before.details["standard_deviation"].is_number() ? before.details["standard_deviation"].get<double>() : 0;
        const double sd2 = after.details["standard_deviation"].is_number() ? after.details["standard_deviation"].get<double>() : 0;
        return compare_means(before.value, sd1 * sd1, before.n, after.value, sd2 * sd2, after.n);
      }
    }
    return {};
  }

  kpi_row make_row(survey_kpi k, const cell_key& key, const survey_cell& cell, const band_table& bands) const {
    kpi_row row;
    row.kpi = std::string(kpi_key(k));
    row.segment = key.segment;
    row.period = key.period;
    row.rows = cell.rows[index_of(k)];
    switch (k) {
      case survey_kpi::nps: {
        const nps_result r = cell.nps.result();
        row.value = r.value;
        row.n = r.n;
        row.ci95 = r.ci95;
        row.band = std::string(bands.classify("nps", r.value));
        row.details = {{"promoters", r.promoters},
                       {"passives", r.passives},
                       {"detractors", r.detractors},
                       {"standard_error", r.standard_error}};
        break;
      }
      case survey_kpi::csat: {
        const csat_result r = cell.csat.result();
        row.value = r.value;
        row.n = r.n;
        row.ci95 = r.ci95;
        row.band = std::string(bands.classify("csat", r.value));
        row.details = {{"satisfied", r.satisfied},
                       {"mean", r.mean},
                       {"top_box_pct", r.top_box_pct},
                       {"bottom2_box_pct", r.bottom2_box_pct},
                       {"scale", scale_text(r.options.scale)},
                       {"satisfied_range", scale_text(r.options.satisfied)},
                       {"distribution", distribution_json(r.distribution, r.options.scale)}};
        break;
      }
      case survey_kpi::ces: {
        const ces_result r = cell.ces.result();
        row.value = r.value;
        row.n = r.n;
        row.ci95 = r.ci95;
        row.decimals = 2;
        row.band = std::string(bands.classify("ces", ces_on_seven_point_scale(r.value, r.options.scale)));
        row.details = {{"mean", r.value},
                       {"standard_deviation", r.standard_deviation},
                       {"pct_easy", r.pct_easy},
                       {"scale", scale_text(r.options.scale)},
                       {"direction", r.options.lower_is_better ? "lower is better (mirrored)" : "higher is better"},
                       {"distribution", distribution_json(r.distribution, r.options.scale)}};
        break;
      }
    }
    return row;
  }

  const survey_options& options_;
  const survey_plan& plan_;
  diagnostics& diag_;
  cell_map<survey_cell> cells_;
  row_accounting rows_;
  std::array<bool, 3> active_{};
};

report compute(const survey_options& o, const band_table& bands) {
  const survey_plan plan = make_plan(o);
  diagnostics diag(o.common);
  const survey_job job = scan_inputs(o.common, [&] { return survey_job(o, plan, diag); });
  return job.make_report(bands);
}

int run_survey(survey_options& o) {
  finalize_common_options(o.common);
  const band_table bands = load_bands(o.common.bands_file);
  parse_checks(o.common.checks);  // a bad expression is a usage error before any data is read
  finalize_grouping_options(o.grouping);
  report r = compute(o, bands);
  return static_cast<int>(finish(r, o.common));
}

}  // namespace

report survey_report(const common_options& common, const grouping_options& grouping, const band_table& bands) {
  survey_options o;
  o.common = common;
  o.grouping = grouping;
  o.want = {true, true, true};
  o.required = false;
  return compute(o, bands);
}

void add_survey_commands(CLI::App& app, std::function<int()>& run) {
  struct spec {
    survey_kpi kind;
    const char* name;
    const char* description;
    const char* example;
  };
  static const spec specs[] = {
      {survey_kpi::nps, "nps", "Net Promoter Score from 0-10 answers",
       "Examples:\n"
       "  cxkpi nps examples/survey.csv\n"
       "  cxkpi nps export.json --column 'How likely are you to recommend us?' --format json\n"
       "  cxkpi nps day.csv --check 'nps>=30' --check 'nps.ci_low>=0'\n"
       "  cxkpi nps survey.csv --by region --period month --check 'nps.change>=-5'\n"},
      {survey_kpi::csat, "csat", "Customer satisfaction: % satisfied (top two points by default)",
       "Examples:\n"
       "  cxkpi csat examples/survey.csv\n"
       "  cxkpi csat ratings.csv --scale 1-7 --satisfied 6-7 --check 'csat>=80'\n"},
      {survey_kpi::ces, "ces", "Customer Effort Score: mean answer, higher = easier",
       "Examples:\n"
       "  cxkpi ces examples/survey.csv\n"
       "  cxkpi ces effort.csv --scale 1-5 --lower-is-better --check 'ces>=4'\n"},
  };
  for (const spec& sp : specs) {
    auto options = std::make_shared<survey_options>();
    options->want[index_of(sp.kind)] = true;
    CLI::App* cmd = app.add_subcommand(sp.name, sp.description);
    cmd->footer(sp.example);
    add_common_options(*cmd, options->common);
    add_grouping_options(*cmd, options->grouping);
    cmd->add_option("-c,--column", options->column[index_of(sp.kind)],
                    "The column holding the answers (default: detected from usual names)");
    if (sp.kind == survey_kpi::nps)
      cmd->add_option("--scale", options->scale_text[0], "Answer scale: 0-10, or 1-10 for surveys without a 0")
          ->capture_default_str();
    if (sp.kind == survey_kpi::csat) {
      cmd->add_option("--scale", options->scale_text[1], "Rating scale LOW-HIGH, e.g. 1-5, 1-7, 1-10")
          ->capture_default_str();
      cmd->add_option("--satisfied", options->satisfied_text, "Ratings that count as satisfied (default: top two)");
    }
    if (sp.kind == survey_kpi::ces) {
      cmd->add_option("--scale", options->scale_text[2], "Answer scale LOW-HIGH, e.g. 1-7 or 1-5")
          ->capture_default_str();
      cmd->add_flag("--lower-is-better", options->lower_is_better, "Answers measure effort (low = easy): mirror them");
    }
    cmd->callback([options, &run] { run = [options] { return run_survey(*options); }; });
  }

  auto options = std::make_shared<survey_options>();
  options->want = {true, true, true};
  options->required = false;
  CLI::App* cmd = app.add_subcommand("survey", "Every survey KPI (NPS, CSAT, CES) whose column is present");
  cmd->footer(
      "Examples:\n"
      "  cxkpi survey examples/survey.csv\n"
      "  cxkpi survey day.csv --format csv --no-header >> history.csv\n"
      "  cxkpi survey export.json --format json --check 'nps>=30' --check 'csat>=80'\n"
      "  cxkpi survey examples/survey.csv --by region --period week\n");
  add_common_options(*cmd, options->common);
  add_grouping_options(*cmd, options->grouping);
  cmd->add_option("--nps-column", options->column[0], "NPS column (default: detected)");
  cmd->add_option("--csat-column", options->column[1], "CSAT column (default: detected)");
  cmd->add_option("--ces-column", options->column[2], "CES column (default: detected)");
  cmd->add_option("--csat-scale", options->scale_text[1], "CSAT scale")->capture_default_str();
  cmd->add_option("--satisfied", options->satisfied_text, "CSAT ratings that count as satisfied (default: top two)");
  cmd->add_option("--ces-scale", options->scale_text[2], "CES scale")->capture_default_str();
  cmd->add_flag("--lower-is-better", options->lower_is_better, "CES answers measure effort (low = easy)");
  cmd->callback([options, &run] { run = [options] { return run_survey(*options); }; });
}

}  // namespace cxkpi::cli
