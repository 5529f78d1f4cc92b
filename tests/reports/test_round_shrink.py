"""``--shrink``: the published units' shrunken (BLUP) overall means in the round report (issue 18)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import evaluation as ev
from evaluation.data.responses import read_responses
from evaluation.reports.base import Table
from evaluation.reports.round import analyse_round, validate_round_parameters
from evaluation.reports.round_report import RoundReport
from evaluation.scoring import respondent_scores

from conftest import SAMPLES

NORRBY = SAMPLES / "norrby_2025.xlsx"  # has a unit of 3 respondents (Överförmyndarenheten)
SMALL = "Överförmyndarenheten"
COLUMN = {"sv": "Krympt medelvärde (BLUP)", "en": "Shrunken mean (BLUP)"}


def _report(tmp_path, *, shrink, language="sv"):
    params = validate_round_parameters(responses=str(NORRBY), instrument="dual_maturity", municipality="Norrby",
                                       round_label="2025", language=language, output_dir=str(tmp_path),
                                       shrink=shrink)
    return RoundReport(params)


def _tables(report, section="groups"):
    return [b for b in report.section(section).blocks if isinstance(b, Table)]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture(scope="module")
def rs():
    rs = read_responses(NORRBY, "dual_maturity")
    assert (rs.meta["unit"] == SMALL).sum() == 3
    return rs


def test_off_is_today(tmp_path, rs):
    """Default off: no BLUP column, no blup_mean, no extra block; the same results as without the option."""
    off = _report(tmp_path, shrink=False)
    assert off.params.shrink is False
    assert not any(COLUMN["sv"] in t.frame.columns for s in off.section_ids if off.section(s)
                   for t in _tables(off, s))
    assert "BLUP" not in json.dumps(off.sections_results(), default=str)
    assert all("blup_mean" not in u for u in off.analysis.results["units"])
    assert off.analysis.shrunken is None
    plain = analyse_round(rs, instrument="dual_maturity", municipality="Norrby", round_label="2025",
                          output_dir=str(tmp_path))
    assert json.dumps(plain.results, default=str, sort_keys=True) == \
        json.dumps(off.analysis.results, default=str, sort_keys=True)
    assert [b if isinstance(b, str) else type(b).__name__ for b in off.section("groups").blocks] == \
        [b if isinstance(b, str) else type(b).__name__ for b in
         RoundReport(validate_round_parameters(responses=str(NORRBY), instrument="dual_maturity",
                                               municipality="Norrby", round_label="2025",
                                               output_dir=str(tmp_path))).section("groups").blocks]


@pytest.mark.parametrize("language", ["sv", "en"])
def test_on_equals_unit_means_of_published_units(tmp_path, rs, language):
    on = _report(tmp_path, shrink=True, language=language)
    scores = respondent_scores(rs).assign(unit=rs.meta["unit"])
    sizes = scores["unit"].value_counts()
    # published: n >= min_group_size and not hidden by the complementary suppression either
    published = sorted(u["group"] for u in on.analysis.results["units"] if not u["suppressed"])
    hidden = sorted(set(sizes.index) - set(published))
    assert SMALL in hidden and len(published) >= 2 and all(sizes[g] >= 5 for g in published)
    expected = ev.unit_means(scores[scores["unit"].isin(published)], "overall", "unit").units

    got = on.analysis.shrunken
    assert sorted(got.index) == published
    np.testing.assert_allclose(got.loc[published, "blup_mean"], expected.loc[published, "blup_mean"],
                               rtol=0, atol=1e-9)
    np.testing.assert_allclose(got.loc[published, "raw_mean"], expected.loc[published, "raw_mean"],
                               rtol=0, atol=1e-9)

    units = {u["group"]: u for u in on.analysis.results["units"]}
    for g in published:
        assert abs(units[g]["blup_mean"] - expected.loc[g, "blup_mean"]) <= 1e-9
    for g in hidden:  # hidden units stay hidden everywhere
        assert units[g] == {"group": g, "suppressed": True}

    tables = [t for t in _tables(on) if COLUMN[language] in t.frame.columns]
    assert len(tables) == 1
    frame = tables[0].frame
    unit_col = frame.columns[0]
    assert sorted(frame[unit_col]) == published
    assert not any(g in frame.to_string() for g in hidden)
    assert frame.columns[2] in ("Medelvärde", "Mean")  # the raw mean stays beside the BLUP
    assert tables[0].published is not None and tables[0].published.n_hidden == 0
    sentence = [b for b in on.section("groups").blocks if isinstance(b, str) and "Bliese 2000" in b]
    assert len(sentence) == 1 and "lme4" in sentence[0]


def test_hidden_unit_enters_no_blup(tmp_path, rs):
    """The model is fitted on the published units only: changing the small unit's answers changes no BLUP."""
    data = pd.read_excel(NORRBY)
    item_cols = [c for c in rs.instrument.item_ids if c in data.columns]
    assert item_cols
    unit_col = next(c for c in data.columns if (data[c].astype(str) == SMALL).sum() == 3)
    changed = data.copy()
    changed.loc[changed[unit_col] == SMALL, item_cols] = rs.instrument.scale.max
    a = analyse_round(data, instrument="dual_maturity", output_dir=str(tmp_path), shrink=True).shrunken
    b = analyse_round(changed, instrument="dual_maturity", output_dir=str(tmp_path), shrink=True).shrunken
    pd.testing.assert_frame_equal(a, b)


def test_shrink_parameter_checked():
    with pytest.raises(ValueError, match="'shrink'"):
        validate_round_parameters(responses=str(NORRBY), instrument="dual_maturity", shrink="maybe")
    assert validate_round_parameters(responses=str(NORRBY), instrument="dual_maturity", shrink="true").shrink
