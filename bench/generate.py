#!/usr/bin/env python3
"""Deterministic benchmark data for cxkpi: survey, orders and subscription CSV files.

    python3 bench/generate.py survey 10M           # -> bench/data/survey-10000000.csv
    python3 bench/generate.py orders 5M            # -> bench/data/orders-5000000.csv
    python3 bench/generate.py subscriptions 1M     # -> bench/data/subscriptions-1000000.csv
    python3 bench/generate.py survey-jsonl 1M      # -> bench/data/survey-jsonl-1000000.jsonl
    python3 bench/generate.py survey 1000 -o -     # to standard output

Standard library only. The same kind, row count and seed give the same bytes on every
machine and with any --jobs: rows are made in chunks of CHUNK rows, each chunk from its
own random.Random seeded by (seed, kind, chunk number), and written in order.

Survey rows (~81 bytes):
    response_id,customer_id,submitted_at,region,channel,nps_score,csat_score,ces_score,comment
    R000000001,C0012345,2024-01-01T09:07:00Z,North,web,9,4,6,"Fast delivery, thanks"
  - nps 0-10, csat 1-5, ces 1-7, each empty in ~3% of rows (independently);
  - 5 regions, 5 channels; submitted_at rises through 2024-2025 (ISO 8601, UTC);
  - comments: ~30% empty; the rest RFC 4180: some quoted because they hold commas,
    some with doubled quotes, ~0.1% with a line break inside the quotes.
Survey JSON Lines (~204 bytes a row): the survey rows of the same size and seed, one
    object a line with the CSV's keys; scores as integers, an empty score as null.
Orders rows (~47 bytes):  order_id,customer_id,order_date,amount,service
  - about one distinct customer per 10 orders (a few heavy buyers, many one-off
    customers: RPR ~40%); amount with 2 decimals (median ~45); 6 services.
Subscriptions rows:       customer_id,start_date,end_date  (end empty = still active)
"""

import argparse
import datetime as dt
import multiprocessing
import os
import re
import sys

CHUNK = 100_000
KINDS = {"survey": 1, "orders": 2, "subscriptions": 3, "survey-jsonl": 1}  # survey-jsonl: the survey's rows
HEADERS = {
    "survey": "response_id,customer_id,submitted_at,region,channel,nps_score,csat_score,ces_score,comment\n",
    "orders": "order_id,customer_id,order_date,amount,service\n",
    "subscriptions": "customer_id,start_date,end_date\n",
    "survey-jsonl": "",
}

REGIONS = ["North", "South", "East", "West", "Central"]
REGION_W = [24, 22, 20, 19, 15]
CHANNELS = ["web", "app", "store", "phone", "email"]
CHANNEL_W = [35, 25, 20, 12, 8]
SERVICES = ["internet", "mobile", "tv", "landline", "cloud", "support"]
SERVICE_W = [30, 28, 16, 10, 9, 7]

# Score pools: "" is an empty cell (~3%).
NPS_VALUES = [str(v) for v in range(11)] + [""]
NPS_W = [2.5, 1.0, 1.2, 1.6, 2.0, 4.5, 5.2, 10.0, 17.0, 21.0, 31.0, 3.0]
CSAT_VALUES = ["1", "2", "3", "4", "5", ""]
CSAT_W = [5.0, 8.0, 17.0, 33.0, 34.0, 3.0]
CES_VALUES = ["1", "2", "3", "4", "5", "6", "7", ""]
CES_W = [3.0, 5.0, 9.0, 15.0, 22.0, 26.0, 17.0, 3.0]

_WORDS = ("delivery support price app staff checkout refund service website order "
          "parcel courier invoice login update screen manager product quality line").split()
_ADJ = "fast slow great poor friendly helpful confusing easy late broken excellent".split()


def _comment_pool(seed):
    """~400 distinct comment cells, already quoted per RFC 4180, with weights."""
    import random
    r = random.Random(seed * 7919 + 17)
    cells, weights = [""], [30.0]
    for _ in range(120):  # plain, no quoting needed
        cells.append(f"{r.choice(_ADJ).capitalize()} {r.choice(_WORDS)} and the {r.choice(_WORDS)}")
        weights.append(41.0 / 120)
    for _ in range(160):  # contains a comma -> quoted
        cells.append(f"\"{r.choice(_ADJ).capitalize()} {r.choice(_WORDS)}, {r.choice(_ADJ)} {r.choice(_WORDS)} {r.choice(_WORDS)}\"")
        weights.append(20.0 / 160)
    for _ in range(100):  # doubled quotes (some with a comma too)
        sep = ", " if r.random() < 0.4 else " "
        cells.append(f"\"The \"\"{r.choice(_ADJ)}\"\" {r.choice(_WORDS)}{sep}{r.choice(_WORDS)}\"")
        weights.append(8.9 / 100)
    for _ in range(10):  # a line break inside the quotes
        cells.append(f"\"{r.choice(_ADJ).capitalize()} {r.choice(_WORDS)}.\n{r.choice(_ADJ).capitalize()}, {r.choice(_WORDS)}\"")
        weights.append(0.1 / 10)
    return cells, weights


def _days(start, count):
    d0 = dt.date.fromisoformat(start)
    return [(d0 + dt.timedelta(days=i)).isoformat() for i in range(count)]


_STATE = {}


def _init(seed):
    _STATE["seed"] = seed
    _STATE["days"] = _days("2024-01-01", 731)
    _STATE["tod"] = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400)]
    _STATE["comments"] = _comment_pool(seed)
    import random
    r = random.Random(seed * 104729 + 3)
    # Order amounts: a fixed pool of 8192 log-normal amounts (median ~45.00), 2 decimals.
    amounts = []
    for _ in range(8192):
        cents = max(99, min(int(r.lognormvariate(8.4, 0.9)), 250_000_00))
        amounts.append(f"{cents // 100}.{cents % 100:02d}")
    _STATE["amounts"] = amounts


def _rng(kind, chunk):
    import random
    return random.Random((_STATE["seed"] << 40) | (KINDS[kind] << 32) | chunk)


def _survey_chunk(args):
    chunk, total = args
    start, end = chunk * CHUNK, min(total, (chunk + 1) * CHUNK)
    k = end - start
    r = _rng("survey", chunk)
    rnd = r.random
    days, tod = _STATE["days"], _STATE["tod"]
    ndays = len(days)
    ncust = max(1, total // 5)
    cells, cw = _STATE["comments"]
    region = r.choices(REGIONS, REGION_W, k=k)
    channel = r.choices(CHANNELS, CHANNEL_W, k=k)
    nps = r.choices(NPS_VALUES, NPS_W, k=k)
    csat = r.choices(CSAT_VALUES, CSAT_W, k=k)
    ces = r.choices(CES_VALUES, CES_W, k=k)
    comment = r.choices(cells, cw, k=k)
    times = r.choices(tod, k=k)
    out = [
        f"R{i + 1:09d},C{int(rnd() * ncust):07d},{days[i * ndays // total]}T{t}Z,{rg},{ch},{a},{b},{c},{cm}\n"
        for i, t, rg, ch, a, b, c, cm in zip(range(start, end), times, region, channel, nps, csat, ces, comment)
    ]
    return "".join(out).encode()


def _orders_chunk(args):
    chunk, total = args
    start, end = chunk * CHUNK, min(total, (chunk + 1) * CHUNK)
    k = end - start
    r = _rng("orders", chunk)
    rnd = r.random
    days = _STATE["days"]
    ndays = len(days)
    # ~total/10 distinct customers, RPR ~40%: a few regulars (0.82% of the rows, ~100
    # orders each) take 86.7% of the orders; the rest come from a pool of total/6 casual
    # customers at 0.8 orders each on average (Poisson: 55% buy at all, 19% twice or more).
    regulars = max(1, int(total * 0.0082))
    casual = max(1, total // 6)
    cust = [int(u / 0.8667 * regulars) if u < 0.8667 else regulars + int((u - 0.8667) / 0.1333 * casual)
            for u in (rnd() for _ in range(k))]
    amount = r.choices(_STATE["amounts"], k=k)
    service = r.choices(SERVICES, SERVICE_W, k=k)
    out = [
        f"O{i + 1:09d},C{c:08d},{days[i * ndays // total]},{a},{s}\n"
        for i, c, a, s in zip(range(start, end), cust, amount, service)
    ]
    return "".join(out).encode()


def _subscriptions_chunk(args):
    chunk, total = args
    start, end = chunk * CHUNK, min(total, (chunk + 1) * CHUNK)
    r = _rng("subscriptions", chunk)
    rnd = r.random
    days = _STATE["days"]
    ndays = len(days)
    out = []
    for i in range(start, end):
        s = int(rnd() * (ndays - 1))
        e = ""
        if rnd() < 0.35:  # 35% have ended; the rest are active (empty end date)
            e = days[min(ndays - 1, s + 1 + int(rnd() * rnd() * (ndays - s)))]
        out.append(f"C{i + 1:08d},{days[s]},{e}\n")
    return "".join(out).encode()


def _survey_jsonl_chunk(args):
    import csv
    import io
    import json
    names = HEADERS["survey"].strip().split(",")
    scores = ("nps_score", "csat_score", "ces_score")
    out = []
    for row in csv.reader(io.StringIO(_survey_chunk(args).decode(), newline="")):
        obj = dict(zip(names, row))
        for k in scores:
            obj[k] = int(obj[k]) if obj[k] else None
        out.append(json.dumps(obj, separators=(",", ":")) + "\n")
    return "".join(out).encode()


CHUNK_FN = {"survey": _survey_chunk, "orders": _orders_chunk, "subscriptions": _subscriptions_chunk,
            "survey-jsonl": _survey_jsonl_chunk}


def parse_rows(text):
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmM]?)", text.strip())
    if not m:
        raise argparse.ArgumentTypeError(f"not a row count: {text!r} (e.g. 1000, 500k, 10M)")
    mult = {"": 1, "k": 1_000, "m": 1_000_000}[m.group(2).lower()]
    return int(float(m.group(1)) * mult)


def default_path(kind, rows):
    ext = "jsonl" if kind.endswith("-jsonl") else "csv"
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", f"{kind}-{rows}.{ext}")


def generate(kind, rows, out, seed=42, jobs=None):
    jobs = jobs or min(2, os.cpu_count() or 1)
    nchunks = (rows + CHUNK - 1) // CHUNK
    tasks = [(c, rows) for c in range(nchunks)]
    fn = CHUNK_FN[kind]
    if out == "-":
        sink, tmp = sys.stdout.buffer, None
    else:
        os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
        tmp = f"{out}.tmp{os.getpid()}"
        sink = open(tmp, "wb", buffering=1 << 20)
    try:
        sink.write(HEADERS[kind].encode())
        if jobs > 1 and nchunks > 1:
            with multiprocessing.get_context("fork").Pool(jobs, _init, (seed,)) as pool:
                for block in pool.imap(fn, tasks, chunksize=1):
                    sink.write(block)
        else:
            _init(seed)
            for t in tasks:
                sink.write(fn(t))
        sink.flush()
    except BaseException:
        if tmp:
            sink.close()
            os.unlink(tmp)
        raise
    if tmp:
        sink.close()
        os.replace(tmp, out)  # never a half-written file under the final name


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("kind", choices=sorted(KINDS))
    ap.add_argument("rows", type=parse_rows, help="data rows: 1000, 500k, 10M, ...")
    ap.add_argument("-o", "--out", help="output file, - for stdout (default: bench/data/KIND-ROWS.csv)")
    ap.add_argument("--seed", type=int, default=42, help="default 42")
    ap.add_argument("-j", "--jobs", type=int, default=None, help="worker processes (default: min(2, cores)); output is the same")
    a = ap.parse_args()
    out = a.out or default_path(a.kind, a.rows)
    generate(a.kind, a.rows, out, a.seed, a.jobs)
    if out != "-":
        print(out)


if __name__ == "__main__":
    main()
