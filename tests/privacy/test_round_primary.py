"""Primary suppression in the round report: no published number from fewer than min_group_size people.

Planted cases: a tiny organisation (3 respondents), an item answered by 2, a category answered by 3
in the current round (change row), reliability on too few. The check walks results.json: every
dict with a count below 5 beside it carries no number.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluation.cli import main as dmkit
from evaluation.reports.base import Figure, open_report

from conftest import SAMPLES

K = 5
COUNTS = ("n", "n_cur", "n_prev", "answered")
NOT_VALUES = set(COUNTS) | {"k", "min_group_size", "n_organisations", "population_size", "rows_in", "accepted",
                            "rejected"}


def _walk(obj, path=""):
    if isinstance(obj, dict):
        yield path, obj
        for key, v in obj.items():
            yield from _walk(v, f"{path}/{key}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _walk(v, f"{path}[{i}]")


def _leaks(sections: dict) -> list[str]:
    out = []
    for path, d in _walk(sections):
        small = [c for c in COUNTS if isinstance(d.get(c), (int, float)) and 0 < d[c] < K]
        values = [key for key, v in d.items() if key not in NOT_VALUES and isinstance(v, (int, float))
                  and not isinstance(v, bool) and v == v]
        if small and values:
            out.append(f"{path}: {small} with {values}")
    return out


def _report(tmp_path, df: pd.DataFrame, **kw):
    p = tmp_path / f"r{len(list(tmp_path.iterdir()))}.csv"
    df.to_csv(p, index=False)
    return open_report("round", responses=str(p), instrument="dual_maturity", municipality="X",
                       round_label="2025", output_dir=str(tmp_path / "out"), **kw)


def test_tiny_organisation_publishes_nothing(tmp_path):
    df = pd.read_csv(SAMPLES / "solvik_2025.csv", dtype=str, keep_default_na=False).head(3)
    rep = _report(tmp_path, df, previous_responses=str(SAMPLES / "solvik_2024.csv"))
    sec = rep.results()["sections"]
    assert not _leaks(sec)
    assert sec["quality"]["dont_know_rate"] is None and sec["quality"]["reliability"] == []
    assert all(v is None for row in sec["quality"]["items"] for key, v in row.items() if key != "item")
    shown = [rep.section(s) for s in rep.section_ids]
    assert [s.id for s in shown if s is not None] == ["summary"]
    assert not any(isinstance(b, Figure) for s in shown if s is not None for b in s.blocks)
    assert "3" in shown[0].blocks[0] and "5" in shown[0].blocks[0]


def test_item_mean_and_change_row_from_few_are_hidden(tmp_path):
    cur = pd.read_csv(SAMPLES / "solvik_2025.csv", dtype=str, keep_default_na=False)
    items = [c for c in cur.columns if c.startswith(("cap_", "leg_"))]
    # one item answered by 2 people only
    cur.loc[cur.index[2:], items[0]] = ""
    # one category (all its items) answered by 3 people only in this round
    cat = [c for c in items if c.startswith("cap_chg_")]
    cur.loc[cur.index[3:], cat] = ""
    rep = _report(tmp_path, cur, previous_responses=str(SAMPLES / "solvik_2024.csv"))
    sec = rep.results()["sections"]
    assert not _leaks(sec), _leaks(sec)
    item = next(r for r in sec["quality"]["items"] if r["item"] == items[0])
    assert item["mean"] is None
    rows = {r["id"]: r for r in sec["change"]["rows"]}
    assert rows["change"]["n_cur"] == 3 and rows["change"].get("diff") is None, rows["change"]
    # the rest of the change table is still there
    assert rows["overall"]["diff"] == rows["overall"]["diff"] and rows["overall"]["diff"] is not None


@pytest.mark.parametrize("seed", range(3))
def test_random_small_units_never_leak_directly(tmp_path, seed):
    rng = np.random.default_rng(seed)
    df = pd.read_csv(SAMPLES / "solvik_2025.csv", dtype=str, keep_default_na=False)
    take = rng.choice(len(df), size=int(rng.integers(6, 40)), replace=False)
    rep = _report(tmp_path, df.iloc[np.sort(take)])
    assert not _leaks(rep.results()["sections"])


def test_items_command_refuses_a_tiny_organisation(tmp_path, capsys):
    df = pd.read_csv(SAMPLES / "solvik_2025.csv", dtype=str, keep_default_na=False).head(4)
    p = tmp_path / "t.csv"
    df.to_csv(p, index=False)
    assert dmkit(["items", str(p), "-i", "dual_maturity"]) == 1
    assert "fewer than --min-group-size 5" in capsys.readouterr().err


@pytest.mark.parametrize("late", [1, 2, 4, 5])
def test_rerun_after_a_few_late_answers_withholds_results(tmp_path, late):
    """Differencing: version 2 minus version 1 of the same folder must not give the late answers' scores."""
    df = pd.read_csv(SAMPLES / "solvik_2025.csv", dtype=str, keep_default_na=False)
    # the late answers come from one unit and one role, every item answered, so each group they join
    # moves by exactly `late` (a group that moved by 1..4 would withhold the report)
    from evaluation.data.responses import read_responses

    rs = read_responses(df, "dual_maturity")  # every item answered on the scale (no skip, no "vet ej")
    complete = rs.answers.notna().all(axis=1)
    full = df[complete.to_numpy()] if len(complete) == len(df) else df.iloc[0:0]
    unit, role = full[["unit", "role"]].value_counts().index[0]
    block = full[(full["unit"] == unit) & (full["role"] == role)].index[:late]
    first, extra = df.drop(index=block), df.loc[block]
    out = tmp_path / "out"
    kw = dict(instrument="dual_maturity", municipality="X", round_label="2025", output_dir=str(out))
    p1, p2 = tmp_path / "v1.csv", tmp_path / "v2.csv"
    first.to_csv(p1, index=False)
    pd.concat([first, extra]).to_csv(p2, index=False)
    v1 = open_report("round", responses=str(p1), **kw)
    v1.save()
    v2 = open_report("round", responses=str(p2), **kw).results()["sections"]
    if late < K:
        assert v2["withheld"]["reason"] == "too_few_new"
        assert v2["overall"] == {"suppressed": True} and not v2["units"] and v2["change"] is None
        assert v2["published_counts"] == v1.results()["sections"]["published_counts"]
    else:
        assert v2["withheld"] is None and v2["overall"]["n"] == v1.results()["sections"]["overall"]["n"] + late
    # a changed label does not make it another publication: the people behind the numbers are the same
    # (the red team renamed "Ekby" to "Ekby kommun"); nor does a new folder: the private register of
    # publications (evaluation.privacy.publications) knows which rows version 1 stood on
    other = open_report("round", responses=str(p2), **dict(kw, round_label="2026")).results()["sections"]
    assert (other["withheld"] is not None) == (late < K)
    fresh = open_report("round", responses=str(p2), **dict(kw, output_dir=str(tmp_path / "new"))).results()
    assert (fresh["sections"]["withheld"] is not None) == (late < K)
