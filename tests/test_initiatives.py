"""Initiative register: the seven criteria, unknowns, bad input, template, portfolio beside maturity."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from evaluation.cli import main as dmkit
from evaluation.admin.initiatives import (CRITERIA, FIELDS, assess_initiatives, portfolio, read_register,
                                    read_unit_maturity, write_register_template)

BASE = {"id": "I0", "initiativ": "Neutral", "enhet": "Bygg", "beskrivning": "", "timmar_gemensamma_resurser": "10",
        "timmar_totalt": "100", "oklar_finansiering": "nej", "nytt_it_stod": "nej", "nya_integrationer": "nej",
        "extern_databehandling": "nej", "berorda_enheter": ""}

# one change per criterion that makes exactly that criterion hold
TRIGGERS = {
    "shared_hours": {"timmar_gemensamma_resurser": "40,5"},
    "total_hours": {"timmar_totalt": "501"},
    "unclear_funding": {"oklar_finansiering": "ja"},
    "new_it_support": {"nytt_it_stod": "Ja"},
    "new_integrations": {"nya_integrationer": "x"},
    "external_processing": {"extern_databehandling": "yes"},
    "several_units": {"berorda_enheter": "Skola; Bygg"},
}


def reg(*changes: dict) -> pd.DataFrame:
    return pd.DataFrame([{**BASE, "id": f"I{i}", **c} for i, c in enumerate(changes, start=1)])


def test_seven_criteria_listed():
    assert [c[0] for c in CRITERIA] == list(TRIGGERS)


@pytest.mark.parametrize("key", list(TRIGGERS))
def test_each_criterion_alone_sends_to_preparation_group(key):
    a = assess_initiatives(reg(TRIGGERS[key], {}))
    hit, neutral = a.iloc[0], a.iloc[1]
    assert hit["to_preparation_group"] and hit["criteria_met"] == key and hit["n_criteria"] == 1
    assert not neutral["to_preparation_group"] and neutral["criteria_met"] == ""
    assert hit["council"] == (key in ("total_hours", "several_units"))


def test_boundaries_are_strictly_more_than():
    a = assess_initiatives(reg({"timmar_gemensamma_resurser": "40", "timmar_totalt": "500"},
                               {"timmar_gemensamma_resurser": "40.01", "timmar_totalt": "500,5"}))
    assert a["criteria_met"].tolist() == ["", "shared_hours; total_hours"]


def test_same_unit_listed_as_affected_is_not_several():
    a = assess_initiatives(reg({"berorda_enheter": "bygg"}, {"berorda_enheter": "Bygg, Skola"}))
    assert a["several_units"].tolist() == [False, True]


def test_unknown_criteria_are_incomplete_not_met():
    a = assess_initiatives(reg({"nytt_it_stod": "vet ej", "timmar_totalt": ""}, {"oklar_finansiering": "",
                                                                                  "nya_integrationer": "ja"}))
    assert a.loc[0, "incomplete"] == "total_hours; new_it_support" and not a.loc[0, "to_preparation_group"]
    assert a.loc[1, "incomplete"] == "unclear_funding" and a.loc[1, "to_preparation_group"]


@pytest.mark.parametrize("change,needle", [
    ({"timmar_totalt": "mycket"}, "row 2 column 'timmar_totalt': 'mycket' is not a number of hours"),
    ({"timmar_gemensamma_resurser": "-5"}, "row 2 column 'timmar_gemensamma_resurser': '-5' hours; expected 0 or more"),
    ({"nytt_it_stod": "kanske"}, "row 2 column 'nytt_it_stod': 'kanske' is not ja/nej"),
    ({"initiativ": " "}, "row 2 column 'initiativ': is empty"),
])
def test_bad_cells_name_file_row_column(tmp_path, change, needle):
    p = tmp_path / "register.csv"
    reg(change).to_csv(p, index=False, sep=";")
    with pytest.raises(ValueError) as e:
        read_register(p)
    assert str(e.value).startswith("register.csv row 2 column") and needle in str(e.value)


def test_missing_column_and_duplicate_id(tmp_path):
    p = tmp_path / "r.csv"
    reg({}).drop(columns=["enhet"]).to_csv(p, index=False)
    with pytest.raises(ValueError, match=r"r.csv: the register lacks the column\(s\) \['enhet'\]"):
        read_register(p)
    d = reg({}, {})
    d["id"] = ["A", "A"]
    with pytest.raises(ValueError, match="'A' appears on rows 2, 3"):
        read_register(d)


def test_english_headers_and_blank_rows_skipped():
    d = pd.DataFrame({"initiative id": ["E1", "", "E2"], "title": ["x", "", "y"], "unit": ["U", "", "V"],
                      "total hours": ["600", "", "10"], "external data processing": ["no", "", "yes"]})
    r = read_register(d)
    assert r["row"].tolist() == [2, 4]  # the blank line (row 3) is skipped, row numbers kept
    a = assess_initiatives(r)
    assert a["criteria_met"].tolist() == ["total_hours", "external_processing"]
    assert a.loc[0, "incomplete"].startswith("shared_hours")


def test_excel_template_round_trip(tmp_path):
    p = write_register_template(tmp_path / "register.xlsx", units=["Bygg", "Skola"])
    wb = load_workbook(p)
    ws = wb["Initiativ"]
    assert [c.value for c in ws[1]] == [f.header for f in FIELDS]
    kinds = {f.header: f.kind for f in FIELDS}
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    yesno_cols = {str(dv.sqref).split(":")[0].rstrip("0123456789") for dv in lists if "$A$1:$A$3" in dv.formula1}
    assert len(yesno_cols) == sum(k == "yesno" for k in kinds.values()) == 4
    assert any("$B$1:$B$2" in dv.formula1 for dv in lists)  # units drop-down
    assert len(list(wb["Kriterier"].values)) >= 8
    for j, v in enumerate(["K1", "Kartportal", "Bygg", "", 60, 200, "nej", "ja", "nej", "nej", "Skola"], start=1):
        ws.cell(row=2, column=j, value=v)
    wb.save(p)
    a = assess_initiatives(p)
    assert a.loc[0, "criteria_met"] == "shared_hours; new_it_support; several_units"
    assert (tmp_path / "x.csv").exists() is False
    write_register_template(tmp_path / "x.csv")
    assert (tmp_path / "x.csv").read_text(encoding="utf-8").strip().split(",") == [f.header for f in FIELDS]


def _results(units):
    return {"dimensions": {"capability": {}, "legacy": {}}, "units": units}


def test_portfolio_beside_maturity_respects_suppression(tmp_path):
    res = _results([
        {"group": "Bygg", "suppressed": False, "n": 30, "capability": {"mean": 61.0}, "legacy": {"mean": 50.0},
         "overall": {"mean": 55.5}},
        {"group": "Skola", "suppressed": True},
    ])
    path = tmp_path / "results.json"
    path.write_text(json.dumps(res), encoding="utf-8")
    r = read_register(reg(TRIGGERS["new_it_support"], {}, {"enhet": "Skola", "timmar_totalt": "700"},
                          {"enhet": "Kultur"}))
    a = assess_initiatives(r)
    port = portfolio(a, path, register=r)
    assert port.loc["Bygg", "initiatives"] == 2 and port.loc["Bygg", "to_preparation_group"] == 1
    assert port.loc["Bygg", "overall"] == 55.5 and port.loc["Bygg", "respondents"] == 30
    assert port.loc["Skola", "maturity_hidden"] == True and np.isnan(port.loc["Skola", "overall"])  # noqa: E712
    assert port.loc["Skola", "council"] == 1 and port.loc["Skola", "total_hours_sum"] == 700
    assert np.isnan(port.loc["Kultur", "overall"])  # a unit without survey results
    m = read_unit_maturity(res)
    assert m.loc["Skola"].drop("suppressed").isna().all()


def test_cli(tmp_path, capsys):
    p = tmp_path / "reg.csv"
    reg(TRIGGERS["unclear_funding"], {}).to_csv(p, index=False)
    out = tmp_path / "bedomning.csv"
    assert dmkit(["initiatives", str(p), "-o", str(out)]) == 0
    txt = capsys.readouterr().out
    assert "Ska till beredningsgruppen (1 av 2)" in txt and "I1 Neutral (Bygg): Oklar finansiering" in txt
    assert pd.read_csv(out)["to_preparation_group"].tolist() == [True, False]
    assert dmkit(["initiatives", str(tmp_path / "t.xlsx"), "--template", "--units", "A,B"]) == 0
    bad = tmp_path / "bad.csv"
    reg({"nytt_it_stod": "kanske"}).to_csv(bad, index=False)
    assert dmkit(["initiatives", str(bad)]) == 1
    assert "bad.csv row 2 column 'nytt_it_stod'" in capsys.readouterr().err
