// Computes an NPS with the library alone: no CLI, no dependency beyond the
// standard library.
#include <cxkpi/cxkpi.hpp>

#include <cstdio>

int main() {
  cxkpi::nps_accumulator nps;
  for (int score : {10, 10, 9, 9, 9, 8, 7, 6, 3, 0}) nps.add(score);
  const cxkpi::nps_result r = nps.result();
  const auto band = cxkpi::default_bands().classify("nps", r.value);
  std::printf("NPS %.1f [%.2f, %.2f] %.*s\n", r.value, r.ci95.low, r.ci95.high, static_cast<int>(band.size()),
              band.data());
  // The worked example: NPS 20.0, interval [-34.03, 74.03].
  return r.value == 20.0 && band == "favorable" ? 0 : 1;
}
