"""Speed and agreement of evaluation.stats.structure against lavaan and semopy.

One run, same data for every peer:

* ``hs1939``: lavaan's HolzingerSwineford1939, the 3-factor model (n = 301);
* ``dual30``: a simulated dual_maturity round, 30 items x 400 respondents,
  the instrument's 6-category model (:func:`instrument_structure`), complete
  data, and the same round with "don't know"/skipped answers fitted with
  missing="ml" (FIML);
* invariance (configural + metric + scalar) of the HS model across schools.

Peers: lavaan 0.6 through ``Rscript`` (timed inside R with ``system.time``
over repeated fits, so R's start-up is not counted) when Rscript and lavaan are
present; semopy 2.3.11 (``Model.fit`` + ``calc_stats``) for the single-group
complete-data fits (it has no SRMR, no RMSEA interval, no FIML-with-listwise
choice and no constrained multi-group models).

Printed: seconds per fit for each tool, the ratio peer / ours, and the largest
absolute difference of chisq, CFI, TLI, RMSEA, SRMR from lavaan (and of
semopy's from lavaan), so the agreement claims in the tests are seen on a
30-item model too.

Run: .venv/bin/python benchmarks/bench_structure.py [--reps 5]

Measured (2-core machine shared with other jobs, load ~6, --reps 5), seconds
per fit, ours / lavaan / semopy:  hs1939 0.067 / 0.139 / 0.279;  dual30 0.103 /
0.199 / 5.95;  dual30 FIML 3.27 / 20.7 / -;  HS invariance (3 fits) 0.268 /
0.646 / -.  Largest |ours - lavaan| over chisq, CFI, TLI, RMSEA, SRMR: 2e-7.
semopy - lavaan: chisq +2e-4 (HS), +3e-4 (dual30); RMSEA +1.5e-4 (HS, N-1).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.stats.structure import _instrument_model, cfa, measurement_invariance

ROOT = Path(__file__).resolve().parents[1]
HS_MODEL = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
KEYS = ["chisq", "cfi", "tli", "rmsea", "srmr"]


def timed(fn, reps):
    out = fn()
    t = time.perf_counter()
    for _ in range(reps):
        fn()
    return out, (time.perf_counter() - t) / reps


def lavaan_run(cases: dict, reps: int) -> dict | None:
    if shutil.which("Rscript") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        lines = ["suppressPackageStartupMessages(library(lavaan))", "out <- list()"]
        for name, c in cases.items():
            path = tmp / f"{name}.csv"
            c["data"].to_csv(path, index=False, na_rep="")
            args = f"data = d, missing = '{c.get('missing', 'listwise')}'"
            lines += [f"d <- read.csv('{path}')", f"m <- {json.dumps(c['model'])}"]
            if c.get("group"):
                g = c["group"]
                lines += [
                    f"fit <- function() list(cfa(m, {args}, group = '{g}'),"
                    f" cfa(m, {args}, group = '{g}', group.equal = 'loadings'),"
                    f" cfa(m, {args}, group = '{g}', group.equal = c('loadings', 'intercepts')))",
                    "f <- fit()",
                    "fm <- sapply(f, function(x) fitMeasures(x, c('chisq','cfi','tli','rmsea','srmr')))",
                    "fm <- as.list(as.data.frame(t(fm)))",
                ]
            else:
                lines += [f"fit <- function() cfa(m, {args})", "f <- fit()",
                          "fm <- as.list(unclass(fitMeasures(f, c('chisq','cfi','tli','rmsea','srmr'))))"]
            lines += [f"tm <- system.time(for (i in 1:{reps}) fit())[['elapsed']] / {reps}",
                      f"out[['{name}']] <- list(fit = unclass(fm), seconds = tm)"]
        lines.append(f"jsonlite::write_json(out, '{tmp / 'out.json'}', digits = NA, auto_unbox = TRUE)")
        script = tmp / "bench.R"
        script.write_text("\n".join(lines))
        proc = subprocess.run(["Rscript", str(script)], capture_output=True, text=True)
        if proc.returncode != 0:
            print("lavaan run failed:", proc.stderr[-500:])
            return None
        return json.loads((tmp / "out.json").read_text())


def semopy_fit(data: pd.DataFrame, model: str):
    import semopy

    m = semopy.Model(model)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m.fit(data, obj="MLW")
        st = semopy.calc_stats(m).T["Value"]
    return {"chisq": st["chi2"], "cfi": st["CFI"], "tli": st["TLI"], "rmsea": st["RMSEA"],
            "srmr": np.nan}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()

    from evaluation.data.instruments import load_instrument
    from evaluation.data.responses import read_responses
    from evaluation.simulate import simulate_round

    # simulate_round draws one latent per dimension, so the category factors of
    # a dimension correlate ~1 and the fit warns (non-positive-definite factor
    # covariance); the timing and the agreement with lavaan are unaffected.
    warnings.simplefilter("ignore", RuntimeWarning)
    inst = load_instrument("dual_maturity")
    model30, items = _instrument_model(inst, "category")
    clean = simulate_round(inst, n=400, seed=11, dont_know_rate=0.0, skip_rate=0.0,
                           breakoff_rate=0.0)
    dual = read_responses(clean.data, inst).scored()[items]
    gappy = read_responses(simulate_round(inst, n=400, seed=11).data, inst).scored()[items]
    hs = pd.read_csv(ROOT / "tests" / "reference" / "structure_hs1939.csv")

    cases = {
        "hs1939": {"data": hs[[f"x{i}" for i in range(1, 10)]], "model": HS_MODEL},
        "dual30": {"data": dual, "model": model30},
        "dual30_fiml": {"data": gappy, "model": model30, "missing": "ml"},
        "hs_invariance": {"data": hs[[f"x{i}" for i in range(1, 10)] + ["school"]],
                          "model": HS_MODEL, "group": "school"},
    }
    print(f"gappy round: {gappy.notna().all(axis=1).sum()} of {len(gappy)} respondents complete "
          f"(listwise would keep only those)")
    lav = lavaan_run(cases, args.reps)
    rows = []
    for name, c in cases.items():
        if c.get("group"):
            ours, t_ours = timed(lambda: measurement_invariance(c["data"], c["model"], c["group"]),
                                 args.reps)
            ours_fit = {k: ours[k].to_numpy() for k in KEYS}
        else:
            res, t_ours = timed(lambda: cfa(c["data"], c["model"], missing=c.get("missing", "listwise")),
                                args.reps)
            ours_fit = {k: np.array([getattr(res, k)]) for k in KEYS}
        row = {"case": name, "ours_s": t_ours}
        if lav is not None:
            lf = lav[name]["fit"]
            row["lavaan_s"] = lav[name]["seconds"]
            row["lavaan/ours"] = row["lavaan_s"] / t_ours
            diffs = [np.max(np.abs(ours_fit[k] - np.ravel(np.array(lf[k], dtype=float))))
                     for k in KEYS]
            row["max|ours-lavaan|"] = max(diffs)
        if not c.get("group") and c.get("missing") is None:
            sem, t_sem = timed(lambda: semopy_fit(c["data"], c["model"]), args.reps)
            row["semopy_s"] = t_sem
            row["semopy/ours"] = t_sem / t_ours
            if lav is not None:
                lf = lav[name]["fit"]
                row["semopy chisq-lavaan"] = sem["chisq"] - lf["chisq"]
                row["semopy rmsea-lavaan"] = sem["rmsea"] - lf["rmsea"]
        rows.append(row)
    pd.set_option("display.width", 200)
    print(pd.DataFrame(rows).set_index("case").to_string(float_format=lambda v: f"{v:.3g}"))


if __name__ == "__main__":
    main()
