"""Speed of bootstrap intervals for alpha and omega against pingouin and R's psych.

Run:  .venv/bin/python benchmarks/bench_reliability.py [--n-boot 1000] [--repeats 3]

One run, same data (n = 2,000 respondents, k = 10 six-point items, simulated
from one factor), same number of resamples:

* ours: ``cronbach_alpha(ci_method="bootstrap", n_boot=1000)`` (all resamples
  as count-weighted matrix products);
* pingouin: a Python loop of ``pingouin.cronbach_alpha`` over the same
  resample index matrix (pingouin has no bootstrap for alpha);
* psych: ``psych::alpha(x, n.iter = 1000)`` through ``Rscript`` when it is on
  PATH (psych resamples with ``mclapply``, i.e. on all cores). Printed twice:
  the time of the ``alpha()`` call measured inside R, and the wall time of the
  whole ``Rscript`` process (R start-up, package loading and reading the CSV
  included). Nothing is subtracted from either.
* ours: ``mcdonald_omega(n_boot=1000)`` (1,000 one-factor ML fits).

Times are the median of ``--repeats`` runs after a warm-up (psych: one run;
its start-up would dominate repeats). The machine may be shared: ratios are
measured in the same run, so both sides see the same load.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from evaluation.stats.reliability import cronbach_alpha, mcdonald_omega  # noqa: E402


def simulate(n: int = 2000, k: int = 10, seed: int = 42) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    lam = np.linspace(0.5, 0.8, k)
    y = rng.normal(size=(n, 1)) * lam + rng.normal(size=(n, k)) * np.sqrt(1 - lam**2)
    x = np.digitize(y, [-1.5, -0.7, 0.0, 0.7, 1.5]) + 1
    return pd.DataFrame(x.astype(float), columns=[f"q{j + 1}" for j in range(k)])


def timed(fn, repeats: int) -> tuple[float, object]:
    fn()  # warm-up
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), out


R_CODE = r"""
suppressPackageStartupMessages(library(psych))
x <- read.csv(commandArgs(TRUE)[1])
set.seed(1)
t <- system.time(a <- psych::alpha(x, n.iter = as.integer(commandArgs(TRUE)[2]), warnings = FALSE))
cat(sprintf("%.6f %.10f %.10f %.10f %d\n", t[["elapsed"]], a$total$raw_alpha, a$boot.ci[1], a$boot.ci[3],
            getOption("mc.cores", 2L)))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n-boot", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    b = args.n_boot
    data = simulate()
    n, k = data.shape
    print(f"data: n = {n}, k = {k}, six-point items; {b} bootstrap resamples; median of {args.repeats} runs")
    print(f"machine: {os.cpu_count()} cores\n")

    t_ours, res = timed(lambda: cronbach_alpha(data, ci_method="bootstrap", n_boot=b, seed=1), args.repeats)
    print(f"ours     alpha bootstrap : {t_ours * 1000:9.1f} ms   alpha = {res.estimate:.6f}, "
          f"95% CI [{res.ci_low:.4f}, {res.ci_high:.4f}]")

    rows = [("pingouin loop", None)]
    try:
        import pingouin as pg

        idx = np.random.default_rng(1).integers(0, n, size=(b, n))

        def pg_loop():
            vals = np.array([pg.cronbach_alpha(data.iloc[r])[0] for r in idx])
            return vals

        pg.cronbach_alpha(data)  # warm-up
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            vals = pg_loop()
            times.append(time.perf_counter() - t0)
        t_pg = float(np.median(times))
        lo, hi = np.quantile(vals, [0.025, 0.975])
        print(f"pingouin alpha loop      : {t_pg * 1000:9.1f} ms   alpha = {pg.cronbach_alpha(data)[0]:.6f}, "
              f"95% CI [{lo:.4f}, {hi:.4f}]")
        rows[0] = ("pingouin loop", t_pg)
    except ImportError:
        print("pingouin not installed: skipped")

    t_r_in = t_r_wall = None
    if shutil.which("Rscript"):
        with tempfile.TemporaryDirectory() as tmp:
            csv = Path(tmp) / "x.csv"
            script = Path(tmp) / "alpha.R"
            data.to_csv(csv, index=False)
            script.write_text(R_CODE)
            t0 = time.perf_counter()
            out = subprocess.run(["Rscript", str(script), str(csv), str(b)], capture_output=True, text=True)
            t_r_wall = time.perf_counter() - t0
        if out.returncode == 0:
            el, ra, lo, hi, cores = out.stdout.split()
            t_r_in = float(el)
            print(f"psych    alpha(n.iter={b}): {t_r_in * 1000:9.1f} ms inside R, {t_r_wall * 1000:9.1f} ms "
                  f"Rscript wall   alpha = {float(ra):.6f}, 95% CI [{float(lo):.4f}, {float(hi):.4f}] "
                  f"(mc.cores = {cores})")
        else:
            print("Rscript failed:", out.stderr.strip()[-300:])
            t_r_wall = None
    else:
        print("Rscript not on PATH: psych skipped")

    t_om, om = timed(lambda: mcdonald_omega(data, n_boot=b, seed=1), args.repeats)
    print(f"ours     omega bootstrap : {t_om * 1000:9.1f} ms   omega = {om.estimate:.6f}, "
          f"95% CI [{om.ci_low:.4f}, {om.ci_high:.4f}]")

    print("\nratios (peer time / our time; target >= 10 for alpha, omega bootstrap < 2 s):")
    if rows[0][1] is not None:
        print(f"  alpha vs pingouin loop      : {rows[0][1] / t_ours:8.1f} x")
    if t_r_in is not None:
        print(f"  alpha vs psych (inside R)   : {t_r_in / t_ours:8.1f} x")
        print(f"  alpha vs psych (Rscript wall): {t_r_wall / t_ours:8.1f} x")
    print(f"  omega bootstrap ({b})     : {t_om:.3f} s  -> {'meets' if t_om < 2 else 'misses'} the 2 s target")


if __name__ == "__main__":
    main()
