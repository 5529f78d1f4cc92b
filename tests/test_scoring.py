"""Scoring against hand-computed cases; classification; group tables."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from evaluation.data.instruments import load_instrument
from evaluation.data.responses import read_responses
from evaluation.scoring import classify, group_scores, mean_ci, organisation_scores, respondent_scores

INST = load_instrument("dual_maturity")
CATS = INST.category_items()


def _blank(n):
    return pd.DataFrame({i: [None] * n for i in INST.item_ids})


def test_category_score_hand_computed():
    df = _blank(2)
    items = CATS["understand"]
    non_rev = [i for i in items if not INST.item(i).reverse]
    rev = [i for i in items if INST.item(i).reverse]
    # respondent 1: three non-reversed items 6, 5, 4 ; one reversed item answered 2 -> scored 5
    df.loc[0, non_rev[:3]] = [6, 5, 4]
    if rev:
        df.loc[0, rev[0]] = 2
        expected_mean = (6 + 5 + 4 + 5) / 4
    else:
        expected_mean = 5.0
    # respondent 2: only 2 of 5 answered -> below min_answered 0.5 -> missing
    df.loc[1, non_rev[:2]] = [1, 1]
    rs = read_responses(df, INST)
    sc = respondent_scores(rs)
    assert sc.loc[2, "understand"] == pytest.approx((expected_mean - 1) / 5 * 100, abs=1e-12)
    assert np.isnan(sc.loc[3, "understand"])


def test_dont_know_counts_as_missing_not_zero():
    df = _blank(1)
    items = [i for i in CATS["capture"] if not INST.item(i).reverse]
    df.loc[0, items] = [6] * (len(items) - 1) + [0]
    rs = read_responses(df, INST)
    assert respondent_scores(rs).loc[2, "capture"] == pytest.approx(100.0)


def test_dimension_and_overall_are_means_of_parts():
    rng = np.random.default_rng(3)
    df = pd.DataFrame(rng.integers(1, 7, size=(50, 30)), columns=INST.item_ids)
    rs = read_responses(df, INST)
    sc = respondent_scores(rs)
    for dim, cats in INST.dimension_categories().items():
        np.testing.assert_allclose(sc[dim], sc[cats].mean(axis=1), atol=1e-12)
    np.testing.assert_allclose(sc["overall"], sc[["capability", "legacy"]].mean(axis=1), atol=1e-12)
    # an independent computation of one category from raw codes
    items = CATS["change"]
    raw = df[items].astype(float).copy()
    for i in items:
        if INST.item(i).reverse:
            raw[i] = 7 - raw[i]
    np.testing.assert_allclose(sc["change"].to_numpy(), ((raw.mean(axis=1) - 1) / 5 * 100).to_numpy(), atol=1e-12)


def test_mean_ci_matches_scipy():
    x = np.array([40.0, 55.0, 61.0, 47.5, 70.0, 52.0])
    r = mean_ci(x)
    lo, hi = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    assert r["ci_low"] == pytest.approx(lo, abs=1e-10) and r["ci_high"] == pytest.approx(hi, abs=1e-10)


def test_organisation_scores_equal_mean_of_respondents():
    rng = np.random.default_rng(5)
    df = pd.DataFrame(rng.integers(1, 7, size=(40, 30)), columns=INST.item_ids)
    rs = read_responses(df, INST)
    org = organisation_scores(rs)
    sc = respondent_scores(rs)
    assert org.loc["overall", "mean"] == pytest.approx(sc["overall"].mean(), abs=1e-12)
    assert org.loc["legacy", "n"] == sc["legacy"].notna().sum()


def test_group_scores_suppress_small_groups():
    rng = np.random.default_rng(7)
    df = pd.DataFrame(rng.integers(1, 7, size=(33, 30)), columns=INST.item_ids)
    df["unit"] = ["A"] * 20 + ["B"] * 10 + ["C"] * 3
    rs = read_responses(df, INST)
    g = group_scores(rs, by="unit", min_group_size=5)
    hidden = set(g.loc[g["suppressed"], "group"])
    # C (3) is hidden; B is hidden too, else C = total − A − B could be derived
    assert hidden == {"B", "C"}
    assert g.loc[g["suppressed"], ["n", "mean", "ci_low", "ci_high"]].isna().all().all()
    a = g[(g.group == "A") & (g.id == "overall")].iloc[0]
    assert a["n"] == 20 and not a["suppressed"]


def test_classify_quadrants_and_levels():
    for x, y, xs, ys in ((20, 20, "low", "low"), (80, 20, "high", "low"), (20, 80, "low", "high"), (80, 80, "high", "high")):
        c = classify(x, y, instrument=INST, language="sv")
        q = next(q for q in INST.classification["quadrants"] if q["id"] == c.id)
        assert (q["x"], q["y"]) == (xs, ys)
        assert c.recommendation
    unsure = classify(51, 70, instrument=INST, ci=((45, 57), (65, 75)))
    assert not unsure.certain and unsure.note
    lead = load_instrument("leadership_current_state")
    levels = lead.classification["levels"]
    c = classify(levels[2]["min"] + 1, instrument=lead)
    assert c.id == levels[2]["id"]
    with pytest.raises(ValueError, match="needs both"):
        classify(50, instrument=INST)
