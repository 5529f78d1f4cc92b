"""Tests for evaluation.stats.effects against R fixtures (tests/reference/effects.R) and by hand."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from evaluation.stats.did import difference_in_differences
from evaluation.stats.effects import prepost, then_test
from evaluation.stats.power import minimum_detectable_effect, power

REF = Path(__file__).parent / "reference"
R = json.loads((REF / "effects_results.json").read_text())

# Closed forms (t-tests, CR1, power): the only error is floating point -> 1e-8.
CLOSED = 1e-8
# Root finding on the noncentral t (scipy nct vs R pt(ncp=)), both solved to
# ~1e-12; measured agreement ~3e-12. R warns that pnt may lose precision in the
# far tail while bracketing, so allow 1e-9.
NCT = 1e-9
# REML: own profiled-deviance optimiser vs lme4/bobyqa; measured agreement
# ~2e-7 on the fixed effect and its SE, 2e-11 on the REML criterion. The
# contract asks 1e-4; we test 1e-6 so a real regression shows.
REML = 1e-6


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(REF / name)


# --------------------------------------------------------------------------
# prepost
# --------------------------------------------------------------------------
def test_paired_matches_r():
    ref = R["paired"]
    res = prepost(read("effects_paired.csv"), score="score", time="round", subject="id")
    assert res.design == "paired" and res.n_pairs == 25 and res.test == "paired t"
    for key in ("diff", "statistic", "df", "pvalue", "ci_low", "ci_high"):
        assert getattr(res, key) == pytest.approx(ref[key], abs=CLOSED, rel=CLOSED), key
    # ties in the differences: both use the normal approximation with continuity correction
    assert res.nonparametric_pvalue == pytest.approx(ref["wilcoxon_p"], rel=1e-6)
    es = res.effect_sizes
    assert list(es.index) == ["d_z", "d_av"]
    assert es.loc["d_z", "estimate"] == pytest.approx(ref["d_z"], rel=CLOSED)
    assert es.loc["d_z", ["ci_low", "ci_high"]].tolist() == pytest.approx(ref["d_z_ci"], abs=NCT)
    assert es.loc["d_z", "ci_method"] == "noncentral t"
    assert es.loc["d_av", "estimate"] == pytest.approx(ref["d_av"], rel=CLOSED)
    assert es.loc["d_av", ["ci_low", "ci_high"]].tolist() == pytest.approx(ref["d_av_ci"], abs=CLOSED)
    assert "approximation" in es.loc["d_av", "ci_method"]


def test_paired_small_exact_wilcoxon_and_01_time():
    ref = R["paired_small"]
    res = prepost(read("effects_paired_small.csv"), score="score", time="round", subject="id")
    assert res.design == "paired"
    for key in ("diff", "statistic", "df", "pvalue", "ci_low", "ci_high"):
        assert getattr(res, key) == pytest.approx(ref[key], rel=CLOSED), key
    assert res.nonparametric_pvalue == pytest.approx(ref["wilcoxon_p"], rel=1e-9)  # exact distribution
    assert res.effect_sizes.loc["d_z", ["ci_low", "ci_high"]].tolist() == pytest.approx(ref["d_z_ci"], abs=NCT)


def test_independent_welch_matches_r():
    ref = R["independent"]
    res = prepost(read("effects_independent.csv"), score="score", time="round", pre="fore", post="efter")
    assert res.design == "independent" and res.test == "Welch t" and res.n_pairs == 0
    assert (res.n_pre, res.n_post) == (30, 24)
    for key in ("diff", "statistic", "df", "pvalue", "ci_low", "ci_high"):
        assert getattr(res, key) == pytest.approx(ref[key], rel=CLOSED), key
    assert res.nonparametric_pvalue == pytest.approx(ref["mann_whitney_p"], rel=1e-6)
    es = res.effect_sizes
    assert list(es.index) == ["hedges_g"]
    assert es.loc["hedges_g", "estimate"] == pytest.approx(ref["hedges_g"], rel=CLOSED)
    assert es.loc["hedges_g", ["ci_low", "ci_high"]].tolist() == pytest.approx(ref["hedges_g_ci"], abs=NCT)
    assert es.loc["hedges_g", "ci_method"] == "noncentral t"


def test_independent_when_subject_codes_do_not_overlap():
    df = read("effects_independent.csv").assign(code=lambda d: [f"x{i}" for i in range(len(d))])
    res = prepost(df, score="score", time="round", subject="code", pre="fore", post="efter")
    assert res.design == "independent"
    assert res.pvalue == pytest.approx(R["independent"]["pvalue"], rel=CLOSED)


def test_partially_paired_matches_hand_formula_in_r():
    ref = R["partial"]
    res = prepost(read("effects_partial.csv"), score="score", time="round", subject="id")
    assert res.design == "partially_paired"
    assert (res.n_pre, res.n_post, res.n_pairs) == (27, 24, 15)
    assert res.test.startswith("partially overlapping t")
    for key in ("diff", "statistic", "df", "pvalue", "ci_low", "ci_high", "r"):
        assert getattr(res, key) == pytest.approx(ref[key], rel=CLOSED), key
    assert np.isnan(res.nonparametric_pvalue)
    assert res.effect_sizes.loc["d_av", "estimate"] == pytest.approx(ref["d_av"], rel=CLOSED)
    assert res.effect_sizes.loc["d_av", ["ci_low", "ci_high"]].tolist() == pytest.approx(ref["d_av_ci"], abs=CLOSED)


def test_partially_paired_reduces_to_paired_and_welch_limits():
    # The T_new2 statistic equals the paired t when every observation is paired:
    # se^2 = s1^2/n + s2^2/n - 2 r s1 s2 / n = s_D^2 / n.
    df = read("effects_paired.csv")
    pre = df[df["round"] == "pre"]["score"].to_numpy()
    post = df[df["round"] == "post"]["score"].to_numpy()
    from evaluation.stats.effects import _prepost_arrays

    ids = np.array([f"r{i}" for i in range(len(pre))], dtype=object)
    # drop one id from each round so the design becomes partially paired
    ids_pre = ids.copy()
    ids_pre[0] = "only-pre"
    res = _prepost_arrays(pre, post, ids_pre, ids, 0.95, 0)
    assert res.design == "partially_paired" and res.n_pairs == len(pre) - 1
    full = prepost(df, score="score", time="round", subject="id")
    # with 24 of 25 pairs the statistic is close to the paired one, and far from Welch's
    welch = stats.ttest_ind(post, pre, equal_var=False).statistic
    assert abs(res.statistic - full.statistic) < abs(res.statistic - welch)


def test_missing_scores_are_counted_not_hidden():
    df = read("effects_paired.csv")
    df.loc[3, "score"] = np.nan
    res = prepost(df, score="score", time="round", subject="id")
    assert res.n_missing == 1
    assert res.design == "partially_paired" and res.n_pairs == 24 and res.n_pre == 24


def test_to_frame_has_effect_sizes():
    res = prepost(read("effects_paired.csv"), score="score", time="round", subject="id")
    row = res.to_frame().iloc[0]
    assert row["design"] == "paired" and row["d_z"] == pytest.approx(R["paired"]["d_z"])


# --------------------------------------------------------------------------
# bad inputs
# --------------------------------------------------------------------------
def test_duplicate_code_in_one_round_is_an_error():
    df = read("effects_paired.csv")
    df.loc[1, "id"] = df.loc[0, "id"]
    with pytest.raises(ValueError, match=r"Respondent code 'r01' \(column 'id'\) is used 2 times in round 'pre'"):
        prepost(df, score="score", time="round", subject="id")


def test_time_values_other_than_the_two_rounds():
    df = read("effects_paired.csv")
    df.loc[5, "round"] = "mid"
    with pytest.raises(ValueError, match=r"Column 'round' holds values other than .*'mid'"):
        prepost(df, score="score", time="round", subject="id")
    df.loc[5, "round"] = None
    with pytest.raises(ValueError, match=r"Column 'round' has 1 empty value"):
        prepost(df, score="score", time="round")


def test_small_groups_and_missing_columns():
    df = read("effects_paired.csv").head(28)  # 25 pre, 3 post
    with pytest.raises(ValueError, match=r"Round 'post' has 3 answer\(s\), fewer than min_group_size=5"):
        prepost(df, score="score", time="round", subject="id", min_group_size=5)
    with pytest.raises(ValueError, match=r"Column 'nope' \(given as subject=\) is not in the data"):
        prepost(df, score="score", time="round", subject="nope")


# --------------------------------------------------------------------------
# then-test
# --------------------------------------------------------------------------
def test_then_test_wide_by_hand():
    wide = pd.DataFrame({"pre": [60, 55, 70, 65, 58, 62, 71, 49],
                         "then": [50, 48, 66, 55, 52, 57, 64, 47],
                         "post": [66, 60, 72, 70, 63, 65, 74, 56]})
    res = then_test(wide, score_then="then", score_pre="pre", score_post="post")
    for got, (a, b) in ((res.shift, ("pre", "then")), (res.effect_conventional, ("pre", "post")),
                        (res.effect_retrospective, ("then", "post"))):
        ref = stats.ttest_rel(wide[b], wide[a])
        assert got.design == "paired"
        assert got.diff == pytest.approx((wide[b] - wide[a]).mean(), rel=CLOSED)
        assert got.statistic == pytest.approx(ref.statistic, rel=CLOSED)
        assert got.pvalue == pytest.approx(ref.pvalue, rel=CLOSED)
    tab = res.to_frame()
    assert list(tab.index) == ["shift (then - pre)", "effect (post - pre)", "effect (post - then)"]
    # the retrospective estimate is larger by exactly the response shift
    assert res.effect_retrospective.diff - res.effect_conventional.diff == pytest.approx(-res.shift.diff)


def test_then_test_long_unlinked_uses_welch():
    rng = np.random.default_rng(3)
    pre = pd.DataFrame({"t": "pre", "s_pre": rng.normal(60, 10, 20)})
    post = pd.DataFrame({"t": "post", "s_then": rng.normal(55, 10, 18), "s_post": rng.normal(65, 10, 18)})
    long = pd.concat([pre, post], ignore_index=True)
    res = then_test(long, score_then="s_then", score_pre="s_pre", score_post="s_post", time="t")
    assert res.shift.design == "independent"
    ref = stats.ttest_ind(post["s_then"], pre["s_pre"], equal_var=False)
    assert res.shift.pvalue == pytest.approx(ref.pvalue, rel=CLOSED)
    assert res.effect_retrospective.design == "paired"


# --------------------------------------------------------------------------
# difference in differences
# --------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["did", "did_large"])
def test_did_mixed_matches_lmer(name):
    ref = R[name]
    df = read(f"effects_{name}.csv")
    res = difference_in_differences(df, score="score", time="round", group="took_part",
                                    cluster="unit", subject="id", method="mixed")
    assert res.n_obs == ref["n"]
    assert res.estimate == pytest.approx(ref["mixed"]["estimate"], abs=REML)
    assert res.se == pytest.approx(ref["mixed"]["se"], abs=REML)
    assert res.model.fe_params.to_numpy() == pytest.approx(ref["mixed"]["fixef"], abs=REML)
    assert res.model.bse.to_numpy() == pytest.approx(ref["mixed"]["se_all"], abs=REML)
    assert res.model.reml_criterion == pytest.approx(ref["mixed"]["reml_crit"], abs=1e-8)
    vc = res.variance_components
    # variance components sit in a flat likelihood direction: 1e-5 relative
    assert vc["cluster"] == pytest.approx(ref["mixed"]["var_unit"], rel=1e-5)
    assert vc["subject"] == pytest.approx(ref["mixed"]["var_id"], rel=1e-5)
    assert vc["residual"] == pytest.approx(ref["mixed"]["var_resid"], rel=1e-5)
    assert res.ci_low < res.estimate < res.ci_high


@pytest.mark.parametrize("which", ["unit_only", "id_only"])
def test_did_mixed_single_random_intercept_matches_lmer(which):
    ref = R["did"][f"mixed_{which}"]
    kw = {"cluster": "unit"} if which == "unit_only" else {"subject": "id"}
    res = difference_in_differences(read("effects_did.csv"), score="score", time="round",
                                    group="took_part", method="mixed", **kw)
    assert res.estimate == pytest.approx(ref["estimate"], abs=REML)
    assert res.se == pytest.approx(ref["se"], abs=REML)


@pytest.mark.parametrize("name", ["did", "did_large"])
def test_did_ols_cr1_matches_sandwich(name):
    ref = R[name]["ols"]
    df = read(f"effects_{name}.csv")
    res = difference_in_differences(df, score="score", time="round", group="took_part",
                                    cluster="unit", method="ols", wild_bootstrap=False)
    assert ref["se_cr1"] == pytest.approx(ref["se_cr1_by_hand"], rel=1e-12)  # R: vcovCL == formula
    assert res.estimate == pytest.approx(ref["estimate"], rel=CLOSED)
    assert res.se == pytest.approx(ref["se_cr1"], rel=CLOSED)
    assert res.pvalue == pytest.approx(ref["pvalue_t_G1"], rel=CLOSED)
    assert (res.ci_low, res.ci_high) == pytest.approx((ref["ci_low"], ref["ci_high"]), rel=CLOSED)
    assert np.sqrt(np.diag(res.model.cov_params())) == pytest.approx(ref["se_all"], rel=CLOSED)


def test_did_wild_bootstrap_few_clusters():
    df = read("effects_did.csv")  # 8 clusters -> bootstrap by default, Webb weights
    res = difference_in_differences(df, score="score", time="round", group="took_part",
                                    cluster="unit", method="ols", n_boot=999, seed=1)
    assert "wild cluster bootstrap" in res.ci_method and "webb" in res.ci_method
    assert res.se == pytest.approx(R["did"]["ols"]["se_cr1"], rel=CLOSED)
    assert res.ci_low < res.estimate < res.ci_high
    # the test-inversion interval: p at its ends is alpha (up to the bootstrap grid)
    assert 0 <= res.pvalue <= 1
    # with few clusters the bootstrap interval should not be much narrower than CR1 t(G-1)
    assert (res.ci_high - res.ci_low) > 0.7 * (res.cr1_ci_high - res.cr1_ci_low)
    # null of zero effect: p-value increases when the effect is removed
    df0 = df.copy()
    treated_post = (df0["took_part"] == 1) & (df0["round"] == "post")
    df0.loc[treated_post, "score"] -= res.estimate
    res0 = difference_in_differences(df0, score="score", time="round", group="took_part",
                                     cluster="unit", method="ols", n_boot=999, seed=1)
    assert res0.estimate == pytest.approx(0, abs=1e-9)
    assert res0.pvalue > 0.9


def test_did_wild_bootstrap_p_matches_bruteforce():
    """The vectorised WCR equals refitting every bootstrap sample by brute force."""
    from evaluation.stats.did import _wild_cluster_bootstrap

    df = read("effects_did.csv")
    post = (df["round"] == "post").to_numpy(float)
    tr = df["took_part"].to_numpy(float)
    X = np.column_stack([np.ones(len(df)), post, tr, post * tr])
    y = df["score"].to_numpy()
    g = pd.factorize(df["unit"])[0]
    p, lo, hi, _ = _wild_cluster_bootstrap(X, y, g, 3, n_boot=199, weights="rademacher", seed=5, ci=0.95)
    rng = np.random.default_rng(5)
    W = rng.choice(np.array([-1.0, 1.0]), size=(199, g.max() + 1))
    G, (n, k) = g.max() + 1, X.shape

    def cr1_t(yy, b0):
        b = np.linalg.lstsq(X, yy, rcond=None)[0]
        e = yy - X @ b
        XtXi = np.linalg.inv(X.T @ X)
        meat = sum(np.outer(X[g == c].T @ e[g == c], X[g == c].T @ e[g == c]) for c in range(G))
        V = G / (G - 1) * (n - 1) / (n - k) * XtXi @ meat @ XtXi
        return (b[3] - b0) / np.sqrt(V[3, 3])

    Xr = X[:, :3]
    br = np.linalg.lstsq(Xr, y, rcond=None)[0]
    fit_r, u_r = Xr @ br, y - Xr @ br
    t0 = cr1_t(y, 0.0)
    tb = np.array([cr1_t(fit_r + u_r * W[b, g], 0.0) for b in range(199)])
    assert p == pytest.approx(np.mean(np.abs(tb) >= abs(t0)), abs=1e-12)


def test_did_bad_inputs():
    df = read("effects_did.csv")
    one = df.assign(unit="c01")
    with pytest.raises(ValueError, match=r"Column 'unit' has only one cluster"):
        difference_in_differences(one, score="score", time="round", group="took_part", cluster="unit")
    bad = df.copy()
    bad.loc[0, "took_part"] = 2
    with pytest.raises(ValueError, match=r"Column 'took_part' must hold 1/True .* 2"):
        difference_in_differences(bad, score="score", time="round", group="took_part", cluster="unit")
    tiny = df[~((df["took_part"] == 1) & (df["round"] == "post"))].copy()
    tiny = pd.concat([tiny, df[(df["took_part"] == 1) & (df["round"] == "post")].head(3)])
    with pytest.raises(ValueError, match=r"The treated group in round 'post' has 3 answer\(s\)"):
        difference_in_differences(tiny, score="score", time="round", group="took_part",
                                  cluster="unit", min_group_size=5)
    with pytest.raises(ValueError, match=r"method='mixed' needs cluster"):
        difference_in_differences(df, score="score", time="round", group="took_part")


# --------------------------------------------------------------------------
# power
# --------------------------------------------------------------------------
def test_power_and_mde_match_r_power_t_test():
    ref = R["power"]
    assert power(effect=5, n=40, design="paired", sd=15, r=0.6) == pytest.approx(ref["paired_power"], rel=1e-9)
    assert power(effect=0.5, n=30, design="independent") == pytest.approx(ref["indep_power"], rel=1e-9)
    # R's power.t.test solves with uniroot; 1e-7 covers both root finders
    assert minimum_detectable_effect(n=40, design="paired", sd=15, r=0.6) == pytest.approx(ref["paired_mde"], rel=1e-7)
    assert minimum_detectable_effect(n=30, design="independent") == pytest.approx(ref["indep_mde"], rel=1e-7)
    kw = dict(n=120, design="clustered", icc=0.05, cluster_size=12, sd=15)
    assert power(effect=6, **kw) == pytest.approx(ref["clustered_power_at_6"], rel=1e-9)
    assert minimum_detectable_effect(**kw) == pytest.approx(ref["clustered_mde"], rel=1e-7)


def test_power_matches_statsmodels_and_design_effect():
    from statsmodels.stats.power import TTestIndPower, TTestPower

    assert power(effect=0.4, n=50, design="paired", r=0.5) == pytest.approx(
        TTestPower().power(0.4, 50, 0.05), rel=1e-10)  # r = .5 -> sd of change = sd
    assert power(effect=0.3, n=(80, 60), design="independent") == pytest.approx(
        TTestIndPower().power(0.3, 80, 0.05, ratio=60 / 80), rel=1e-10)
    # icc = 0 and clusters of one person is the independent design
    assert minimum_detectable_effect(n=60, design="clustered", icc=0, cluster_size=1) == pytest.approx(
        minimum_detectable_effect(n=60, design="independent"), rel=1e-10)
    # large samples: MDE scales with sqrt(design effect)
    big = minimum_detectable_effect(n=20000, design="clustered", icc=0.1, cluster_size=11)
    assert big / minimum_detectable_effect(n=20000, design="independent") == pytest.approx(np.sqrt(2.0), rel=1e-3)


def test_power_bad_inputs():
    with pytest.raises(ValueError, match="needs r="):
        minimum_detectable_effect(n=30, design="paired")
    with pytest.raises(ValueError, match="needs icc="):
        power(effect=1, n=30, design="clustered")
    with pytest.raises(ValueError, match="design must be"):
        power(effect=1, n=30, design="crossover")
