"""The round report's change section asks whether the questions mean the same in both rounds.

Planted data (a one-factor model per dimension, six ordered categories): one question's thresholds shift
between the rounds → that question is named by its text and its area's row in the change table carries †;
the same model in both rounds → one sentence saying invariance holds; too few respondents, or answer
categories nobody used in one round → one sentence saying why, never a crash.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluation.data.instruments import load_instrument
from evaluation.reports.base import Table
from evaluation.reports.round import analyse_round, validate_round_parameters
from evaluation.reports.round_report import RoundReport
from evaluation.reports import round_invariance
from evaluation.text import t

INST = load_instrument("dual_maturity")
SHIFTED = "cap_cap_3"
CUTS = np.array([-1.5, -0.75, 0.0, 0.75, 1.5])


def _round(n: int, seed: int, label: str, *, shift: float = 0.0, top: int = 6) -> pd.DataFrame:
    """n respondents: per dimension one factor, loadings 0.7; ``shift`` added to SHIFTED's latent answer."""
    rng = np.random.default_rng(seed)
    cols = {}
    for dim, items in INST.dimension_items().items():
        eta = rng.normal(size=n)
        for it in items:
            ystar = 0.7 * eta + np.sqrt(0.51) * rng.normal(size=n) + (shift if it == SHIFTED else 0.0)
            code = np.minimum(1 + (ystar[:, None] > CUTS).sum(1), top if dim == "legacy" else 6)
            rev = next(x.reverse for x in INST.items if x.id == it)
            cols[it] = 7 - code if rev else code
    units = np.array(["Skola", "Vård", "Teknik", "Kultur"])[np.arange(n) % 4]
    return pd.DataFrame({"respondent_id": [f"{label}-{i}" for i in range(n)], "round": label, "unit": units,
                         "role": "Medarbetare", **cols})


def _report(tmp_path, prev: pd.DataFrame, cur: pd.DataFrame, language: str = "sv") -> RoundReport:
    tmp_path.mkdir(parents=True, exist_ok=True)
    p, c = tmp_path / "prev.csv", tmp_path / "cur.csv"
    prev.to_csv(p, index=False)
    cur.to_csv(c, index=False)
    return RoundReport(validate_round_parameters(responses=str(c), previous_responses=str(p),
                                                 instrument="dual_maturity", round_label="2025",
                                                 language=language, output_dir=str(tmp_path / "out")))


def _texts(report: RoundReport) -> list[str]:
    return [b for b in report.section("change").blocks if isinstance(b, str)]


def _change_table(report: RoundReport) -> pd.DataFrame:
    return next(b for b in report.section("change").blocks if isinstance(b, Table)).frame


@pytest.fixture(scope="module")
def shifted(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("inv_shift")
    return {L: _report(tmp / L, _round(400, 1, "2024"), _round(400, 2, "2025", shift=1.0), L) for L in ("sv", "en")}


def test_a_shifted_question_is_named_by_its_text_and_marked(shifted):
    inv = shifted["sv"].analysis.invariance
    assert inv["status"] == "fails"
    assert SHIFTED in inv["items"]
    cap = next(d for d in inv["dimensions"] if d["dimension"] == "capability")
    assert cap["verdict"] == "fails" and cap["fails_at"] == "scalar" and cap["p"] < 0.05
    area = next(x.category for x in INST.items if x.id == SHIFTED)
    assert area in inv["categories"]
    assert shifted["sv"].analysis.results["change"]["invariance"] == inv  # results.json, language-free
    for L, report in shifted.items():
        texts = _texts(report)
        assert f"### {t('round.inv.heading', L)}" in texts
        listed = "\n".join(texts)
        assert INST.name_of(SHIFTED, L).split()[0] in listed and SHIFTED not in listed  # the text, not the id
        assert t("round.inv.care", L, mark="†") in texts
        tab = _change_table(report)
        marked = [a for a in tab.iloc[:, 0] if a.endswith(" †")]
        assert marked == [f"{INST.name_of(c, L)} †" for c in inv["categories"]]
        assert all(not a.endswith("†") for a in tab.iloc[:, 0] if a.rstrip(" †") not in
                   {INST.name_of(c, L) for c in inv["categories"]})
    listed = "\n".join(_texts(shifted["sv"]))
    assert "skalär invarians håller inte, p < 0,001" in listed and "p = <" not in listed


def test_the_same_model_in_both_rounds_gives_the_holds_sentence(tmp_path):
    report = _report(tmp_path, _round(400, 3, "2024"), _round(400, 4, "2025"))
    inv = report.analysis.invariance
    assert inv["status"] == "holds" and inv["items"] == []
    texts = _texts(report)
    holds = [s for s in texts if s.startswith(t("round.inv.holds", "sv", dims="").split("(")[0])]
    assert len(holds) == 1 and "p = 0," in holds[0]
    assert f"### {t('round.inv.heading', 'sv')}" not in texts
    assert not any(a.endswith("†") for a in _change_table(report).iloc[:, 0])


def test_too_few_respondents_give_one_reason_sentence(tmp_path):
    report = _report(tmp_path, _round(60, 5, "2024"), _round(60, 6, "2025"), "en")
    inv = report.analysis.invariance
    assert inv["status"] == "not_fitted" and {r["code"] for r in inv["not_fitted"]} == {"small_rounds"}
    texts = _texts(report)
    why = [s for s in texts if s.startswith("Whether the questions measure the same thing")]
    assert why == [t("round.inv.reason.small_rounds", "en", dim="Digital capability and Digital legacy",
                     need="100")]  # one sentence for both dimensions
    assert report.analysis.change is not None  # the change itself is still shown


def test_answer_categories_missing_in_a_round_give_the_reason(tmp_path):
    # the previous round never uses categories 5 and 6 of the legacy questions: they cannot be held equal
    report = _report(tmp_path, _round(300, 7, "2024", top=4), _round(300, 8, "2025"))
    inv = report.analysis.invariance
    reasons = {r["dimension"]: r["code"] for r in inv["not_fitted"]}
    assert reasons == {"legacy": "too_few_items"}
    assert [d["dimension"] for d in inv["dimensions"]] == ["capability"]
    assert any("svarskategori som ingen använde" in s and "Digitalt arv" in s for s in _texts(report))


def test_a_failing_fit_becomes_a_sentence_not_a_crash(tmp_path, monkeypatch):
    from evaluation.reports import psychometrics_research

    def boom(*a, **k):
        raise np.linalg.LinAlgError("singular matrix")

    monkeypatch.setattr(psychometrics_research, "invariance_section", boom)
    report = _report(tmp_path, _round(60, 9, "2024"), _round(60, 10, "2025"))
    inv = report.analysis.invariance
    assert inv["status"] == "not_fitted" and inv["not_fitted"][0]["code"] == "error"
    assert any(s.startswith("Om frågorna mäter samma sak") and "singular matrix" in s for s in _texts(report))


def test_no_previous_round_no_invariance(tmp_path):
    cur = tmp_path / "cur.csv"
    _round(60, 11, "2025").to_csv(cur, index=False)
    res = analyse_round(str(cur), instrument="dual_maturity", output_dir=str(tmp_path / "o"))
    assert res.invariance is None and res.results["change"] is None


def test_blocks_are_empty_without_a_result():
    assert round_invariance.invariance_blocks(None, INST, language="sv") == []
