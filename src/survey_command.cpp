// The survey KPIs: one pass over the rows, one accumulator per KPI, row
// accounting per KPI and for the whole input.

#include "survey_command.hpp"

#include "checks.hpp"
#include "command.hpp"

#include <cxkpi/ces.hpp>
#include <cxkpi/csat.hpp>
#include <cxkpi/io/columns.hpp>
#include <cxkpi/io/number.hpp>
#include <cxkpi/nps.hpp>

#include <fmt/format.h>

#include <memory>
#include <optional>

namespace cxkpi::cli {
namespace {

enum class survey_kpi { nps, csat, ces };
constexpr survey_kpi all_survey_kpis[] = {survey_kpi::nps, survey_kpi::csat, survey_kpi::ces};

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
  bool want[3] = {false, false, false};
  bool required = true;          // single-KPI commands need their column; survey takes what is there
  std::string column[3];         // --column / --nps-column ...
  std::string scale_text[3] = {"0-10", "1-5", "1-7"};
  std::string satisfied_text;    // --satisfied
  bool lower_is_better = false;  // --lower-is-better (CES)
};

std::size_t index_of(survey_kpi k) { return static_cast<std::size_t>(k); }

std::string columns_list(const std::vector<std::string>& header) {
  std::string out;
  for (const std::string& h : header) out += (out.empty() ? "\"" : ", \"") + h + "\"";
  return out.empty() ? "(none)" : out;
}

// One KPI's state over all inputs.
struct kpi_state {
  survey_kpi kind = survey_kpi::nps;
  bool active = false;          // some input has its column
  std::optional<std::size_t> column;  // in the current input
  rating_scale scale;
  nps_accumulator nps;
  csat_accumulator csat;
  ces_accumulator ces;
  row_accounting rows;

  void add(int score) {
    switch (kind) {
      case survey_kpi::nps: nps.add(score); break;
      case survey_kpi::csat: csat.add(score); break;
      case survey_kpi::ces: ces.add(score); break;
    }
  }
};

rating_scale parse_scale_flag(const std::string& text, const char* flag) {
  auto scale = parse_scale(text);
  if (!scale) throw usage_error(fmt::format("{} takes LOW-HIGH such as 1-5, not \"{}\"", flag, text));
  return *scale;
}

// Finds the KPI's column in a new input's header, or throws data_error
// listing the columns there are.
std::optional<std::size_t> resolve_column(const survey_options& o, survey_kpi k, const io::table_reader& reader,
                                          const diagnostics& diag) {
  const auto& header = reader.header();
  const std::string& named = o.column[index_of(k)];
  const std::string kpi_name(kpi_key(k));
  if (!named.empty()) {
    if (auto found = io::find_column(header, named)) return found;
    throw data_error(fmt::format("no column \"{}\"; the columns are {}", named, columns_list(header)),
                     {reader.name(), 1, 0});
  }
  io::column_hints hints = k == survey_kpi::nps    ? io::nps_column_hints()
                           : k == survey_kpi::csat ? io::csat_column_hints()
                                                   : io::ces_column_hints();
  if (!o.required) hints = io::without_generic_score(hints);
  if (auto match = io::detect_column(header, hints)) {
    diag.info(fmt::format("{}: {} column: {}", reader.name(), kpi_name, match->reason));
    return match->index;
  }
  if (!o.required) return std::nullopt;
  throw data_error(fmt::format("no {} column found; the columns are {}; name one with --column", kpi_name,
                               columns_list(header)),
                   {reader.name(), 1, 0});
}

std::string scale_text(rating_scale s) { return fmt::format("{}-{}", s.low, s.high); }

ordered_json distribution_json(const std::vector<std::uint64_t>& counts, rating_scale scale) {
  ordered_json d = ordered_json::object();
  for (int v = scale.low; v <= scale.high; ++v) d[std::to_string(v)] = counts[static_cast<std::size_t>(v - scale.low)];
  return d;
}

kpi_row make_row(const kpi_state& s, const band_table& bands) {
  kpi_row row;
  row.kpi = std::string(kpi_key(s.kind));
  row.rows = s.rows;
  switch (s.kind) {
    case survey_kpi::nps: {
      const nps_result r = s.nps.result();
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
      const csat_result r = s.csat.result();
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
      const ces_result r = s.ces.result();
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

int run_survey(survey_options& o) {
  finalize_common_options(o.common);
  const band_table bands = load_bands(o.common.bands_file);
  parse_checks(o.common.checks);  // a bad expression is a usage error before any data is read
  std::vector<kpi_state> states;
  for (survey_kpi k : all_survey_kpis) {
    if (!o.want[index_of(k)]) continue;
    kpi_state s;
    s.kind = k;
    s.scale = parse_scale_flag(o.scale_text[index_of(k)], "--scale");
    if (k == survey_kpi::nps && !(s.scale == nps_scale || s.scale == rating_scale{1, 10}))
      throw usage_error("NPS is asked on 0-10 (or 1-10), not " + o.scale_text[index_of(k)]);
    if (k == survey_kpi::csat) {
      csat_options co = csat_options::for_scale(s.scale);
      if (!o.satisfied_text.empty()) {
        co.satisfied = parse_scale_flag(o.satisfied_text, "--satisfied");
        if (co.satisfied.low < s.scale.low || co.satisfied.high > s.scale.high)
          throw usage_error("--satisfied " + o.satisfied_text + " lies outside the scale " + scale_text(s.scale));
      }
      s.csat = csat_accumulator(co);
    }
    if (k == survey_kpi::ces) s.ces = ces_accumulator(ces_options{s.scale, o.lower_is_better});
    states.push_back(std::move(s));
  }

  diagnostics diag(o.common.quiet, o.common.verbose);
  report r;
  for (const std::string& path : o.common.inputs) {
    std::unique_ptr<io::table_reader> reader = open_table(path, o.common.input);
    const bool decimal_comma = reader->decimal_comma();
    for (kpi_state& s : states) {
      s.column = resolve_column(o, s.kind, *reader, diag);
      s.active = s.active || s.column.has_value();
    }
    io::record rec;
    while (reader->next(rec)) {
      bool used = false;
      std::string_view first_reason;
      for (kpi_state& s : states) {
        if (!s.column) {
          s.rows.skip("no_column");
          if (first_reason.empty()) first_reason = "no_column";
          continue;
        }
        const std::string_view cell = rec.fields[*s.column];
        const io::score_reading reading = io::read_score(cell, s.scale, decimal_comma);
        if (reading.status == io::score_status::ok) {
          s.add(reading.value);
          s.rows.use();
          used = true;
          continue;
        }
        const std::string& column_name = reader->header()[*s.column];
        const std::string culprit =
            reading.status == io::score_status::missing ? "" : fmt::format(" \"{}\"", cell);
        const std::string what = fmt::format("{}{} in column \"{}\" (expected an integer {})",
                                             io::reason_text(reading.status), culprit, column_name,
                                             scale_text(s.scale));
        const source_location where{reader->name(), rec.line, *s.column + 1};
        if (o.common.strict) throw data_error(what, where);
        s.rows.skip(io::reason_key(reading.status));
        if (first_reason.empty()) first_reason = io::reason_key(reading.status);
        diag.skipped_row(where, fmt::format("{}: {}", kpi_key(s.kind), what));
      }
      if (used) r.rows.use();
      else r.rows.skip(first_reason);
    }
  }

  bool any_active = false;
  for (const kpi_state& s : states)
    if (s.active) {
      any_active = true;
      r.kpis.push_back(make_row(s, bands));
    }
  if (!any_active)
    throw data_error("no survey column found (looked for NPS, CSAT and CES columns by their usual names); "
                     "name them with --nps-column, --csat-column or --ces-column",
                     {o.common.inputs.empty() ? "" : o.common.inputs.front(), 1, 0});
  return static_cast<int>(finish(r, o.common));
}

}  // namespace

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
       "  cxkpi nps day.csv --check 'nps>=30' --check 'nps.ci_low>=0'\n"},
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
    cmd->add_option("-c,--column", options->column[index_of(sp.kind)],
                    "The column holding the answers (default: detected from usual names)");
    if (sp.kind == survey_kpi::nps)
      cmd->add_option("--scale", options->scale_text[0], "Answer scale: 0-10, or 1-10 for surveys without a 0")
          ->capture_default_str();
    if (sp.kind == survey_kpi::csat) {
      cmd->add_option("--scale", options->scale_text[1], "Rating scale LOW-HIGH, e.g. 1-5, 1-7, 1-10")->capture_default_str();
      cmd->add_option("--satisfied", options->satisfied_text, "Ratings that count as satisfied (default: top two)");
    }
    if (sp.kind == survey_kpi::ces) {
      cmd->add_option("--scale", options->scale_text[2], "Answer scale LOW-HIGH, e.g. 1-7 or 1-5")->capture_default_str();
      cmd->add_flag("--lower-is-better", options->lower_is_better, "Answers measure effort (low = easy): mirror them");
    }
    cmd->callback([options, &run] { run = [options] { return run_survey(*options); }; });
  }

  auto options = std::make_shared<survey_options>();
  options->want[0] = options->want[1] = options->want[2] = true;
  options->required = false;
  CLI::App* cmd = app.add_subcommand("survey", "Every survey KPI (NPS, CSAT, CES) whose column is present");
  cmd->footer(
      "Examples:\n"
      "  cxkpi survey examples/survey.csv\n"
      "  cxkpi survey day.csv --format csv --no-header >> history.csv\n"
      "  cxkpi survey export.json --format json --check 'nps>=30' --check 'csat>=80'\n");
  add_common_options(*cmd, options->common);
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
