"""evaluation.stats.ordinal (WLSMV CFA, GRM) against lavaan 0.6-14
(tests/reference/ordinal.R) on the two data sets of make_ordinal_data.py.

Tolerances (from the brief, and why):
* estimates, thresholds, SEs, std_all, factor correlations: 1e-3 absolute.
  Both sides minimise the same DWLS function iteratively; thresholds are
  closed forms and agree to ~1e-14, loadings to ~3e-7 (lavaan's nlminb stop).
* chi-squares and scaled statistics: 1e-2 absolute (they agree to ~3e-6);
  indices in [0, 1] (CFI, TLI, RMSEA and CI, SRMR, WRMR, p): 1e-4.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from evaluation.stats.ordinal import ordinal_cfa

REF = Path(__file__).resolve().parents[1] / "reference"
META = ["respondent_id", "municipality", "unit", "role", "round", "overall"]
CASES = [(n, m) for n in ("ordinal_a", "ordinal_b") for m in ("listwise", "pairwise")]
FIT = ["chisq", "df", "chisq_scaled", "df_scaled", "pvalue_scaled", "cfi_scaled", "tli_scaled",
       "rmsea_scaled", "rmsea_ci_low_scaled", "rmsea_ci_high_scaled", "srmr", "wrmr", "n"]


@pytest.fixture(scope="module")
def ref():
    return json.loads((REF / "ordinal_reference.json").read_text())


def items(name):
    d = pd.read_csv(REF / f"{name}.csv")
    return d[[c for c in d.columns if c not in META]]


_fits: dict = {}


def fitted(ref, name, mode):
    if (name, mode) not in _fits:
        _fits[name, mode] = ordinal_cfa(items(name), ref[name]["model"], missing=mode)
    return _fits[name, mode]


def rkey(k):
    return k.replace("_low_", "_lower_").replace("_high_", "_upper_").replace("_", ".")


@pytest.mark.parametrize("name,mode", CASES)
def test_fit_measures_equal_lavaan(ref, name, mode):
    res = fitted(ref, name, mode)
    r = ref[name][mode]["fit"]
    assert list(res.fit) == FIT
    for k in FIT:
        want = r["n"] if k == "n" else r[rkey(k)]
        tol = 1e-2 if k.startswith("chisq") or k in ("df", "df_scaled", "n") else 1e-4
        assert res.fit[k] == pytest.approx(want, abs=tol), k


@pytest.mark.parametrize("name,mode", CASES)
def test_estimates_and_robust_se_equal_lavaan(ref, name, mode):
    res = fitted(ref, name, mode)
    r = ref[name][mode]
    L = pd.DataFrame(r["loadings"]).set_index("item")
    got = res.loadings.loc[L.index]
    assert list(res.loadings.columns) == ["factor", "est", "se", "std_all"]
    assert (got["factor"] == L["factor"]).all()
    for c in ("est", "se", "std_all"):
        np.testing.assert_allclose(got[c], L[c], atol=1e-3, rtol=0, err_msg=c)
    T = pd.DataFrame(r["thresholds"])
    est = np.array([res.thresholds.loc[i, t] for i, t in zip(T["item"], T["th"])])
    se = np.array([res.threshold_se.loc[i, t] for i, t in zip(T["item"], T["th"])])
    np.testing.assert_allclose(est, T["est"], atol=1e-6)
    np.testing.assert_allclose(se, T["se"], atol=1e-3)
    assert list(res.thresholds.columns) == ["t1", "t2", "t3", "t4", "t5"]
    fc = np.array(r["factor_correlations"])
    np.testing.assert_allclose(res.factor_correlations.to_numpy(), fc, atol=1e-3)


@pytest.mark.parametrize("name,mode", CASES)
def test_grm_parameters_from_lavaan_solution(ref, name, mode):
    res = fitted(ref, name, mode)
    g = res.grm()
    assert list(g.columns) == ["a", "b1", "b2", "b3", "b4", "b5"]
    A = pd.DataFrame(ref[name][mode]["grm"]).set_index("item")
    np.testing.assert_allclose(g.loc[A.index, "a"], A["a"], atol=1e-3)
    B = pd.DataFrame(ref[name][mode]["grm_b"])
    got = np.array([g.loc[i, t.replace("t", "b")] for i, t in zip(B["item"], B["th"])])
    np.testing.assert_allclose(got, B["b"], atol=1e-3)


def test_grm_reproduces_the_thresholds_marginally(ref):
    """Integrating P(X > k | theta) = Phi(a (theta - b_k)) over N(0, 1) gives Phi(-tau_k):
    the GRM is the ordinal factor model written per item (Takane & de Leeuw 1987)."""
    res = fitted(ref, "ordinal_a", "listwise")
    g = res.grm()
    for it in ["gov_1", "cap_3", "cul_4"]:
        a = g.loc[it, "a"]
        for k in range(1, 6):
            b = g.loc[it, f"b{k}"]
            val, _ = integrate.quad(lambda t: stats.norm.cdf(a * (t - b)) * stats.norm.pdf(t), -12, 12)
            assert val == pytest.approx(stats.norm.cdf(-res.thresholds.loc[it, f"t{k}"]), abs=1e-8)


def test_information_equals_fisher_information_of_the_category_model(ref):
    """Item information equals -E[d^2 log P(X | theta) / d theta^2] by finite differences
    (a different path than the closed form), and for a binary item Lord's
    a^2 phi^2 / (Phi (1 - Phi))."""
    res = fitted(ref, "ordinal_b", "listwise")
    theta = np.linspace(-3, 3, 13)
    info = res.information(theta)
    assert info.index.name == "theta"
    assert list(info.columns) == list(res.loadings.index) + ["test"]
    np.testing.assert_allclose(info["test"], info.drop(columns="test").sum(axis=1), rtol=1e-12)
    g = res.grm()
    it = "tech_2"
    a, b = g.loc[it, "a"], g.loc[it].drop("a").to_numpy()

    def probs(t):
        ps = np.concatenate([[1.0], stats.norm.cdf(a * (t - b)), [0.0]])
        return ps[:-1] - ps[1:]

    h = 1e-4
    for t, want in zip(theta, info[it]):
        p0, pp, pm = probs(t), probs(t + h), probs(t - h)
        d2 = (np.log(pp) - 2 * np.log(p0) + np.log(pm)) / h ** 2
        assert -np.sum(p0 * d2) == pytest.approx(want, rel=1e-5)
    # a binary item: collapse to the first threshold
    one = res.information([0.3], items=[it])
    assert one.shape == (1, 2)
    z = a * (0.3 - b[0])
    lord = a ** 2 * stats.norm.pdf(z) ** 2 / (stats.norm.cdf(z) * stats.norm.sf(z))
    assert lord < one.iloc[0, 0]          # more categories carry more information


def test_dict_model_and_bad_input():
    x = items("ordinal_b")
    res = ordinal_cfa(x, {"leadership": ["lead_1", "lead_2", "lead_3", "lead_4"],
                          "technology": ["tech_1", "tech_2", "tech_3", "tech_4"]})
    assert res.fit["df"] == 19
    with pytest.raises(ValueError, match="not columns"):
        ordinal_cfa(x, "f =~ lead_1 + nope")
    bad = x.copy()
    bad.loc[7, "lead_1"] = 2.5
    with pytest.raises(ValueError, match="row 7"):
        ordinal_cfa(bad, "f =~ lead_1 + lead_2 + lead_3")
    with pytest.raises(ValueError, match="missing must be"):
        ordinal_cfa(x, "f =~ lead_1 + lead_2 + lead_3", missing="fiml")
