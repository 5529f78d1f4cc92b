"""Speed and memory of `dmkit benchmark` on a national data set.

Target (issue 8): 1,500 organisations × 200 respondents (300,000 rows) in ≤ 30 s
wall time and ≤ 2 GB peak memory.

The data set is simulated (evaluation.simulate.national) and written as a batch
folder first (not timed). The build is then measured in a fresh Python process
(wall time of build_benchmark, peak resident memory from
resource.getrusage(RUSAGE_SELF).ru_maxrss of that process, which includes the
interpreter and imports). The peer, measured in the same run, is the plain
path: read_responses + organisation_scores per organisation, timed on a sample
of organisations and extrapolated.

Usage:
    .venv/bin/python benchmarks/bench_national.py [--orgs 1500] [--respondents 200] [--dir PATH]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MEASURE = r"""
import json, os, resource, sys, time, tracemalloc
t0 = time.perf_counter()
from evaluation.run.national_benchmark import build_benchmark
t_import = time.perf_counter() - t0
trace = sys.argv[2] == "1"
workers = int(sys.argv[4])
if trace:
    tracemalloc.start()
def cpu():
    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime
c0, t1 = cpu(), time.perf_counter()
res = build_benchmark(sys.argv[1], seed=0, workers=workers)
t_build, c_build = time.perf_counter() - t1, cpu() - c0
peak_py = tracemalloc.get_traced_memory()[1] if trace else None
res.table.to_csv(sys.argv[3], index=False)
print(json.dumps({"import_s": t_import, "build_s": t_build, "cpu_s": c_build, "orgs": len(res.table),
                  "excluded": len(res.excluded), "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "children_maxrss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "load": os.getloadavg()[0],
                  "tracemalloc_peak_mb": None if peak_py is None else peak_py / 2**20}))
"""

PEER = r"""
import json, sys, time
from pathlib import Path
from evaluation.run.batch import find_folders, load_folder
from evaluation.data.responses import read_responses
from evaluation.scoring import organisation_scores
folders = find_folders(sys.argv[1])[: int(sys.argv[2])]
t0 = time.perf_counter()
for f in folders:
    mf = load_folder(f)
    organisation_scores(read_responses(mf.params["responses"], mf.params["instrument"]))
print(json.dumps({"per_org_s": (time.perf_counter() - t0) / len(folders), "sample": len(folders)}))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orgs", type=int, default=1500)
    ap.add_argument("--respondents", type=int, default=200)
    ap.add_argument("--dir", help="reuse/keep the generated batch folder here")
    ap.add_argument("--peer-sample", type=int, default=40)
    ap.add_argument("--tracemalloc", action="store_true", help="also a run under tracemalloc (slower)")
    ap.add_argument("--workers", default="1,2", help="comma-separated worker counts to measure")
    args = ap.parse_args()
    from evaluation.simulate.national import simulate_national, write_batch_dir

    tmp = None
    if args.dir:
        d = Path(args.dir)
    else:
        tmp = tempfile.TemporaryDirectory()
        d = Path(tmp.name) / "national"
    if not (d.exists() and any(d.iterdir())):
        t0 = time.perf_counter()
        nat = simulate_national("dual_maturity", n_municipalities=args.orgs,
                                respondents=(args.respondents, args.respondents), seed=0)
        write_batch_dir(nat, d)
        print(f"generated {args.orgs} organisations × {args.respondents} respondents "
              f"({len(nat.data):,} rows) in {time.perf_counter() - t0:.1f} s (not timed below)")
        del nat
    py = sys.executable
    out = d.parent / "benchmark_out.csv"
    runs = {}
    for w in [int(x) for x in args.workers.split(",")]:
        r = json.loads(subprocess.run([py, "-c", MEASURE, str(d), "0", str(out), str(w)], check=True,
                                      capture_output=True, text=True).stdout)
        runs[w] = r
        peak = r["maxrss_mb"] + (w * r["children_maxrss_mb"] if w > 1 else 0)
        print(f"dmkit benchmark build, {w} worker(s): {r['build_s']:.1f} s wall, {r['cpu_s']:.1f} s CPU, for "
              f"{r['orgs']} organisations (+ {r['import_s']:.1f} s imports); peak RSS {r['maxrss_mb']:.0f} MB main"
              + (f" + {w} × {r['children_maxrss_mb']:.0f} MB workers" if w > 1 else "")
              + f"; load average {r['load']:.1f}")
        print(f"  target: ≤ 30 s and ≤ 2048 MB -> {'met' if r['build_s'] <= 30 and peak <= 2048 else 'NOT met'}")
    r = min(runs.values(), key=lambda x: x["build_s"])
    if args.tracemalloc:
        t = json.loads(subprocess.run([py, "-c", MEASURE, str(d), "1", str(out), "1"], check=True,
                                      capture_output=True, text=True).stdout)
        print(f"  under tracemalloc: peak Python allocations {t['tracemalloc_peak_mb']:.0f} MB "
              f"(build {t['build_s']:.1f} s with tracing overhead)")
    p = json.loads(subprocess.run([py, "-c", PEER, str(d), str(args.peer_sample)], check=True, capture_output=True,
                                  text=True).stdout)
    peer_total = p["per_org_s"] * r["orgs"]
    print(f"peer (read_responses + organisation_scores per organisation, {p['sample']} sampled): "
          f"{p['per_org_s'] * 1000:.0f} ms/organisation -> {peer_total:.0f} s extrapolated for {r['orgs']}")
    print(f"ratio best build / peer: {r['build_s'] / peer_total:.3f}")
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
