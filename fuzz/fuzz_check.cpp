// Fuzz target: the --check expression parser (parse_check).
//
// Invariants checked on every input:
//  - only check_syntax_error escapes, and its message quotes the expression
//    and names a column inside it (or just past its end);
//  - a parsed check has a lower-case KPI and field name, a finite threshold,
//    non-empty selector keys and values, and keeps the text as written;
//  - written back in canonical form (`kpi[k=v].field>=17-digit-threshold@95`)
//    it parses to the same check, so nothing was misread.

#include "fuzz_common.hpp"

#include <cxkpi/check.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

bool lower_identifier(const std::string& s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

std::string canonical(const cxkpi::check& c) {
  std::string out = c.kpi;
  if (!c.selector.empty()) {
    out += '[';
    for (std::size_t i = 0; i < c.selector.size(); ++i) {
      if (i != 0) out += ',';
      out += c.selector[i].first + "=" + c.selector[i].second;
    }
    out += ']';
  }
  out += "." + c.field;
  out += cxkpi::op_text(c.op);
  char number[64];
  const auto end = std::to_chars(number, number + sizeof number, c.threshold).ptr;
  out.append(number, end);
  if (c.interval_aware) out += "@95";
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  cxkpi::check c;
  try {
    c = cxkpi::parse_check(text);
  } catch (const cxkpi::check_syntax_error& e) {
    // what() is a C string, so it ends at a NUL the expression holds (argv
    // never does): check the message of NUL-free expressions only.
    if (text.find('\0') != std::string_view::npos) return 0;
    const std::string_view what = e.what();
    FUZZ_ASSERT(what.starts_with("invalid check \""), "a syntax error quotes the expression");
    const auto at = what.rfind(" at column ");
    FUZZ_ASSERT(at != std::string_view::npos, "a syntax error names its column");
    std::size_t column = 0;
    const std::string_view digits = what.substr(at + 11);
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), column);
    FUZZ_ASSERT(ec == std::errc{} && ptr == digits.data() + digits.size(), "the column is a number");
    FUZZ_ASSERT(column >= 1 && column <= text.size() + 1, "the column lies in the expression");
    return 0;
  }
  FUZZ_ASSERT(c.text == text, "the check keeps its text as written");
  FUZZ_ASSERT(lower_identifier(c.kpi), "the KPI is a lower-case identifier");
  FUZZ_ASSERT(lower_identifier(c.field), "the field is a lower-case identifier");
  FUZZ_ASSERT(std::isfinite(c.threshold), "the threshold is finite");
  for (const auto& [key, value] : c.selector) {
    FUZZ_ASSERT(lower_identifier(key), "a selector key is a lower-case identifier");
    FUZZ_ASSERT(!value.empty() && value.find_first_of("],") == std::string::npos, "a selector value is one value");
  }
  const std::string again_text = canonical(c);
  cxkpi::check again;
  try {
    again = cxkpi::parse_check(again_text);
  } catch (const cxkpi::check_syntax_error& e) {
    std::fprintf(stderr, "canonical form %s: %s\n", again_text.c_str(), e.what());
    FUZZ_ASSERT(false, "the canonical form of a parsed check does not parse");
  }
  FUZZ_ASSERT(again.kpi == c.kpi && again.field == c.field && again.selector == c.selector && again.op == c.op &&
                  again.interval_aware == c.interval_aware,
              "the canonical form parses to a different check");
  FUZZ_ASSERT(again.threshold == c.threshold || (again.threshold == 0 && c.threshold == 0),
              "the threshold changed in a print/parse round trip");
  return 0;
}
