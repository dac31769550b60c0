#!/usr/bin/env python3
"""Times cxkpi and its peers (DuckDB, Polars, pandas) side by side on the same KPIs.

Run it through `bash bench/run`, which installs the peers and builds cxkpi first.

For each job (survey, orders, survey-jsonl) and file size:
  1. generates the file into bench/data/ unless it is there (bench/generate.py);
  2. runs every tool once under /usr/bin/time: its KPIs (reduced to the canonical text of
     bench/peers/canon.py) must agree with cxkpi's, and this run gives the peak RSS;
  3. times all of them in one hyperfine run (warm page cache: --warmup, then --runs);
  4. writes bench/results/latest.md (and latest.json) and prints the table.
Exit status: 0 when every tool ran and agreed, 1 otherwise.
"""

import argparse
import datetime as dt
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PEERS = os.path.join(HERE, "peers")
NODE_MODULES = os.path.join(HERE, ".peers", "node_modules")
sys.path.insert(0, PEERS)
sys.path.insert(0, HERE)
import canon  # noqa: E402
import generate  # noqa: E402

PANDAS_PY = "/usr/bin/python3"  # Debian's python3-pandas lives in the system Python
SURVEY_FLAGS = ["--by", "region", "--format", "json", "--nps-column", "nps_score",
                "--csat-column", "csat_score", "--ces-column", "ces_score", "-q"]
ALL_TOOLS = ["cat", "cxkpi", "duckdb", "polars", "pandas"]


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def sh(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def rows_label(n):
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def fmt_s(x):
    return f"{x:.3f} s" if x < 10 else f"{x:.2f} s"


# ---------------------------------------------------------------------------- machine

def machine_info():
    info = {"cores": len(os.sched_getaffinity(0)), "cpu": "?", "memory": "?",
            "kernel": platform.release(), "os": "?"}
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                info["memory"] = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
        for line in open("/etc/os-release"):
            if line.startswith("PRETTY_NAME="):
                info["os"] = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return info


def json_version(pkg):
    try:
        with open(os.path.join(NODE_MODULES, pkg, "package.json")) as f:
            return json.load(f)["version"]
    except (OSError, KeyError, ValueError):
        return None


def versions(cx):
    v = {}
    r = sh([cx, "--version"])
    v["cxkpi"] = (r.stdout.strip().split() or ["?"])[-1] if r.returncode == 0 else "?"
    v["duckdb"] = json_version("@duckdb/node-api")
    v["polars"] = json_version("nodejs-polars")
    v["polars_platform"] = json_version("nodejs-polars-linux-x64-gnu")
    r = sh([PANDAS_PY, "-c", "import pandas; print(pandas.__version__)"]) if os.path.exists(PANDAS_PY) else None
    v["pandas"] = r.stdout.strip() if r is not None and r.returncode == 0 else None
    v["node"] = sh(["node", "--version"]).stdout.strip() if shutil.which("node") else None
    v["hyperfine"] = sh(["hyperfine", "--version"]).stdout.strip() if shutil.which("hyperfine") else None
    return v


def git_rev():
    r = sh(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    if r.returncode != 0:
        return "?"
    dirty = sh(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"]).stdout.strip()
    return r.stdout.strip() + (" (with uncommitted changes)" if dirty else "")


# ---------------------------------------------------------------------------- tools

class Tool:
    def __init__(self, key, label, cmd, to_canon=None, missing=None):
        self.key, self.label, self.cmd = key, label, cmd
        self.to_canon = to_canon      # stdout -> canonical text; None for the floor
        self.missing = missing        # why this tool cannot run, or None
        self.error = None             # why its check run failed
        self.text = None              # canonical KPI text
        self.raw = None               # raw stdout (cxkpi: to compare thread counts)
        self.agrees = None
        self.rss_kb = None
        self.timing = None


def help_mentions(cx, args, word):
    r = sh([cx, *args, "--help"])
    return r.returncode == 0 and word in (r.stdout + r.stderr)


def has_subcommand(cx, name):
    """True when `cxkpi --help` lists NAME among its subcommands (`cxkpi NAME --help` alone
    is no test: an unknown subcommand followed by --help prints the main help, exit 0)."""
    r = sh([cx, "--help"])
    return any(line.split()[:1] == [name] and line[:1].isspace() for line in r.stdout.splitlines())


def cxkpi_thread_counts(cx, command):
    """[None] without --threads; else 1 and powers of two up to the core count."""
    if not (help_mentions(cx, [], "--threads") or help_mentions(cx, [command], "--threads")):
        return [None]
    cores = len(os.sched_getaffinity(0))
    counts, t = [], 1
    while t < cores:
        counts.append(t)
        t *= 2
    return counts + [cores]


def peer_tools(job, path, selected, services):
    extra = ["--services"] if services else []
    tools = []
    have_node = shutil.which("node") is not None
    for key, label, pkg in (("duckdb", "DuckDB", "@duckdb/node-api"), ("polars", "Polars", "nodejs-polars")):
        if key not in selected:
            continue
        ver = json_version(pkg)
        missing = None if have_node and ver else f"not installed (bash bench/setup installs {pkg})"
        tools.append(Tool(key, f"{label} {ver or ''} (node, {len(os.sched_getaffinity(0))} threads)".replace("  ", " "),
                          ["node", os.path.join(PEERS, f"{key}.mjs"), job, path, *extra],
                          to_canon=lambda out: out, missing=missing))
    if "pandas" in selected:
        ok = os.path.exists(PANDAS_PY) and sh([PANDAS_PY, "-c", "import pandas"]).returncode == 0
        tools.append(Tool("pandas", "pandas", [PANDAS_PY, os.path.join(PEERS, "pandas_peer.py"), job, path, *extra],
                          to_canon=lambda out: out,
                          missing=None if ok else "not installed (bash bench/setup installs python3-pandas)"))
    return tools


def check_run(tool, timeout):
    """One run under /usr/bin/time: exit status, peak RSS, canonical KPI text."""
    with tempfile.NamedTemporaryFile(mode="r", suffix=".time") as tf:
        cmd = ["/usr/bin/time", "-f", "%M", "-o", tf.name, *tool.cmd]
        try:
            r = subprocess.run(cmd, stdout=subprocess.PIPE if tool.to_canon else subprocess.DEVNULL,
                               stderr=subprocess.PIPE, timeout=timeout)
        except subprocess.TimeoutExpired:
            tool.error = f"timed out after {timeout} s"
            return
        lines = [ln for ln in tf.read().splitlines() if ln.strip()]
    if lines and lines[-1].strip().isdigit():
        tool.rss_kb = int(lines[-1])
    if r.returncode != 0:
        err = r.stderr.decode(errors="replace").strip().splitlines()
        tool.error = f"exit {r.returncode}: " + (err[-1][:200] if err else "no message")
        return
    if tool.to_canon:
        out = r.stdout.decode(errors="replace")
        tool.raw = out
        try:
            tool.text = tool.to_canon(out)
        except (ValueError, KeyError, TypeError) as e:
            tool.error = f"unreadable output ({type(e).__name__}: {e})"


def _fields(text):
    out = []
    for line in text.strip().splitlines():
        out.append([tuple(kv.split("=", 1)) for kv in line.split(";")])
    return out


def same_kpis(a, b):
    """Exact on counts and labels; values within one unit of the 6th decimal."""
    fa, fb = _fields(a), _fields(b)
    if len(fa) != len(fb):
        return False
    for la, lb in zip(fa, fb):
        if [k for k, _ in la] != [k for k, _ in lb]:
            return False
        for (_, va), (_, vb) in zip(la, lb):
            if va == vb:
                continue
            if "." in va and "." in vb:
                try:
                    if abs(float(va) - float(vb)) <= 1.01e-6:
                        continue
                except ValueError:
                    pass
            return False
    return True


def hyperfine(tools, warmup, runs, json_path, log_path, interleave=True):
    """Times TOOLS with hyperfine. Interleaved (the default): RUNS rounds of one run of
    each tool in turn (the first round after WARMUP runs of each), so that a burst of
    other work on a shared machine hits every tool alike; else one hyperfine call doing
    all runs of a tool, then all runs of the next."""
    def call(n_warmup, n_runs, jpath, lf):
        cmd = ["hyperfine", "-N", "--warmup", str(n_warmup), "--runs", str(n_runs), "--output", "null",
               "--style", "basic", "--export-json", jpath]
        for t in tools:
            cmd += ["-n", t.label, shlex.join(t.cmd)]
        r = subprocess.run(cmd, stdout=lf, stderr=subprocess.STDOUT)
        if r.returncode != 0:
            raise RuntimeError(f"hyperfine failed (log: {log_path})")
        with open(jpath) as f:
            return json.load(f)["results"]

    merged = [{"times": [], "user": [], "system": []} for _ in tools]
    with open(log_path, "w") as lf:
        rounds = [(warmup, 1)] + [(0, 1)] * (runs - 1) if interleave else [(warmup, runs)]
        for i, (w, n) in enumerate(rounds):
            results = call(w, n, f"{json_path}.round{i}" if interleave else json_path, lf)
            for m, res in zip(merged, results):
                m["times"] += res["times"]
                m["user"] += [res["user"]] * len(res["times"])
                m["system"] += [res["system"]] * len(res["times"])
    if interleave:
        for i in range(len(rounds)):
            os.unlink(f"{json_path}.round{i}")
        with open(json_path, "w") as f:
            json.dump({"interleaved_rounds": len(rounds),
                       "results": [{"command": t.label, **m} for t, m in zip(tools, merged)]}, f, indent=1)
    for t, m in zip(tools, merged):
        times = sorted(m["times"])
        t.timing = {"median": statistics.median(times), "mean": statistics.fmean(times),
                    "stddev": statistics.stdev(times) if len(times) > 1 else 0.0,
                    "min": times[0], "max": times[-1],
                    "user": statistics.fmean(m["user"]), "system": statistics.fmean(m["system"]),
                    "runs": len(times), "times": m["times"]}


# ---------------------------------------------------------------------------- one job

def data_file(kind, rows, seed):
    path = generate.default_path(kind, rows)
    if not os.path.exists(path):
        log(f"generating {os.path.relpath(path, ROOT)} ({rows:,} rows, seed {seed}) ...")
        t0 = time.monotonic()
        generate.generate(kind, rows, path, seed)
        log(f"  done in {time.monotonic() - t0:.1f} s, {os.path.getsize(path) / 1e6:.0f} MB")
    return path


def run_job(job, rows, cx, opts, selected):
    # survey-jsonl: the survey job on the same rows as JSON Lines.
    survey = job in ("survey", "survey-jsonl")
    kind = job if survey else "orders"
    path = data_file(kind, rows, opts.seed)
    size = os.path.getsize(path)
    title = f"{job}, {rows:,} rows ({size / 1e6:.0f} MB)"
    section = {"job": job, "rows": rows, "file": os.path.relpath(path, ROOT), "bytes": size,
               "title": title, "notes": [], "tools": [], "load_before": os.getloadavg()[0]}
    log(f"== {title}")

    tools = []
    if "cat" in selected:
        tools.append(Tool("cat", "`cat` > /dev/null (reading the file: the floor)", ["cat", path]))

    cx_tools = []
    if "cxkpi" in selected:
        if survey:
            base = [cx, "survey", path, *SURVEY_FLAGS]
        else:
            # Every order KPI in one run (RPR, AOV, CLV, services), as issue 6 asks.
            base = [cx, "report", "--orders", path, "--format", "json", "-q"]
        cx_ok = survey or has_subcommand(cx, "report")
        if not cx_ok:
            msg = ("`cxkpi rpr` does not exist yet in this build (issue 3): "
                   + ("timing the peers only (--force-orders)" if opts.force_orders else
                      "skipping the orders job (pass --force-orders to time the peers alone)"))
            log(msg)
            section["notes"].append(msg)
            if not opts.force_orders:
                section["skipped"] = msg
                return section
        else:
            threads = cxkpi_thread_counts(cx, "survey" if survey else "report")
            for n in threads:
                label = "cxkpi" if n is None else f"cxkpi ({n} thread{'s' if n > 1 else ''})"
                to_canon = (lambda out: canon.from_cxkpi_survey(json.loads(out))) if survey else (
                    lambda out: canon.from_cxkpi_orders(json.loads(out)))
                cx_tools.append(Tool("cxkpi", label, base + ([] if n is None else ["--threads", str(n)]),
                                     to_canon=to_canon))
            if threads != [None]:
                section["notes"].append(f"cxkpi has --threads: timed with {', '.join(map(str, threads))}")
    tools += cx_tools

    for t in cx_tools:
        log(f"check run: {t.label}")
        check_run(t, opts.timeout)
    services = job == "orders" and any(t.text and "services=" in t.text for t in cx_tools)
    if services:
        section["notes"].append("cxkpi reports services per customer: the peers compute it too")

    peers = peer_tools("survey" if survey else job, path, selected, services)
    tools += peers
    for t in [t for t in tools if t.key == "cat"] + peers:
        if t.missing:
            continue
        log(f"check run: {t.label}")
        check_run(t, opts.timeout)

    ref = next((t for t in tools if t.text is not None), None)
    for t in tools:
        if t.text is not None:
            t.agrees = same_kpis(ref.text, t.text)
            if not t.agrees:
                log(f"DIFFERENT KPIs from {t.label}:\n--- {ref.label}\n{ref.text}--- {t.label}\n{t.text}")
    section["reference"] = ref.label if ref else None
    section["kpis"] = ref.text if ref else None
    raws = {t.raw for t in cx_tools if t.raw is not None}
    if len(cx_tools) > 1:
        same = len(raws) == 1 and all(t.raw is not None for t in cx_tools)
        section["notes"].append("cxkpi JSON output byte-identical across thread counts: "
                                + ("yes" if same else "NO"))
        section["threads_identical"] = same

    timed = [t for t in tools if not t.missing and not t.error]
    if timed:
        log(f"timing {len(timed)} commands side by side (hyperfine, warmup {opts.warmup}, runs {opts.runs}"
            f"{', interleaved' if not opts.no_interleave else ''}) ...")
        os.makedirs(opts.results, exist_ok=True)
        stem = os.path.join(opts.results, f"{job}-{rows_label(rows)}")
        try:
            hyperfine(timed, opts.warmup, opts.runs, stem + ".hyperfine.json", stem + ".hyperfine.log",
                      interleave=not opts.no_interleave)
        except (RuntimeError, OSError, KeyError, ValueError) as e:
            log(f"timing failed: {e}")
            for t in timed:
                t.error = t.error or f"timing failed: {e}"
    section["load_after"] = os.getloadavg()[0]
    for t in tools:
        section["tools"].append({"key": t.key, "label": t.label, "command": shlex.join(t.cmd),
                                 "missing": t.missing, "error": t.error, "agrees": t.agrees,
                                 "rss_kb": t.rss_kb, "timing": t.timing, "kpis": t.text})
    return section


# ---------------------------------------------------------------------------- report

def section_markdown(s):
    out = [f"### {s['title']}", ""]
    if s.get("skipped"):
        return out + [f"Skipped: {s['skipped']}.", ""]
    tools = s["tools"]
    cxs = [t for t in tools if t["key"] == "cxkpi" and t["timing"]]
    fastest_cx = min(cxs, key=lambda t: t["timing"]["median"]) if cxs else None
    ref_wall = fastest_cx["timing"]["median"] if fastest_cx else None
    out.append("| tool | wall (median) | min – max | CPU user+sys | peak RSS | MB/s | wall ÷ fastest cxkpi | same KPIs |")
    out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for t in tools:
        if t["missing"] or t["error"]:
            out.append(f"| {t['label']} | {t['missing'] or 'failed: ' + t['error']} | | | | | | |")
            continue
        tm = t["timing"]
        rss = f"{t['rss_kb'] / 1024:.0f} MB" if t["rss_kb"] is not None else "?"
        mbps = s["bytes"] / 1e6 / tm["median"]
        rel = f"{tm['median'] / ref_wall:.2f}×" if ref_wall else ""
        same = "—" if t["agrees"] is None else ("yes" if t["agrees"] else "**NO**")
        out.append(f"| {t['label']} | {fmt_s(tm['median'])} | {tm['min']:.3f} – {tm['max']:.3f} | "
                   f"{fmt_s(tm['user'] + tm['system'])} | {rss} | {mbps:,.0f} | {rel} | {same} |")
    peers = [t for t in tools if t["key"] in ("duckdb", "polars", "pandas") and t["timing"]]
    out.append("")
    if peers and cxs:
        best = min(peers, key=lambda t: t["timing"]["median"])
        ratio = best["timing"]["median"] / fastest_cx["timing"]["median"]
        verdict = f"**{ratio:.2f}× faster**" if ratio >= 1 else f"**{1 / ratio:.2f}× slower**"
        out.append(f"{fastest_cx['label']} vs the fastest peer ({best['label'].split(' (')[0]}): "
                   f"{verdict} in wall time.")
    floor = next((t for t in tools if t["key"] == "cat" and t["timing"]), None)
    if floor and cxs:
        out.append(f"cxkpi takes {fastest_cx['timing']['median'] / floor['timing']['median']:.1f}× "
                   "the time of reading the file.")
    for n in s["notes"]:
        out.append(f"Note: {n}.")
    cores = len(os.sched_getaffinity(0))
    busy = max(s["load_before"], s["load_after"]) > cores * 0.75
    out.append(f"Load average (1 min) before/after: {s['load_before']:.2f} / {s['load_after']:.2f}"
               + (f" on {cores} cores: the machine was busy with other work, so wall times are noisy "
                  "and inflated (compare the CPU column)." if busy else "."))
    if s.get("kpis"):
        out += ["", "<details><summary>KPIs every tool printed</summary>", "", "```", s["kpis"].rstrip(), "```",
                "", "</details>"]
    out.append("")
    return out


def report(sections, info, vers, opts, when, commit):
    lines = ["# cxkpi benchmark: latest run", "",
             f"- when: {when}; cxkpi {vers['cxkpi']} at commit {commit}",
             f"- machine: {info['cores']} cores ({info['cpu']}), {info['memory']} RAM, {info['os']}, "
             f"Linux {info['kernel']}",
             f"- peers: DuckDB {vers['duckdb'] or '-'} (@duckdb/node-api), Polars {vers['polars'] or '-'} "
             f"(nodejs-polars + nodejs-polars-linux-x64-gnu {vers['polars_platform'] or '-'}), "
             f"pandas {vers['pandas'] or '-'}; Node.js {vers['node'] or '-'}; {vers['hyperfine'] or 'hyperfine ?'}",
             f"- method: warm page cache; hyperfine -N, {opts.warmup} warmup run(s) and {opts.runs} timed runs per "
             "tool, every tool in the same run, "
             + ("one hyperfine call per tool" if getattr(opts, "no_interleave", False) else
                "interleaved (rounds of one run of each tool)")
             + "; wall = median; CPU = mean user + system; peak RSS from `/usr/bin/time -f %M` "
             "on the check run; MB/s = file size (10^6 bytes) / median wall; each tool's time includes "
             "starting its runtime (node, python); \"same KPIs\" = its canonical KPI text matches cxkpi's",
             ""]
    for s in sections:
        lines += section_markdown(s)
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog="Usually run as: bash bench/run [OPTIONS]")
    ap.add_argument("--cxkpi", default=os.path.join(ROOT, "build", "bench", "src", "cxkpi"),
                    help="the cxkpi binary (bench/run builds build/bench/src/cxkpi)")
    ap.add_argument("--survey-rows", default="1M,10M",
                    help="comma-separated survey sizes (default 1M,10M; empty: no survey job)")
    ap.add_argument("--orders-rows", default="5M", help="comma-separated orders sizes (default 5M; empty: none)")
    ap.add_argument("--survey-jsonl-rows", default="1M",
                    help="survey sizes as JSON Lines, the same rows (default 1M; empty: none)")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per tool (default 5, at least 3)")
    ap.add_argument("--warmup", type=int, default=1, help="warmup runs per tool (default 1)")
    ap.add_argument("--tools", default=",".join(ALL_TOOLS), help=f"subset of {','.join(ALL_TOOLS)}")
    ap.add_argument("--force-orders", action="store_true",
                    help="time the orders peers even when `cxkpi rpr` does not exist yet")
    ap.add_argument("--no-interleave", action="store_true",
                    help="all runs of one tool, then the next (hyperfine's order) instead of rounds of one run each")
    ap.add_argument("--seed", type=int, default=42, help="generator seed (default 42)")
    ap.add_argument("--timeout", type=int, default=900, help="seconds for one check run (default 900)")
    ap.add_argument("--results", default=os.path.join(HERE, "results"), help="output folder (default bench/results)")
    ap.add_argument("--report-only", action="store_true",
                    help="rewrite latest.md from the results folder's latest.json without running anything")
    opts = ap.parse_args()
    if opts.report_only:
        with open(os.path.join(opts.results, "latest.json")) as f:
            saved = json.load(f)
        opts.warmup, opts.runs = saved.get("warmup", opts.warmup), saved.get("runs", opts.runs)
        opts.no_interleave = not saved.get("interleave", False)
        md = report(saved["sections"], saved["machine"], saved["versions"], opts, saved.get("when"),
                    saved.get("commit"))
        with open(os.path.join(opts.results, "latest.md"), "w") as f:
            f.write(md + "\n")
        print(md)
        return 0
    if opts.runs < 3:
        ap.error("--runs must be at least 3")
    selected = {t.strip() for t in opts.tools.split(",") if t.strip()}
    if selected - set(ALL_TOOLS):
        ap.error(f"unknown tools: {', '.join(sorted(selected - set(ALL_TOOLS)))}")
    for need in ("hyperfine", "/usr/bin/time"):
        if not shutil.which(need):
            sys.exit(f"bench: error: {need} is missing: run `bash bench/setup` (or `bash bench/run`)")
    if "cxkpi" in selected and not os.access(opts.cxkpi, os.X_OK):
        sys.exit(f"bench: error: no cxkpi binary at {opts.cxkpi}: run `bash bench/run`, which builds it")

    sizes = lambda text: [generate.parse_rows(x) for x in text.split(",") if x.strip()]  # noqa: E731
    jobs = ([("survey", n) for n in sizes(opts.survey_rows)] + [("orders", n) for n in sizes(opts.orders_rows)]
            + [("survey-jsonl", n) for n in sizes(opts.survey_jsonl_rows)])
    info, vers = machine_info(), versions(opts.cxkpi)
    start, commit = dt.datetime.now(dt.timezone.utc), git_rev()
    sections = [run_job(job, n, opts.cxkpi, opts, selected) for job, n in jobs]

    os.makedirs(opts.results, exist_ok=True)
    when = start.strftime("%Y-%m-%d %H:%M UTC")
    md = report(sections, info, vers, opts, when, commit)
    with open(os.path.join(opts.results, "latest.md"), "w") as f:
        f.write(md + "\n")
    with open(os.path.join(opts.results, "latest.json"), "w") as f:
        json.dump({"when": when, "commit": commit, "warmup": opts.warmup, "runs": opts.runs,
                   "interleave": not opts.no_interleave,
                   "machine": info, "versions": vers, "sections": sections}, f, indent=2)
    print(md)
    log(f"written: {os.path.relpath(os.path.join(opts.results, 'latest.md'), ROOT)}")

    bad = [(s["title"], t["label"], t["error"] or "different KPIs")
           for s in sections for t in s["tools"] if t["error"] or t["agrees"] is False]
    for title, label, why in bad:
        log(f"PROBLEM in {title}: {label}: {why}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
