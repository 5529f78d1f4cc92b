"""evaluation.stats.dif against MASS::polr (tests/reference/dif.R) on the two data sets.

Tolerance 1e-2 absolute on the chi-squares (brief: iterative likelihood fits on
both sides; they agree to ~1e-5), 1e-4 on p-values and R² changes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.stats.dif import dif

REF = Path(__file__).resolve().parents[1] / "reference"
META = ["respondent_id", "municipality", "unit", "role", "round", "overall"]
COLS = ["chi2_uniform", "p_uniform", "chi2_nonuniform", "p_nonuniform", "chi2_total", "p_total",
        "r2_change_uniform", "r2_change_total"]


@pytest.fixture(scope="module")
def ref():
    return json.loads((REF / "dif_reference.json").read_text())


@pytest.mark.parametrize("name", ["ordinal_a", "ordinal_b"])
@pytest.mark.parametrize("anchor", ["total", "rest"])
def test_dif_equals_polr(ref, name, anchor):
    d = pd.read_csv(REF / f"{name}.csv")
    items = d[[c for c in d.columns if c not in META]]
    res = dif(items, d["role"], focal="Chef", anchor=anchor)
    r = pd.DataFrame(ref[name][anchor]).set_index("item")
    assert list(res.columns) == COLS and list(res.index) == list(r.index)
    assert res.attrs["n"] == ref[name]["n"]
    for c in COLS:
        tol = 1e-2 if c.startswith("chi2") else 1e-4
        np.testing.assert_allclose(res[c], r[c], atol=tol, rtol=0, err_msg=c)


def test_planted_dif_is_the_largest(ref):
    """ordinal_a: Chef answers cul_2 higher (make_ordinal_data.py)."""
    d = pd.read_csv(REF / "ordinal_a.csv")
    res = dif(d[[c for c in d.columns if c not in META]], d["role"], focal="Chef", anchor="rest")
    assert res["chi2_uniform"].idxmax() == "cul_2"
    assert res.loc["cul_2", "p_uniform"] < 1e-6


def test_dif_bad_input():
    d = pd.read_csv(REF / "ordinal_b.csv")
    items = d[[c for c in d.columns if c not in META]]
    with pytest.raises(ValueError, match="focal group 'Rektor'"):
        dif(items, d["role"], focal="Rektor")
    with pytest.raises(ValueError, match="anchor"):
        dif(items, d["role"], focal="Chef", anchor="irt")
