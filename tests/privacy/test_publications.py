"""The private register of publications (evaluation.privacy.publications): differencing across runs and folders."""

from __future__ import annotations

import json
import os
import stat

import pandas as pd

from evaluation.privacy import publications as pub
from evaluation.reports.base import open_report
from evaluation.simulate import simulate_round


def _publish(df, tmp_path, folder, **kw):
    p = tmp_path / f"{folder}.csv"
    df.to_csv(p, index=False)
    rep = open_report("round", responses=str(p), instrument="dual_maturity", municipality="Ekby",
                      round_label="2025", output_dir=str(tmp_path / folder), **kw)
    rep.save()
    return rep.results()["sections"]


def test_resorted_export_is_the_same_publication(tmp_path):
    d = simulate_round("dual_maturity", n=40, seed=3).data
    assert _publish(d, tmp_path, "a")["withheld"] is None
    again = _publish(d.sample(frac=1.0, random_state=1), tmp_path, "b")  # same rows, other order, other folder
    assert again["withheld"] is None and again["overall"]["n"] == 40


def test_one_edited_answer_is_withheld_in_any_folder(tmp_path):
    """The same 40 people, one of whom changed one answer: counts equal, the edit isolated by subtraction."""
    d = simulate_round("dual_maturity", n=40, seed=4).data
    _publish(d, tmp_path, "a")
    e = d.copy()
    e.loc[e.index[5], "cap_und_1"] = 5 if e.loc[e.index[5], "cap_und_1"] != 5 else 1
    got = _publish(e, tmp_path, "b")
    assert got["withheld"]["reason"] == "too_few_new" and got["withheld"]["difference"] == 2
    assert got["overall"] == {"suppressed": True} and got["units"] is None


def test_five_new_answers_are_published_two_in_a_unit_are_not(tmp_path):
    """5 late answers, complete, all in one role and a new unit: every published set moved by 0 or 5. Spread
    over the old units instead, a unit gains 2, and its mean would give those 2 by subtraction. (Complete
    answers: a late 'vet ej' would move that item's answerers by 4, which withholds the re-run too.)"""
    d = simulate_round("dual_maturity", n=45, seed=5, breakoff_rate=0.0, skip_rate=0.0, dont_know_rate=0.0,
                       hard_dont_know_rate=0.0).data
    _publish(d.iloc[:40], tmp_path, "a")
    late = d.iloc[40:].assign(unit="Nya enheten", role=d["role"].iloc[0])
    got = _publish(pd.concat([d.iloc[:40], late]), tmp_path, "b")
    assert got["withheld"] is None and got["overall"]["n"] == 45
    spread = d.iloc[40:].assign(unit=list(d["unit"].iloc[:2]) * 2 + [d["unit"].iloc[0]], role=d["role"].iloc[0])
    assert _publish(pd.concat([d.iloc[:40], spread]), tmp_path, "c")["withheld"] is not None


def test_register_holds_no_answers_and_its_salt_is_private(tmp_path):
    d = simulate_round("dual_maturity", n=30, seed=6).data
    d["unit"] = "Hemligaenheten"
    _publish(d, tmp_path, "a")
    store = pub.store_dir()
    body = (store / "publications" / "dual_maturity.jsonl").read_text(encoding="utf-8")
    assert "Hemligaenheten" not in body and str(d["respondent_id"].iloc[0]) not in body
    rec = json.loads(body.splitlines()[0])
    assert set(rec["sets"]) >= {"overall", "rows", "item:cap_und_1"}
    assert all(len(h) == 16 for h in rec["rows"]) and len(rec["rows"]) == 30
    assert stat.S_IMODE(os.stat(store / "salt").st_mode) == 0o600
    assert str(store).startswith(os.environ["DMKIT_PRIVATE_DIR"]) and not str(store).startswith(str(tmp_path / "a"))


def test_fingerprints_change_with_any_cell_and_not_with_order():
    a = pd.DataFrame({"q1": [1.0, 2.0, 2.0], "q2": [3.0, float("nan"), float("nan")]})
    m = pd.DataFrame({"unit": ["A", "B", "B"]})
    f = pub.row_fingerprints(a, m, salt=b"x")
    assert f.is_unique  # two identical rows still count as two people
    g = pub.row_fingerprints(a.iloc[::-1].reset_index(drop=True), m.iloc[::-1].reset_index(drop=True), salt=b"x")
    assert set(f) == set(g)
    b = a.copy()
    b.loc[0, "q2"] = 4.0
    assert pub.row_fingerprints(b, m, salt=b"x").iloc[0] != f.iloc[0]
    # labels are not part of a row: a fixed unit typo or renumbered ids leave the same people the same rows
    assert pub.row_fingerprints(a, m.assign(unit=["C", "B", "B"]), salt=b"x").iloc[0] == f.iloc[0]
    assert pub.row_fingerprints(a, m, salt=b"y").iloc[0] != f.iloc[0]


def test_conflicts_only_between_the_same_measure():
    old = [{"sets": {"overall": [frozenset(range(20))]}}]
    assert pub.conflicts({"overall": [frozenset(range(22))]}, old, min_group_size=5)[0]["difference"] == 2
    assert pub.conflicts({"item:q1": [frozenset(range(22))]}, old, min_group_size=5) == []
    assert pub.conflicts({"overall": [frozenset(range(25))]}, old, min_group_size=5) == []
    # a unit in one run and a role in the next that hold nearly the same people: caught, whatever the label
    assert pub.conflicts({"overall": [frozenset(range(100, 130)), frozenset(range(1, 21))]}, old,
                         min_group_size=5)[0]["difference"] == 2


def test_forget_a_trial_run(tmp_path):
    d = simulate_round("dual_maturity", n=40, seed=8).data
    _publish(d.iloc[:37], tmp_path, "trial")
    assert _publish(d, tmp_path, "real")["withheld"] is not None
    assert pub.forget_publications(tmp_path / "trial") == 1
    assert _publish(d, tmp_path, "real2")["withheld"] is None


def _drop_rows(src, dst, n):
    d = pd.read_csv(src, dtype=str, keep_default_na=False)
    d.iloc[:-n].to_csv(dst, index=False)
    return dst


def test_workshop_rerun_after_two_late_answers_is_withheld(tmp_path, samples):
    """The workshop report published on the after-survey less 2 answers, then re-run on the full export: the
    arm means would give those 2 by subtraction, so the re-run publishes only why (and its slides the same)."""
    short = _drop_rows(samples / "workshop_after.csv", tmp_path / "after_short.csv", 2)
    kw = dict(before=str(samples / "workshop_before.csv"), instrument="workshop_followup", group_column="took_part",
              cluster_column="unit")
    first = open_report("workshop", after=str(short), output_dir=str(tmp_path / "w1"), **kw)
    assert first.withheld is None
    first.save()
    again = open_report("workshop", after=str(samples / "workshop_after.csv"), output_dir=str(tmp_path / "w2"), **kw)
    assert again.withheld["difference"] in (1, 2)
    res = again.results()["sections"]
    assert set(res) == {"withheld", "min_group_size"}
    path = again.save()
    board = json.loads((tmp_path / "w2" / "figures" / "board.json").read_text(encoding="utf-8"))
    assert len(board) == 1 and "dmkit unpublish" in board[0]["message"]
    assert json.loads(path.read_text(encoding="utf-8"))["sections"]["withheld"]["reason"] == "too_few_new"
    # the same files again: the same rows, nothing isolated
    assert open_report("workshop", after=str(short), output_dir=str(tmp_path / "w3"), **kw).withheld is None


def test_comparison_rerun_with_two_rows_less_is_withheld(tmp_path, samples):
    kw = dict(responses_a=str(samples / "paired_dual_maturity.csv"), instrument_a="dual_maturity",
              instrument_b="public_dma")
    first = open_report("comparison", responses_b=str(samples / "paired_public_dma.csv"),
                        output_dir=str(tmp_path / "c1"), **kw)
    assert first.withheld is None
    first.save()
    short = _drop_rows(samples / "paired_public_dma.csv", tmp_path / "b_short.csv", 2)
    again = open_report("comparison", responses_b=str(short), output_dir=str(tmp_path / "c2"), **kw)
    assert again.withheld["instrument"] == "public_dma" and again.withheld["difference"] in (1, 2)
    assert set(again.results()["sections"]) == {"withheld", "min_group_size"}


def test_psychometrics_rerun_is_withheld_and_its_html_says_why(tmp_path, samples):
    """Through the command a user runs: the HTML holds the reason and no number of the data."""
    from evaluation.cli import main

    short = _drop_rows(samples / "solvik_2025.csv", tmp_path / "short.csv", 3)
    assert main(["psychometrics", str(short), "-i", "dual_maturity", "--n-boot", "20", "-o", str(tmp_path / "p1"),
                 "-q"]) == 0
    assert main(["psychometrics", str(samples / "solvik_2025.csv"), "-i", "dual_maturity", "--n-boot", "20",
                 "-o", str(tmp_path / "p2"), "-q"]) == 0
    html = (tmp_path / "p2" / "psychometrics.html").read_text(encoding="utf-8")
    assert "dmkit unpublish" in html and "<table" not in html and "<img" not in html
    res = json.loads((tmp_path / "p2" / "results.json").read_text(encoding="utf-8"))["sections"]
    assert res["withheld"]["difference"] in (1, 2, 3)
    # a round report on the same full export is withheld too: the item means are the same measure
    rnd = open_report("round", responses=str(samples / "solvik_2025.csv"), instrument="dual_maturity",
                      output_dir=str(tmp_path / "r")).results()["sections"]
    assert rnd["withheld"]["reason"] == "too_few_new"


def test_saving_the_same_publication_twice_adds_one_record(tmp_path):
    d = simulate_round("dual_maturity", n=30, seed=9).data
    _publish(d, tmp_path, "a")
    _publish(d, tmp_path, "a")
    assert len(pub.earlier_publications("dual_maturity")) == 1
    _publish(d, tmp_path, "b")  # the same rows in another folder: a second record (forgetting one keeps the other)
    assert len(pub.earlier_publications("dual_maturity")) == 2


def test_conflicts_solve_several_publications_together():
    """S, S+X+Y, S+Y+Z are published; S+X+Z would give X (1 row) by (S+X+Y + S+X+Z − S+Y+Z − S) / 2 although
    it differs from each of the three by at least 5; S+X+Y+Z+W (5 more, W new) isolates nobody."""
    S, X, Y, Z = (frozenset(f"{c}{i}" for i in range(n)) for c, n in (("s", 35), ("x", 1), ("y", 4), ("z", 4)))
    W = frozenset(f"w{i}" for i in range(5))
    earlier = [{"sets": {"overall": [s]}} for s in (S, S | X | Y, S | Y | Z)]
    hit = pub.conflicts({"overall": [S | X | Z]}, earlier, min_group_size=5)
    assert hit and hit[0]["difference"] == 1
    assert pub.conflicts({"overall": [S | X | Y | Z | W]}, earlier, min_group_size=5) == []
