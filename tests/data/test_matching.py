"""Header matching and answer parsing: the decorations survey tools add, in sv and en."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluation.data.answers import AnswerParser
from evaluation.data.matching import background_kind, match_items, strip_numbering
from evaluation.data.units import merge_spellings
from evaluation.data.instruments import load_instrument
from evaluation.data.responses import read_responses

INST = load_instrument("dual_maturity")
IT = INST.items[0]
SV, EN = IT.text["sv"], IT.text["en"]


@pytest.mark.parametrize("header,how", [
    (SV, "exact"), (EN, "exact"), (IT.id, "exact"), (SV.upper() + "  ", "exact"),
    (f"Q3. {SV}", "stripped"), (f"1.1 {SV}", "stripped"), (f"Fråga 7: {SV}", "stripped"),
    (f"Question 12) {EN}", "stripped"), (f"F3 - {SV}", "stripped"), (f"Q3_2. {SV}", "stripped"),
    (f"Förstå digitala möjligheter [{SV}]", "grid"), (f"Understanding [{EN}]", "grid"),
    (f"Hur väl stämmer det? - {SV}", "grid"), (f"Q3. Matris [{SV}]", "grid"),
    (SV.replace(" ", "\u00a0", 2), "exact"), (SV.replace("digital teknik", "digital\nteknik"), "exact"),
    (SV.replace(".", "") + " ?", "exact"),
])
def test_header_decorations(header, how):
    m = match_items({header: []}, INST.items)
    assert m[header].item == IT.id and m[header].how == how


def test_small_wording_edit_is_fuzzy_and_reported_large_is_not():
    small = SV.replace("verksamheter", "verksamheterna")
    big = "Vi följer tekniken."
    m = match_items({small: [], big: []}, INST.items)
    assert m[small].how == "fuzzy" and 0.88 <= m[small].score < 1
    assert big not in m


def test_fuzzy_is_one_to_one_and_never_takes_an_exactly_matched_item():
    small = SV.replace("verksamheter", "verksamheterna")
    m = match_items({SV: [], small: []}, INST.items)
    assert m[SV].how == "exact" and small not in m


def test_question_text_from_another_header_row_or_label():
    m = match_items({"Q3_1": [f"Hur väl stämmer det? - {SV}"], "q2": [INST.items[1].text["sv"]]}, INST.items)
    assert (m["Q3_1"].item, m["q2"].item, m["q2"].how) == (IT.id, INST.items[1].id, "label")


@pytest.mark.parametrize("h,kind", [
    ("Förvaltning", "unit"), ("Vilken förvaltning arbetar du på?", "unit"), ("Vilken enhet tillhör du?", "unit"),
    ("Which department do you work in?", "unit"), ("Q1. Förvaltning", "unit"), ("Roll", "role"),
    ("Vilken är din roll?", "role"), ("What is your role?", "role"), ("Befattning", "role"),
    ("Hos oss ses digitalisering främst som en fråga för IT-avdelningen.", None), ("Kommentar", None),
])
def test_background_questions(h, kind):
    assert background_kind(h) == kind


def test_spss_style_label_finds_unit():
    assert background_kind("forv", "Vilken förvaltning arbetar du på?") == "unit"


def test_strip_numbering_keeps_numbers_that_are_the_text():
    assert strip_numbering("2025") == "2025" and strip_numbering("3D-skrivare") == "3D-skrivare"


@pytest.mark.parametrize("cell,expected", [
    ("6", (6.0, "answer")), ("6,0", (6.0, "answer")), ("Stämmer helt", (6.0, "answer")),
    ("stämmer\u00a0helt ", (6.0, "answer")), ("Strongly agree", (6.0, "answer")),
    ("6 – Stämmer helt", (6.0, "answer")), ("6 = Stämmer helt", (6.0, "answer")), ("6. Stämmer helt", (6.0, "answer")),
    ("7 = Vet ej", (np.nan, "dont_know")), ("0", (np.nan, "dont_know")), ("Don't know", (np.nan, "dont_know")),
    ("Ingen uppfattning", (np.nan, "dont_know")), ("", (np.nan, "blank")), ("-", (np.nan, "blank")),
    ("9", (np.nan, "bad")), ("Kanske", (np.nan, "bad")), ("4,5", (np.nan, "bad")),
])
def test_answer_cells(cell, expected):
    v, k = AnswerParser(INST).parse_one(cell)
    assert k == expected[1] and (v == expected[0] or (np.isnan(v) and np.isnan(expected[0])))


def test_spss_value_labels_decide():
    p = AnswerParser(INST)
    labels = {"1": "Stämmer helt", "6": "Stämmer inte alls", "7": "Vet ej"}   # a reversed tool coding
    assert p.parse_one("1", labels) == (6.0, "answer") and p.parse_one("7", labels)[1] == "dont_know"


def test_limesurvey_codes_only_when_the_whole_column_is_codes():
    p = AnswerParser(INST)
    col = p.parse(pd.Series(["A1", "A6", "", "A3"]))
    assert col.values.tolist()[:2] == [1.0, 6.0] and col.kind.tolist() == ["answer", "answer", "blank", "answer"]
    assert "LimeSurvey" in col.codes_used
    mixed = p.parse(pd.Series(["A1", "5"]))
    assert mixed.kind.tolist() == ["bad", "answer"]


def test_declared_codes_win():
    p = AnswerParser(INST, declared={"7": "dont_know", "8": "skip", "Instämmer": 5})
    assert [p.parse_one(x)[1] for x in ("7", "8", "instämmer")] == ["dont_know", "blank", "answer"]


def test_recurring_out_of_scale_code_refused_once_single_stray_rejects_row():
    df = pd.DataFrame({it: ["3"] * 6 for it in INST.item_ids})
    df.loc[[0, 2, 4], INST.item_ids[0]] = "7"
    df.loc[1, INST.item_ids[5]] = "7"
    with pytest.raises(ValueError, match=r"^<DataFrame>: the item columns hold '7' in 4 cells of 2 item columns "
                                         r"\(first at row 2, column 'cap_und_1'\).*\"7\": dont_know"):
        read_responses(df, INST)
    one = pd.DataFrame({it: ["3"] * 4 for it in INST.item_ids})
    one.loc[1, INST.item_ids[0]] = "7"
    rs = read_responses(one, INST)
    assert rs.rejected["row"].tolist() == [3] and "'7'" in rs.rejected["reason"].item()


def test_declared_mapping_resolves_the_refusal():
    from evaluation.data.mapping import parse_mapping

    df = pd.DataFrame({it: ["3", "7", "7", "2"] for it in INST.item_ids})
    rs = read_responses(df, INST, mapping=parse_mapping('answers:\n  "7": dont_know\n'))
    assert int(rs.dont_know.sum().sum()) == 2 * len(INST.item_ids) and rs.n_accepted == 4


def test_role_spellings_and_declared_merges():
    s = pd.Series(["Chef", "chef", "Enhetschef", "Avd.chef"])
    out, t = merge_spellings(s, field="role", declared={"Enhetschef": "Chef"})
    assert out.tolist() == ["Chef", "Chef", "Chef", "Avd.chef"]   # no unique full name for 'Avd.chef': left alone
    assert dict(zip(t["spelling"], t["how"])) == {"Avd.chef": "as_is", "Chef": "as_is", "Enhetschef": "mapping",
                                                  "chef": "normalised"}
