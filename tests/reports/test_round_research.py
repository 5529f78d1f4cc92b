"""``--shrink`` where users see it: the units' group figure, the table and results.json (issue 18).

Off: the groups section and results.json are what they were. On: the overall panel of the units' figure
carries the shrunken (BLUP) means of the published units (equal to ``ev.unit_means`` fitted on them)
with a legend "krympt medelvärde (BLUP)"; the hidden unit is in no figure, table or results.json value.
The table and the sentence are tested in ``test_round_shrink.py``.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import evaluation as ev
from evaluation.data.responses import read_responses
from evaluation.reports.base import Figure, Table
from evaluation.reports.round import validate_round_parameters
from evaluation.reports.round_report import RoundReport
from evaluation.scoring import respondent_scores
from evaluation.text import t

from conftest import SAMPLES

NORRBY = SAMPLES / "norrby_2025.xlsx"  # has a unit of 3 respondents
SMALL = "Överförmyndarenheten"


def _report(tmp_path, *, shrink, language="sv"):
    return RoundReport(validate_round_parameters(responses=str(NORRBY), instrument="dual_maturity",
                                                 municipality="Norrby", round_label="2025", language=language,
                                                 output_dir=str(tmp_path / language), shrink=shrink))


def _figure(report, name="groups_unit"):
    return next(b for b in report.section("groups").blocks if isinstance(b, Figure) and b.name == name)


def _diamonds(fig):
    return [ln for ax in fig.axes for ln in ax.get_lines() if ln.get_marker() == "D"]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture(scope="module")
def expected():
    rs = read_responses(NORRBY, "dual_maturity")
    return rs, respondent_scores(rs).assign(unit=rs.meta["unit"])


def test_off_leaves_figure_and_results_as_they_were(tmp_path):
    off = _report(tmp_path, shrink=False)
    default = RoundReport(validate_round_parameters(responses=str(NORRBY), instrument="dual_maturity",
                                                    municipality="Norrby", round_label="2025",
                                                    output_dir=str(tmp_path / "sv")))
    fig = _figure(off).figure
    assert _diamonds(fig) == [] and fig.legends == []
    assert _figure(off).alt == _figure(default).alt
    assert "units_shrunken" not in off.analysis.results
    assert json.dumps(off.analysis.results, default=str, sort_keys=True) == \
        json.dumps(default.analysis.results, default=str, sort_keys=True)
    for sid in off.section_ids:
        a, b = off.section(sid), default.section(sid)
        assert [x for x in a.blocks if isinstance(x, str)] == [x for x in b.blocks if isinstance(x, str)]
        assert [x.frame.to_dict() for x in a.blocks if isinstance(x, Table)] == \
            [x.frame.to_dict() for x in b.blocks if isinstance(x, Table)]
        import matplotlib.pyplot as plt

        plt.close("all")


@pytest.mark.parametrize("language", ["sv", "en"])
def test_on_figure_shows_published_units_blups_labelled(tmp_path, expected, language):
    rs, scores = expected
    on = _report(tmp_path, shrink=True, language=language)
    published = sorted(u["group"] for u in on.analysis.results["units"] if not u["suppressed"])
    assert SMALL not in published and len(published) >= 2
    want = ev.unit_means(scores[scores["unit"].isin(published)], "overall", "unit").units.loc[published, "blup_mean"]

    block = _figure(on)
    fig = block.figure
    (line,) = _diamonds(fig)  # one panel (overall) carries the BLUPs
    np.testing.assert_allclose(np.asarray(line.get_xdata(), float), want.to_numpy(), rtol=0, atol=1e-9)
    ticks = [tl.get_text().replace("\n", " ") for tl in fig.axes[0].get_yticklabels()]
    assert ticks == published and SMALL not in " ".join(ticks)
    (legend,) = fig.legends
    assert [x.get_text() for x in legend.get_texts()] == [t("round.shrink.legend_mean", language),
                                                          t("round.shrink.legend", language)]
    assert t("round.shrink.legend", language) in ("krympt medelvärde (BLUP)", "shrunken mean (BLUP)")
    assert "BLUP" in block.alt and SMALL not in block.alt


def test_on_results_json_marks_the_shrunken_means_and_hides_the_small_unit(tmp_path, expected):
    on = _report(tmp_path, shrink=True)
    path = on.save()
    sec = json.loads(path.read_text(encoding="utf-8"))["sections"]
    assert sec["units_shrunken"] == {"shrunken": True, "column": "blup_mean", "score": "overall",
                                     "method": "reml_blup", "fitted_on": "published_units",
                                     "n_units": len([u for u in sec["units"] if not u["suppressed"]])}
    for u in sec["units"]:
        if u["suppressed"]:
            assert u == {"group": u["group"], "suppressed": True}
        else:
            assert isinstance(u["blup_mean"], float)
    assert any(u["group"] == SMALL and u["suppressed"] for u in sec["units"])
