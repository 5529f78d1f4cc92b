"""Coverage and bias of evaluation.stats.effects on simulated before/after data.

For each design, data with a known planted effect are simulated over many
seeds; we count how often the 95 % confidence interval covers the truth
(target 93-97 %) and the mean error of the estimate (bias). The Monte-Carlo
standard error of a coverage near 95 % with S seeds is sqrt(.95 * .05 / S).

Run:  .venv/bin/python benchmarks/bench_effects_coverage.py [--seeds 400]

Designs (scores on a 0-100 scale, true change DELTA = 5 points):
  paired            40 respondents in both rounds, SD 15, pre-post r = 0.6
  independent       50 before, 40 after, nobody linked, SD 15
  partially_paired  30 linked + 15 only before + 10 only after, r = 0.6
  did_mixed         12 units (6 took part) x 15 respondents, both rounds, 10 %
                    answers missing; unit SD 3, respondent SD 5, residual SD 6;
                    REML mixed model, Wald interval
  did_ols           same data; OLS, CR1 and the wild cluster bootstrap (WCR,
                    Webb weights, B = 999) because there are only 12 clusters
Peer, same data and run: statsmodels MixedLM (groups = unit, respondents as a
variance component, REML) with its own standard error; fits that raise are
counted. The time ratio is peer seconds / ours.
Effect sizes: d_z (true 5 / (15 sqrt(2 (1 - .6)))), d_av and Hedges g (true 5 / 15).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from evaluation.stats.did import difference_in_differences  # noqa: E402
from evaluation.stats.effects import prepost  # noqa: E402

DELTA, SD, R = 5.0, 15.0, 0.6


def sim_linked(rng: np.random.Generator, n_pair: int, n_pre_only: int, n_post_only: int) -> pd.DataFrame:
    """Long data: persons with a stable level (share R of the variance) plus occasion noise."""
    rows = []
    stable, noise = SD * np.sqrt(R), SD * np.sqrt(1 - R)
    for i in range(n_pair):
        u = rng.normal(0, stable)
        rows.append(("p%d" % i, "pre", 50 + u + rng.normal(0, noise)))
        rows.append(("p%d" % i, "post", 50 + DELTA + u + rng.normal(0, noise)))
    for i in range(n_pre_only):
        rows.append(("a%d" % i, "pre", rng.normal(50, SD)))
    for i in range(n_post_only):
        rows.append(("b%d" % i, "post", rng.normal(50 + DELTA, SD)))
    return pd.DataFrame(rows, columns=["id", "round", "score"])


def sim_did(rng: np.random.Generator, G: int = 12, m: int = 15, miss: float = 0.1) -> pd.DataFrame:
    rows = []
    for g in range(G):
        treated = int(g < G // 2)
        u = rng.normal(0, 3)
        for s in range(m):
            v = rng.normal(0, 5)
            for t in (0, 1):
                if rng.random() < miss:
                    continue
                y = 50 + u + v + 2 * t + 1 * treated + DELTA * t * treated + rng.normal(0, 6)
                rows.append((f"u{g}", f"u{g}-{s}", ("pre", "post")[t], treated, y))
    return pd.DataFrame(rows, columns=["unit", "id", "round", "took_part", "score"])


def summarise(name: str, est: list[float], lo: list[float], hi: list[float], truth: float, secs: float) -> dict:
    est, lo, hi = map(np.asarray, (est, lo, hi))
    cov = float(np.mean((lo <= truth) & (truth <= hi)))
    return {"design / quantity": name, "seeds": len(est), "coverage_%": 100 * cov,
            "mc_se_%": 100 * np.sqrt(cov * (1 - cov) / len(est)), "bias": float(np.mean(est - truth)),
            "rel_bias_%": 100 * float(np.mean(est - truth)) / truth, "mean_width": float(np.mean(hi - lo)),
            "sec_per_fit": secs / len(est)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=400)
    ap.add_argument("--boot", type=int, default=999)
    args = ap.parse_args()
    S = args.seeds
    out = []
    dz_true = DELTA / (SD * np.sqrt(2 * (1 - R)))
    d_true = DELTA / SD

    for design, sizes in (("paired", (40, 0, 0)), ("independent", (0, 50, 40)),
                          ("partially_paired", (30, 15, 10))):
        acc = {k: ([], [], []) for k in ("diff", "d_z", "d_av", "hedges_g")}
        t0 = time.perf_counter()
        for seed in range(S):
            rng = np.random.default_rng(10_000 + seed)
            df = sim_linked(rng, *sizes)
            res = prepost(df, score="score", time="round", subject="id")
            assert res.design == design, (res.design, design)
            for k, v in zip(acc["diff"], (res.diff, res.ci_low, res.ci_high)):
                k.append(v)
            for es, row in res.effect_sizes.iterrows():
                for k, v in zip(acc[es], (row["estimate"], row["ci_low"], row["ci_high"])):
                    k.append(v)
        secs = time.perf_counter() - t0
        out.append(summarise(f"{design}: diff ({res.test})", *acc["diff"], DELTA, secs))
        truths = {"d_z": dz_true, "d_av": d_true, "hedges_g": d_true}
        for es in ("d_z", "d_av", "hedges_g"):
            if acc[es][0]:
                method = res.effect_sizes.loc[es, "ci_method"]
                out.append(summarise(f"{design}: {es} ({method})", *acc[es], truths[es], secs))

    import warnings

    import statsmodels.formula.api as smf
    from scipy import stats as sps

    peer = ([], [], [])
    peer_fail = 0
    t_peer = 0.0
    mixed = ([], [], [])
    ols_boot = ([], [], [])
    ols_cr1 = ([], [], [])
    t_mixed = t_ols = 0.0
    for seed in range(S):
        rng = np.random.default_rng(20_000 + seed)
        df = sim_did(rng)
        t0 = time.perf_counter()
        rm = difference_in_differences(df, score="score", time="round", group="took_part",
                                       cluster="unit", subject="id", method="mixed")
        t1 = time.perf_counter()
        ro = difference_in_differences(df, score="score", time="round", group="took_part",
                                       cluster="unit", method="ols", n_boot=args.boot, seed=seed)
        t2 = time.perf_counter()
        t_mixed += t1 - t0
        t_ols += t2 - t1
        d = df.assign(post=(df["round"] == "post").astype(float), treated=df["took_part"].astype(float))
        t3 = time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                f = smf.mixedlm("score ~ post * treated", d, groups="unit", re_formula="1",
                                vc_formula={"id": "0 + C(id)"}).fit(reml=True, method=["lbfgs"])
            b, se = float(f.fe_params["post:treated"]), float(f.bse_fe["post:treated"])
            z = sps.norm.ppf(0.975)
            for k, v in zip(peer, (b, b - z * se, b + z * se)):
                k.append(v)
        except Exception:  # noqa: BLE001 - counted and reported
            peer_fail += 1
        t_peer += time.perf_counter() - t3
        for k, v in zip(mixed, (rm.estimate, rm.ci_low, rm.ci_high)):
            k.append(v)
        for k, v in zip(ols_boot, (ro.estimate, ro.ci_low, ro.ci_high)):
            k.append(v)
        for k, v in zip(ols_cr1, (ro.estimate, ro.cr1_ci_low, ro.cr1_ci_high)):
            k.append(v)
    out.append(summarise("did_mixed: REML, Wald z", *mixed, DELTA, t_mixed))
    if peer[0]:
        out.append(summarise(f"peer statsmodels MixedLM, Wald z ({peer_fail} fits failed)", *peer, DELTA, t_peer))
    out.append(summarise(f"did_ols: wild cluster bootstrap WCR (B={args.boot})", *ols_boot, DELTA, t_ols))
    out.append(summarise("did_ols: CR1, t(G-1) (same fits)", *ols_cr1, DELTA, t_ols))

    tab = pd.DataFrame(out).set_index("design / quantity")
    with pd.option_context("display.width", 250, "display.max_columns", 20, "display.max_colwidth", 80,
                           "display.float_format", "{:.3f}".format):
        print(tab.to_string())
    print(f"\nTime ratio statsmodels MixedLM / ours (mixed DiD): {t_peer / t_mixed:.2f}")
    print(f"\nMonte-Carlo SE of a 95 % coverage with {S} seeds: {100 * np.sqrt(.95 * .05 / S):.2f} points")


if __name__ == "__main__":
    main()
