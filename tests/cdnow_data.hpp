#pragma once
// The CDNOW sample as the predictive-model tests read it (rfm_test,
// bgnbd_test, gamma_gamma_test): ../shared/data/cdnow/CDNOW_sample.txt (no
// header; master id, sample id, date YYYYMMDD, CDs, dollars), one
// rfm_accumulator per customer keyed by the sample id (the ID of the
// published summary files), and the calibration/holdout split of Fader,
// Hardie & Lee (2005): weeks, calibration end 1997-09-30, holdout end
// 1998-06-30 (39 + 39 weeks). Include after <catch2/catch.hpp>.

#include "cxkpi/rfm.hpp"

#include <chrono>
#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace cxkpi::test_data {

/// Days since 1970-01-01 of a calendar date.
inline std::int32_t day_of(int y, unsigned m, unsigned d) {
  using namespace std::chrono;
  return static_cast<std::int32_t>(sys_days(year{y} / month{m} / day{d}).time_since_epoch().count());
}

/// Days since 1970-01-01 of a YYYYMMDD number, as CDNOW writes dates.
inline std::int32_t day_of(long yyyymmdd) {
  return day_of(static_cast<int>(yyyymmdd / 10000), static_cast<unsigned>(yyyymmdd / 100 % 100),
                static_cast<unsigned>(yyyymmdd % 100));
}

/// The directory of the CDNOW files, with a final slash.
inline std::string cdnow_dir() { return std::string(CXKPI_SHARED_DATA) + "/cdnow/"; }

/// The calibration/holdout split of Fader, Hardie & Lee (2005).
inline const rfm_window cdnow_window{day_of(1997, 9, 30), day_of(1998, 6, 30), time_unit::week};

/// Every purchase of CDNOW_sample.txt, one accumulator per sample id.
inline std::map<long, rfm_accumulator> read_cdnow_sample() {
  std::ifstream in(cdnow_dir() + "CDNOW_sample.txt");
  REQUIRE(in);
  std::map<long, rfm_accumulator> customers;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    long master = 0, sample = 0, date = 0, cds = 0;
    double dollars = 0.0;
    if (fields >> master >> sample >> date >> cds >> dollars) customers[sample].add(day_of(date), dollars);
  }
  return customers;
}

/// Each customer summarised over cdnow_window, in sample-id order (2,357
/// customers); read once per test program.
inline const std::vector<rfm_summary>& cdnow_summaries() {
  static const std::vector<rfm_summary> summaries = [] {
    std::vector<rfm_summary> out;
    for (const auto& [id, acc] : read_cdnow_sample()) out.push_back(*acc.summarize(cdnow_window));
    return out;
  }();
  return summaries;
}

}  // namespace cxkpi::test_data
