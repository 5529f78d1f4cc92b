"""evaluation.stats.ordinal_invariance against lavaan 0.6-14 (tests/reference/ordinal.R):
configural/metric/scalar/partial-scalar WLSMV fits by round, lavTestLRT scaled
differences (Satorra 2000, scaled-shifted) and lavTestScore univariate tests.

Tolerances: chi-squares, scaled differences and score tests 1e-2 absolute
(brief; they agree to ~4e-6, the optimisers' stopping difference);
indices in [0, 1] and p-values 1e-4."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.stats.ordinal_invariance import ordinal_invariance

REF = Path(__file__).resolve().parents[1] / "reference"
META = ["respondent_id", "municipality", "unit", "role", "round", "overall"]
LEVELS = ["configural", "metric", "scalar", "partial_scalar"]
_cache: dict = {}


@pytest.fixture(scope="module")
def ref():
    return json.loads((REF / "ordinal_reference.json").read_text())


def result(ref, name):
    if name not in _cache:
        d = pd.read_csv(REF / f"{name}.csv")
        items = d[[c for c in d.columns if c not in META]]
        _cache[name] = ordinal_invariance(items, ref[name]["model"], d["round"],
                                          partial=ref[name]["invariance"]["partial"])
    return _cache[name]


@pytest.mark.parametrize("name", ["ordinal_a", "ordinal_b"])
def test_model_fits_equal_lavaan(ref, name):
    res = result(ref, name)
    inv = ref[name]["invariance"]
    assert list(res.index) == LEVELS and res.index.name == "model"
    assert list(res.columns) == ["chisq_scaled", "df_scaled", "cfi_scaled", "tli_scaled", "rmsea_scaled",
                                 "srmr", "chisq_diff", "df_diff", "p_diff"]
    for lev in LEVELS:
        r = inv[lev]
        assert res.loc[lev, "chisq_scaled"] == pytest.approx(r["chisq.scaled"], abs=1e-2)
        assert res.loc[lev, "df_scaled"] == r["df.scaled"]
        for c in ("cfi_scaled", "tli_scaled", "rmsea_scaled", "srmr"):
            assert res.loc[lev, c] == pytest.approx(r[c.replace("_", ".")], abs=1e-4), (lev, c)
        full = res.attrs["fit"][lev]
        assert full["chisq"] == pytest.approx(r["chisq"], abs=1e-2)
        assert full["wrmr"] == pytest.approx(r["wrmr"], abs=1e-4)
        assert full["n"] == r["n"]


@pytest.mark.parametrize("name", ["ordinal_a", "ordinal_b"])
def test_scaled_differences_equal_lavTestLRT(ref, name):
    res = result(ref, name)
    inv = ref[name]["invariance"]
    lrt = pd.DataFrame(inv["lrt"]).set_index("model")
    lp = pd.DataFrame(inv["lrt_partial"]).set_index("model")
    assert res.loc["configural", ["chisq_diff", "df_diff", "p_diff"]].isna().all()
    for lev, src in (("metric", lrt), ("scalar", lrt), ("partial_scalar", lp)):
        assert res.loc[lev, "chisq_diff"] == pytest.approx(src.loc[lev, "chisq_diff"], abs=1e-2)
        assert res.loc[lev, "df_diff"] == src.loc[lev, "df_diff"]
        assert res.loc[lev, "p_diff"] == pytest.approx(src.loc[lev, "p_diff"], abs=1e-4)


@pytest.mark.parametrize("name", ["ordinal_a", "ordinal_b"])
def test_score_tests_equal_lavTestScore(ref, name):
    st = result(ref, name).attrs["score_tests"]
    r = pd.DataFrame(ref[name]["invariance"]["score"])
    assert list(st.columns) == ["param", "X2", "df", "p"]
    assert sorted(st["param"]) == sorted(r["param"])
    assert (np.diff(st["X2"].to_numpy()) <= 0).all()          # largest first
    m = st.set_index("param").loc[r["param"]]
    np.testing.assert_allclose(m["X2"], r["X2"], atol=1e-2)
    np.testing.assert_allclose(m["p"], r["p"], atol=1e-4)


def test_planted_non_invariance_is_found(ref):
    """ordinal_a: gov_4's loading drops in 2026 (make_ordinal_data.py); it tops the score tests."""
    st = result(ref, "ordinal_a").attrs["score_tests"]
    assert st.loc[0, "param"] == "governance=~gov_4"
    assert st.loc[0, "p"] < 0.001


def test_partial_syntax_errors():
    d = pd.read_csv(REF / "ordinal_b.csv")
    items = d[[c for c in d.columns if c not in META]]
    model = "f =~ lead_1 + lead_2 + lead_3"
    with pytest.raises(ValueError, match="marker"):
        ordinal_invariance(items, model, d["round"], partial=["f =~ lead_1"])
    with pytest.raises(ValueError, match="no threshold"):
        ordinal_invariance(items, model, d["round"], partial=["lead_2|t9"])
    with pytest.raises(ValueError, match="group has"):
        ordinal_invariance(items, model, d["round"].iloc[:10])
