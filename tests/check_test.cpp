#include <cxkpi/check.hpp>

#include <catch2/catch.hpp>

TEST_CASE("check expressions parse", "[check]") {
  auto c = cxkpi::parse_check("nps>=30");
  CHECK(c.kpi == "nps");
  CHECK(c.field == "value");
  CHECK(c.op == cxkpi::check_op::ge);
  CHECK(c.threshold == 30.0);
  CHECK_FALSE(c.interval_aware);

  auto d = cxkpi::parse_check(" nps.ci_low >= -5.5 ");
  CHECK(d.field == "ci_low");
  CHECK(d.threshold == -5.5);

  auto e = cxkpi::parse_check("nps[region=North America, channel=web]>20@95");
  REQUIRE(e.selector.size() == 2);
  CHECK(e.selector[0].first == "region");
  CHECK(e.selector[0].second == "North America");
  CHECK(e.selector[1].second == "web");
  CHECK(e.op == cxkpi::check_op::gt);
  CHECK(e.interval_aware);

  CHECK(cxkpi::parse_check("csat>80%").threshold == 80.0);
  CHECK(cxkpi::parse_check("churn<=3").op == cxkpi::check_op::le);
}

TEST_CASE("bad check expressions say what and where", "[check]") {
  CHECK_THROWS_WITH(cxkpi::parse_check("nps>>30"),
                    "invalid check \"nps>>30\": expected a number at column 5");
  CHECK_THROWS_WITH(cxkpi::parse_check("nps 30"),
                    "invalid check \"nps 30\": expected one of >= <= > < == != at column 5");
  CHECK_THROWS_WITH(cxkpi::parse_check(">=30"),
                    "invalid check \">=30\": expected a KPI name such as nps at column 1");
  CHECK_THROWS_WITH(cxkpi::parse_check("nps>=30 junk"), "invalid check \"nps>=30 junk\": unexpected 'j' at column 9");
  CHECK_THROWS_AS(cxkpi::parse_check("nps>=nan"), cxkpi::check_syntax_error);
  CHECK_THROWS_AS(cxkpi::parse_check(""), cxkpi::check_syntax_error);
}

TEST_CASE("@95 checks fail only when the whole interval is on the wrong side", "[check]") {
  // Issue 4: nps>=30@95 passes for NPS 25 with interval [12, 38] (38 >= 30)
  // and fails for an interval [10, 28] (all of it below 30).
  CHECK(cxkpi::compare_with_interval(25, 12, 38, cxkpi::check_op::ge, 30));
  CHECK_FALSE(cxkpi::compare_with_interval(19, 10, 28, cxkpi::check_op::ge, 30));
  // For an upper bound, the low end decides: churn<=3@95 with [2.5, 4] passes.
  CHECK(cxkpi::compare_with_interval(3.2, 2.5, 4, cxkpi::check_op::le, 3));
  // NaN (no data) never passes.
  CHECK_FALSE(cxkpi::compare(std::nan(""), cxkpi::check_op::ge, 0));
}
