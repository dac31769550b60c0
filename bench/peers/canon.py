"""The canonical KPI text every tool is reduced to before the runner compares them.

Also: `python3 bench/peers/canon.py survey|orders < cxkpi.json` turns cxkpi's
`--format json` output into that text.

    nps=34.951308;nps_n=970081;csat=68.984434;csat_n=970129;ces=5.002985;ces_n=969968
    region=Central;nps=...;nps_n=...;csat=...;csat_n=...;ces=...;ces_n=...   (sorted by region)

    rpr=40.123456;customers=...;repeat=...;orders=...;aov=51.234567[;services=1.234567]

Values are rounded to 6 decimals; counts are exact.
"""
import json
import sys

SURVEY_KEYS = ("nps_n", "promoters", "detractors", "csat_n", "satisfied", "ces_n", "ces_sum")


def f6(x):
    return "null" if x is None else f"{x:.6f}"


def _div(a, b):
    return a / b if b else None


def survey_line(nps, nps_n, csat, csat_n, ces, ces_n):
    return f"nps={f6(nps)};nps_n={nps_n};csat={f6(csat)};csat_n={csat_n};ces={f6(ces)};ces_n={ces_n}"


def _line_from_counts(r):
    return survey_line(_div(100 * (r["promoters"] - r["detractors"]), r["nps_n"]), r["nps_n"],
                       _div(100 * r["satisfied"], r["csat_n"]), r["csat_n"],
                       _div(r["ces_sum"], r["ces_n"]), r["ces_n"])


def survey_text(rows):
    """rows: dicts with region and SURVEY_KEYS (integer counts and sums)."""
    tot = {k: sum(r[k] for r in rows) for k in SURVEY_KEYS}
    out = [_line_from_counts(tot)]
    for r in sorted(rows, key=lambda r: r["region"].encode()):
        out.append(f"region={r['region']};{_line_from_counts(r)}")
    return "\n".join(out) + "\n"


def orders_text(customers, repeat, orders, revenue_cents, services_pairs=None):
    s = (f"rpr={f6(_div(100 * repeat, customers))};customers={customers};repeat={repeat};"
         f"orders={orders};aov={f6(_div(revenue_cents / 100, orders))}")
    if services_pairs is not None:
        s += f";services={f6(_div(services_pairs, customers))}"
    return s + "\n"


def from_cxkpi_survey(doc):
    by = {}  # segment (None = overall) -> kpi -> entry
    for k in doc["kpis"]:
        if k.get("period") is not None:
            continue
        by.setdefault(k.get("segment"), {})[k["kpi"]] = k

    def line(d):
        g = lambda kpi, key: d.get(kpi, {}).get(key)  # noqa: E731
        return survey_line(g("nps", "value"), g("nps", "n") or 0, g("csat", "value"), g("csat", "n") or 0,
                           g("ces", "value"), g("ces", "n") or 0)

    out = [line(by.get(None, {}))]
    segs = [s for s in by if s is not None]
    for seg in sorted(segs, key=lambda s: s.encode()):
        name, _, value = seg.partition("=")
        out.append(f"region={value};{line(by[seg])}")
    return "\n".join(out) + "\n"


def from_cxkpi_orders(doc):
    kp = {k["kpi"]: k for k in doc["kpis"] if k.get("segment") is None and k.get("period") is None}
    r = kp["rpr"]
    s = (f"rpr={f6(r['value'])};customers={r['n']};repeat={r['repeat_customers']};"
         f"orders={r['orders']};aov={f6(r['aov'])}")
    if "services" in kp:
        s += f";services={f6(kp['services']['value'])}"
    return s + "\n"


if __name__ == "__main__":
    job = sys.argv[1] if len(sys.argv) > 1 else ""
    if job not in ("survey", "orders"):
        sys.exit("usage: canon.py survey|orders < cxkpi.json")
    doc = json.load(sys.stdin)
    sys.stdout.write(from_cxkpi_survey(doc) if job == "survey" else from_cxkpi_orders(doc))
