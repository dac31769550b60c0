#!/usr/bin/python3
"""pandas peer (Debian's python3-pandas): the survey and orders jobs.

    /usr/bin/python3 bench/peers/pandas_peer.py survey|orders FILE [--services]
    (FILE.jsonl: the survey as JSON Lines)
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import canon  # noqa: E402

import pandas as pd  # noqa: E402


def survey(path):
    cols = ["region", "nps_score", "csat_score", "ces_score"]
    types = {"region": "category", "nps_score": "float64", "csat_score": "float64", "ces_score": "float64"}
    if path.endswith(".jsonl"):
        df = pd.read_json(path, lines=True, dtype=types)[cols]
    else:
        df = pd.read_csv(path, usecols=cols, dtype=types)
    nps, csat, ces = df["nps_score"], df["csat_score"], df["ces_score"]
    ces_ok = ces.between(1, 7)
    parts = pd.DataFrame({
        "region": df["region"],
        "nps_n": nps.between(0, 10),
        "promoters": nps.between(9, 10),
        "detractors": nps.between(0, 6),
        "csat_n": csat.between(1, 5),
        "satisfied": csat.between(4, 5),
        "ces_n": ces_ok,
        "ces_sum": ces.where(ces_ok, 0),
    })
    g = parts.groupby("region", observed=True).sum()
    rows = [dict(region=str(region), **{k: int(v) for k, v in r.items()}) for region, r in g.iterrows()]
    return canon.survey_text(rows)


def orders(path, services):
    cols = ["customer_id", "amount"] + (["service"] if services else [])
    df = pd.read_csv(path, usecols=cols, dtype={"customer_id": "str", "amount": "float64", "service": "str"})
    cents = (df["amount"] * 100).round().astype("int64")
    per = df.groupby("customer_id", sort=False).size()
    pairs = None
    if services:
        pairs = int(df.groupby("customer_id", sort=False)["service"].nunique().sum())
    return canon.orders_text(customers=len(per), repeat=int((per >= 2).sum()), orders=int(per.sum()),
                             revenue_cents=int(cents.sum()), services_pairs=pairs)


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("survey", "orders"):
        sys.exit("usage: pandas_peer.py survey|orders FILE [--services]")
    job, path = sys.argv[1], sys.argv[2]
    sys.stdout.write(survey(path) if job == "survey" else orders(path, "--services" in sys.argv))


if __name__ == "__main__":
    main()
