"""Amortised time per municipality of `dmkit batch` against a single `dmkit round`, measured in one run.

Target (issue 8): on 2 cores, 300 municipalities × 150 respondents, the batch's
wall time per municipality ≤ 1/3 of one `dmkit round` on the same data.

Both are measured as a user runs them: separate `dmkit` processes, wall time.
The single run is the median of ``--single-repeat`` runs of `dmkit round` on
municipalities of the batch (fresh process and kernel each time, as a
strategist pays). The batch is `dmkit batch DIR --workers W`.

The machine is shared: the script prints the load average before and after,
and the CPU time (user + sys of the process tree) beside the wall times.

Usage:
    .venv/bin/python benchmarks/bench_batch.py [--n 300] [--respondents 150] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds (children: user + sys) of a command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=False, capture_output=True, cwd=cwd)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300, help="municipalities")
    ap.add_argument("--respondents", type=int, default=150)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--single-repeat", type=int, default=3)
    ap.add_argument("--dir", help="keep the batch folder here")
    args = ap.parse_args()
    from evaluation.simulate.national import simulate_national, write_batch_dir

    tmp = None
    if args.dir:
        root = Path(args.dir)
        root.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory()
        root = Path(tmp.name)
    d = root / "batch"
    nat = simulate_national("dual_maturity", n_municipalities=args.n, respondents=(args.respondents, args.respondents),
                            seed=0)
    folders = write_batch_dir(nat, d)
    dmkit = str(Path(sys.executable).parent / "dmkit")
    print(f"{args.n} municipalities × {args.respondents} respondents; {os.cpu_count()} cores; "
          f"load average {os.getloadavg()[0]:.1f}")

    singles = []
    for k in range(args.single_repeat):
        f = folders[k % len(folders)]
        wall, cpu = _timed([dmkit, "round", str(f / "data" / "svar.csv"), "-i", "dual_maturity", "-m",
                            nat.municipalities.iloc[k % len(folders)]["municipality"], "--round-label", "2025",
                            "-o", str(root / f"single_{k}"), "-q"], root)
        singles.append((wall, cpu))
        print(f"  single dmkit round {k + 1}: {wall:.1f} s wall, {cpu:.1f} s CPU")
    single = statistics.median(w for w, _ in singles)

    wall, cpu = _timed([dmkit, "batch", str(d), "--workers", str(args.workers), "-q"], root)
    ok = sum((f / "rapport" / "round_report.html").is_file() for f in folders)
    per = wall / args.n
    print(f"batch: {wall:.1f} s wall, {cpu:.1f} s CPU for {args.n} municipalities ({ok} reports written) "
          f"with {args.workers} workers; load average {os.getloadavg()[0]:.1f}")
    print(f"single dmkit round (median of {len(singles)}): {single:.1f} s")
    print(f"amortised per municipality: {per:.2f} s wall ({cpu / args.n:.2f} s CPU)")
    print(f"ratio amortised / single: {per / single:.3f} (target ≤ 0.333) -> {'met' if per / single <= 1 / 3 else 'NOT met'}")
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
