"""evaluation.stats.reliability against R (psych 2.2.9, lavaan 0.6-14, GPArotation).

Fixtures: tests/reference/reliability.R wrote reliability_<name>.json from the
data sets reliability_<name>.csv beside it (see that script for what each is).
Tolerances:
* 1e-6 for closed forms (alpha, psych's total/item tables, Feldt CI): the same
  arithmetic, only floating-point order differs (we see ~1e-15).
* 1e-4 for omega from lavaan's one-factor ML fit: both optimisers converge to
  the same optimum; lavaan stops at its own tolerance (we see ~1e-6).
* 1e-3 for polychoric correlations and everything built on them, and for
  omega hierarchical: psych's optimize() has tolerance ~1.2e-4 on rho and its
  minres/oblimin stop at 1e-5-level criteria (we see ~2e-5).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import multivariate_normal

from evaluation.stats import reliability as rel
from evaluation.stats.reliability import (
    OmegaHierarchicalResult,
    ReliabilityResult,
    alpha_summary,
    cronbach_alpha,
    item_statistics,
    mcdonald_omega,
    omega_hierarchical,
    polychoric,
)

REF = Path(__file__).parent / "reference"
NAMES = ["likert", "complete", "bfi"]
CLOSED = 1e-6
LAVAAN = 1e-4
ITER = 1e-3


@pytest.fixture(scope="module", params=NAMES)
def case(request):
    name = request.param
    data = pd.read_csv(REF / f"reliability_{name}.csv")
    fx = json.loads((REF / f"reliability_{name}.json").read_text())
    return name, data, fx


def test_datasets_are_what_the_script_says():
    lik = pd.read_csv(REF / "reliability_likert.csv")
    share = lik.isna().to_numpy().mean()
    assert 0.07 < share < 0.13                      # ~10 % missing
    vals = lik.to_numpy()
    assert set(np.unique(vals[~np.isnan(vals)])) == set(range(1, 7))
    assert not pd.read_csv(REF / "reliability_complete.csv").isna().any().any()
    bfi = pd.read_csv(REF / "reliability_bfi.csv")
    assert list(bfi.columns) == ["A1", "A2", "A3", "A4", "A5", "C1", "C2", "C3", "C4", "C5"]
    assert len(bfi) == 2800


# ------------------------------------------------------------------ alpha (closed forms)
def test_alpha_pairwise_equals_psych_raw_alpha_and_feldt(case):
    _, data, fx = case
    res = cronbach_alpha(data)
    assert isinstance(res, ReliabilityResult)
    assert res.estimate == pytest.approx(fx["total"]["raw_alpha"], abs=CLOSED)
    assert res.ci_low == pytest.approx(fx["feldt"]["lower"], abs=CLOSED)
    assert res.ci_high == pytest.approx(fx["feldt"]["upper"], abs=CLOSED)
    assert res.n == fx["n_rows"] and res.k == data.shape[1]
    res90 = cronbach_alpha(data, ci=0.90)
    assert res90.ci_low == pytest.approx(fx["feldt_90"]["lower"], abs=CLOSED)
    assert res90.ci_high == pytest.approx(fx["feldt_90"]["upper"], abs=CLOSED)


def test_alpha_listwise_equals_psych_on_complete_rows(case):
    _, data, fx = case
    res = cronbach_alpha(data, nan_policy="listwise")
    assert res.n == fx["listwise"]["n"]
    assert res.estimate == pytest.approx(fx["listwise"]["raw_alpha"], abs=CLOSED)
    assert res.ci_low == pytest.approx(fx["listwise"]["lower"], abs=CLOSED)
    assert res.ci_high == pytest.approx(fx["listwise"]["upper"], abs=CLOSED)


def test_alpha_summary_equals_psych_total(case):
    _, data, fx = case
    got = alpha_summary(data)
    assert list(got.columns) == ["raw_alpha", "std_alpha", "g6_smc", "average_r", "median_r",
                                 "s_n", "ase", "mean", "sd"]
    assert len(got) == 1
    for key, want in fx["total"].items():
        assert got[key].iloc[0] == pytest.approx(want, abs=CLOSED), key


def test_item_statistics_equal_psych_item_stats_drop_and_frequencies(case):
    _, data, fx = case
    got = item_statistics(data)
    assert list(got.index) == fx["items"]
    st = fx["item_stats"]
    for ours, theirs in [("n", "n"), ("mean", "mean"), ("sd", "sd"), ("raw_r", "raw.r"),
                         ("std_r", "std.r"), ("r_cor", "r.cor"), ("r_drop", "r.drop")]:
        np.testing.assert_allclose(got[ours], st[theirs], atol=CLOSED, rtol=0, err_msg=ours)
    np.testing.assert_allclose(got["alpha_if_dropped"], fx["alpha_drop"]["raw_alpha"], atol=CLOSED, rtol=0)
    freq = fx["response_freq"]
    for cat in freq["categories"]:
        col = "missing_share" if cat == "miss" else f"share_{cat}"
        np.testing.assert_allclose(got[col], freq["values"][cat], atol=CLOSED, rtol=0, err_msg=col)
    share_cols = [c for c in got.columns if c.startswith("share_")]
    np.testing.assert_allclose(got[share_cols].sum(axis=1), 1.0, atol=1e-12)


# ------------------------------------------------------------------ omega (lavaan)
def test_omega_equals_lavaan_one_factor_ml(case):
    _, data, fx = case
    res = mcdonald_omega(data, ci=None)
    assert res.n == fx["omega_total"]["n"]
    assert res.estimate == pytest.approx(fx["omega_total"]["omega"], abs=LAVAAN)
    assert np.isnan(res.ci_low) and np.isnan(res.ci_high)


def test_one_factor_fit_reproduces_lavaan_parameters(case):
    _, data, fx = case
    x = data.dropna().to_numpy()
    lam, th = rel._fit_one_factor(np.cov(x, rowvar=False, ddof=0))
    lam = lam * np.sign(lam.sum())
    want = np.array(fx["omega_total"]["lambda"])
    np.testing.assert_allclose(lam, want * np.sign(want.sum()), atol=1e-3)
    np.testing.assert_allclose(th, fx["omega_total"]["theta"], atol=1e-3)


# ------------------------------------------------------------------ polychoric / ordinal
def test_polychoric_equals_psych(case):
    _, data, fx = case
    got = polychoric(data)
    assert list(got.columns) == list(data.columns)
    np.testing.assert_allclose(got.to_numpy(), fx["polychoric"]["rho"], atol=ITER, rtol=0)


def test_ordinal_alpha_and_omega_equal_psych_and_lavaan_on_polychoric(case):
    _, data, fx = case
    a = cronbach_alpha(data, ordinal=True)
    assert a.estimate == pytest.approx(fx["alpha_polychoric"], abs=ITER)
    assert a.ci_low < a.estimate < a.ci_high
    o = mcdonald_omega(data, ordinal=True, ci=None)
    assert o.estimate == pytest.approx(fx["omega_polychoric"], abs=ITER)


def test_bivariate_normal_cdf_matches_scipy():
    rng = np.random.default_rng(5)
    for r in [-0.999, -0.95, -0.93, -0.6, 0.0, 0.3, 0.9, 0.924, 0.926, 0.99]:
        pts = rng.normal(size=(30, 2)) * 1.7
        want = multivariate_normal([0, 0], [[1, r], [r, 1]]).cdf(pts)
        np.testing.assert_allclose(rel._bvn_cdf(pts[:, 0], pts[:, 1], r), want, atol=1e-12)


def test_polychoric_recovers_latent_correlation():
    rng = np.random.default_rng(11)
    z = rng.multivariate_normal([0, 0], [[1, 0.7], [0.7, 1]], size=20000)
    x = pd.DataFrame(np.digitize(z, [-1.2, -0.3, 0.4, 1.1]) + 1, columns=["a", "b"])
    assert polychoric(x).iloc[0, 1] == pytest.approx(0.7, abs=0.02)   # ~3 SE at n = 20,000


# ------------------------------------------------------------------ omega hierarchical (psych::omega)
def test_omega_hierarchical_equals_psych_omega(case):
    _, data, fx = case
    res = omega_hierarchical(data, n_groups=3)
    assert isinstance(res, OmegaHierarchicalResult)
    ref = fx["omega_h"]
    assert res.omega_h == pytest.approx(ref["omega_h"], abs=ITER)
    assert res.omega_t == pytest.approx(ref["omega_t"], abs=ITER)
    assert res.alpha == pytest.approx(ref["alpha"], abs=CLOSED)
    sl = res.schmid_leiman
    assert list(sl.columns) == ["g", "F1", "F2", "F3", "h2", "u2"]
    for col in sl.columns:
        np.testing.assert_allclose(sl[col], ref["sl"][col], atol=ITER, rtol=0, err_msg=col)
    np.testing.assert_allclose(sl["h2"] + sl["u2"], 1.0, atol=1e-12)


def test_omega_hierarchical_two_groups_equals_psych_option_equal(case):
    _, data, fx = case
    res = omega_hierarchical(data, n_groups=2)
    assert res.omega_h == pytest.approx(fx["omega_h_2groups"]["omega_h"], abs=ITER)
    assert res.omega_t == pytest.approx(fx["omega_h_2groups"]["omega_t"], abs=ITER)


def test_two_item_scale_follows_psych(case):
    _, data, fx = case
    two = data.iloc[:, :2]
    assert cronbach_alpha(two).estimate == pytest.approx(fx["two_items"]["raw_alpha"], abs=CLOSED)
    tab = item_statistics(two)
    np.testing.assert_allclose(tab["alpha_if_dropped"], fx["two_items"]["alpha_drop"], atol=CLOSED, rtol=0)
    np.testing.assert_allclose(tab["r_drop"], fx["two_items"]["r_drop"], atol=CLOSED, rtol=0)


def test_omega_hierarchical_polychoric_equals_psych_poly(case):
    _, data, fx = case
    res = omega_hierarchical(data, n_groups=3, ordinal=True)
    ref = fx["omega_h_polychoric"]
    assert res.omega_h == pytest.approx(ref["omega_h"], abs=ITER)
    assert res.omega_t == pytest.approx(ref["omega_t"], abs=ITER)
    assert res.alpha == pytest.approx(ref["alpha"], abs=ITER)


# ------------------------------------------------------------------ bootstrap machinery
def _loop_alpha(x, idx):
    out = []
    for rows in idx:
        c = pd.DataFrame(x[rows]).cov().to_numpy()     # pandas: pairwise complete, like R
        k = c.shape[0]
        out.append(k / (k - 1) * (1 - np.trace(c) / c.sum()))
    return np.array(out)


@pytest.mark.parametrize("name", ["likert", "complete"])
def test_vectorised_bootstrap_equals_resample_loop(name):
    x = pd.read_csv(REF / f"reliability_{name}.csv").to_numpy(float)
    n, b = x.shape[0], 60
    idx = rel._boot_indices(np.random.default_rng(3), n, b)
    w = rel._boot_counts(np.random.default_rng(3), n, b)
    np.testing.assert_array_equal(w.sum(axis=1), n)
    np.testing.assert_array_equal(w[0], np.bincount(idx[0], minlength=n))
    loop = _loop_alpha(x, idx)
    np.testing.assert_allclose(rel._boot_alpha(x, w), loop, atol=1e-10)
    np.testing.assert_allclose(rel._alpha_from_cov(rel._boot_pairwise_cov(x, w)), loop, atol=1e-10)
    res = cronbach_alpha(pd.DataFrame(x), ci_method="bootstrap", n_boot=b, seed=3)
    lo, hi = np.quantile(loop, [0.025, 0.975])
    assert res.ci_low == pytest.approx(lo, abs=1e-10) and res.ci_high == pytest.approx(hi, abs=1e-10)


@pytest.mark.parametrize("name", ["likert", "complete"])
def test_jackknife_and_bca_limits_equal_direct_computation(name):
    x = pd.read_csv(REF / f"reliability_{name}.csv").to_numpy(float)
    n = x.shape[0]
    jack = rel._jackknife(lambda w: rel._boot_alpha(x, w), n, chunk=97)
    loo = _loop_alpha(x, [np.delete(np.arange(n), i) for i in range(n)])
    np.testing.assert_allclose(jack, loo, atol=1e-10)
    res = cronbach_alpha(pd.DataFrame(x), ci_method="bca", n_boot=300, seed=2)
    boots = _loop_alpha(x, rel._boot_indices(np.random.default_rng(2), n, 300))
    est = cronbach_alpha(pd.DataFrame(x)).estimate
    # Efron (1987): z0 from the share below the estimate, acceleration from the jackknife.
    from scipy.stats import norm
    z0 = norm.ppf(np.mean(boots < est))
    d = loo.mean() - loo
    a = (d**3).sum() / (6 * (d**2).sum() ** 1.5)
    z = norm.ppf([0.025, 0.975])
    want = np.quantile(boots, norm.cdf(z0 + (z0 + z) / (1 - a * (z0 + z))))
    assert res.ci_low == pytest.approx(want[0], abs=1e-10)
    assert res.ci_high == pytest.approx(want[1], abs=1e-10)
    assert "BCa" in res.method


def test_omega_bca_interval_and_ordinal_restriction():
    data = pd.read_csv(REF / "reliability_complete.csv")
    o = mcdonald_omega(data, ci_method="bca", n_boot=200, seed=4)
    p = mcdonald_omega(data, ci_method="bootstrap", n_boot=200, seed=4)
    assert o.estimate == p.estimate
    assert o.ci_low < o.estimate < o.ci_high
    assert abs(o.ci_low - p.ci_low) < 0.02 and abs(o.ci_high - p.ci_high) < 0.02
    with pytest.raises(ValueError, match="ordinal"):
        cronbach_alpha(data, ordinal=True, ci_method="bca")
    with pytest.raises(ValueError, match="ordinal"):
        mcdonald_omega(data, ordinal=True, ci_method="bca")


def test_batched_omega_fits_equal_one_by_one_fits():
    x = pd.read_csv(REF / "reliability_complete.csv").to_numpy(float)
    n = x.shape[0]
    rng = np.random.default_rng(9)
    mats = [np.cov(x[rng.integers(0, n, size=n)], rowvar=False, ddof=0) for _ in range(15)]
    lam, th = rel._fit_one_factor(np.cov(x, rowvar=False, ddof=0))
    batched = rel._bootstrap_omegas(np.stack(mats), lam, th)
    single = [rel._omega_from(*rel._fit_one_factor(s)) for s in mats]
    np.testing.assert_allclose(batched, single, atol=1e-8)


def test_bootstrap_intervals_are_reproducible_and_bracket_the_estimate():
    data = pd.read_csv(REF / "reliability_likert.csv")
    a1 = cronbach_alpha(data, ci_method="bootstrap", n_boot=200, seed=7)
    a2 = cronbach_alpha(data, ci_method="bootstrap", n_boot=200, seed=7)
    assert a1 == a2
    assert a1.ci_low < a1.estimate < a1.ci_high
    assert "bootstrap 95% CI (200 resamples)" in a1.method
    o = mcdonald_omega(data, n_boot=200, seed=7)
    assert o.ci_low < o.estimate < o.ci_high
    assert o.ci_high - o.ci_low < 0.2
    frame = o.to_frame()
    assert list(frame.columns) == ["estimate", "ci_low", "ci_high", "n", "k", "method"]


def test_ordinal_bootstrap_runs_on_small_sample():
    data = pd.read_csv(REF / "reliability_complete.csv").iloc[:150]
    res = cronbach_alpha(data, ordinal=True, ci_method="bootstrap", n_boot=20, seed=1)
    assert res.ci_low < res.ci_high
    om = mcdonald_omega(data, ordinal=True, n_boot=20, seed=1)
    assert om.ci_low < om.ci_high


# ------------------------------------------------------------------ inputs
class _FakeResponseSet:
    def __init__(self, frame):
        self._frame = frame

    def scored(self):
        return self._frame


def test_accepts_a_responseset_like_object():
    data = pd.read_csv(REF / "reliability_complete.csv")
    rs = _FakeResponseSet(data)
    assert cronbach_alpha(rs).estimate == cronbach_alpha(data).estimate
    pd.testing.assert_frame_equal(item_statistics(rs), item_statistics(data))
    assert mcdonald_omega(rs, ci=None).estimate == mcdonald_omega(data, ci=None).estimate


def test_empty_rows_do_not_count_as_respondents():
    data = pd.read_csv(REF / "reliability_complete.csv")
    padded = pd.concat([data, pd.DataFrame(np.nan, index=range(5), columns=data.columns)],
                       ignore_index=True)
    a, b = cronbach_alpha(data), cronbach_alpha(padded)
    assert b.n == a.n == len(data)
    assert b.estimate == pytest.approx(a.estimate, abs=1e-12)


def test_results_are_frozen():
    res = cronbach_alpha(pd.read_csv(REF / "reliability_complete.csv"))
    with pytest.raises(AttributeError):
        res.estimate = 1.0  # type: ignore[misc]


@pytest.mark.parametrize("call, match", [
    (lambda d: cronbach_alpha(d, ci_method="wald"), "ci_method"),
    (lambda d: cronbach_alpha(d, ci=95), "between 0 and 1"),
    (lambda d: cronbach_alpha(d, nan_policy="drop"), "nan_policy"),
    (lambda d: cronbach_alpha(d.assign(v1="x")), "numeric"),
    (lambda d: cronbach_alpha(d.assign(v1=3.0)), "no variance"),
    (lambda d: cronbach_alpha(d[["v1"]]), "at least 2"),
    (lambda d: mcdonald_omega(d, ci_method="feldt"), "bootstrap"),
    (lambda d: omega_hierarchical(d, n_groups=1), "n_groups"),
    (lambda d: omega_hierarchical(d.iloc[:, :5], n_groups=3), "too few"),
    (lambda d: polychoric(d * 0.5), "integer"),
])
def test_bad_arguments_raise_value_errors_that_say_what_to_do(call, match):
    data = pd.read_csv(REF / "reliability_complete.csv")
    with pytest.raises(ValueError, match=match):
        call(data)


def test_non_dataframe_input_raises_type_error():
    with pytest.raises(TypeError, match="DataFrame"):
        cronbach_alpha([[1, 2], [3, 4]])
