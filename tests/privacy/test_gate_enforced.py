"""Issue 17: the round report cannot publish a table whose numbers did not pass the privacy gate.

Every table of the round report is built from :func:`evaluation.privacy.gate.publish` (``gate_required``);
an ungated table slipped into a section makes ``results()`` and ``show()`` refuse, and a value standing on
fewer than ``min_group_size`` respondents is shown as "–" and recorded among the gate's hidden cells.
"""

from __future__ import annotations

import pandas as pd
import pytest

from evaluation.reports.base import Table, UngatedTableError, open_report
from evaluation.simulate import simulate_round


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """30 respondents; one question answered on the scale by only 3 of them (the rest skipped it)."""
    tmp = tmp_path_factory.mktemp("gate")
    df = simulate_round("dual_maturity", n=30, seed=3).data
    rep0 = open_report("round", responses=str(_write(df, tmp / "a.csv")), instrument="dual_maturity",
                       municipality="X", round_label="2025", output_dir=str(tmp / "o0"))
    item = rep0.analysis.responses.instrument.item_ids[0]
    df.loc[df.index[3:], item] = None
    rep = open_report("round", responses=str(_write(df, tmp / "b.csv")), instrument="dual_maturity",
                      municipality="X", round_label="2025", output_dir=str(tmp / "o1"))
    return rep, item


def _write(df: pd.DataFrame, path):
    df.to_csv(path, index=False)
    return path


def _tables(rep):
    out = {}
    for sid in rep.section_ids:
        sec = rep.section(sid)
        for b in (sec.blocks if sec is not None else ()):
            if isinstance(b, Table):
                out[b.name] = b
    return out


def test_round_report_requires_the_gate_and_every_table_passed_it(planted):
    rep, _ = planted
    assert type(rep).gate_required
    tables = _tables(rep)
    assert {"items", "reliability"} <= set(tables)
    for name, tab in tables.items():
        assert tab.published is not None, name
    rep.results()  # refuses any ungated table: passing means every one carried its Published


def test_a_value_on_fewer_than_k_answers_is_hidden_and_recorded(planted):
    rep, item = planted
    tab = _tables(rep)["items"]
    hidden = tab.published.hidden
    row = hidden[(hidden["row"] == item) & (hidden["column"].isin(["mean", "mean_scored"]))]
    assert len(row) and (row["n"] == 3).all() and (row["reason"] == "primary_n_below_min").all()
    text = rep.analysis.responses.instrument.name_of(item, "sv")
    shown = tab.frame[tab.frame.iloc[:, 0].str.startswith(text)]
    assert len(shown) == 1 and shown.iloc[0]["Medelvärde"] == "–"
    other = tab.frame[~tab.frame.iloc[:, 0].str.startswith(text)]
    assert (other["Medelvärde"] != "–").all()  # the rest still shown: no more hidden than needed


def test_the_answer_distribution_of_few_is_not_drawn(planted):
    """The per-question figure is a published number too: the 3 people's answer shares are not drawn (the
    question's bar is empty and its label says why), the other questions keep theirs."""
    from evaluation.reports.base import Figure

    rep, item = planted
    shares = [c for c in rep.analysis.items.columns if c.startswith("share_")]
    assert rep.analysis.items.loc[item, shares].isna().all()
    assert rep.analysis.items.drop(index=item)[shares].notna().all().all()
    fig = next(b for b in rep.section("items").blocks if isinstance(b, Figure)).figure
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    row = next(i for i, lab in enumerate(labels) if "dolt" in lab)
    y = ax.get_yticks()[row]
    widths = [abs(r.get_width()) for r in ax.patches if abs(r.get_y() + r.get_height() / 2 - y) < 1e-9]
    assert widths and max(widths) == 0  # no bar for the question answered by 3
    assert sum("dolt" in lab for lab in labels) == 1


def test_an_ungated_table_is_refused(planted, monkeypatch):
    rep, _ = planted
    real = type(rep).section

    def leaky(self, sid):
        sec = real(self, sid)
        if sid == "quality":
            sec.add(Table(pd.DataFrame({"Enhet": ["A"], "Medel": ["3,2"]}), name="leak"))
        return sec

    monkeypatch.setattr(type(rep), "section", leaky)
    with pytest.raises(UngatedTableError, match="leak"):
        rep.results()
    with pytest.raises(UngatedTableError, match="leak"):
        rep.show("quality")


# -- workshop -------------------------------------------------------------------------------------------

def test_workshop_report_gates_every_table_and_records_a_small_arm(tmp_path):
    """Only 3 participants took part: every DiD row is hidden and the gate records it with n = 3."""
    from test_attack_reports import _workshop_files

    files = _workshop_files(tmp_path, treated=3)
    rep = open_report("workshop", **files, instrument="workshop_followup", group_column="took_part",
                      cluster_column="unit", output_dir=str(tmp_path / "out"))
    assert type(rep).gate_required
    tables = _tables(rep)
    assert any(n.startswith("effects_") for n in tables) and "planning" in tables
    for name, tab in tables.items():
        assert tab.published is not None, name
    hidden = tables[next(n for n in tables if n.startswith("effects_"))].published.hidden
    rows = rep.gated()[0].table
    did = rows.index[rows["comparison"] == "did"]
    rec = hidden[hidden["row"].isin(did)]
    assert len(did) and len(rec) and (rec["n"] <= 3).all()
    rep.results()


# -- psychometrics --------------------------------------------------------------------------------------

def test_psychometrics_report_gates_every_table(tmp_path, monkeypatch):
    """Roles of 30 and 3: the invariance models stand on the included roles only, every table carries its
    gate with the counts behind it, and an ungated table is refused."""
    df = simulate_round("dual_maturity", n=60, seed=5).data
    df["role"] = ["Chef"] * 30 + ["Strateg"] * 27 + ["Utvecklare"] * 3
    p = _write(df, tmp_path / "p.csv")
    rep = open_report("psychometrics", responses=str(p), instrument="dual_maturity", group_column="role",
                      n_boot=20, output_dir=str(tmp_path / "out"))
    assert type(rep).gate_required
    tables = _tables(rep)
    assert {"reliability", "items"} <= set(tables)
    for name, tab in tables.items():
        assert tab.published is not None or not tab.respondent_data, name
    rel = tables["reliability"].published
    assert (rel.n.min().min() >= 5) and rel.n_hidden == 0  # counts from the data, nothing small to hide
    assert "invariance_fit" in tables  # the role of 3 is left out, so the smallest group behind the fits is 27
    assert float(tables["invariance_fit"].published.n.min().min()) == 27
    rep.results()
    real = type(rep).section
    monkeypatch.setattr(type(rep), "section", lambda self, sid: real(self, sid).add(
        Table(pd.DataFrame({"x": ["1"]}), name="leak")) if sid == "items" else real(self, sid))
    with pytest.raises(UngatedTableError, match="leak"):
        rep.results()


# -- comparison -----------------------------------------------------------------------------------------

def test_comparison_report_gates_every_table_and_hides_a_retest_of_four(tmp_path):
    from conftest import SAMPLES

    read = lambda f: pd.read_csv(SAMPLES / f, dtype=str, keep_default_na=False)  # noqa: E731
    files = {"responses_a": read("paired_dual_maturity.csv"), "responses_b": read("paired_public_dma.csv"),
             "retest_a": read("paired_dual_maturity_retest.csv").head(4),
             "retest_b": read("paired_public_dma_retest.csv")}
    for name, tab in files.items():
        tab.to_csv(tmp_path / f"{name}.csv", index=False)
    rep = open_report("comparison", **{k: str(tmp_path / f"{k}.csv") for k in files}, instrument_a="dual_maturity",
                      instrument_b="public_dma", output_dir=str(tmp_path / "out"))
    assert type(rep).gate_required
    tables = _tables(rep)
    for name, tab in tables.items():
        assert tab.published is not None or not tab.respondent_data, name
    rep.results()
    if "retest_A" in tables:  # four pairs: every retest value hidden, the score names kept
        a = tables["retest_A"]
        assert (a.frame.iloc[:, 1:] == "–").all().all() and (a.frame.iloc[:, 0] != "–").all()
        assert len(a.published.hidden) and (a.published.hidden["n"] == 4).all()
    assert "retest_B" in tables and tables["retest_B"].published.n_hidden == 0
