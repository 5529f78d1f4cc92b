"""evaluation.stats.aggregation against R (tests/reference/aggregation.R:
multilevel 2.7 ICC1/ICC2/rwg.j/awg, lme4 1.1-31 lmer) on the two data sets
of tests/reference/make_ordinal_data.py, plus hand-checkable cases.

Tolerances: 1e-6 for ICC, mean squares, rwg(J) and awg (closed forms; the
only error is floating point); 1e-3 relative for the REML fits (both sides
optimise the same profiled deviance iteratively, lme4 with bobyqa)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.stats.aggregation import group_agreement, unit_means, within_group_agreement

REF = Path(__file__).resolve().parents[1] / "reference"
META = ["respondent_id", "municipality", "unit", "role", "round", "overall"]


@pytest.fixture(scope="module")
def ref():
    return json.loads((REF / "aggregation_reference.json").read_text())


def data(name):
    d = pd.read_csv(REF / f"{name}.csv")
    return d, d[[c for c in d.columns if c not in META]]


@pytest.mark.parametrize("name", ["ordinal_a", "ordinal_b"])
def test_icc_matches_multilevel(ref, name):
    d, _ = data(name)
    res = group_agreement(d, "overall", "unit")
    r = ref[name]["icc"]
    for k in ("icc1", "icc2", "ms_between", "ms_within"):
        assert getattr(res, k) == pytest.approx(r[k], rel=1e-6, abs=1e-9), k
    assert (res.df_between, res.df_within, res.n, res.n_groups) == (
        r["df_between"], r["df_within"], r["n"], r["n_groups"])
    assert res.to_frame().shape == (1, 8)


@pytest.mark.parametrize("name", ["ordinal_a", "ordinal_b"])
def test_rwg_awg_match_multilevel(ref, name):
    d, items = data(name)
    res = within_group_agreement(items, d["unit"], scale=(1, 6))
    r = pd.DataFrame(ref[name]["rwg"]).set_index("group").astype({"rwg_j": float, "awg": float})
    assert res.index.name == "group"
    assert list(res.columns) == ["n", "rwg_j", "awg"]
    got = res.loc[r.index]
    assert (got["n"].to_numpy() == r["n"].to_numpy()).all()
    for c in ("rwg_j", "awg"):
        both = r[c].notna()
        assert (got[c].notna() == both).all(), c
        np.testing.assert_allclose(got.loc[both, c], r.loc[both, c], rtol=0, atol=1e-6)
    # units R leaves out (no complete row) or gives NA (one row): n <= 1, NaN here
    rest = res.drop(r.index)
    small = pd.concat([rest, got[got["n"] <= 1]])
    assert (small["n"] <= 1).all() and small[["rwg_j", "awg"]].isna().all().all()
    if name == "ordinal_b":
        assert len(small) >= 1


@pytest.mark.parametrize("name", ["ordinal_a", "ordinal_b"])
@pytest.mark.parametrize("nested", [False, True])
def test_unit_means_match_lmer(ref, name, nested):
    d, _ = data(name)
    res = unit_means(d, "overall", "unit", nested_in="municipality" if nested else None)
    r = ref[name]["lmer_nested" if nested else "lmer_unit"]
    assert res.intercept == pytest.approx(r["intercept"], rel=1e-3)
    assert res.intercept_se == pytest.approx(r["intercept_se"], rel=1e-3)
    assert res.var_group == pytest.approx(r["var"]["unit"], rel=1e-3, abs=1e-6)
    assert res.var_residual == pytest.approx(r["var"]["Residual"], rel=1e-3)
    assert res.reml_criterion == pytest.approx(r["reml"], rel=1e-6, abs=1e-3)
    if nested:
        assert res.var_nested_in == pytest.approx(r["var"]["municipality"], rel=1e-3, abs=1e-3)
        total = res.var_group + res.var_nested_in + res.var_residual
    else:
        assert res.var_nested_in is None
        total = res.var_group + res.var_residual
    assert res.icc == pytest.approx(res.var_group / total, rel=1e-12)
    u = pd.DataFrame(r["units"]).set_index("group")
    got = res.units.loc[u.index]
    np.testing.assert_allclose(got["blup_mean"], u["blup_mean"], rtol=1e-3, atol=1e-3)
    if not nested:
        np.testing.assert_allclose(got["cond_sd"], u["cond_sd"], rtol=1e-3)
    assert list(res.units.columns) == ["n", "raw_mean", "t_ci_low", "t_ci_high", "blup_mean", "cond_sd"]


def test_unit_means_raw_and_t_interval():
    d, _ = data("ordinal_b")
    res = unit_means(d, "overall", "unit")
    ds = d.dropna(subset=["overall"])
    g = ds.groupby("unit")["overall"]
    from scipy import stats
    big = g.size() > 1
    half = stats.t.ppf(0.975, g.size() - 1) * g.std() / np.sqrt(g.size())
    np.testing.assert_allclose(res.units.loc[g.mean().index, "raw_mean"], g.mean(), atol=1e-10)
    np.testing.assert_allclose(res.units.loc[half[big].index, "t_ci_low"], (g.mean() - half)[big], atol=1e-10)
    one = g.size()[g.size() == 1].index
    assert res.units.loc[one, "t_ci_low"].isna().all()
    # shrinkage: the smallest unit moves most towards the intercept
    shrink = 1 - (res.units["blup_mean"] - res.intercept) / (res.units["raw_mean"] - res.intercept)
    assert shrink.idxmax() in one


def test_bad_input_names_the_column():
    d, items = data("ordinal_b")
    with pytest.raises(ValueError, match="'overal'"):
        group_agreement(d, "overal", "unit")
    bad = items.copy()
    bad.iloc[3, 1] = 9
    with pytest.raises(ValueError, match="outside the scale"):
        within_group_agreement(bad, d["unit"])
    txt = d.copy()
    txt["overall"] = txt["overall"].astype(object)
    txt.loc[4, "overall"] = "hög"
    with pytest.raises(ValueError, match="row 4"):
        unit_means(txt, "overall", "unit")
