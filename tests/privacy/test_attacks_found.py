"""Attacks the kit's audit and the other privacy tests miss (red-team session s7).

Each test builds a data set with a planted small group, runs the kit's own outputs, plays the attacker who
sees only those outputs, and asserts the small group's value is NOT recoverable. A test marked
``xfail(strict=True)`` documents a leak that works on today's code (the reason says what leaks); an unmarked
test is an attack the kit withstood.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluation.data.responses import read_responses
from evaluation.reports.base import open_report
from evaluation.scoring import respondent_scores
from evaluation.simulate import simulate_round

K = 5


def _true_means(csv, by="unit"):
    rs = read_responses(str(csv), "dual_maturity")
    s = respondent_scores(rs)
    return s.groupby(rs.meta[by]).mean(), s.groupby(rs.meta[by]).count()


@pytest.fixture(scope="module")
def planted_units(tmp_path_factory):
    """Units Alfa 30, Beta 25, Gamma 20, Delta 3 (Gamma is hidden only by complementary suppression)."""
    tmp = tmp_path_factory.mktemp("units")
    sim = simulate_round("dual_maturity", seed=7, unit_sizes={"Alfa": 30, "Beta": 25, "Gamma": 20, "Delta": 3},
                         breakoff_rate=0.0, skip_rate=0.0)
    p = tmp / "d.csv"
    sim.data.to_csv(p, index=False)
    return tmp, p


def _quadratic_roots(f):
    xs = np.array([0.0, 50.0, 100.0])
    return np.real_if_close(np.roots(np.polyfit(xs, [f(x) for x in xs], 2)))


@pytest.mark.xfail(strict=True, reason=(
    "psychometrics research.aggregation publishes ms_between/df_between/df_within of the ANOVA over every unit "
    "with >= k scores, including a unit the round report hides by complementary suppression; with the round "
    "report's shown unit means the hidden unit's mean solves a quadratic, and total minus it gives the mean "
    "of the unit of 3 exactly (df_within + n_groups also gives away the left-out count)"))
def test_aggregation_anova_plus_round_units_recovers_hidden_unit(planted_units):
    """Round report + psychometrics report on the same export (both ordinary outputs of one round).

    Round report: Alfa (30) and Beta (25) shown; Gamma (20) hidden by complementary suppression; Delta (3)
    hidden. Psychometrics ``research.aggregation.dimensions[capability]``: ms_between, df_between=2,
    df_within=72 (so the ANOVA covers 75 scores in 3 units: Alfa, Beta and a unit of 75-55=20; and the
    left-out units hold 78-75=3 people). SSB = sum n_g (m_g - m)^2 with Gamma's mean the only unknown is a
    quadratic; the root with a non-negative within-SS for the rest (from the organisation's published sd)
    gives Gamma, and organisation total minus Alfa, Beta, Gamma gives Delta. Recovered on today's code:
    Delta capability 65.444 (true 65.444), legacy 55.000 (true 55.000), exact.
    """
    tmp, p = planted_units
    rnd = open_report("round", responses=str(p), instrument="dual_maturity", municipality="X",
                      round_label="2025", output_dir=str(tmp / "r")).results()["sections"]
    psy = open_report("psychometrics", responses=str(p), instrument="dual_maturity", group_column="unit",
                      n_boot=20, output_dir=str(tmp / "p")).results()["sections"]
    truth, _ = _true_means(p)
    agg = psy["research"]["aggregation"]
    assert agg["status"] == "shown"
    shown = {u["group"]: u for u in rnd["units"] if not u.get("suppressed")}
    assert "Delta" not in shown and "Gamma" not in shown
    recovered = {}
    for row in agg["dimensions"]:
        dim = row["dimension"]
        N = row["df_within"] + row["n_groups"]
        ssb, ssw = row["ms_between"] * row["df_between"], row["ms_within"] * row["df_within"]
        ns = [u["n"] for u in shown.values()]
        ms = [u[dim]["mean"] for u in shown.values()]
        n_g = N - sum(ns)
        if row["n_groups"] != len(shown) + 1 or n_g <= 0:
            continue

        def SSB(m):
            a, b = np.array(ns + [n_g]), np.array(ms + [m])
            return float((a * (b - (a * b).sum() / a.sum())) @ (b - (a * b).sum() / a.sum())) - ssb

        org = rnd["dimensions"][dim]
        n_tot, m_tot, sst = org["n"], org["mean"], (org["n"] - 1) * org["sd"] ** 2
        n_rest = n_tot - N
        for r in _quadratic_roots(SSB):
            if np.iscomplex(r):
                continue
            m_rest = (n_tot * m_tot - np.dot(ns, ms) - n_g * float(r)) / n_rest
            m_el = (n_tot * m_tot - n_rest * m_rest) / N
            ss_rest = sst - ssw - ssb - N * (m_el - m_tot) ** 2 - n_rest * (m_rest - m_tot) ** 2
            if 0 <= m_rest <= 100 and ss_rest >= -1e-6:
                recovered[dim] = m_rest
    assert 1 <= n_rest < K
    for dim, m in recovered.items():
        assert abs(m - truth.loc["Delta", dim]) > 2.0, f"Delta's {dim} mean recovered: {m:.3f} (true {truth.loc['Delta', dim]:.3f})"
