// --bands FILE.json: benchmark bands of the user's own, in the layout of
// docs/bands.md:
//   {"nps": {"source": "our 2025 target", "bands": [{"label": "poor"},
//            {"from": 0, "label": "good"}, {"from": 40, "label": "great"}]}}

#include "command.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <limits>

namespace cxkpi::cli {

band_table load_bands(const std::string& path) {
  band_table table = default_bands();
  if (path.empty()) return table;
  std::ifstream in(path);
  if (!in) throw input_error("cannot open " + path);
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw data_error(std::string("invalid JSON in bands file: ") + e.what(), {path, 0, 0});
  }
  if (!doc.is_object()) throw data_error("a bands file holds an object of KPIs", {path, 0, 0});
  for (const auto& [kpi, spec] : doc.items()) {
    band_scale scale{kpi, "", {}};
    if (!spec.is_object() || !spec.contains("bands") || !spec["bands"].is_array() || spec["bands"].empty())
      throw data_error("\"" + kpi + "\" needs a non-empty \"bands\" list", {path, 0, 0});
    scale.source = spec.value("source", std::string("--bands ") + path);
    double previous = -std::numeric_limits<double>::infinity();
    for (const auto& b : spec["bands"]) {
      if (!b.is_object() || !b.contains("label") || !b["label"].is_string())
        throw data_error("every band of \"" + kpi + "\" needs a \"label\"", {path, 0, 0});
      band entry;
      entry.label = b["label"].get<std::string>();
      if (b.contains("from")) {
        if (!b["from"].is_number()) throw data_error("\"from\" must be a number in \"" + kpi + "\"", {path, 0, 0});
        entry.from = b["from"].get<double>();
      } else if (!scale.bands.empty()) {
        throw data_error("only the first band of \"" + kpi + "\" may leave out \"from\"", {path, 0, 0});
      }
      if (!scale.bands.empty() && entry.from <= previous)
        throw data_error("the bands of \"" + kpi + "\" must rise: " + std::to_string(entry.from) +
                             " after " + std::to_string(previous),
                         {path, 0, 0});
      previous = entry.from;
      scale.bands.push_back(std::move(entry));
    }
    // The first band starts at -infinity whatever its "from": every value gets a band.
    scale.bands.front().from = -std::numeric_limits<double>::infinity();
    bool replaced = false;
    for (band_scale& existing : table.scales)
      if (existing.kpi == kpi) {
        existing = scale;
        replaced = true;
      }
    if (!replaced) table.scales.push_back(std::move(scale));
  }
  return table;
}

}  // namespace cxkpi::cli
