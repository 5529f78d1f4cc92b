"""The audit finds what an attacker finds on hand-made leaky results.json, and nothing on safe ones."""

from __future__ import annotations

import pytest

from evaluation.privacy.audit import audit


def m(v: float) -> dict:
    return {"mean": v}


def test_direct_small_count_is_flagged():
    f = audit({"sections": {"units": [{"group": "A", "n": 3, "overall": m(50.0)}]}})
    assert f["how"].tolist() == ["direct n<k"] and f["n"].tolist() == ["3"]


def test_total_minus_all_but_one_unit_recovers_the_hidden_unit_exactly():
    # A (3 people, mean 70) hidden; total and the other units shown
    res = {"overall": {"n": 23, "mean": (12 * 40 + 8 * 60 + 3 * 70) / 23},
           "units": [{"group": "A", "suppressed": True}, {"group": "B", "n": 12, "overall": m(40.0)},
                     {"group": "C", "n": 8, "overall": m(60.0)}]}
    f = audit({"sections": res})
    assert len(f) == 1
    row = f.iloc[0]
    assert row["how"] == "total minus shown" and row["n"] == "3"
    assert row["value"] == pytest.approx(70.0, abs=1e-9) and row["high"] - row["low"] == pytest.approx(0, abs=1e-9)


def test_complementary_suppression_leaves_a_wide_interval():
    # A (3) and E (2) hidden: the rest pools 5 people; A alone is not pinned
    res = {"overall": {"n": 25, "mean": 50.0},
           "units": [{"group": "A", "suppressed": True}, {"group": "E", "suppressed": True},
                     {"group": "B", "n": 20, "overall": m(50.0)}]}
    assert audit({"sections": res}).empty


def test_extreme_pooled_mean_pins_every_member():
    # the hidden 5 all scored 100: then A (1-4 of them) is known to be 100 too
    res = {"overall": {"n": 25, "mean": (20 * 50 + 5 * 100) / 25},
           "units": [{"group": "A", "suppressed": True}, {"group": "E", "suppressed": True},
                     {"group": "B", "n": 20, "overall": m(50.0)}]}
    f = audit({"sections": res})
    assert set(f["group"]) == {"A", "E"} and f["value"].tolist() == pytest.approx([100.0, 100.0])


def test_roles_minus_a_cross_table_recovers_three_people():
    res = {"overall": {"n": 22, "mean": 50.0},
           "units": [{"group": "A", "suppressed": True}, {"group": "B", "n": 16, "overall": m(50.0)},
                     {"group": "C", "suppressed": True}],
           "roles": [{"group": "X", "n": 9, "overall": m(40.0)}, {"group": "Y", "n": 13, "overall": m(740 / 13)}],
           "cross": [{"unit": "B", "role": "X", "n": 6, "overall": m(45.0)},
                     {"unit": "B", "role": "Y", "n": 10, "overall": m(53.0)}]}
    f = audit({"sections": res})
    x = f[f["group"] == "X minus shown cross"].iloc[0]
    assert x["value"] == pytest.approx(30.0) and x["n"] == "3" and x["how"].startswith("table A minus table B")


def test_rerun_with_two_late_answers_is_differenced():
    prev = {"overall": {"n": 20, "mean": 50.0}}
    cur = {"overall": {"n": 22, "mean": 51.0}}
    f = audit({"sections": cur}, previous={"sections": prev})
    assert f["how"].tolist() == ["previous minus current"]
    assert f["value"].iloc[0] == pytest.approx((22 * 51 - 20 * 50) / 2) and f["n"].iloc[0] == "2"
    # five late answers pool enough people
    assert audit({"sections": {"overall": {"n": 25, "mean": 51.0}}}, previous={"sections": prev}).empty


def test_inconsistent_tables_are_not_silently_passed():
    res = {"overall": {"n": 10, "mean": 50.0}, "units": [{"group": "A", "n": 10, "overall": m(60.0)}]}
    with pytest.warns(UserWarning, match="do not add up"):
        audit({"sections": res})


def test_bad_input():
    with pytest.raises(ValueError, match="results.json"):
        audit([1, 2])  # type: ignore[arg-type]


def test_group_scores_pools_k_answerers_per_measure():
    """Complementary suppression per measure: hidden units B (1) + D (4) pool 5 people, but if one of them skipped
    every legacy item the hidden legacy rest holds 4 answers, so one more unit's legacy score must go."""
    import numpy as np

    from evaluation.data.responses import read_responses
    from evaluation.scoring import group_scores
    from evaluation.simulate import simulate_round

    sizes = {"A": 15, "B": 1, "C": 15, "D": 4, "E": 6}
    df = simulate_round("dual_maturity", n=41, seed=5, unit_sizes=sizes, dont_know_rate=0, skip_rate=0,
                        breakoff_rate=0).data
    legacy = [c for c in df.columns if c.startswith("leg_")]
    df.loc[df.index[df["unit"] == "D"][0], legacy] = np.nan
    g = group_scores(read_responses(df, "dual_maturity"), by="unit")
    hidden = lambda i: set(g.loc[(g["id"] == i) & g["suppressed"], "group"])
    assert hidden("legacy") == {"B", "D", "E"}  # E (6) is the smallest shown unit
    # and E's overall goes with its legacy score (overall = mean of the dimensions would give legacy back);
    # its capability stays: capability and overall both hidden leave the identity two unknowns
    assert hidden("overall") == {"B", "D", "E"}
    assert hidden("capability") == {"B", "D"}
