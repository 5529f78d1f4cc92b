"""The workshop and comparison reports on the protocol: summary rules on planted cases, Swedish tables
without code names, language-free results, and disclosure control (no point or cell is one person)."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import matplotlib
import numpy as np
import pandas as pd
import pytest

from evaluation.reports import open_report
from evaluation.reports import comparison as rc
from evaluation.reports import workshop as ws
from evaluation.reports.base import Figure, Table
from evaluation.stats.agreement import MINUS
from evaluation.text import workshop as tw
from evaluation.text.catalogue import catalogue_problems

from conftest import ROOT

SAMPLES = ROOT / "data_samples"
CODE_NAMES = ("took_part", "d_did", "d_z", "rea_rel", "post_pre", "hedges_g", "alpha_", "True", "False", "nan")


def _texts(report) -> tuple[list[str], list[pd.DataFrame], list[Figure]]:
    texts, tables, figures = [], [], []
    for sid in report.section_ids:
        sec = report.section(sid)
        if sec is None:
            continue
        texts.append(sec.heading)
        for b in sec.blocks:
            if isinstance(b, str):
                texts.append(b)
            elif isinstance(b, Table):
                tables.append(b.frame)
            elif isinstance(b, Figure):
                figures.append(b)
    return texts, tables, figures


@pytest.fixture(scope="module")
def workshop_reports(tmp_path_factory):
    out = tmp_path_factory.mktemp("ws")
    kw = dict(before=str(SAMPLES / "workshop_before.csv"), after=str(SAMPLES / "workshop_after.csv"),
              instrument="workshop_followup", group_column="took_part", cluster_column="unit",
              feedback=str(SAMPLES / "workshop_reaction.csv"), output_dir=str(out))
    return {L: open_report("workshop", **kw, language=L) for L in ("sv", "en")}


@pytest.fixture(scope="module")
def comparison_reports(tmp_path_factory):
    out = tmp_path_factory.mktemp("cmp")
    kw = dict(responses_a=str(SAMPLES / "paired_dual_maturity.csv"), instrument_a="dual_maturity",
              responses_b=str(SAMPLES / "paired_public_dma.csv"), instrument_b="public_dma",
              retest_a=str(SAMPLES / "paired_dual_maturity_retest.csv"),
              retest_b=str(SAMPLES / "paired_public_dma_retest.csv"), output_dir=str(out))
    return {L: open_report("comparison", **kw, language=L) for L in ("sv", "en")}


# -- summary rules on planted cases -------------------------------------------------

def test_change_sentence_rules():
    assert "ingen säkerställd förändring" in tw.change_sentence(2.0, -0.5, 4.5, 6.0, "Mognaden", "sv")
    assert "saknade effekt" in tw.change_sentence(2.0, -0.5, 4.5, 6.0, "Mognaden", "sv")  # no claim of no effect
    assert tw.change_sentence(5.0, 1.0, 9.0, 6.0, "Mognaden", "sv").startswith("Mognaden ökade med 5,0 ")
    assert tw.change_sentence(-5.0, -9.0, -1.0, 6.0, "Mognaden", "sv").startswith("Mognaden minskade med 5,0 ")
    assert "no clear change" in tw.change_sentence(0.0, -3.0, 3.0, 6.0, "Maturity", "en")
    assert tw.is_clear(0.1, 3) and tw.is_clear(-3, -0.1) and not tw.is_clear(-0.1, 3) and not tw.is_clear(0.0, 3)
    assert catalogue_problems() == []  # sv and en use the same {fields}


def _fake_comparison(ratings_a, ratings_b, *, alpha_a=0.8, alpha_b=0.8, items=(30, 30), verdict="+"):
    from evaluation.stats.cosmin import PROPERTIES

    cos = {s: pd.DataFrame({"rating": list(r), "values": [{}] * 6}, index=list(PROPERTIES))
           for s, r in (("A", ratings_a), ("B", ratings_b))}
    rel = pd.DataFrame({"instrument": ["A", "B"], "score": ["c", "c"], "level": ["category"] * 2,
                        "alpha": [alpha_a, alpha_b]})
    st = pd.DataFrame({"instrument": ["A", "B"], "cfi": [np.nan] * 2, "rmsea": [np.nan] * 2})
    hyp = pd.DataFrame({"confirmed": [True, True, False, True]})
    return SimpleNamespace(cosmin=cos, reliability=rel, structure=st, retest={}, comprehension_run=False,
                           instrument_a=SimpleNamespace(item_ids=list(range(items[0]))),
                           instrument_b=SimpleNamespace(item_ids=list(range(items[1]))),
                           validity=SimpleNamespace(hypotheses=hyp, verdict=verdict), n_linked=100)


def test_recommendation_rules():
    more_a = rc.recommendation(_fake_comparison("+++?+?", "++??+?"))
    assert more_a["choice"] == "A" and more_a["cosmin_plus"] == {"A": 4, "B": 3}
    tie_quality_b = rc.recommendation(_fake_comparison("+++???", "+++???", alpha_b=0.86))
    assert tie_quality_b["choice"] == "B" and tie_quality_b["advantages"]["B"] == ["more_consistent"]
    # a shorter survey alone does not decide: it is a practical advantage, listed, with "either"
    either = rc.recommendation(_fake_comparison("+++???", "+++???", items=(30, 24), verdict=MINUS))
    assert either["choice"] == "either" and either["advantages"]["B"] == ["shorter"]
    assert not either["interchangeable"] and either["hypotheses"] == {"k": 3, "m": 4}
    bad = rc.recommendation(_fake_comparison("+" * 5 + MINUS, "+" * 6))
    assert bad["insufficient"]["A"] == ["cross_group_invariance"] and bad["choice"] == "B"
    from evaluation.text.comparison import recommendation_text

    text = recommendation_text(either, {"A": "Alfa-enkäten", "B": "Beta-enkäten"}, "sv")
    assert "Båda instrumenten fungerar ungefär lika bra" in text and "Beta-enkäten: kortare enkät" in text
    assert "mäter delvis olika saker" in text


def test_single_category_dimension_is_shown_once():
    from evaluation.data.responses import read_responses
    from evaluation.simulate import simulate_round
    from evaluation.stats.workshop import workshop_effects

    def rows(inst):
        b = read_responses(simulate_round(inst, n=30, seed=1).data, inst)
        a = read_responses(simulate_round(inst, n=30, seed=2, level=0.4).data, inst)
        tab = workshop_effects(b, a)
        res = SimpleNamespace(table=tab, instrument=a.instrument)
        return tab, ws.shown_rows(res, "post_pre")

    tab, shown = rows("workshop_followup")  # every dimension has one category: identical numbers
    assert (tab["level"] == "dimension").sum() == 5 and (shown["level"] == "dimension").sum() == 0
    assert shown["id"].iloc[0] == "overall" and len(shown) == 6 and not shown["indent"].any()
    tab, shown = rows("dual_maturity")  # two dimensions of three categories each: all shown, categories indented
    assert list(shown["level"]) == ["overall", "dimension"] + ["category"] * 3 + ["dimension"] + ["category"] * 3
    assert shown["indent"].sum() == 6


# -- what the reports show ----------------------------------------------------------

@pytest.mark.parametrize("kind", ["workshop", "comparison"])
def test_swedish_tables_without_code_names_or_decimal_points(kind, workshop_reports, comparison_reports):
    rep = (workshop_reports if kind == "workshop" else comparison_reports)["sv"]
    texts, tables, figures = _texts(rep)
    cells = [str(c) for tab in tables for c in list(tab.columns) + list(tab.to_numpy().ravel())]
    words = texts + cells
    found = [w for w in words for name in CODE_NAMES if re.search(rf"\b{re.escape(name)}", w)]
    assert not found, found[:5]
    assert not [c for c in cells if re.search(r"\d\.\d", c)], "decimal point in a Swedish table"
    assert not [c for c in cells if re.search(r"(?<![\w−])-\d", c)], "hyphen-minus in a Swedish number"
    assert all(f.alt and "No description" not in f.alt for f in figures)
    if kind == "workshop":
        assert texts[1].startswith("## Sammanfattning")  # the summary comes first
        assert all(len(tab.columns) <= 7 for tab in tables)  # the main tables fit the page
    else:
        assert any("passar bäst" in s or "lika bra" in s for s in texts)  # the recommendation answers
        assert not any("True" in c or c == "" for c in cells)
    for f in figures:
        matplotlib.pyplot.close(f.figure)


@pytest.mark.parametrize("kind", ["workshop", "comparison"])
def test_results_are_the_same_in_both_languages(kind, workshop_reports, comparison_reports):
    reps = workshop_reports if kind == "workshop" else comparison_reports
    sv, en = (reps[L].results() for L in ("sv", "en"))
    assert sv["report"] == kind and (sv["language"], en["language"]) == ("sv", "en")
    assert json.dumps(sv["sections"], sort_keys=True) == json.dumps(en["sections"], sort_keys=True)


# -- disclosure control ---------------------------------------------------------------

def test_workshop_figure_draws_aggregates_not_people(workshop_reports):
    res = workshop_reports["sv"].analysis
    assert set(res.rounds["group"]) == {"treated", "comparison"} and (res.rounds["n"] >= 5).all()
    fig = ws.before_after_plot(res)
    ax = fig.axes[0]
    people = res.choice.n_before + res.choice.n_after
    marks = sum(len(line.get_xdata()) for line in ax.get_lines()) + sum(len(c.get_offsets()) for c in ax.collections
                                                                       if hasattr(c, "get_offsets"))
    assert marks < people / 10  # a handful of means and bands, not a mark per respondent
    matplotlib.pyplot.close(fig)


def test_small_round_group_is_suppressed():
    from evaluation.data.responses import read_responses
    from evaluation.simulate import simulate_round
    from evaluation.stats.workshop import round_summary

    b = simulate_round("dual_maturity", n=20, seed=3).data
    a = simulate_round("dual_maturity", n=20, seed=4).data
    for d in (b, a):
        d["took_part"] = [1] * 3 + [0] * 17  # three participants: a group of three is never shown
    t = round_summary(read_responses(b, "dual_maturity"), read_responses(a, "dual_maturity"), group_column="took_part")
    small = t[t["group"] == "treated"]
    assert small["suppressed"].all() and small[["mean", "ci_low", "q1", "q3"]].isna().all().all()
    assert not t.loc[t["group"] == "comparison", "suppressed"].any()


def test_comparison_hides_small_class_cells():
    counts = pd.DataFrame({"x": [10, 3, 8], "y": [12, 9, 7]}, index=["p", "q", "r"])
    fake = SimpleNamespace(classes=counts, min_group_size=5)
    res = rc.protect(fake, language="sv")
    assert res.classes_hidden.loc["q", "x"]  # 3 people: hidden
    assert res.classes_hidden.to_numpy().sum() >= 2  # and one more, so the 3 cannot be recovered from the total


def test_user_strings_are_escaped(tmp_path):
    """An instrument's own YAML (user-supplied) with markup in its title and names stays inert in the report."""
    import yaml

    from evaluation.reports.base import table_html

    doc = yaml.safe_load((ROOT / "instruments" / "public_dma.yaml").read_text(encoding="utf-8"))
    doc["id"] = "evil_dma"
    doc["title"] = {"sv": "<script>alert(1)</script> *Ond*", "en": "<script>alert(1)</script> *Evil*"}
    doc["dimensions"][0]["name"] = {"sv": "<img src=x onerror=alert(2)>", "en": "<img src=x onerror=alert(2)>"}
    path = tmp_path / "evil_dma.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    b = pd.read_csv(SAMPLES / "paired_public_dma.csv")
    b.to_csv(tmp_path / "b.csv", index=False)
    rep = open_report("comparison", responses_a=str(SAMPLES / "paired_dual_maturity.csv"), instrument_a="dual_maturity",
                      responses_b=str(tmp_path / "b.csv"), instrument_b=str(path), retest_a="", retest_b="",
                      output_dir=str(tmp_path / "out"))
    html = []
    for sid in rep.section_ids:
        sec = rep.section(sid)
        html.append(sec.heading)
        for blk in sec.blocks:
            if isinstance(blk, str):
                html.append(blk)
            elif isinstance(blk, Table):
                html.append(table_html(blk))
            elif isinstance(blk, Figure):
                matplotlib.pyplot.close(blk.figure)
    page = "\n".join(html)
    assert "<script>" not in page and "<img src" not in page
    assert "&lt;script&gt;" in page and "&lt;img src=x onerror=alert(2)&gt;" in page  # shown as text
    assert "&amp;lt;" not in page  # escaped once, not twice


def test_0_1_names_still_import():
    """Scripts written against 0.1 import the report parts from the old modules; they are served from the new ones."""
    import importlib
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        old_effects = importlib.import_module("evaluation.effects")
        old_compare = importlib.import_module("evaluation.compare")
        assert old_effects.analyse_workshop is ws.analyse_workshop
        assert old_effects.conclusion_markdown is ws.conclusion_markdown
        assert old_effects.difference_in_differences.__module__ == "evaluation.stats.did"
        assert old_compare.run_comparison is rc.run_comparison
        assert old_compare.cosmin_summary(icc=0.8, language="sv").loc["reliability", "label"] == "Reliabilitet"
        assert old_compare.compare_instruments is rc.compare_instruments_v01  # 0.1 signature, language= kept
        assert old_compare.load_crosswalk.__module__ == "evaluation.data.crosswalk"
        assert old_compare.landis_koch(0.65, "sv") == "god" and old_compare.landis_koch(0.65, "en") == "substantial"
    from evaluation.stats import agreement, effects

    assert effects.power.__module__ == "evaluation.stats.power" and agreement.cosmin_summary.__module__ == \
        "evaluation.stats.cosmin"
    with pytest.raises(AttributeError):
        effects.no_such_name


def test_then_test_report_names_the_hindsight_round(tmp_path):
    from evaluation.simulate import simulate_round

    b = simulate_round("dual_maturity", n=60, seed=1).data
    a = simulate_round("dual_maturity", n=60, seed=101, level=0.6).data
    retro = simulate_round("dual_maturity", n=60, seed=55, level=-0.3).data
    for it in [c for c in b.columns if c.startswith(("cap_", "leg_"))]:
        a[f"{it}_then"] = retro[it]
    b.to_csv(tmp_path / "b.csv", index=False)
    a.to_csv(tmp_path / "a.csv", index=False)
    rep = open_report("workshop", before=str(tmp_path / "b.csv"), after=str(tmp_path / "a.csv"),
                      instrument="dual_maturity", group_column="", cluster_column="", feedback="",
                      output_dir=str(tmp_path / "out"))
    texts, tables, figures = _texts(rep)
    assert "retrospektiva förmätningen" in texts[1]  # the summary weighs both estimates
    heads = [list(tab.columns) for tab in tables[:3]]
    assert heads[0][1:3] == ["Före", "Efter"] and heads[1][1:3] == ["Före", "Före (i efterhand)"]
    assert heads[2][1:3] == ["Före (i efterhand)", "Efter"]
    assert any("Av de 60 som svarade båda gångerna" in s for s in texts)  # rose/fell counts, each ≥ 5
    for f in figures:
        matplotlib.pyplot.close(f.figure)
