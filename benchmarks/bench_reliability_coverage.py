"""Coverage of the reliability intervals by simulation (500 seeds by default).

Run:  .venv/bin/python benchmarks/bench_reliability_coverage.py [--seeds 500] [--n-boot 1000] [--n 300]

Data: k = 8 items from one factor, loadings 0.45 .. 0.80 (congeneric, so the
population alpha is below omega), n respondents per data set. Scenarios:

* ``normal``        continuous normal items;
* ``likert5``       the same latent responses cut into five ordered categories
                    (thresholds -1.8, -1.0, -0.2, 0.8: skewed, as maturity items are);
* ``likert5_mcar``  likert5 with 10 % of answers missing completely at random
                    (alpha pairwise, omega on the complete respondents).

Known population values: for ``normal`` alpha and omega follow from the
loadings; for the Likert scenarios the population covariance matrix of the
categorised items is computed exactly from bivariate normal cell
probabilities, population alpha from it, and the population omega is the
one-factor ML fit to it (the value omega estimates consistently).

Intervals: Feldt (alpha), percentile bootstrap and BCa bootstrap (alpha and
omega; the same resamples for both, seed = data seed).

Printed per scenario and interval: coverage of the nominal 95 % interval
(Monte Carlo SE about 1 percentage point at 500 seeds), how often the true
value fell below / above the interval, and the mean width.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from evaluation import reliability as rel  # noqa: E402
from evaluation.stats.reliability import cronbach_alpha, mcdonald_omega  # noqa: E402

K = 8
LAMBDA = np.linspace(0.45, 0.80, K)
CUTS = np.array([-1.8, -1.0, -0.2, 0.8])


def population_values() -> dict[str, tuple[float, float]]:
    out = {}
    sigma = np.outer(LAMBDA, LAMBDA) + np.diag(1 - LAMBDA**2)
    out["normal"] = (float(rel._alpha_from_cov(sigma)),
                     float(LAMBDA.sum() ** 2 / (LAMBDA.sum() ** 2 + (1 - LAMBDA**2).sum())))
    cuts = np.concatenate([[-np.inf], CUTS, [np.inf]])
    cats = np.arange(1, len(cuts))
    p_marg = np.diff(rel.special.ndtr(cuts))
    mu = (cats * p_marg).sum()
    var = (cats**2 * p_marg).sum() - mu**2
    cov = np.full((K, K), var)
    for i in range(K):
        for j in range(i + 1, K):
            f = rel._bvn_cdf(cuts[:, None], cuts[None, :], LAMBDA[i] * LAMBDA[j])
            cell = f[1:, 1:] - f[:-1, 1:] - f[1:, :-1] + f[:-1, :-1]
            cov[i, j] = cov[j, i] = (np.outer(cats, cats) * cell).sum() - mu**2
    lam, th = rel._fit_one_factor(cov)
    out["likert5"] = out["likert5_mcar"] = (float(rel._alpha_from_cov(cov)),
                                           float(rel._omega_from(lam, th)))
    return out


def simulate(scenario: str, n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y = rng.normal(size=(n, 1)) * LAMBDA + rng.normal(size=(n, K)) * np.sqrt(1 - LAMBDA**2)
    if scenario != "normal":
        y = (np.digitize(y, CUTS) + 1).astype(float)
        if scenario == "likert5_mcar":
            y[rng.random(y.shape) < 0.10] = np.nan
    return pd.DataFrame(y, columns=[f"q{j + 1}" for j in range(K)])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=500)
    ap.add_argument("--n-boot", type=int, default=1000)
    ap.add_argument("--n", type=int, default=300)
    args = ap.parse_args()
    truth = population_values()
    print(f"{args.seeds} seeds, n = {args.n}, k = {K}, {args.n_boot} bootstrap resamples, nominal 95 %\n")
    rows = []
    for scen in ["normal", "likert5", "likert5_mcar"]:
        a_true, o_true = truth[scen]
        t0 = time.perf_counter()
        recs = {"alpha feldt": [], "alpha bootstrap": [], "alpha bca": [],
                "omega bootstrap": [], "omega bca": []}
        for s in range(args.seeds):
            d = simulate(scen, args.n, s)
            f = cronbach_alpha(d, ci_method="feldt")
            b = cronbach_alpha(d, ci_method="bootstrap", n_boot=args.n_boot, seed=s)
            ba = cronbach_alpha(d, ci_method="bca", n_boot=args.n_boot, seed=s)
            o = mcdonald_omega(d, n_boot=args.n_boot, seed=s)
            ob = mcdonald_omega(d, ci_method="bca", n_boot=args.n_boot, seed=s)
            recs["alpha feldt"].append((f.ci_low, f.ci_high, a_true))
            recs["alpha bootstrap"].append((b.ci_low, b.ci_high, a_true))
            recs["alpha bca"].append((ba.ci_low, ba.ci_high, a_true))
            recs["omega bootstrap"].append((o.ci_low, o.ci_high, o_true))
            recs["omega bca"].append((ob.ci_low, ob.ci_high, o_true))
        secs = time.perf_counter() - t0
        for name, vals in recs.items():
            v = np.array(vals)
            lo, hi, tr = v[:, 0], v[:, 1], v[:, 2]
            rows.append({"scenario": scen, "interval": name, "true": tr[0],
                         "coverage": np.mean((lo <= tr) & (tr <= hi)),
                         "true_below": np.mean(tr < lo), "true_above": np.mean(tr > hi),
                         "mean_width": np.mean(hi - lo)})
        print(f"{scen}: population alpha = {a_true:.4f}, omega = {o_true:.4f}  ({secs:.0f} s)")
    tab = pd.DataFrame(rows)
    with pd.option_context("display.width", 120, "display.precision", 4):
        print()
        print(tab.to_string(index=False))


if __name__ == "__main__":
    main()
