"""Exports the fixture set does not hold, made the way another municipality's would differ.

Each variant is written on the fly from the fixtures' truth (``make_exports.py``): an account
in the other UI language (Netigate, SurveyMonkey, Forms, Google Forms, LimeSurvey), question
texts in English, an Excel ``sep=`` first line, trailing empty columns, UTF-16 BE, Windows-1252
with en dashes, other names for the unit and role questions, "6. Stämmer helt" and "4,0" answers,
a line break inside a header, a workbook with a summary sheet first or a title block above the
header. Every cell must equal the truth, with unit and role, and no respondent lost.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
sys.path.insert(0, str(FIX))
import make_exports as M  # noqa: E402

from evaluation.data.responses import read_responses  # noqa: E402

T = M.truth()
TEXT_EN = {it.id: it.text["en"] for it in M.INST.items}
LAB_EN = {c: M.INST.scale.labels[c]["en"] for c in M.INST.scale.codes}


def _rows(head_item, unit_h="Förvaltning", role_h="Roll", lab=M.label, id_h="Respondent"):
    rows = [[id_h, unit_h, role_h] + [head_item(i) for i in M.ITEMS] + ["Kommentar"]]
    for _, r in T.iterrows():
        rows.append([r.key, r.unit, r.role] + [lab(r[i]) for i in M.ITEMS] + [r.comment])
    return rows


def _renamed(src: str, pairs, *, encoding="utf-8", header_rows=1) -> bytes:
    lines = (FIX / src).read_bytes().decode(encoding).split("\n")
    head = "\n".join(lines[:header_rows])
    for a, b in pairs:
        head = head.replace(a, b)
    return "\n".join([head] + lines[header_rows:]).encode(encoding)


def _en_label(v):
    return "" if v != v else ("Don't know" if v == 0 else LAB_EN[int(v)])


TEXT_VARIANTS = {
    "english_texts.csv": lambda: M._csv(_rows(lambda i: TEXT_EN[i], "Department", "Role", _en_label, "Response ID"))
    .encode("utf-8"),
    "sep_line.csv": lambda: ("sep=;\r\n" + M._csv(_rows(lambda i: M.TEXT[i]), delimiter=";")).encode("utf-8"),
    "trailing_empty_columns.csv": lambda: M._csv([r + ["", ""] for r in _rows(lambda i: M.TEXT[i])], delimiter=";")
    .encode("utf-8"),
    "utf16be.txt": lambda: ("\ufeff" + M._csv(_rows(lambda i: M.TEXT[i]), delimiter="\t")).encode("utf-16-be"),
    "cp1252_en_dash.csv": lambda: M._csv(_rows(lambda i: M.TEXT[i], lab=lambda v: "" if v != v else (
        "Vet ej" if v == 0 else f"{int(v)} \u2013 {M.LABELS[int(v)]}")), delimiter=";").encode("cp1252"),
    "unit_bolag.csv": lambda: M._csv(_rows(lambda i: M.TEXT[i], "Förvaltning/bolag", "Befattning"), delimiter=";")
    .encode("utf-8"),
    "arbetsplats.csv": lambda: M._csv(_rows(lambda i: M.TEXT[i], "Arbetsplats", "Vilken roll har du?"),
                                      delimiter=";").encode("utf-8"),
    "din_roll.csv": lambda: M._csv(_rows(lambda i: M.TEXT[i], "Vilken förvaltning arbetar du inom?", "Din roll"),
                                   delimiter=";").encode("utf-8"),
    "dot_prefixed_answers.csv": lambda: M._csv(_rows(lambda i: M.TEXT[i], lab=lambda v: "" if v != v else (
        "Vet inte" if v == 0 else f"{int(v)}. {M.LABELS[int(v)]}")), delimiter=";").encode("utf-8"),
    "decimal_codes.csv": lambda: M._csv(_rows(lambda i: i, lab=lambda v: "" if v != v else (
        "Ingen uppfattning" if v == 0 else f"{int(v)},0")), delimiter=";").encode("utf-8"),
    "line_break_headers.csv": lambda: M._csv(_rows(lambda i: M.CAT[i] + "\n" + M.TEXT[i]), delimiter=";")
    .encode("utf-8"),
    "netigate_english_ui.csv": lambda: _renamed("netigate.csv", [
        ("Svars-ID", "Response ID"), ("Startdatum", "Start date"), ("Slutdatum", "End date"), ("Språk", "Language"),
        ("Vilken förvaltning arbetar du på?", "Which department do you work in?"),
        ("Vilken är din roll?", "What is your role?")], encoding="utf-8-sig"),
    "surveymonkey_swedish_ui.csv": lambda: _renamed("surveymonkey.csv", [
        ("Respondent ID", "Respondent-ID"), ("Collector ID", "Insamlar-ID"), ("Start Date", "Startdatum"),
        ("End Date", "Slutdatum"), ("IP Address", "IP-adress"), ("Email Address", "E-postadress"),
        ("First Name", "Förnamn"), ("Last Name", "Efternamn"), ("Custom Data 1", "Anpassade data 1"),
        ("Open-Ended Response", "Öppet svar"), ("Response", "Svar")], header_rows=2),
    "googleforms_english_ui.csv": lambda: _renamed("googleforms.csv", [("Tidstämpel", "Timestamp")]),
    "googleforms_grid_english_ui.csv": lambda: _renamed("googleforms_grid.csv", [
        ("Tidstämpel", "Timestamp"), ("E-postadress", "Email Address")]),
    "limesurvey_english_ui.csv": lambda: _renamed("limesurvey_text.csv", [
        ("Svars-ID", "Response ID"), ("Datum inskickat", "Date submitted"), ("Sista sidan", "Last page"),
        ("Startspråk", "Start language"), ("Startdatum", "Date started"), ("Datum senaste åtgärd", "Date last action")]),
}

#: the tool each variant must be detected as (None: any)
TOOL = {"netigate_english_ui.csv": "netigate", "surveymonkey_swedish_ui.csv": "surveymonkey",
        "googleforms_english_ui.csv": "googleforms", "googleforms_grid_english_ui.csv": "googleforms",
        "limesurvey_english_ui.csv": "limesurvey", "forms_english_ui.xlsx": "msforms",
        "forms_summary_sheet_first.xlsx": "msforms", "forms_title_block.xlsx": "msforms"}


def _workbook(name: str, path: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(FIX / "msforms.xlsx")
    ws = wb.active
    if name == "forms_english_ui.xlsx":
        en = {"Starttid": "Start time", "Sluttid": "Completion time", "E-post": "Email", "Namn": "Name",
              "Tid för senaste ändring": "Last modified time"}
        for c in ws[1]:
            c.value = en.get(c.value, c.value)
    elif name == "forms_summary_sheet_first.xlsx":
        ws.title = "Form1"
        s0 = wb.create_sheet("Sammanfattning", 0)
        s0.append(["Antal svar", 26])
        s0.append(["Genomsnittlig tid", "08:00"])
    else:
        ws.insert_rows(1, 4)
        ws["A1"], ws["A2"], ws["A3"] = "Solvik kommun", "Enkät om digital mognad 2025", "Uttag 2025-03-20"
    wb.save(path)


@pytest.mark.parametrize("name", [*TEXT_VARIANTS, "forms_english_ui.xlsx", "forms_summary_sheet_first.xlsx",
                                  "forms_title_block.xlsx"])
def test_variant_reads_exactly(name, tmp_path):
    path = tmp_path / name
    if name in TEXT_VARIANTS:
        path.write_bytes(TEXT_VARIANTS[name]())
    else:
        _workbook(name, path)
    rs = read_responses(path, "dual_maturity")
    truth = T[M.ITEMS].to_numpy(float)
    assert rs.n_rows_in == len(T) and rs.n_accepted == len(T), (rs.n_rows_in, rs.n_accepted)
    got = rs.answers.reindex(columns=M.ITEMS).to_numpy(float)
    np.testing.assert_array_equal(got, np.where(truth == 0, np.nan, truth))
    np.testing.assert_array_equal(rs.dont_know.reindex(columns=M.ITEMS).to_numpy(bool), truth == 0)
    assert list(rs.meta["unit"]) == list(T["unit"]) and list(rs.meta["role"]) == list(T["role"])
    if name in TOOL:
        assert rs.tool == TOOL[name]
