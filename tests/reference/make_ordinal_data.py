"""Make the two synthetic data sets behind tests/reference/{aggregation,ordinal,dif}.R.

Run from the repository root:  python tests/reference/make_ordinal_data.py
(writes tests/reference/ordinal_a.csv and ordinal_b.csv; committed, so the
tests and the R scripts read the same bytes).

Known structure (the truth the fits should find):

* ``ordinal_a``: 900 respondents, 12 items, 3 correlated factors
  (governance gov_1..4, capability cap_1..4, culture cul_1..4), loadings
  0.55-0.80, factor correlations 0.3-0.5; 6 municipalities with 5 units each
  (unit labels unique), a unit random intercept on every factor (SD 0.35)
  and a municipality one (SD 0.25); two rounds; in round 2026 the first
  threshold of ``cap_3`` is 0.5 lower and the loading of ``gov_4`` drops
  (non-invariance); role "Chef" answers ``cul_2`` one step higher on the
  latent scale (uniform DIF). About 3 % of answers are missing at random.
* ``ordinal_b``: 784 respondents, 8 items, 2 factors (lead_1..4, tech_1..4),
  skewed thresholds, units of very unequal size (1 to 90 respondents, so
  some units are too small for agreement), 5 % missing, invariant rounds,
  8 respondents without an overall score.

Each file has respondent_id, municipality, unit, role, round, the items
(1-6, NaN = don't know/skipped) and ``overall``: the kit's default score
(percent of max of the mean of answered items, missing below half answered).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent


def _make(seed, n, factors, loadings, phi, base_th, n_muni, units_per_muni, unit_sizes, roles,
          missing, sd_unit, sd_muni, round_changes=None, dif=None):
    rng = np.random.default_rng(seed)
    items = [it for f in factors for it in factors[f]]
    m = len(factors)
    # units and municipalities
    units, munis = [], []
    for i in range(n_muni):
        for j in range(units_per_muni):
            units.append(f"M{i + 1}-E{j + 1}")
            munis.append(f"Kommun {i + 1}")
    if unit_sizes is None:
        code = rng.integers(0, len(units), size=n)
    else:
        code = np.repeat(np.arange(len(units)), unit_sizes)[:n]
        n = len(code)
    unit = np.array(units)[code]
    muni = np.array(munis)[code]
    u_eff = rng.normal(scale=sd_unit, size=(len(units), m))
    m_eff = {mu: rng.normal(scale=sd_muni, size=m) for mu in dict.fromkeys(munis)}
    eta = rng.multivariate_normal(np.zeros(m), phi, size=n)
    eta += u_eff[code] + np.stack([m_eff[x] for x in muni])
    role = rng.choice(roles, size=n, p=[0.25, 0.5, 0.25])
    rnd = rng.choice([2025, 2026], size=n)
    data = {}
    for k, (f, its) in enumerate(factors.items()):
        for it in its:
            lam = np.full(n, loadings[it])
            th = np.tile(np.asarray(base_th[it], float), (n, 1))
            if round_changes and it in round_changes:
                ch = round_changes[it]
                later = rnd == 2026
                lam[later] = ch.get("loading", loadings[it])
                th[later, 0] += ch.get("t1", 0.0)
            ystar = lam * eta[:, k] + np.sqrt(1 - loadings[it] ** 2) * rng.normal(size=n)
            if dif and it in dif:
                ystar = ystar + dif[it] * (role == "Chef")
            data[it] = 1 + (ystar[:, None] > th).sum(axis=1).astype(float)
    x = pd.DataFrame(data)
    x = x.mask(rng.random(x.shape) < missing)
    answered = x.notna().mean(axis=1)
    overall = ((x.mean(axis=1) - 1) / 5 * 100).where(answered >= 0.5)
    out = pd.DataFrame({"respondent_id": [f"r{seed}-{i:04d}" for i in range(n)],
                        "municipality": muni, "unit": unit, "role": role, "round": rnd})
    return pd.concat([out, x, overall.rename("overall")], axis=1)


def main() -> None:
    fa = {"governance": [f"gov_{i}" for i in range(1, 5)],
          "capability": [f"cap_{i}" for i in range(1, 5)],
          "culture": [f"cul_{i}" for i in range(1, 5)]}
    lam_a = dict(zip([i for v in fa.values() for i in v],
                     [0.75, 0.7, 0.65, 0.6, 0.8, 0.7, 0.6, 0.55, 0.75, 0.7, 0.65, 0.6]))
    th_a = {it: np.array([-1.6, -0.9, -0.2, 0.5, 1.2]) + 0.1 * (k % 4 - 1.5)
            for k, it in enumerate(lam_a)}
    phi_a = np.array([[1, .45, .3], [.45, 1, .5], [.3, .5, 1]])
    a = _make(20261203, 900, fa, lam_a, phi_a, th_a, 6, 5, None, ["Chef", "Medarbetare", "Strateg"],
              0.03, 0.35, 0.25, round_changes={"cap_3": {"t1": -0.5}, "gov_4": {"loading": 0.35}},
              dif={"cul_2": 0.6})
    a.to_csv(HERE / "ordinal_a.csv", index=False)

    fb = {"leadership": [f"lead_{i}" for i in range(1, 5)],
          "technology": [f"tech_{i}" for i in range(1, 5)]}
    lam_b = dict(zip([i for v in fb.values() for i in v], [0.8, 0.75, 0.7, 0.5, 0.7, 0.65, 0.6, 0.75]))
    th_b = {it: np.array([-1.8, -1.2, -0.5, 0.2, 1.0]) - 0.15 * (k % 3) for k, it in enumerate(lam_b)}
    phi_b = np.array([[1, .55], [.55, 1]])
    sizes = [90, 70, 3, 1, 58, 80, 2, 45, 61, 38, 85, 4, 55, 72, 40, 50, 30]
    b = _make(20261204, sum(sizes), fb, lam_b, phi_b, th_b, 1, len(sizes), sizes,
              ["Chef", "Medarbetare", "Strateg"], 0.05, 0.4, 0.0)
    b["municipality"] = np.where(b["unit"].str.extract(r"E(\d+)")[0].astype(int) <= 8, "Kommun A", "Kommun B")
    # a few respondents without a score (fewer than half answered in the kit's scoring)
    b.loc[np.random.default_rng(5).choice(len(b), 8, replace=False), "overall"] = np.nan
    b.to_csv(HERE / "ordinal_b.csv", index=False)


if __name__ == "__main__":
    main()
