"""The one privacy gate: primary suppression with counts and reason codes, and the protocol refusing ungated tables."""

import numpy as np
import pandas as pd
import pytest

from evaluation.privacy.gate import MISSING_N, PRIMARY, Published, is_gated, publish
from evaluation.reports.base import Report, Section, Table, UngatedTableError, check_gated


def test_cells_below_min_are_hidden_and_recorded_per_cell():
    values = pd.DataFrame({"digital": [3.0, 4.0, 2.5], "leadership": [2.0, 3.5, 4.5]}, index=["A", "B", "C"])
    counts = pd.DataFrame({"digital": [10, 4, 5], "leadership": [10, 5, 2]}, index=["A", "B", "C"])
    out = publish(values, n=counts)
    assert out.frame.isna().to_numpy().tolist() == [[False, False], [True, False], [False, True]]
    assert set(zip(out.hidden["row"], out.hidden["column"])) == {("B", "digital"), ("C", "leadership")}
    assert (out.hidden["reason"] == PRIMARY).all()
    assert out.n_hidden == 2
    # a group of exactly min_group_size is shown (rule is n < k)
    assert out.frame.loc["C", "digital"] == 2.5


def test_row_counts_column_name_and_threshold():
    values = pd.DataFrame({"mean": [3.0, 4.0], "n": [6, 6]}, index=["A", "B"])
    assert publish(values, n="n", min_group_size=7).n_hidden == 4
    assert publish(values, n="n", min_group_size=6).n_hidden == 0
    with pytest.raises(ValueError, match="not a column"):
        publish(values, n="count")


@pytest.mark.parametrize("seed", range(50))
def test_no_shown_value_describes_fewer_than_k(seed):
    rng = np.random.default_rng(seed)
    values = pd.DataFrame(rng.normal(size=(6, 4)))
    counts = pd.DataFrame(rng.integers(0, 12, size=(6, 4)))
    k = int(rng.integers(1, 8))
    out = publish(values, n=counts, min_group_size=k)
    shown = out.frame.notna().to_numpy()
    assert (counts.to_numpy()[shown] >= k).all()
    assert ((counts.to_numpy() < k) == ~shown).all()
    tidy = out.to_frame()
    assert int(tidy["hidden"].sum()) == out.n_hidden


def test_unknown_count_is_hidden_never_shown():
    out = publish(pd.DataFrame({"x": [1.0, 2.0]}, index=["a", "b"]), n=pd.Series({"a": 9}))
    assert out.frame["x"].isna().tolist() == [False, True]
    assert out.hidden["reason"].tolist() == [MISSING_N]


def test_string_cells_are_hidden_too():
    out = publish(pd.DataFrame({"label": ["3,2", "4,1"]}), n=pd.Series([2, 9]))
    assert out.frame["label"].isna().tolist() == [True, False]


class _Toy(Report):
    kind = "toy-gate"
    section_ids = ("s",)
    gate_required = True

    def __init__(self, table):
        self.table = table
        self.language = "sv"
        self.params = None

    def section(self, section_id):
        return Section("s", "S", blocks=[self.table])

    def sections_results(self):
        return {}


def test_protocol_refuses_ungated_respondent_table():
    ungated = Table(pd.DataFrame({"mean": ["3,2"]}), name="units")
    with pytest.raises(UngatedTableError, match="units"):
        check_gated(ungated)
    with pytest.raises(UngatedTableError):
        _Toy(ungated).results()
    pytest.importorskip("IPython")
    with pytest.raises(UngatedTableError):
        _Toy(ungated).show("s")


def test_protocol_accepts_gated_and_non_respondent_tables():
    pub = publish(pd.DataFrame({"mean": [3.2]}), n=8)
    assert is_gated(pub) and isinstance(pub, Published)
    check_gated(Table(pub.frame, published=pub))
    check_gated(Table(pd.DataFrame({"item": ["Q1 text"]}), respondent_data=False))


def test_old_table_calls_still_work():
    t = Table(pd.DataFrame({"a": [1]}), "caption", "name")
    assert t.published is None and t.respondent_data is True
    assert Report.gate_required is False
