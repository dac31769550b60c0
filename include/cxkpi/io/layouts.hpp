#pragma once
/// \file
/// The export layouts of survey platforms, shops and billing systems,
/// recognised from their first rows so that a fresh download reads with no
/// flags: Qualtrics, SurveyMonkey, Typeform, Google Forms, Delighted, Zendesk
/// satisfaction ratings, Google Play reviews, Shopify orders and Stripe
/// subscriptions. docs/sources.md describes each one for users.
///
/// A layout is read by a layout_reader wrapped around the CSV or JSON reader
/// (open_layout). It
///  - consumes the extra header rows (Qualtrics' question text and ImportId
///    rows, SurveyMonkey's second row): they are header rows, never data
///    rows, so row accounting never sees them;
///  - gives the header the commands see (Qualtrics legacy `V1…` columns get
///    their real labels, SurveyMonkey's two rows are joined), with each
///    column's header text (Qualtrics' question text) and which columns are
///    metadata (ids, dates) rather than answers;
///  - names the columns it knows for a role (`nps`, `csat`, `customer id`,
///    `start date`, …): detect_source_column picks them before any usual
///    name;
///  - rewrites the cells that are the layout's own notation into what every
///    command reads: `Extremely likely` / `Not at all likely` as 10 / 0,
///    SurveyMonkey's month-first dates and Delighted's Unix seconds as ISO
///    dates, Zendesk's `good` / `bad` as 5 / 1, a Stripe subscription's end;
///  - marks rows that are no answer or order (record::skip_reason: Zendesk
///    `offered`, a cancelled Shopify order) and Shopify line items after an
///    order's first row (record::continues_order), so that commands count
///    them under a reason instead of dropping or misreading them.
/// A file that matches no layout gets its reader back unchanged.

#include <cxkpi/date.hpp>
#include <cxkpi/io/columns.hpp>
#include <cxkpi/io/record.hpp>
#include <cxkpi/io/table_reader.hpp>

#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <system_error>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cxkpi::io {

/// The layouts cxkpi recognises; `generic` is any other table.
enum class layout : std::uint8_t {
  generic,
  qualtrics,
  surveymonkey,
  typeform,
  google_forms,
  delighted,
  zendesk,
  google_play,
  shopify,
  stripe,
};

/// Every layout, generic first.
inline constexpr std::array<layout, 10> all_layouts = {
    layout::generic,   layout::qualtrics, layout::surveymonkey, layout::typeform, layout::google_forms,
    layout::delighted, layout::zendesk,   layout::google_play,  layout::shopify,  layout::stripe};

/// The name used by `--source` and in output (`"source": "qualtrics"`).
constexpr std::string_view layout_name(layout l) {
  switch (l) {
    case layout::generic: return "generic";
    case layout::qualtrics: return "qualtrics";
    case layout::surveymonkey: return "surveymonkey";
    case layout::typeform: return "typeform";
    case layout::google_forms: return "google_forms";
    case layout::delighted: return "delighted";
    case layout::zendesk: return "zendesk";
    case layout::google_play: return "google_play";
    case layout::shopify: return "shopify";
    case layout::stripe: return "stripe";
  }
  return "generic";
}

namespace detail {

inline bool layout_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

inline std::string_view layout_trim(std::string_view s) {
  while (!s.empty() && layout_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && layout_blank(s.back())) s.remove_suffix(1);
  return s;
}

/// ASCII case-insensitive equality of a trimmed cell with a lower-case word.
inline bool cell_is(std::string_view cell, std::string_view lower) {
  cell = layout_trim(cell);
  if (cell.size() != lower.size()) return false;
  for (std::size_t i = 0; i < cell.size(); ++i) {
    char c = cell[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

/// The index of the first column whose normalised name is `name` (already
/// normalised, see normalize_column_name).
inline std::optional<std::size_t> column_named(const std::vector<std::string>& row, std::string_view name) {
  for (std::size_t i = 0; i < row.size(); ++i)
    if (normalize_column_name(row[i]) == name) return i;
  return std::nullopt;
}

inline bool has_column(const std::vector<std::string>& row, std::string_view name) {
  return column_named(row, name).has_value();
}

/// `{"ImportId":"QID1"}` → `QID1`; empty for anything else.
inline std::string_view import_id(std::string_view cell) {
  cell = layout_trim(cell);
  constexpr std::string_view prefix = "{\"ImportId\":\"";
  if (!cell.starts_with(prefix)) return {};
  cell.remove_prefix(prefix.size());
  const std::size_t end = cell.find('"');
  return end == std::string_view::npos ? std::string_view() : cell.substr(0, end);
}

/// Qualtrics' third header row: every non-empty cell a `{"ImportId":…}` object.
inline bool is_import_id_row(const std::vector<std::string>& row) {
  bool any = false;
  for (const std::string& cell : row) {
    const std::string_view t = layout_trim(cell);
    if (t.empty()) continue;
    if (!t.starts_with("{\"ImportId\"")) return false;
    any = true;
  }
  return any;
}

/// `V1`, `V2`, …: the column names of a legacy Qualtrics export.
inline bool is_legacy_name(std::string_view name) {
  name = layout_trim(name);
  if (name.size() < 2 || name[0] != 'V') return false;
  for (char c : name.substr(1))
    if (c < '0' || c > '9') return false;
  return true;
}

/// A Google Forms timestamp: a year-first date with `/` (`2022/03/26 11:00:19 PM AST`).
inline bool is_google_timestamp(std::string_view cell) {
  cell = layout_trim(cell);
  return cell.size() > 5 && cell[4] == '/' && parse_date(cell).has_value();
}

/// Unix seconds: 1 to 11 digits.
inline bool is_unix_seconds(std::string_view cell) {
  cell = layout_trim(cell);
  if (cell.empty() || cell.size() > 11) return false;
  for (char c : cell)
    if (c < '0' || c > '9') return false;
  return true;
}

/// Unix seconds as `YYYY-MM-DDTHH:MM:SSZ` (UTC).
inline std::string unix_seconds_to_iso(std::string_view cell) {
  cell = layout_trim(cell);
  std::int64_t seconds = 0;
  std::from_chars(cell.data(), cell.data() + cell.size(), seconds);
  const std::int64_t days = seconds / 86400;
  const std::int64_t rest = seconds % 86400;
  std::string out = to_string(date{static_cast<std::int32_t>(days)});
  out += 'T';
  cxkpi::detail::append_padded(out, rest / 3600, 2);
  out += ':';
  cxkpi::detail::append_padded(out, rest / 60 % 60, 2);
  out += ':';
  cxkpi::detail::append_padded(out, rest % 60, 2);
  out += 'Z';
  return out;
}

/// A month-first date (`11/23/2026 09:12:33 AM`) with its date part written
/// year first (`2026-11-23 09:12:33 AM`), which every --date-format reads;
/// nothing when the cell is no month-first date.
inline std::optional<std::string> month_first_to_iso(std::string_view cell) {
  cell = layout_trim(cell);
  if (cell.empty() || parse_date(cell).has_value()) return std::nullopt;  // already year first
  const std::optional<date> day = parse_date(cell, date_format::month_first);
  if (!day) return std::nullopt;
  std::size_t end = 0;
  while (end < cell.size() && cell[end] != ' ' && cell[end] != 'T' && cell[end] != '\t') ++end;
  return to_string(*day) + std::string(cell.substr(end));
}

/// Question text for a message: blanks and line breaks folded to one
/// space, cut to about 80 bytes (never inside a UTF-8 sequence).
inline std::string short_text(std::string_view text) {
  std::string out;
  for (char c : layout_trim(text)) {
    if (layout_blank(c)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  constexpr std::size_t limit = 80;
  if (out.size() > limit) {
    std::size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
    out += "\xE2\x80\xA6";  // …
  }
  return out;
}

}  // namespace detail

/// The layout named `name` (`qualtrics`, `google_forms`; case, `-` and
/// spaces ignored, so `Google-Forms` is the same); nothing for other names.
inline std::optional<layout> parse_layout_name(std::string_view name) {
  std::string wanted;
  for (char c : detail::layout_trim(name)) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == '-' || c == ' ') c = '_';
    wanted += c;
  }
  for (layout l : all_layouts)
    if (layout_name(l) == wanted) return l;
  return std::nullopt;
}

/// A column a layout names for a role.
struct layout_role {
  /// `nps`, `csat`, `ces`, `customer id`, `order date`, `amount`, `service`, `start date`, `end date`
  std::string role;
  std::size_t column = 0;  ///< 0-based
  std::string reason;      ///< why, for --verbose
};

/// What a layout makes of an input's first rows.
struct layout_info {
  layout kind = layout::generic;
  bool forced = false;              ///< named with --source rather than recognised
  std::string description;          ///< one line for --verbose: what was recognised, how it is read
  std::size_t header_rows = 1;      ///< physical header rows, the column names' row included
  std::vector<std::string> header;  ///< the column names the commands see
  std::vector<std::string> text;    ///< per column: its header text (Qualtrics' question text), "" if none
  std::vector<bool> metadata;       ///< per column: an id, a date, a marker: never a KPI's column
  std::vector<layout_role> roles;   ///< columns the layout names for a role

  /// The column named for `role`, if any.
  const layout_role* role(std::string_view name) const {
    for (const layout_role& r : roles)
      if (r.role == name) return &r;
    return nullptr;
  }
};

/// How open_layout treats an input.
struct layout_options {
  /// `--source NAME`: nothing detects; `generic` turns detection off; any
  /// other layout is applied whether or not the header matches it.
  std::optional<layout> forced;
  /// Shopify: keep cancelled, refunded and voided orders (`--include-cancelled`).
  bool include_cancelled = false;
};

namespace detail {

/// A row's names normalised once (normalize_column_name), for the many
/// lookups detection makes: a header may have a million columns.
class normalized_row {
 public:
  explicit normalized_row(const std::vector<std::string>& row) {
    names_.reserve(row.size());
    for (const std::string& name : row) names_.push_back(normalize_column_name(name));
  }
  /// The first column whose normalised name is `name` (normalised already).
  std::optional<std::size_t> find(std::string_view name) const {
    for (std::size_t i = 0; i < names_.size(); ++i)
      if (names_[i] == name) return i;
    return std::nullopt;
  }
  bool has(std::string_view name) const { return find(name).has_value(); }

 private:
  std::vector<std::string> names_;
};

inline std::size_t rows_to_detect(const std::vector<std::string>& header, const normalized_row& names) {
  if (names.has("responseid") || names.has("startdate") || (!header.empty() && is_legacy_name(header[0]))) return 2;
  if (names.has("respondent id")) return 1;
  if (!header.empty() && normalize_column_name(header[0]) == "timestamp") return 1;
  if (names.has("score") && names.has("created at")) return 1;
  return 0;
}

inline layout detect_layout(std::span<const std::vector<std::string>> rows, const normalized_row& names) {
  const std::vector<std::string>& h = rows[0];
  if (rows.size() >= 3 && rows[1].size() == h.size() && is_import_id_row(rows[2])) return layout::qualtrics;
  if (!h.empty() && cell_is(h[0], "v1") && rows.size() >= 2 && has_column(rows[1], "responseid"))
    return layout::qualtrics;
  if (names.has("respondent id") && (names.has("collector id") || names.has("start date") || names.has("end date")))
    return layout::surveymonkey;
  if (!h.empty() && layout_trim(h[0]) == "#" && (names.has("submit date (utc)") || names.has("network id")))
    return layout::typeform;
  if (!h.empty() && normalize_column_name(h[0]) == "timestamp" && rows.size() >= 2 && !rows[1].empty() &&
      is_google_timestamp(rows[1][0]))
    return layout::google_forms;
  if (names.has("score") && (names.has("ticket id") || names.has("requester id") || names.has("assignee id")))
    return layout::zendesk;
  if (names.has("score") && names.has("created at") &&
      (names.has("comment") || names.has("person") || names.has("survey type") || names.has("permalink"))) {
    const std::size_t created = *names.find("created at");
    if (rows.size() < 2 || (created < rows[1].size() && is_unix_seconds(rows[1][created])))
      return layout::delighted;
  }
  if (names.has("package name") && names.has("star rating")) return layout::google_play;
  if (names.has("name") && names.has("financial status") &&
      (names.has("lineitem name") || names.has("lineitem quantity")))
    return layout::shopify;
  if (names.has("customer id") && names.has("status") &&
      (names.has("created (utc)") || names.has("start (utc)") || names.has("start date (utc)")) &&
      (names.has("canceled at (utc)") || names.has("ended at (utc)")))
    return layout::stripe;
  return layout::generic;
}

}  // namespace detail

/// How many rows after the header detect_layout needs to see for `header`:
/// 2 for a possible Qualtrics export (its third header row is the proof), 1
/// for SurveyMonkey (its second header row), Google Forms and Delighted (the
/// first value of their date column), 0 when the header alone decides.
inline std::size_t rows_to_detect(const std::vector<std::string>& header) {
  return detail::rows_to_detect(header, detail::normalized_row(header));
}

/// Which layout a table is, from `rows`: its header row, then up to two rows
/// after it (see rows_to_detect; fewer when the input has fewer). The rules:
///  - qualtrics: the third row is a row of `{"ImportId":…}` cells; or the
///    legacy layout: `V1` first and `ResponseID` in the second row;
///  - surveymonkey: `Respondent ID` with `Collector ID`, `Start Date` or `End Date`;
///  - typeform: `#` first, with `Submit Date (UTC)` or `Network ID`;
///  - google_forms: `Timestamp` first, its first value year-first with `/`
///    (`2022/03/26 11:00:19 PM AST`);
///  - zendesk: `score` with `ticket_id`, `requester_id` or `assignee_id`;
///  - delighted: `score` and `created_at` with `comment`, `person`,
///    `survey_type` or `permalink`, `created_at` in Unix seconds;
///  - google_play: `Package Name` and `Star Rating`;
///  - shopify: `Name`, `Financial Status` and `Lineitem name` or `Lineitem quantity`;
///  - stripe: `Customer ID`, `Status`, a start (`Created (UTC)`, `Start (UTC)`,
///    `Start Date (UTC)`) and an end (`Canceled At (UTC)`, `Ended At (UTC)`).
/// Names compare as normalize_column_name does (case, `_`, `-` ignored).
inline layout detect_layout(std::span<const std::vector<std::string>> rows) {
  if (rows.empty()) return layout::generic;
  return detail::detect_layout(rows, detail::normalized_row(rows[0]));
}

namespace detail {

inline void add_role(layout_info& info, std::string role, std::optional<std::size_t> column, std::string reason) {
  if (column) info.roles.push_back({std::move(role), *column, std::move(reason)});
}

/// Marks the columns whose normalised name is in `names` as metadata.
inline void mark_metadata(layout_info& info, std::initializer_list<std::string_view> names) {
  for (std::size_t i = 0; i < info.header.size(); ++i) {
    const std::string n = normalize_column_name(info.header[i]);
    for (std::string_view m : names)
      if (n == m) info.metadata[i] = true;
  }
}

/// Marks every column but the one of `role` as metadata.
inline void mark_all_but_role(layout_info& info, std::string_view role) {
  const layout_role* r = info.role(role);
  for (std::size_t i = 0; i < info.header.size(); ++i) info.metadata[i] = r == nullptr || r->column != i;
}

inline void describe_qualtrics(layout_info& info, std::span<const std::vector<std::string>> rows) {
  const std::vector<std::string>& names = rows[0];
  const bool legacy =
      !names.empty() && cell_is(names[0], "v1") && rows.size() >= 2 && has_column(rows[1], "responseid");
  const bool import_ids = !legacy && rows.size() >= 3 && is_import_id_row(rows[2]);
  if (legacy) {
    info.header_rows = 2;
    for (std::size_t i = 0; i < names.size(); ++i) {
      const std::string& label = i < rows[1].size() ? rows[1][i] : names[i];
      // V1…V10 are placeholders for the metadata the second row names.
      info.header[i] = is_legacy_name(names[i]) ? label : names[i];
      info.text[i] = label;
      info.metadata[i] = is_legacy_name(names[i]) || layout_trim(names[i]).empty();
    }
    info.description = "Qualtrics legacy export: two header rows (V1… names, then labels and question text); row 2 "
                       "is a header row, not data";
  } else if (import_ids) {
    info.header_rows = 3;
    for (std::size_t i = 0; i < names.size() && i < rows[1].size(); ++i) info.text[i] = rows[1][i];
    for (std::size_t i = 0; i < names.size() && i < rows[2].size(); ++i)
      info.metadata[i] = !import_id(rows[2][i]).starts_with("QID");
    info.description = "Qualtrics export: three header rows (column names, question text, ImportId); rows 2-3 are "
                       "header rows, not data";
  } else {
    // Named with --source, without the ImportId row that would prove row 2
    // is question text: nothing but the names row is taken as header.
    info.description = "Qualtrics export with one header row (no ImportId row)";
  }
  mark_metadata(info, {"startdate", "enddate", "status", "ipaddress", "progress", "duration (in seconds)", "finished",
                       "recordeddate", "responseid", "recipientlastname", "recipientfirstname", "recipientemail",
                       "externalreference", "externaldatareference", "locationlatitude", "locationlongitude",
                       "locationaccuracy", "distributionchannel", "userlanguage", "responseset", "name",
                       "emailaddress"});
  // `Q5_NPS_GROUP` holds Qualtrics' own promoter/passive/detractor group of
  // the answers in `Q5`: not a score, but the mark of the NPS question.
  for (std::size_t i = 0; i < info.header.size(); ++i) {
    std::string name(layout_trim(info.header[i]));
    constexpr std::string_view suffix = "_nps_group";
    std::string lower = name;
    for (char& c : lower)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (!lower.ends_with(suffix)) continue;
    info.metadata[i] = true;
    const std::string base = name.substr(0, name.size() - suffix.size());
    for (std::size_t j = 0; j < info.header.size(); ++j)
      if (j != i && layout_trim(info.header[j]) == base && !info.role("nps")) {
        std::string reason = "\"";
        reason += name;
        reason += "\" marks \"";
        reason += base;
        reason += "\" as the NPS question";
        if (!info.text[j].empty()) reason += " (" + short_text(info.text[j]) + ")";
        add_role(info, "nps", j, std::move(reason));
      }
  }
}

inline void describe_surveymonkey(layout_info& info, std::span<const std::vector<std::string>> rows) {
  const std::vector<std::string>& questions = rows[0];
  // The second row names the answer of each column: `Response`,
  // `Open-Ended Response`, or an option of a multi-column question, whose
  // question text is blank after its first column.
  bool second = false;
  if (rows.size() >= 2) {
    const std::optional<std::size_t> id = column_named(questions, "respondent id");
    const bool id_blank = !id || *id >= rows[1].size() || layout_trim(rows[1][*id]).empty();
    for (const std::string& cell : rows[1])
      if (cell_is(cell, "response") || cell_is(cell, "open-ended response")) second = id_blank;
  }
  if (second) {
    info.header_rows = 2;
    std::string question;
    for (std::size_t i = 0; i < questions.size(); ++i) {
      if (!layout_trim(questions[i]).empty()) question = std::string(layout_trim(questions[i]));
      const std::string_view answer = i < rows[1].size() ? layout_trim(rows[1][i]) : std::string_view();
      const bool plain = answer.empty() || cell_is(answer, "response") || cell_is(answer, "open-ended response");
      info.header[i] = plain ? question : question + " - " + std::string(answer);
    }
  }
  mark_metadata(info, {"respondent id", "collector id", "start date", "end date", "ip address", "email address",
                       "first name", "last name", "custom data", "custom data 1", "custom data 2"});
  info.description = second ? "SurveyMonkey export: two header rows (question text, then Response / option labels), "
                              "joined into one name per column; row 2 is a header row, not data; dates month-first"
                            : "SurveyMonkey export (one header row); dates month-first";
}

/// The metadata of the response layouts that have one row of names.
inline void describe_simple_survey(layout_info& info) {
  switch (info.kind) {
    case layout::typeform:
      mark_metadata(info, {"#", "response type", "start date (utc)", "stage date (utc)", "submit date (utc)",
                           "network id", "tags", "ending"});
      info.description = "Typeform export: `#` first, one column per question, Submit Date (UTC)";
      break;
    case layout::google_forms:
      // A quiz adds `Score` (`7 / 10`): the quiz's points, not an NPS.
      mark_metadata(info, {"timestamp", "email address", "email", "score"});
      info.description = "Google Forms responses: Timestamp first; answers like \"5 - …\" are read by their number";
      break;
    default: break;
  }
}

inline void describe_delighted(layout_info& info, std::span<const std::vector<std::string>> rows) {
  const std::optional<std::size_t> score = column_named(info.header, "score");
  // Delighted runs NPS, CSAT and CES surveys with the same export; the
  // first response's survey_type says which (NPS when there is none).
  std::string kpi = "nps";
  if (const auto type = column_named(info.header, "survey type"); type && rows.size() >= 2 && *type < rows[1].size()) {
    if (cell_is(rows[1][*type], "csat") || cell_is(rows[1][*type], "5star")) kpi = "csat";
    if (cell_is(rows[1][*type], "ces")) kpi = "ces";
  }
  add_role(info, kpi, score, "Delighted's score is the " + kpi + " answer");
  mark_metadata(info, {"id", "person", "survey type", "comment", "permalink", "created at", "updated at",
                       "person properties", "notes", "tags", "additional answers", "email", "name"});
  info.description = "Delighted responses: score is the " + kpi + " answer, created_at Unix seconds (UTC)";
}

inline void describe_zendesk(layout_info& info) {
  add_role(info, "csat", column_named(info.header, "score"), "Zendesk's score (good/bad) is the CSAT answer");
  mark_all_but_role(info, "csat");
  info.description = "Zendesk satisfaction ratings: score good/bad read as 5/1 on the 1-5 scale, so CSAT = good / "
                     "(good + bad); offered and unoffered are no answers (skipped as such)";
}

inline void describe_google_play(layout_info& info) {
  add_role(info, "csat", column_named(info.header, "star rating"),
           "Google Play's Star Rating (1-5) is the CSAT answer");
  mark_all_but_role(info, "csat");
  info.description = "Google Play reviews: Star Rating 1-5 is the CSAT answer";
}

inline void describe_shopify(layout_info& info) {
  add_role(info, "customer id", column_named(info.header, "email"), "Shopify identifies customers by Email");
  add_role(info, "order date", column_named(info.header, "created at"), "Shopify's order date is Created at");
  add_role(info, "amount", column_named(info.header, "total"), "Shopify's order amount is Total (on its first row)");
  add_role(info, "service", column_named(info.header, "lineitem name"), "Shopify's product is Lineitem name");
  info.description = "Shopify orders: one row per line item, an order's fields on its first row; later line items "
                     "are no orders (line_item); cancelled, refunded and voided orders are left out "
                     "(--include-cancelled keeps them)";
}

inline void describe_stripe(layout_info& info) {
  add_role(info, "customer id", column_named(info.header, "customer id"), "Stripe's Customer ID");
  for (std::string_view start : {"start (utc)", "start date (utc)", "created (utc)"})
    if (const auto column = column_named(info.header, start); column && !info.role("start date")) {
      add_role(info, "start date", column, "Stripe's \"" + info.header[*column] + "\" is the subscription's start");
    }
  if (const auto ended = column_named(info.header, "ended at (utc)")) {
    add_role(info, "end date", ended,
             "Stripe's \"" + info.header[*ended] +
                 "\" is the subscription's end (Canceled At when it is blank on a canceled subscription)");
  } else if (const auto canceled = column_named(info.header, "canceled at (utc)")) {
    add_role(info, "end date", canceled,
             "Stripe's \"" + info.header[*canceled] + "\" is the subscription's end (on canceled subscriptions only)");
  }
  info.description = "Stripe subscriptions: Customer ID, start, end (Ended At, else Canceled At when canceled); "
                     "incomplete subscriptions never started (skipped as incomplete)";
}

}  // namespace detail

/// The layout_info of `kind` for a table whose first rows are `rows` (its
/// header row, then up to two more; see rows_to_detect). `forced` records
/// that the user named the layout.
inline layout_info describe_layout(layout kind, std::span<const std::vector<std::string>> rows, bool forced = false) {
  layout_info info;
  info.kind = kind;
  info.forced = forced;
  if (rows.empty()) return info;
  info.header = rows[0];
  info.text.assign(info.header.size(), std::string());
  info.metadata.assign(info.header.size(), false);
  switch (kind) {
    case layout::generic: break;
    case layout::qualtrics: detail::describe_qualtrics(info, rows); break;
    case layout::surveymonkey: detail::describe_surveymonkey(info, rows); break;
    case layout::typeform:
    case layout::google_forms: detail::describe_simple_survey(info); break;
    case layout::delighted: detail::describe_delighted(info, rows); break;
    case layout::zendesk: detail::describe_zendesk(info); break;
    case layout::google_play: detail::describe_google_play(info); break;
    case layout::shopify: detail::describe_shopify(info); break;
    case layout::stripe: detail::describe_stripe(info); break;
  }
  return info;
}

/// A reader of a recognised layout, over the CSV or JSON reader of the
/// input: see the file comment. Rows it read to recognise the layout and
/// that are data are handed out first, unchanged in line and content.
class layout_reader final : public table_reader {
 public:
  /// `peeked` are the rows `inner` gave after its header while the layout
  /// was recognised, with their lines; those past the layout's header rows
  /// are data.
  layout_reader(std::unique_ptr<table_reader> inner, layout_info info,
                std::vector<std::pair<std::vector<std::string>, std::uint64_t>> peeked, layout_options options)
      : inner_(std::move(inner)), info_(std::move(info)), options_(options), storage_(info_.header.size()) {
    for (std::size_t i = info_.header_rows - 1; i < peeked.size(); ++i) pending_.push_back(std::move(peeked[i]));
    prepare();
  }

  const std::vector<std::string>& header() const override { return info_.header; }
  const std::string& name() const override { return inner_->name(); }
  bool decimal_comma() const override { return inner_->decimal_comma(); }

  /// What the layout made of the input's first rows.
  const layout_info& info() const { return info_; }

  bool next(record& out) override {
    if (!pending_.empty()) {
      current_ = std::move(pending_.front());
      pending_.pop_front();
      fields_.assign(current_.first.begin(), current_.first.end());
      out.line = current_.second;
    } else {
      record raw;
      if (!inner_->next(raw)) return false;
      fields_.assign(raw.fields.begin(), raw.fields.end());
      out.line = raw.line;
    }
    out.skip_reason = {};
    out.continues_order = false;
    rewrite(out);
    out.fields = fields_;
    return true;
  }

 private:
  // The columns each kind of rewriting applies to, found once.
  void prepare() {
    using detail::column_named;
    const auto& h = info_.header;
    switch (info_.kind) {
      case layout::qualtrics:
      case layout::surveymonkey:
      case layout::typeform:
      case layout::google_forms:
        for (std::size_t i = 0; i < h.size(); ++i)
          if (!info_.metadata[i]) label_columns_.push_back(i);
        if (info_.kind == layout::surveymonkey)
          for (std::string_view n : {"start date", "end date"})
            if (auto c = column_named(h, n)) month_first_columns_.push_back(*c);
        break;
      case layout::delighted:
        for (std::string_view n : {"created at", "updated at"})
          if (auto c = column_named(h, n)) unix_columns_.push_back(*c);
        break;
      case layout::zendesk:
        if (const layout_role* r = info_.role("csat")) zendesk_score_ = r->column;
        break;
      case layout::shopify:
        order_name_ = column_named(h, "name");
        cancelled_at_ = column_named(h, "cancelled at");
        financial_status_ = column_named(h, "financial status");
        refunded_amount_ = column_named(h, "refunded amount");
        total_ = column_named(h, "total");
        break;
      case layout::stripe:
        status_ = column_named(h, "status");
        ended_at_ = column_named(h, "ended at (utc)");
        canceled_at_ = column_named(h, "canceled at (utc)");
        break;
      case layout::generic:
      case layout::google_play: break;
    }
  }

  std::string_view cell(const std::optional<std::size_t>& column) const {
    return column && *column < fields_.size() ? detail::layout_trim(fields_[*column]) : std::string_view();
  }

  void rewrite(record& out) {
    for (std::size_t i : label_columns_) {
      // The labels of the NPS scale's ends, when they are the whole answer.
      if (detail::cell_is(fields_[i], "extremely likely")) fields_[i] = "10";
      else if (detail::cell_is(fields_[i], "not at all likely")) fields_[i] = "0";
    }
    for (std::size_t i : month_first_columns_)
      if (auto iso = detail::month_first_to_iso(fields_[i])) {
        storage_[i] = std::move(*iso);
        fields_[i] = storage_[i];
      }
    for (std::size_t i : unix_columns_)
      if (detail::is_unix_seconds(fields_[i])) {
        storage_[i] = detail::unix_seconds_to_iso(fields_[i]);
        fields_[i] = storage_[i];
      }
    if (zendesk_score_) {
      std::string_view& score = fields_[*zendesk_score_];
      if (detail::cell_is(score, "good")) score = "5";
      else if (detail::cell_is(score, "bad")) score = "1";
      else if (detail::cell_is(score, "offered")) out.skip_reason = "offered";
      else if (detail::cell_is(score, "unoffered")) out.skip_reason = "unoffered";
    }
    if (info_.kind == layout::shopify) rewrite_shopify(out);
    if (info_.kind == layout::stripe) rewrite_stripe(out);
  }

  // An order starts where the order name (`#1001`) changes; its first row
  // carries the order's fields, and its status holds for all its rows.
  void rewrite_shopify(record& out) {
    const std::string_view name = cell(order_name_);
    if (in_order_ && !name.empty() && name == order_) {
      out.continues_order = true;
    } else {
      in_order_ = true;
      order_.assign(name);
      order_skip_ = {};
      if (!options_.include_cancelled) {
        const std::string_view status = cell(financial_status_);
        const auto number = [this](const std::optional<std::size_t>& c) {
          double value = 0;
          const std::string_view text = cell(c);
          const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
          return ec == std::errc{} && end == text.data() + text.size() ? value : 0.0;
        };
        const double refunded = number(refunded_amount_);
        if (!cell(cancelled_at_).empty()) order_skip_ = "cancelled";
        else if (detail::cell_is(status, "refunded") || (refunded > 0 && refunded >= number(total_)))
          order_skip_ = "refunded";
        else if (detail::cell_is(status, "voided")) order_skip_ = "voided";
      }
    }
    out.skip_reason = order_skip_;
  }

  // The end of a subscription: Ended At; a canceled one without it ended at
  // its cancellation; with only Canceled At, a subscription that is not
  // canceled yet (cancel at period end) has not ended.
  void rewrite_stripe(record& out) {
    const std::string_view status = cell(status_);
    if (detail::cell_is(status, "incomplete") || detail::cell_is(status, "incomplete_expired")) {
      out.skip_reason = "incomplete";
      return;
    }
    const bool canceled = detail::cell_is(status, "canceled") || detail::cell_is(status, "cancelled");
    if (ended_at_) {
      if (cell(ended_at_).empty() && canceled && canceled_at_) fields_[*ended_at_] = fields_[*canceled_at_];
    } else if (canceled_at_ && !canceled && status_) {
      fields_[*canceled_at_] = std::string_view();
    }
  }

  std::unique_ptr<table_reader> inner_;
  layout_info info_;
  layout_options options_;
  std::deque<std::pair<std::vector<std::string>, std::uint64_t>> pending_;
  std::pair<std::vector<std::string>, std::uint64_t> current_;
  std::vector<std::string_view> fields_;
  std::vector<std::string> storage_;  // rewritten cells, one per column
  std::vector<std::size_t> label_columns_, month_first_columns_, unix_columns_;
  std::optional<std::size_t> zendesk_score_;
  std::optional<std::size_t> order_name_, cancelled_at_, financial_status_, refunded_amount_, total_;
  bool in_order_ = false;
  std::string order_;
  std::string_view order_skip_;
  std::optional<std::size_t> status_, ended_at_, canceled_at_;
};

/// Recognises the layout of `inner` (reading the rows rows_to_detect asks
/// for, or two with a forced layout) and returns a layout_reader for it, or
/// `inner` itself when the input is generic and no row had to be read.
/// Errors in the rows read (a ragged row) propagate as data_error, as they
/// would have from the rows themselves.
inline std::unique_ptr<table_reader> open_layout(std::unique_ptr<table_reader> inner,
                                                 const layout_options& options = {}) {
  if (options.forced == layout::generic) return inner;
  const detail::normalized_row names(inner->header());
  const std::size_t want = options.forced ? 2 : detail::rows_to_detect(inner->header(), names);
  std::vector<std::vector<std::string>> rows{inner->header()};
  std::vector<std::pair<std::vector<std::string>, std::uint64_t>> peeked;
  record rec;
  while (peeked.size() < want && inner->next(rec)) {
    peeked.emplace_back(std::vector<std::string>(rec.fields.begin(), rec.fields.end()), rec.line);
    rows.push_back(peeked.back().first);
  }
  const layout kind = options.forced ? *options.forced : detail::detect_layout(rows, names);
  if (kind == layout::generic && peeked.empty()) return inner;
  layout_info info = describe_layout(kind, rows, options.forced.has_value());
  return std::make_unique<layout_reader>(std::move(inner), std::move(info), std::move(peeked), options);
}

/// What the layout of `reader` is, or nullptr for a generic input.
inline const layout_info* layout_of(const table_reader& reader) {
  const auto* l = dynamic_cast<const layout_reader*>(&reader);
  return l != nullptr && l->info().kind != layout::generic ? &l->info() : nullptr;
}

namespace detail {

// detect_source_column for a layout whose roles do not name `role`.
inline std::optional<column_match> detect_layout_column(const layout_info* info, std::string_view role,
                                                        const column_hints& hints) {
  const std::vector<std::string>& header = info->header;
  const bool kpi = role == "nps" || role == "csat" || role == "ces";
  std::vector<bool> candidate(header.size(), true);
  for (std::size_t i = 0; i < header.size(); ++i)
    if (kpi && info->metadata[i]) candidate[i] = false;
  for (const layout_role& r : info->roles) candidate[r.column] = false;
  std::vector<std::string> names, texts;
  for (std::size_t i = 0; i < header.size(); ++i) {
    names.push_back(normalize_column_name(header[i]));
    texts.push_back(normalize_column_name(info->text[i]));
  }
  for (std::string_view name : hints.names)
    for (std::size_t i = 0; i < header.size(); ++i)
      if (candidate[i] && names[i] == name) return column_match{i, "named \"" + header[i] + "\""};
  for (std::string_view word : hints.keywords)
    for (std::size_t i = 0; i < header.size(); ++i)
      if (candidate[i] && names[i].find(word) != std::string::npos)
        return column_match{i, "header \"" + header[i] + "\" contains \"" + std::string(word) + "\""};
  const auto by_text = [&](std::size_t i, std::string_view word) {
    return column_match{i, "question text of \"" + header[i] + "\" (" + detail::short_text(info->text[i]) +
                               ") contains \"" + std::string(word) + "\""};
  };
  for (std::string_view name : hints.names)
    for (std::size_t i = 0; i < header.size(); ++i)
      if (candidate[i] && texts[i] == name) return by_text(i, name);
  for (std::string_view word : hints.keywords)
    for (std::size_t i = 0; i < header.size(); ++i)
      if (candidate[i] && !texts[i].empty() && texts[i].find(word) != std::string::npos) return by_text(i, word);
  return std::nullopt;
}

}  // namespace detail

/// The column for `role` (`nps`, `csat`, `ces`, `customer id`, `order
/// date`, `amount`, `profit`, `service`, `start date`, `end date`, `churn
/// flag`), picked automatically, with the reason for --verbose:
///  - a generic input: detect_column over its header;
///  - a layout: the column it names for the role; else detect_column's
///    rules over its other columns (metadata left out for the survey KPIs,
///    the columns of other roles left out for all), first on the column
///    names, then on each column's header text (Qualtrics' question text).
/// A column picked by its name or header text must be the only one with
/// that name: otherwise it throws duplicate_column_error (`flag` is the
/// flag that names the column, for its advice). A column a layout names for
/// the role is taken as it is: the layout knows its position.
inline std::optional<column_match> detect_source_column(const table_reader& reader, std::string_view role,
                                                        const column_hints& hints, std::string_view flag = {}) {
  const layout_info* info = layout_of(reader);
  if (info != nullptr)
    if (const layout_role* r = info->role(role)) return column_match{r->column, r->reason};
  const std::vector<std::string>& header = info == nullptr ? reader.header() : info->header;
  std::optional<column_match> match =
      info == nullptr ? detect_column(header, hints) : detail::detect_layout_column(info, role, hints);
  if (match) {
    const std::vector<std::size_t> same = same_name_columns(header, match->index);
    if (same.size() > 1) throw duplicate_column_error(header, same, reader.name(), flag);
  }
  return match;
}

/// For "no column found" messages about a layout: its answer columns (not
/// metadata), each quoted with its header text when that differs from the
/// name (`"Q1" (How satisfied are you…)`), at most `limit` of them; every
/// column when the layout marks all as metadata.
inline std::string describe_candidate_columns(const layout_info& info, std::size_t limit = 30) {
  std::vector<std::size_t> shown;
  for (std::size_t i = 0; i < info.header.size(); ++i)
    if (!info.metadata[i]) shown.push_back(i);
  if (shown.empty())
    for (std::size_t i = 0; i < info.header.size(); ++i) shown.push_back(i);
  std::string out;
  std::size_t listed = 0;
  for (std::size_t i : shown) {
    if (listed == limit) {
      out += ", and " + std::to_string(shown.size() - limit) + " more";
      break;
    }
    if (!out.empty()) out += ", ";
    out += "\"" + info.header[i] + "\"";
    const std::string text = detail::short_text(info.text[i]);
    if (!text.empty() && text != detail::short_text(info.header[i])) out += " (" + text + ")";
    ++listed;
  }
  return out.empty() ? "(none)" : out;
}

}  // namespace cxkpi::io
