"""evaluation.stats.structure against R (lavaan 0.6-14, psych 2.2.9).

Fixtures: tests/reference/structure.R wrote structure_{cfa,invariance,
parallel}.json from structure_hs1939.csv (lavaan's HolzingerSwineford1939) and
structure_likert.csv (a simulated two-group 6-point survey with ~2 % missing
cells and an intercept shift on a3 in group B).

Tolerances (all fits are iterative; both optimisers stop near the same optimum):
Both lavaan's default (listwise deletion) and missing = "ml" (FIML) are checked.
* fit measures (chisq, CFI, TLI, RMSEA and its CI, SRMR, logLik): 1e-5 -- the
  ML fit minimum is flat in the parameters, so these agree far better than the
  estimates (we see <= 5e-8);
* parameter estimates, standard errors, standardised loadings: 1e-4 --
  lavaan's nlminb stops at its relative tolerance (we see <= 6e-5, largest on
  the weakly identified Heywood model);
* psych's one-factor minres communalities (fa.parallel(fa = "fa")): 1e-4, and
  2e-3 for an "ultra-Heywood" noise case where psych's L-BFGS-B stops early
  (we see 1.5e-3 there, <= 4e-5 elsewhere);
* principal-component eigenvalues: 1e-10 (closed form).
psych's simulated eigenvalues are random (forked RNG streams), so only the
observed eigenvalues and the suggested counts are compared.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from evaluation.stats import structure as st
from evaluation.stats.structure import (
    CFAResult,
    ParallelAnalysisResult,
    cfa,
    instrument_structure,
    measurement_invariance,
    parallel_analysis,
)

REF = Path(__file__).parent / "reference"
FIT_TOL = 1e-5
PAR_TOL = 1e-4
HS_ITEMS = [f"x{i}" for i in range(1, 10)]
HS_MODEL = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
FIT_KEYS = [("chisq", "chisq"), ("df", "df"), ("pvalue", "pvalue"), ("cfi", "cfi"),
            ("tli", "tli"), ("rmsea", "rmsea"), ("rmsea_ci_low", "rmsea.ci.lower"),
            ("rmsea_ci_high", "rmsea.ci.upper"), ("srmr", "srmr"),
            ("baseline_chisq", "baseline.chisq"), ("baseline_df", "baseline.df"),
            ("loglik", "logl"), ("n", "ntotal")]


@pytest.fixture(scope="module")
def data():
    return {
        "hs": pd.read_csv(REF / "structure_hs1939.csv"),
        "likert": pd.read_csv(REF / "structure_likert.csv"),
    }


def _ref(name):
    return json.loads((REF / f"structure_{name}.json").read_text())


CFA_REF = _ref("cfa")
INV_REF = _ref("invariance")
PAR_REF = _ref("parallel")


def test_datasets_are_what_the_script_says(data):
    hs, lik = data["hs"], data["likert"]
    assert hs.shape[0] == 301 and set(hs["school"]) == {"Pasteur", "Grant-White"}
    assert not hs[HS_ITEMS].isna().any().any()
    assert lik["group"].value_counts().to_dict() == {"A": 260, "B": 240}
    items = lik.drop(columns="group")
    assert 0.01 < items.isna().to_numpy().mean() < 0.03
    vals = items.to_numpy()
    assert set(np.unique(vals[~np.isnan(vals)])) == set(range(1, 7))


# ---------------------------------------------------------------- CFA
# hs_3f_extra is a Heywood case (as in lavaan); its warning is tested below
@pytest.mark.filterwarnings("ignore:Negative residual variance")
@pytest.mark.parametrize("name", list(CFA_REF))
def test_cfa_fit_measures_equal_lavaan(data, name):
    ref = CFA_REF[name]
    res = cfa(data[ref["data"]], ref["model"], missing=ref["missing"])
    assert isinstance(res, CFAResult)
    assert res.converged and ref["converged"]
    for ours, theirs in FIT_KEYS:
        assert getattr(res, ours) == pytest.approx(ref["fit"][theirs], abs=FIT_TOL, rel=1e-7), ours


# hs_3f_extra is a Heywood case (as in lavaan); its warning is tested below
@pytest.mark.filterwarnings("ignore:Negative residual variance")
@pytest.mark.parametrize("name", list(CFA_REF))
def test_cfa_parameters_equal_lavaan(data, name):
    ref = CFA_REF[name]
    res = cfa(data[ref["data"]], ref["model"], missing=ref["missing"])
    pe = pd.DataFrame(ref["params"])
    merged = res.parameters.merge(pe, on=["lhs", "op", "rhs"], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"]
    np.testing.assert_allclose(merged["estimate"], merged["est"], atol=PAR_TOL)
    np.testing.assert_allclose(merged["std_all"], merged["std.all"], atol=PAR_TOL)
    free = merged["free"]
    np.testing.assert_allclose(merged.loc[free, "se_x"], merged.loc[free, "se_y"], atol=PAR_TOL)
    assert merged.loc[~free, "se_x"].isna().all()  # fixed: no standard error
    # the loadings table is the "=~" part, in model order
    lo = pe[pe["op"] == "=~"]
    assert res.loadings["factor"].tolist() == lo["lhs"].tolist()
    assert res.loadings["item"].tolist() == lo["rhs"].tolist()
    np.testing.assert_allclose(res.loadings["std_all"], lo["std.all"], atol=PAR_TOL)
    np.testing.assert_allclose(res.loadings["estimate"], lo["est"], atol=PAR_TOL)
    assert list(res.loadings.columns) == ["factor", "item", "estimate", "std_all", "se"]


def test_heywood_case_is_not_bounded(data):
    # lavaan leaves residual variances free; the x9 cross-loading + x7 ~~ x8
    # model has a negative residual variance for x8, and so do we.
    with pytest.warns(RuntimeWarning, match="Heywood"):
        res = cfa(data["hs"], CFA_REF["hs_3f_extra"]["model"])
    p = res.parameters.set_index(["lhs", "op", "rhs"])
    assert p.loc[("x8", "~~", "x8"), "estimate"] < 0
    assert len(res.problems) == 1 and "['x8']" in res.problems[0]
    assert cfa(data["hs"], HS_MODEL).problems == ()


def test_cfa_listwise_deletion_and_to_frame(data):
    lik = data["likert"]
    res = cfa(lik, CFA_REF["likert_2f"]["model"])
    complete = lik.drop(columns="group").dropna()
    assert res.n == len(complete) == 398
    assert res.n_dropped == len(lik) - 398
    row = res.to_frame()
    assert row.shape == (1, 11)
    assert list(row.columns) == ["chisq", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea_ci_low",
                                 "rmsea_ci_high", "srmr", "n", "converged"]
    # same numbers when the rows with gaps are removed beforehand
    res2 = cfa(complete, CFA_REF["likert_2f"]["model"])
    assert res2.chisq == pytest.approx(res.chisq, rel=1e-10)


def test_fiml_uses_every_answer(data):
    lik = data["likert"]
    model = CFA_REF["likert_2f"]["model"]
    fiml = cfa(lik, model, missing="ml")
    assert fiml.n == len(lik) == 500 and fiml.n_dropped == 0
    # with complete data FIML is ordinary ML plus a saturated mean structure:
    # same chisq, df and estimates; SRMR also averages the (zero) mean residuals
    hs = data["hs"][HS_ITEMS]
    lw, ml = cfa(hs, HS_MODEL), cfa(hs, HS_MODEL, missing="fiml")
    assert ml.chisq == pytest.approx(lw.chisq, rel=1e-8)
    assert ml.df == lw.df
    np.testing.assert_allclose(ml.loadings["estimate"], lw.loadings["estimate"], atol=1e-6)
    p = len(HS_ITEMS)
    assert ml.srmr == pytest.approx(lw.srmr * np.sqrt(p * (p + 1) / 2 / (p * (p + 1) / 2 + p)),
                                    rel=1e-6)
    # a row with no answer at all carries nothing and is dropped
    blank = pd.concat([lik, pd.DataFrame({"group": ["A"]})], ignore_index=True)
    assert cfa(blank, model, missing="ml").n_dropped == 1
    with pytest.raises(ValueError, match="missing must"):
        cfa(lik, model, missing="pairwise")


def test_em_moments_match_complete_data_moments():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(200, 4)) @ rng.normal(size=(4, 4))
    mu, sigma = st._em_moments(x)
    np.testing.assert_allclose(mu, x.mean(axis=0), atol=1e-12)
    np.testing.assert_allclose(sigma, np.cov(x.T, ddof=0), atol=1e-12)


def test_result_is_frozen(data):
    res = cfa(data["hs"], HS_MODEL)
    with pytest.raises(AttributeError):
        res.chisq = 0.0


def test_model_syntax_variants_give_the_same_fit(data):
    hs = data["hs"]
    base = cfa(hs, HS_MODEL)
    messy = """
    # the classic model, written untidily
    visual =~ x1 + x2 +
              x3 ; textual =~ x4 + x5 + x6   # two statements on a line
    speed =~ 1*x7 + x8
             + x9
    """
    other = cfa(hs, messy)
    assert other.chisq == pytest.approx(base.chisq, rel=1e-9)
    assert other.df == base.df
    # standardised-latent identification (NA* frees the marker, variance fixed
    # to 1) is an equivalent model: same fit, same standardised loadings
    std_lv = cfa(hs, "visual =~ NA*x1 + x2 + x3\ntextual =~ NA*x4 + x5 + x6\n"
                     "speed =~ NA*x7 + x8 + x9\nvisual ~~ 1*visual\n"
                     "textual ~~ 1*textual\nspeed ~~ 1*speed")
    assert std_lv.chisq == pytest.approx(base.chisq, rel=1e-8)
    assert std_lv.df == base.df
    np.testing.assert_allclose(std_lv.loadings["std_all"], base.loadings["std_all"], atol=1e-6)
    pars = std_lv.parameters.set_index(["lhs", "op", "rhs"])
    assert pars.loc[("visual", "~~", "visual"), "estimate"] == 1.0
    assert not pars.loc[("visual", "~~", "visual"), "free"]
    assert pars.loc[("visual", "=~", "x1"), "free"]
    # orthogonal factors: two more df and a worse fit
    ortho = cfa(hs, HS_MODEL + "\nvisual ~~ 0*textual\nvisual ~~ 0*speed\ntextual ~~ 0*speed")
    assert ortho.df == base.df + 3
    assert ortho.chisq > base.chisq


@pytest.mark.parametrize(
    "model, message",
    [
        ("y ~ x1 + x2", "understands"),
        ("f =~ a*x1 + x2 + x3", "modifier"),
        ("f =~ x1 + x2 + nothere", "no such column"),
        ("f =~ x1 + x2", "not identified"),
        ("f =~ NA*x1 + x2 + x3", "not identified"),
        ("", "non-empty"),
        ("f =~ x1 + x1 + x2", "twice"),
        ("f =~ x1 + x2 + x3\ng =~ f + x4 + x5", "higher-order"),
    ],
)
def test_bad_models_raise_actionable_errors(data, model, message):
    with pytest.raises(ValueError, match=message):
        cfa(data["hs"], model)


def test_bad_inputs_raise(data):
    with pytest.raises(ValueError, match="estimator"):
        cfa(data["hs"], HS_MODEL, estimator="MLR")
    with pytest.raises(TypeError, match="DataFrame"):
        cfa(data["hs"][HS_ITEMS].to_numpy(), HS_MODEL)
    bad = data["hs"].copy()
    bad["x3"] = bad["x3"].astype(object)
    bad.loc[5, "x3"] = "high"
    with pytest.raises(ValueError, match="numeric"):
        cfa(bad, HS_MODEL)
    dup = data["hs"].copy()
    dup["x3"] = dup["x1"] + dup["x2"]
    with pytest.raises(ValueError, match="singular"):
        cfa(dup, HS_MODEL)


# ---------------------------------------------------------------- invariance
@pytest.fixture(scope="module", params=list(INV_REF))
def invariance(request, data):
    ref = INV_REF[request.param]
    tab = measurement_invariance(data[ref["data"]], ref["model"], ref["group"],
                                 missing=ref["missing"])
    return request.param, ref, tab


def test_invariance_table_equals_lavaan(invariance):
    _, ref, tab = invariance
    assert tab.index.tolist() == ["configural", "metric", "scalar"]
    for level, row in ref["rows"].items():
        for key in ["chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr"]:
            assert tab.loc[level, key] == pytest.approx(row[key], abs=FIT_TOL, rel=1e-7), (level, key)
        assert tab.loc[level, "n"] == row["ntotal"]
        assert tab.loc[level, "converged"]
        if level != "configural":
            assert tab.loc[level, "delta_chisq"] == pytest.approx(row["delta_chisq"], abs=FIT_TOL)
            assert tab.loc[level, "delta_df"] == row["delta_df"]
            assert tab.loc[level, "delta_pvalue"] == pytest.approx(row["delta_pvalue"], abs=FIT_TOL)
    prev = tab.shift(1)
    np.testing.assert_allclose(tab["delta_cfi"].iloc[1:], (tab["cfi"] - prev["cfi"]).iloc[1:])
    np.testing.assert_allclose(tab["delta_rmsea"].iloc[1:], (tab["rmsea"] - prev["rmsea"]).iloc[1:])
    assert tab.loc["configural", ["delta_chisq", "delta_cfi"]].isna().all()


def test_scalar_model_parameters_equal_lavaan(invariance, data):
    # the constrained multi-group fit itself, parameter by parameter
    _, ref, _ = invariance
    frame = data[ref["data"]]
    spec = st._parse_model(ref["model"])
    fit = st._fit_model(frame, spec, group=frame[ref["group"]], equal=("loadings", "intercepts"),
                        missing=ref["missing"])
    assert list(fit.groups) == ref["groups"]
    ours = st._parameter_table(fit)
    ours["g"] = ours["group"].map({lab: i + 1 for i, lab in enumerate(fit.groups)})
    theirs = pd.DataFrame(ref["scalar_params"]).rename(columns={"group": "g"})
    theirs["rhs"] = theirs["rhs"].fillna("")
    merged = ours.merge(theirs, on=["lhs", "op", "rhs", "g"], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all()
    np.testing.assert_allclose(merged["estimate"], merged["est"], atol=PAR_TOL)
    free = merged["free"]
    np.testing.assert_allclose(merged.loc[free, "se_x"], merged.loc[free, "se_y"], atol=PAR_TOL)
    # equality constraints hold exactly: loadings and intercepts shared
    shared = merged[merged["op"].isin(["=~"]) | ((merged["op"] == "~1") & merged["lhs"].str.match(r"^[xab]\d"))]
    spread = shared.groupby(["lhs", "op", "rhs"])["estimate"].agg(lambda s: s.max() - s.min())
    assert spread.max() == 0.0


def test_invariance_verdicts(invariance):
    name, _, tab = invariance
    if name.startswith("likert_group"):
        # built with an intercept shift on a3 in group B and equal loadings
        assert tab["verdict"].tolist() == ["holds", "holds", "rejected"]
    else:
        # HS: configural RMSEA 0.097 > 0.08; metric ΔCFI -0.002; scalar ΔCFI
        # -0.038 with ΔRMSEA 0.0145 (< 0.015) but ΔSRMR 0.0108 (>= 0.010)
        assert tab["verdict"].tolist() == ["rejected", "holds", "rejected"]
    assert tab.loc["metric", "rule"].startswith("Chen (2007)")
    assert "0.030" in tab.loc["metric", "rule"] and "0.010" in tab.loc["scalar", "rule"]


def test_cheung_rensvold_rule(data):
    ref = INV_REF["hs_school"]
    tab = measurement_invariance(data["hs"], ref["model"], "school", rule="cheung_rensvold2002")
    assert tab["verdict"].tolist() == ["rejected", "holds", "rejected"]
    assert tab.loc["scalar", "rule"].startswith("Cheung & Rensvold (2002)")


def test_metric_rejection_leaves_scalar_untested():
    # loadings differ strongly between the groups -> metric rejected
    rng = np.random.default_rng(11)
    frames = []
    for label, lam in [("a", [1.0, 0.9, 0.8, 0.7, 0.8]), ("b", [1.0, 0.2, 1.6, 0.1, 1.5])]:
        f = rng.normal(size=(400, 1))
        x = f * lam + rng.normal(size=(400, 5)) * 0.5
        frames.append(pd.DataFrame(x, columns=list("pqrst")).assign(unit=label))
    df = pd.concat(frames, ignore_index=True)
    tab = measurement_invariance(df, "f =~ p + q + r + s + t", "unit")
    assert tab.loc["metric", "verdict"] == "rejected"
    assert tab.loc["metric", "delta_cfi"] <= -0.01
    assert tab.loc["scalar", "verdict"] == "not tested"


def test_invariance_accepts_group_labels_and_checks_them(data):
    hs = data["hs"]
    by_name = measurement_invariance(hs, HS_MODEL, "school")
    by_series = measurement_invariance(hs[HS_ITEMS], HS_MODEL, hs["school"])
    np.testing.assert_allclose(by_name["chisq"], by_series["chisq"], rtol=1e-10)
    with pytest.raises(ValueError, match="no column"):
        measurement_invariance(hs, HS_MODEL, "district")
    with pytest.raises(ValueError, match="two groups"):
        measurement_invariance(hs.assign(one="x"), HS_MODEL, "one")
    with pytest.raises(ValueError, match="rule"):
        measurement_invariance(hs, HS_MODEL, "school", rule="hu_bentler")
    small = hs.copy()
    small.loc[small.index[:5], "school"] = "tiny"
    with pytest.raises(ValueError, match="tiny"):
        measurement_invariance(small, HS_MODEL, "school")


# ---------------------------------------------------------------- parallel analysis
@pytest.mark.parametrize("name", ["hs", "likert"])
def test_parallel_analysis_equals_psych(data, name):
    ref = PAR_REF[name]
    items = data["hs"][HS_ITEMS] if name == "hs" else data["likert"].drop(columns="group")
    pc = parallel_analysis(items, fa="pc")
    fa = parallel_analysis(items, fa="fa")
    assert isinstance(pc, ParallelAnalysisResult)
    np.testing.assert_allclose(pc.eigen["observed"], ref["pc_observed"], atol=1e-10)
    np.testing.assert_allclose(fa.eigen["observed"], ref["fa_observed"], atol=PAR_TOL)
    assert pc.n == ref["n"]
    # the suggestion on clear-structure data is the same as psych's
    assert pc.n_factors == ref["ncomp"]
    assert fa.n_factors == ref["nfact"]
    # simulated eigenvalues of noise hover around 1 (pc) and 0 (fa); Monte
    # Carlo only, so a loose check against psych's (random) means
    np.testing.assert_allclose(pc.eigen["simulated_mean"], ref["pc_sim_mean"], atol=0.05)
    assert (pc.eigen["simulated_quantile"] >= pc.eigen["simulated_mean"]).all()


def test_minres_eigenvalues_equal_psych_on_noise():
    values = [np.array(d["values"]) for d in PAR_REF["noise"]]
    diffs = []
    with st._threadpool_limits(limits=1):
        for d, v in zip(PAR_REF["noise"], values):
            r = np.corrcoef(np.array(d["data"]).T)
            diffs.append(np.max(np.abs(st._fa_values(r) - v)))
    diffs = np.array(diffs)
    assert diffs.max() < 2e-3  # an ultra-Heywood case: psych stops early
    assert np.sort(diffs)[-2] < PAR_TOL


def test_parallel_analysis_is_reproducible_and_checked(data):
    items = data["hs"][HS_ITEMS]
    a = parallel_analysis(items, n_iter=20, seed=3)
    b = parallel_analysis(items, n_iter=20, seed=3)
    c = parallel_analysis(items, n_iter=20, seed=4)
    pd.testing.assert_frame_equal(a.eigen, b.eigen)
    assert not a.eigen["simulated_mean"].equals(c.eigen["simulated_mean"])
    assert list(a.to_frame().columns) == ["observed", "simulated_mean", "simulated_quantile"]
    assert a.eigen.index.tolist() == list(range(1, 10))
    # a higher quantile can only make the suggestion smaller or equal
    strict = parallel_analysis(items, n_iter=20, seed=3, quantile=0.99)
    assert strict.n_factors <= a.n_factors
    with pytest.raises(ValueError, match="fa must"):
        parallel_analysis(items, fa="both")
    with pytest.raises(ValueError, match="quantile"):
        parallel_analysis(items, quantile=95)
    with pytest.raises(ValueError, match="n_iter"):
        parallel_analysis(items, n_iter=0)
    with pytest.raises(ValueError, match="undefined"):
        parallel_analysis(items.assign(flat=1.0))


def test_parallel_analysis_on_pure_noise_suggests_nothing():
    rng = np.random.default_rng(0)
    noise = pd.DataFrame(rng.normal(size=(500, 8)))
    assert parallel_analysis(noise, n_iter=50, seed=1).n_factors <= 1
    assert parallel_analysis(noise, n_iter=50, seed=1, fa="fa").n_factors <= 1


# ---------------------------------------------------------------- ResponseSet / instrument
class FakeInstrument:
    def __init__(self, categories, dimensions):
        self._c, self._d = categories, dimensions

    def category_items(self):
        return self._c

    def dimension_items(self):
        return self._d


def _fake_response_set(frame, instrument, meta=None):
    return SimpleNamespace(scored=lambda: frame.copy(), instrument=instrument,
                           meta=meta if meta is not None else pd.DataFrame(index=frame.index))


def test_response_set_is_accepted_everywhere(data):
    hs = data["hs"]
    inst = FakeInstrument(
        {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]},
        {"all": HS_ITEMS},
    )
    rs = _fake_response_set(hs[HS_ITEMS], inst, meta=hs[["school"]])
    ref = CFA_REF["hs_3f"]["fit"]
    res = instrument_structure(rs)
    assert res.chisq == pytest.approx(ref["chisq"], abs=FIT_TOL)
    assert res.srmr == pytest.approx(ref["srmr"], abs=FIT_TOL)
    assert res.model.splitlines()[0] == "visual =~ x1 + x2 + x3"
    assert cfa(rs, HS_MODEL).chisq == pytest.approx(ref["chisq"], abs=FIT_TOL)
    tab = measurement_invariance(rs, HS_MODEL, "school")   # group from meta
    assert tab.loc["scalar", "chisq"] == pytest.approx(
        INV_REF["hs_school"]["rows"]["scalar"]["chisq"], abs=FIT_TOL)
    pa = parallel_analysis(rs, n_iter=10)
    np.testing.assert_allclose(pa.eigen["observed"], PAR_REF["hs"]["pc_observed"], atol=1e-10)
    one = instrument_structure(hs, inst, level="dimension")
    assert one.chisq == pytest.approx(CFA_REF["hs_1f"]["fit"]["chisq"], abs=FIT_TOL)


def test_instrument_structure_checks(data):
    hs = data["hs"]
    inst = FakeInstrument({"a": ["x1", "x2", "x3"], "b": ["x4"]}, {"d": ["x1", "x2", "x3", "x4"]})
    res = instrument_structure(hs, inst)
    # a one-item category is the item itself (residual variance fixed to 0)
    assert "x4 ~~ 0*x4" in res.model
    assert res.converged
    std = res.loadings.set_index("item")["std_all"]
    assert std["x4"] == pytest.approx(1.0, abs=1e-9)
    with pytest.raises(ValueError, match="instrument"):
        instrument_structure(hs)
    with pytest.raises(ValueError, match="level"):
        instrument_structure(hs, inst, level="item")
    with pytest.raises(ValueError, match="lack"):
        instrument_structure(hs[["x1", "x2"]], inst)
    with pytest.raises(TypeError, match="Instrument"):
        instrument_structure(hs, {"a": ["x1"]})
    clash = FakeInstrument({"x1": ["x1", "x2", "x3"]}, {})
    with pytest.raises(ValueError, match="equal item ids"):
        instrument_structure(hs, clash)


def test_instrument_structure_on_a_simulated_round(dual):
    pytest.importorskip("evaluation.simulate")
    from evaluation.data.responses import read_responses
    from evaluation.simulate import simulate_round

    sim = simulate_round(dual, n=400, seed=2)
    rs = read_responses(sim.data, dual)
    cats = dual.category_items()
    # simulate_round gives each category its own factor (categories of a dimension
    # correlate category_corr = 0.8): the category model is the true one
    res = instrument_structure(rs)
    assert res.problems == ()
    assert res.cfi > 0.9
    p = len(dual.item_ids)
    k = len(cats)
    npar = (p - k) + p + k * (k + 1) // 2
    assert res.df == p * (p + 1) // 2 - npar
    assert res.converged
    assert res.n == int(rs.scored()[dual.item_ids].notna().all(axis=1).sum())
    assert set(res.loadings["factor"]) == set(cats)
    # the simulated items measure their categories: loadings clearly positive
    # once reverse-keyed items are scored back
    assert (res.loadings["std_all"] > 0.2).all()
    dim = instrument_structure(rs, level="dimension")
    assert set(dim.loadings["factor"]) == set(dual.dimension_items())
    assert dim.df > res.df
    # the dimension model forces categories to correlate 1: it fits clearly worse
    assert dim.chisq - res.chisq > 3 * (dim.df - res.df)
    # FIML keeps the respondents with a "don't know" or a skipped item
    full = instrument_structure(rs, level="dimension", missing="ml")
    assert full.converged and full.df == dim.df
    assert full.n == int(rs.scored()[dual.item_ids].notna().any(axis=1).sum()) > res.n
