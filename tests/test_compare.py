"""Tests of evaluation.stats.agreement against R references and by construction.

Fixtures: tests/reference/compare.R wrote compare_inputs.csv (data) and
compare_reference.json (psych::cohen.kappa, psych::ICC, cor.test, and
hand-computed Feldt / Bland-Altman / SEM / SDC values, 15 significant digits).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from evaluation.stats import agreement as cmp
from evaluation.simulate.pairs import simulate_pairs

REF = Path(__file__).parent / "reference"
INPUTS = pd.read_csv(REF / "compare_inputs.csv")
R = json.loads((REF / "compare_reference.json").read_text())

# Closed forms computed in double precision on both sides; the JSON keeps 15
# significant digits, so 1e-9 absolute is tight yet safe (brief asks <= 1e-6).
TOL = 1e-9

KAPPA_COLUMNS = {"four_levels": ("ka", "kb"), "four_levels_90": ("ka", "kb"),
                 "one_rater_only": ("oa", "ob"), "quadrants": ("qa", "qb")}


@pytest.mark.parametrize("ref", R["kappa"], ids=lambda r: f"{r['case']}-{r['weights']}")
def test_kappa_equals_psych(ref):
    ca, cb = KAPPA_COLUMNS[ref["case"]]
    w = None if ref["weights"] == "none" else ref["weights"]
    res = cmp.agreement(INPUTS[ca], INPUTS[cb], weights=w, ci=ref["ci"])
    assert res.kappa == pytest.approx(ref["kappa"], abs=TOL)
    assert res.ci_low == pytest.approx(ref["ci_low"], abs=TOL)
    assert res.ci_high == pytest.approx(ref["ci_high"], abs=TOL)
    assert res.se**2 == pytest.approx(ref["var"], abs=TOL)
    assert res.percent_agreement == pytest.approx(ref["percent_agreement"], abs=TOL)
    assert [str(x) for x in res.confusion.index] == ref["levels"]
    np.testing.assert_array_equal(res.confusion.to_numpy(), np.array(ref["confusion"]))
    assert res.n == len(INPUTS)


def test_kappa_union_of_levels_has_empty_row_and_column():
    res = cmp.agreement(INPUTS["oa"], INPUTS["ob"])
    assert list(res.confusion.index) == [1, 2, 3, 4, 5]
    assert res.confusion.loc[5].sum() == 0  # A never says 5
    assert res.confusion[4].sum() == 0  # B never says 4


def test_kappa_explicit_levels_and_missing_pairs():
    a = pd.Series(["low", "mid", "high", None, "mid", "low"])
    b = pd.Series(["low", "high", "high", "mid", "mid", "mid"])
    res = cmp.agreement(a, b, levels=["low", "mid", "high"], weights="linear")
    assert res.n == 5
    assert list(res.confusion.index) == ["low", "mid", "high"]
    # perfect agreement gives kappa 1; a single category gives NaN, not an error
    assert cmp.agreement([1, 2, 3, 1], [1, 2, 3, 1]).kappa == pytest.approx(1.0)
    assert math.isnan(cmp.agreement([2, 2, 2], [2, 2, 2]).kappa)


def test_kappa_bad_arguments():
    with pytest.raises(ValueError, match="weights"):
        cmp.agreement([1, 2], [1, 2], weights="cubic")
    with pytest.raises(ValueError, match="paired by"):
        cmp.agreement([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="at least 2"):
        cmp.agreement([1, None], [1, 2])
    with pytest.raises(ValueError, match="not in levels"):
        cmp.agreement([1, 2, 7], [1, 2, 2], levels=[1, 2])


def test_icc_sem_sdc_equal_psych():
    ref = R["icc"]
    res = cmp.retest_reliability(INPUTS["x1"], INPUTS["x2"])
    for key in ["icc2", "icc2_low", "icc2_high", "icc3", "icc3_low", "icc3_high",
                "sd_pooled", "sem", "sdc"]:
        assert res[key] == pytest.approx(ref[key], abs=TOL), key


def test_retest_reliability_dataframes_and_errors():
    t1 = INPUTS[["x1", "y"]]
    t2 = INPUTS[["x2", "y"]].rename(columns={"x2": "x1"})
    t2["y"] += np.random.default_rng(1).normal(0, 1e-4, len(t2))  # nearly identical occasions
    tab = cmp.retest_reliability(t1, t2).table
    assert list(tab["score"]) == ["x1", "y"]
    assert tab.loc[0, "icc2"] == pytest.approx(R["icc"]["icc2"], abs=TOL)
    assert tab.loc[1, "icc2"] == pytest.approx(1.0, abs=1e-6)
    assert tab.loc[1, "sem"] < 1e-3
    with pytest.raises(ValueError, match="same scores"):
        cmp.retest_reliability(INPUTS[["x1", "y"]], INPUTS[["x2", "y"]])
    with pytest.raises(ValueError, match="paired by"):
        cmp.retest_reliability(INPUTS["x1"], INPUTS["x2"][:-1])
    with pytest.raises(ValueError, match="at least 3"):
        cmp.retest_reliability([1.0, 2.0, np.nan], [1.0, 2.5, 3.0])


def test_correlation_fisher_ci_and_disattenuation_equal_r():
    ref = R["correlation"]
    res = cmp.convergent_validity(INPUTS[["x1"]], INPUTS[["y"]],
                                  reliabilities={"x1": ref["rel_a"], "y": ref["rel_b"]})
    row = res.correlations.iloc[0]
    for key in ["r", "ci_low", "ci_high", "r_disattenuated", "ci_low_disattenuated",
                "ci_high_disattenuated"]:
        assert row[key] == pytest.approx(ref[key], abs=TOL), key
    row90 = cmp.convergent_validity(INPUTS["x1"], INPUTS["y"], ci=0.90).correlations.iloc[0]
    assert row90["ci_low"] == pytest.approx(ref["ci_low_90"], abs=TOL)
    assert row90["ci_high"] == pytest.approx(ref["ci_high_90"], abs=TOL)
    assert math.isnan(row90["r_disattenuated"])  # no reliabilities given


def test_mtmm_and_hypotheses():
    a = INPUTS[["x1", "x2"]]
    b = INPUTS[["y"]].assign(noise=np.random.default_rng(3).normal(size=len(INPUTS)))
    res = cmp.convergent_validity(
        a, b, reliabilities=({"x1": 0.8, "x2": 0.9}, {"y": 0.7}), names=("DMA", "PUB"),
        hypotheses=[{"a": "x1", "b": "y", "expected": "convergent", "min_r": 0.35},
                    ("x2", "noise", "discriminant"),
                    {"a": "x1", "b": "noise", "expected": "convergent", "min_r": 0.9}],
    )
    m = res.mtmm
    assert m.shape == (4, 4)
    assert m.loc[("DMA", "x1"), ("DMA", "x1")] == 0.8
    assert m.loc[("PUB", "y"), ("PUB", "y")] == 0.7
    assert math.isnan(m.loc[("PUB", "noise"), ("PUB", "noise")])
    r_x1_y = np.corrcoef(INPUTS["x1"], INPUTS["y"])[0, 1]
    assert m.loc[("DMA", "x1"), ("PUB", "y")] == pytest.approx(r_x1_y, abs=1e-12)
    assert 0.35 < r_x1_y < 0.5  # confirmed only through its own min_r
    assert res.hypotheses["confirmed"].tolist() == [True, True, False]
    assert res.share_confirmed == pytest.approx(2 / 3)
    assert res.verdict == cmp.MINUS  # 67 % < 75 %
    with pytest.raises(ValueError, match="not there"):
        cmp.convergent_validity(a, b, hypotheses=[("x1", "zzz", "convergent")])
    with pytest.raises(ValueError, match="convergent' or 'discriminant"):
        cmp.convergent_validity(a, b, hypotheses=[("x1", "y", "similar")])


def test_convergent_validity_errors():
    with pytest.raises(ValueError, match="paired by"):
        cmp.convergent_validity(INPUTS["x1"], INPUTS["y"][:10])
    with pytest.raises(ValueError, match="at least 4"):
        cmp.convergent_validity([1.0, 2, 3], [2.0, 1, 3])
    with pytest.raises(ValueError, match="reliability must lie"):
        cmp.convergent_validity(INPUTS["x1"], INPUTS["y"], reliabilities={"x1": 1.5})
    with pytest.raises(ValueError, match="ci must be"):
        cmp.convergent_validity(INPUTS["x1"], INPUTS["y"], ci=95)


@pytest.mark.parametrize("method", ["approximate", "exact"])
def test_bland_altman_equals_formula(method):
    ref = R["bland_altman"]
    res = cmp.bland_altman(INPUTS["x1"].to_numpy(), INPUTS["x2"].to_list(), method=method)
    assert res.bias == pytest.approx(ref["bias"], abs=TOL)
    assert res.sd_diff == pytest.approx(ref["sd_diff"], abs=TOL)
    np.testing.assert_allclose(res.bias_ci, ref["bias_ci"], atol=TOL, rtol=0)
    assert res.loa_low == pytest.approx(ref["loa_low"], abs=TOL)
    assert res.loa_high == pytest.approx(ref["loa_high"], abs=TOL)
    prefix = "approx" if method == "approximate" else "exact"
    # exact limits use scipy's / R's non-central t quantile (iterative): 1e-6
    tol = TOL if method == "approximate" else 1e-6
    np.testing.assert_allclose(res.loa_low_ci, ref[f"{prefix}_loa_low_ci"], atol=tol, rtol=0)
    np.testing.assert_allclose(res.loa_high_ci, ref[f"{prefix}_loa_high_ci"], atol=tol, rtol=0)
    assert res.to_frame().shape == (3, 3)


def test_bland_altman_figure_and_errors():
    res = cmp.bland_altman(INPUTS["x1"], INPUTS["x2"])
    from evaluation.plots.agreement import bland_altman_plot

    pts = cmp.binned_means(res.means, res.differences, min_count=5)
    assert (pts["n"] >= 5).all() and pts["n"].sum() == res.n  # every point is a group, nobody is left out
    assert pts["y"].mean() == pytest.approx(res.bias, abs=0.5)
    fig = bland_altman_plot(res, pts, xlabel="Mean of the two measurements", ylabel="d", bias_label="b",
                            loa_label="l", points_label="p")
    assert isinstance(fig, matplotlib.figure.Figure)
    assert fig.axes[0].get_xlabel() == "Mean of the two measurements"
    matplotlib.pyplot.close(fig)
    with pytest.raises(ValueError, match="method"):
        cmp.bland_altman([1, 2, 3], [1, 2, 3], method="bootstrap")
    with pytest.raises(ValueError, match="paired by"):
        cmp.bland_altman([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="at least 3"):
        cmp.bland_altman([1, 2, np.nan], [1, 2, 3])


@pytest.mark.parametrize("ref", R["feldt"]["independent"], ids=lambda r: f"ind-{r['n_1']}")
def test_feldt_independent(ref):
    res = cmp.compare_alphas(ref["alpha_1"], ref["alpha_2"], n_1=ref["n_1"], n_2=ref["n_2"])
    assert res.design == "independent"
    assert res.statistic == pytest.approx(ref["statistic"], abs=TOL)
    assert res.p_value == pytest.approx(ref["p_value"], abs=TOL)
    assert res.df == (ref["n_1"] - 1, ref["n_2"] - 1)


@pytest.mark.parametrize("ref", R["feldt"]["dependent"], ids=lambda r: f"dep-{r['n_1']}")
def test_feldt_dependent(ref):
    res = cmp.compare_alphas(ref["alpha_1"], ref["alpha_2"], n_1=ref["n_1"], r=ref["r"])
    assert res.design == "dependent"
    assert res.statistic == pytest.approx(ref["statistic"], abs=TOL)
    assert res.p_value == pytest.approx(ref["p_value"], abs=TOL)
    assert res.df == (ref["n_1"] - 2,)


def test_feldt_errors():
    with pytest.raises(ValueError, match="n_2"):
        cmp.compare_alphas(0.8, 0.7, n_1=50)
    with pytest.raises(ValueError, match="below 1"):
        cmp.compare_alphas(1.0, 0.7, n_1=50, n_2=50)
    with pytest.raises(ValueError, match="between -1 and 1"):
        cmp.compare_alphas(0.8, 0.7, n_1=50, r=1.0)


def test_cosmin_summary_ratings():
    t = cmp.cosmin_summary(cfi=0.90, rmsea=0.09, srmr=0.10, alphas={"a": 0.9},
                           icc=0.65, sdc=12, mic=10, hypotheses_share=0.75,
                           n_hypotheses=8, max_dif_r2=0.03)
    assert t.loc["structural_validity", "rating"] == cmp.MINUS
    assert t.loc["internal_consistency", "rating"] == "?"  # structure not sufficient
    assert t.loc["reliability", "rating"] == cmp.MINUS
    assert t.loc["measurement_error", "rating"] == cmp.MINUS
    assert t.loc["hypotheses_testing", "rating"] == "+"  # exactly 75 % is enough
    assert t.loc["cross_group_invariance", "rating"] == cmp.MINUS
    assert t.loc["measurement_error", "values"] == {"sdc": 12.0, "mic": 10.0}
    # COSMIN's rule: one good index is enough; fit_rule="all" is stricter
    good_one = dict(cfi=0.96, rmsea=0.09, srmr=0.10, alphas={"a": 0.72, "b": 0.69})
    t2 = cmp.cosmin_summary(**good_one)
    assert t2.loc["structural_validity", "rating"] == "+"
    assert t2.loc["internal_consistency", "rating"] == cmp.MINUS  # b < 0.70
    assert cmp.cosmin_summary(**good_one, fit_rule="all").loc[
        "structural_validity", "rating"] == cmp.MINUS
    assert cmp.cosmin_summary(cfi=0.97, fit_rule="all").loc["structural_validity", "rating"] == "?"
    empty = cmp.cosmin_summary()
    assert set(empty["rating"]) == {"?"}
    from evaluation.text.comparison import cosmin_label

    assert cosmin_label("reliability", "sv") == "Reliabilitet"  # the words live in text/
    inv = cmp.cosmin_summary(invariance=True, loa=4.0, mic=5.0)
    assert inv.loc["cross_group_invariance", "rating"] == "+"
    # the DIF verdict (R² and p together) decides over a large but non-significant R²
    assert cmp.cosmin_summary(invariance=True, max_dif_r2=0.03).loc[
        "cross_group_invariance", "rating"] == "+"
    assert cmp.cosmin_summary(invariance=False).loc["cross_group_invariance", "rating"] == cmp.MINUS
    assert inv.loc["measurement_error", "rating"] == "+"
    # the cut-offs are criteria.py's: CFI = 0.95 passes here as in every report
    assert cmp.cosmin_summary(cfi=0.95, rmsea=0.09, srmr=0.10).loc["structural_validity", "rating"] == "+"


def test_simulate_pairs_truth_and_retest():
    sim = simulate_pairs(n=4000, seed=5, cross={("a_capability", "b_readiness"): 0.7},
                         stability=0.8)
    lat1, lat2 = sim.truth["latent_t1"], sim.truth["latent_t2"]
    emp = lat1.corr().loc[("A", "a_capability"), ("B", "b_readiness")]
    assert emp == pytest.approx(0.7, abs=0.03)  # SE ~ 0.008 at n = 4000
    stab = np.corrcoef(lat1[("A", "a_legacy")], lat2[("A", "a_legacy")])[0, 1]
    assert stab == pytest.approx(0.8, abs=0.03)
    codes = sim.data_b.drop(columns="respondent_id").to_numpy()
    assert codes.min() == 1 and codes.max() == 5
    again = simulate_pairs(n=4000, seed=5, cross={("a_capability", "b_readiness"): 0.7},
                           stability=0.8)
    pd.testing.assert_frame_equal(sim.retest_a, again.retest_a)
    with pytest.raises(ValueError, match="positive-definite"):
        simulate_pairs(within_a=0.9, cross_default=0.95)
    with pytest.raises(ValueError, match="constructs of A"):
        simulate_pairs(cross={("nope", "b_data"): 0.5})


def test_disattenuated_correlation_recovers_truth_on_simulated_data():
    sim = simulate_pairs(n=2000, seed=11, cross={("a_capability", "b_readiness"): 0.7})
    t = sim.truth

    def alpha(df):
        k = df.shape[1]
        return k / (k - 1) * (1 - df.var(ddof=1).sum() / df.sum(axis=1).var(ddof=1))

    sa = pd.DataFrame({c: sim.data_a[i].mean(axis=1) for c, i in t["constructs_a"].items()})
    sb = pd.DataFrame({c: sim.data_b[i].mean(axis=1) for c, i in t["constructs_b"].items()})
    rel = {c: alpha(sim.data_a[i]) for c, i in t["constructs_a"].items()}
    rel |= {c: alpha(sim.data_b[i]) for c, i in t["constructs_b"].items()}
    res = cmp.convergent_validity(sa, sb, reliabilities=rel).correlations
    row = res.set_index(["a", "b"]).loc[("a_capability", "b_readiness")]
    assert row["r"] < 0.62  # attenuated
    assert row["r_disattenuated"] == pytest.approx(0.7, abs=0.05)
