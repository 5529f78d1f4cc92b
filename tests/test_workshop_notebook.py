"""The workshop evaluation: evaluation.stats.workshop (numbers), evaluation.reports.workshop (report) and its notebook."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from evaluation.reports import workshop as report
from evaluation.reports.envelope import sections_of
from evaluation.stats import effects, workshop
from evaluation.stats.power import mde_from_se
from evaluation.text.workshop import design_text
from evaluation.data.responses import read_responses
from evaluation.simulate import simulate_round

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "workshop_effect.ipynb"
INST = "dual_maturity"


def rounds(n: int = 60, level_after: float = 0.6, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two rounds with the same respondent codes; the after round planted `level_after` higher."""
    b = simulate_round(INST, n=n, seed=seed).data
    a = simulate_round(INST, n=n, seed=seed + 100, level=level_after).data
    return b, a


def did_rounds(n: int = 80) -> tuple[pd.DataFrame, pd.DataFrame]:
    units = ["Skola", "Vård", "Teknik", "Kultur"]
    b = simulate_round(INST, n=n, seed=5, units=units).data
    a0 = simulate_round(INST, n=n, seed=6, units=units).data
    a1 = simulate_round(INST, n=n, seed=7, units=units, level=0.8).data
    part = b["unit"].isin(["Skola", "Vård"]).to_numpy()
    a = pd.concat([a1[part], a0[~part]]).sort_index()
    a["unit"] = b["unit"]
    for d in (b, a):
        d["took_part"] = d["unit"].isin(["Skola", "Vård"]).astype(int)
    return b, a


def rs(frame: pd.DataFrame, inst: str = INST):
    return read_responses(frame, inst)


# --------------------------------------------------------------------------
# design choice and the effects table
# --------------------------------------------------------------------------
def test_paired_design_and_table():
    b, a = rounds()
    tab = workshop.workshop_effects(rs(b), rs(a))
    assert tab.attrs["design"].design == "paired" and tab.attrs["design"].n_linked == 60
    assert set(tab["comparison"]) == {"post_pre"}
    ov = tab[tab["id"] == "overall"].iloc[0]
    assert ov["test"] == "paired t" and ov["diff"] > 0 and ov["ci_low"] > 0  # planted +0.6 latent SD
    # corrections: Holm >= BH >= raw, within each level
    cats = tab[tab["level"] == "category"]
    assert (cats["p_holm"] >= cats["p_bh"] - 1e-15).all() and (cats["p_bh"] >= cats["pvalue"] - 1e-15).all()
    from statsmodels.stats.multitest import multipletests
    assert cats["p_holm"].to_numpy() == pytest.approx(multipletests(cats["pvalue"], method="holm")[1], rel=1e-12)
    assert cats["p_bh"].to_numpy() == pytest.approx(multipletests(cats["pvalue"], method="fdr_bh")[1], rel=1e-12)
    # the table's numbers are prepost's numbers
    from evaluation.scoring import respondent_scores
    sb, sa = respondent_scores(rs(b))["overall"], respondent_scores(rs(a))["overall"]
    long = pd.DataFrame({"id": list(b["respondent_id"]) * 2, "t": ["pre"] * 60 + ["post"] * 60,
                         "score": list(sb) + list(sa)})
    ref = effects.prepost(long, score="score", time="t", subject="id")
    assert ov["diff"] == pytest.approx(ref.diff) and ov["pvalue"] == pytest.approx(ref.pvalue)
    assert ov["mde"] == pytest.approx(mde_from_se(ref.se, ref.df))


def test_partially_paired_and_forced_designs():
    b, a = rounds()
    a = a.iloc[10:].copy()
    b = b.iloc[:-5].copy()
    before, after = rs(b), rs(a)
    tab = workshop.workshop_effects(before, after)
    assert tab.attrs["design"].design == "partially_paired"
    assert tab.loc[tab["id"] == "overall", "n_pairs"].iloc[0] == 45
    forced = workshop.workshop_effects(before, after, design="paired")
    ov = forced[forced["id"] == "overall"].iloc[0]
    assert ov["design"] == "paired" and ov["n_pre"] == ov["n_post"] == 45
    assert forced.attrs["design"].notes[0] == "unpaired_left_out"
    assert "left out" in design_text(forced.attrs["design"], "en")
    ind = workshop.workshop_effects(before, after, design="independent")
    assert ind.loc[ind["id"] == "overall", "test"].iloc[0] == "Welch t"
    assert "independent_although_linked" in ind.attrs["design"].notes
    assert "can be linked" in design_text(ind.attrs["design"], "en")


def test_then_test_design_from_then_columns():
    b, a = rounds()
    retro = simulate_round(INST, n=60, seed=55, level=-0.3).data
    items = [c for c in b.columns if c.startswith(("cap_", "leg_"))]
    for it in items:
        a[f"{it}_then"] = retro[it]
    tab = workshop.workshop_effects(rs(b), rs(a))
    assert tab.attrs["design"].design == "then_test"
    assert set(tab["comparison"]) == {"then_pre", "post_pre", "post_then"}
    ov = tab[tab["id"] == "overall"].set_index("comparison")
    # post - then = (post - pre) - (then - pre), all paired on the same 60 respondents
    assert ov.loc["post_then", "diff"] == pytest.approx(ov.loc["post_pre", "diff"] - ov.loc["then_pre", "diff"])


def test_did_design_mixed_model():
    b, a = did_rounds()
    tab = workshop.workshop_effects(rs(b), rs(a), group_column="took_part", cluster_column="unit")
    assert tab.attrs["design"].design == "did"
    ov = tab[tab["id"] == "overall"].iloc[0]
    assert ov["comparison"] == "did" and "mixed" in ov["test"]
    assert ov["ci_low"] < ov["diff"] < ov["ci_high"]
    assert ov["diff"] > 0  # planted +0.8 latent SD for participants only


# --------------------------------------------------------------------------
# bad inputs: each a clear message
# --------------------------------------------------------------------------
def test_duplicate_code_in_one_round():
    import dataclasses

    b, a = rounds(n=20)
    before, after = rs(b), rs(a)
    # a frame that bypassed the reader's own duplicate check
    meta = before.meta.copy()
    meta.loc[meta.index[3], "respondent_id"] = meta["respondent_id"].iloc[0]
    dup = dataclasses.replace(before, meta=meta)
    with pytest.raises(ValueError, match=r"Respondent code 'R0001' \(column 'respondent_id'\) is used 2 times "
                                         r"in the before file \(rows 2, 5\)"):
        workshop.workshop_effects(dup, after)
    # through the reader the second row is rejected with a reason, and the report says so
    b.loc[3, "respondent_id"] = b.loc[0, "respondent_id"]
    before = rs(b)
    assert len(before.rejected) == 1
    tab = workshop.workshop_effects(before, after)
    p = report.WorkshopParameters(before="", after="", instrument=INST, design="auto",
                                   subject_column="respondent_id", group_column="", cluster_column="",
                                   feedback="", min_group_size=5, language="en", output_dir="")
    res = report.WorkshopAnalysis(params=p, choice=tab.attrs["design"], table=tab, before=before, after=after,
                                   feedback=None, reaction=None, reaction_change=None,
                                   planning=pd.DataFrame({"r": [np.nan]}))
    assert "Rejected rows (see validation): before: 1." in report.design_markdown(res)
    assert tab.attrs["design"].design == "partially_paired" and tab.attrs["design"].n_linked == 19


def test_no_overlap_in_dimensions():
    b, a = rounds(n=20)
    cap = [c for c in b.columns if c.startswith("cap_")]
    leg = [c for c in b.columns if c.startswith("leg_")]
    b[leg] = np.nan
    a[cap] = np.nan
    with pytest.raises(ValueError, match=r"share no dimension with answers: no scores before for legacy; "
                                         r"none after for capability"):
        workshop.workshop_effects(rs(b), rs(a))


def test_groups_below_min_group_size():
    b, a = rounds(n=4)
    with pytest.raises(ValueError, match=r"The before file has 4 accepted respondent\(s\), fewer than "
                                         r"min_group_size=5"):
        workshop.workshop_effects(rs(b), rs(a))
    # a small category in one round is suppressed, not dropped
    b, a = rounds(n=20)
    first_cat = [c for c in b.columns if c.startswith("cap_und")]
    a.loc[a.index[3:], first_cat] = np.nan
    tab = workshop.workshop_effects(rs(b), rs(a))
    row = tab[tab["id"] == "understand"].iloc[0] if (tab["id"] == "understand").any() else None
    sup = tab[tab["suppressed"]]
    assert len(sup) == 1 and np.isnan(sup["diff"].iloc[0])
    assert row is None or bool(row["suppressed"])


def test_only_one_cluster():
    b, a = did_rounds(n=40)
    b["unit"] = "Skola"
    a["unit"] = "Skola"
    with pytest.raises(ValueError, match=r"has only one cluster \('Skola'\)"):
        workshop.workshop_effects(rs(b), rs(a), group_column="took_part", cluster_column="unit")


def test_bad_group_values_and_parameters(tmp_path):
    b, a = did_rounds(n=40)
    a.loc[0, "took_part"] = 7
    with pytest.raises(ValueError, match=r"Column 'took_part' must hold 1/True .* '?7'?"):
        workshop.workshop_effects(rs(b), rs(a), group_column="took_part")
    with pytest.raises(ValueError, match=r"design must be one of"):
        report.validate_workshop_parameters(before="x", after="y", instrument=INST, design="maybe")
    with pytest.raises(ValueError, match=r"The before file 'nope.csv' does not exist"):
        report.validate_workshop_parameters(before="nope.csv", after="y", instrument=INST)


def test_conclusion_never_claims_no_effect():
    b, a = rounds(n=15, level_after=0.0)
    p = report.WorkshopParameters(before="", after="", instrument=INST, design="auto",
                                   subject_column="respondent_id", group_column="", cluster_column="",
                                   feedback="", min_group_size=5, language="sv", output_dir="")
    before, after = rs(b), rs(a)
    tab = workshop.workshop_effects(before, after)
    res = report.WorkshopAnalysis(params=p, choice=tab.attrs["design"], table=tab, before=before, after=after,
                                   feedback=None, reaction=None, reaction_change=None,
                                   planning=pd.DataFrame({"r": [np.nan]}))
    text = report.conclusion_markdown(res)
    ov = tab[tab["id"] == "overall"].iloc[0]
    if ov["ci_low"] < 0 < ov["ci_high"]:
        assert "ingen säkerställd förändring" in text and "betyder inte att workshoppen saknade effekt" in text
    assert "jämförelsegrupp" in text  # the single-group caveat is always there


# --------------------------------------------------------------------------
# the notebook
# --------------------------------------------------------------------------
def test_notebook_is_committed_without_outputs():
    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    assert "parameters" in nb.cells[0].metadata.get("tags", [])
    for c in nb.cells:
        if c.cell_type == "code":
            assert not c.outputs and c.execution_count is None


def test_notebook_runs_paired_with_feedback(tmp_path):
    from evaluation.reports.protocol import run_notebook

    b, a = rounds(n=40)
    fb = simulate_round("workshop_reaction", n=40, seed=9).data  # same codes R0001..R0040
    paths = {}
    for name, frame in (("before", b), ("after", a), ("feedback", fb)):
        paths[name] = tmp_path / f"{name}.csv"
        frame.to_csv(paths[name], index=False)
    out = tmp_path / "report"
    run = run_notebook(NOTEBOOK, {"before": str(paths["before"]), "after": str(paths["after"]),
                                  "instrument": INST, "feedback": str(paths["feedback"]),
                                  "group_column": "", "cluster_column": "",
                                  "language": "en", "output_dir": str(out)}, out, progress=False)
    env = json.loads(Path(run.results).read_text(encoding="utf-8"))
    assert env["report"] == "workshop" and env["language"] == "en"
    res = sections_of(env)
    assert res["design"]["chosen"] == "paired" and res["design"]["n_linked"] == 40
    ov = [r for r in res["effects"] if r["id"] == "overall"][0]
    assert ov["diff"] > 0 and ov["p_holm"] is not None
    assert res["reaction_change"]["n"] == 40 and res["reaction_change"]["spearman_rho"] is not None
    assert res["invariance"] is None and res["invariance_code"] == "too_few"
    html = Path(run.html).read_text(encoding="utf-8")
    assert "Did the workshop change anything?" in html and "check_parameters" not in html
    assert "at least 100" in html  # the invariance sentence, from its code
    assert "R0001" not in html and "R0001" not in Path(run.results).read_text(encoding="utf-8")


def test_retrospective_answers_parse_codes_labels_and_reject_others():
    b, a = rounds(n=12)
    a["cap_und_1_then"] = ["Stämmer helt", "2", "Vet ej", "", "6", "Strongly disagree", 3, 4, 5, 1, 2, 0]
    got = workshop.retrospective_answers(rs(a))
    assert np.allclose(got["cap_und_1"].to_numpy()[[0, 1, 4, 5, 6]], [6, 2, 6, 1, 3])
    assert got["cap_und_1"].isna().to_numpy()[[2, 3, 11]].all()
    assert got["cap_und_2"].isna().all()  # no retrospective column for that item
    a["cap_und_1_then"] = ["kanske"] + ["3"] * 11
    with pytest.raises(ValueError, match=r"Column 'cap_und_1_then' .* holds 'kanske' at row 2"):
        workshop.retrospective_answers(rs(a))
