"""Every tool's export, in the shape the tool writes, reads to the known truth: every cell, unit and role.

The fixtures and their truth table come from tests/fixtures/exports/make_exports.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.data.instruments import load_instrument
from evaluation.data.responses import AmbiguousCodeError, read_responses

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
INST = load_instrument("dual_maturity")
ITEMS = INST.item_ids
TRUTH = pd.read_csv(FIX / "truth.csv", keep_default_na=False, dtype=str)

#: file -> the tool it must be detected as
EXPECTED_TOOL = {
    "netigate.csv": "netigate", "esmaker.csv": "esmaker", "msforms.xlsx": "msforms",
    "googleforms.csv": "googleforms", "googleforms_grid.csv": "googleforms",
    "limesurvey_text.csv": "limesurvey", "limesurvey_codes.csv": "limesurvey", "surveymonkey.csv": "surveymonkey",
    "qualtrics_text.csv": "qualtrics", "qualtrics_numeric.csv": "qualtrics", "spss.sav": "spss",
    "excel_handkept.xlsx": "excel_handkept", "excel_unicode.txt": "plain", "plain.csv": "plain",
}


def _truth_arrays():
    vals = TRUTH[ITEMS].replace("", np.nan).astype(float).to_numpy()
    dk = vals == 0
    skipped = np.isnan(vals)
    ans = np.where(dk, np.nan, vals)
    return ans, dk, skipped


def test_every_tool_has_a_fixture():
    assert sorted(p.name for p in FIX.iterdir() if p.suffix in (".csv", ".xlsx", ".sav", ".txt")
                  and p.name != "truth.csv") == sorted(EXPECTED_TOOL)


@pytest.mark.parametrize("fname", sorted(EXPECTED_TOOL))
def test_fixture_reads_exactly(fname):
    rs = read_responses(FIX / fname, INST)
    assert rs.tool == EXPECTED_TOOL[fname], rs.tool_evidence
    assert rs.n_rows_in == rs.n_accepted + len(rs.rejected)
    # hand-kept blank rows are the only rows not read, and they are rejected as empty rows, never lost
    assert rs.n_accepted == len(TRUTH), rs.rejected[["row", "reason"]].to_string()
    assert all(r.startswith("empty row") for r in rs.rejected["reason"])
    ans, dk, skipped = _truth_arrays()
    got = rs.answers[ITEMS].to_numpy()
    np.testing.assert_array_equal(np.isnan(got), np.isnan(ans))
    np.testing.assert_array_equal(got[~np.isnan(got)], ans[~np.isnan(ans)])
    np.testing.assert_array_equal(rs.dont_know[ITEMS].to_numpy(), dk)
    np.testing.assert_array_equal(rs.skipped[ITEMS].to_numpy(), skipped)
    assert rs.meta["unit"].tolist() == TRUTH["unit"].tolist()
    assert rs.meta["role"].tolist() == TRUTH["role"].tolist()
    assert sorted(rs.column_map.values()) == sorted(ITEMS)
    assert rs.n_errors == 0, rs.issues[rs.issues["severity"] == "error"].to_string()


def test_comment_columns_are_free_text_and_ids_or_names_not_metadata():
    rs = read_responses(FIX / "surveymonkey.csv", INST)
    assert rs.free_text_columns == ("Övriga kommentarer",)
    # e-mail, names and IP addresses of the tool are dropped, not kept as metadata
    assert not {"Email Address", "First Name", "IP Address"} & set(rs.meta.columns)
    assert rs.meta["respondent_id"].iloc[0] == "11800000000"
    rq = read_responses(FIX / "googleforms_grid.csv", INST)
    assert "E-postadress" not in rq.meta.columns


def test_fuzzy_matches_are_reported():
    rs = read_responses(FIX / "googleforms_grid.csv", INST)
    fuzzy = rs.columns[rs.columns["how"] == "fuzzy"]
    assert sorted(fuzzy["target"]) == ["cap_und_2", "leg_gov_2"]
    assert (fuzzy["score"] >= 0.88).all() and (fuzzy["score"] < 1).all()
    warn = rs.issues[rs.issues["message"].str.contains("similar wording")]
    assert len(warn) == 2 and (warn["severity"] == "warning").all()


def test_unit_spellings_merged_and_tabled():
    rs = read_responses(FIX / "excel_handkept.xlsx", INST)
    t = rs.unit_spellings
    row = {r.spelling: (r.value, r.how, r.n) for r in t.itertuples()}
    assert row["socialförvaltningen"] == ("Socialförvaltningen", "normalised", 1)  # trailing space trimmed first
    assert row["Soc.förv"] == ("Socialförvaltningen", "abbreviation", 1)
    assert row["UTBILDNINGSFÖRVALTNINGEN"][:2] == ("Utbildningsförvaltningen", "normalised")
    assert row["Kultur och fritidsförvaltningen"][:2] == ("Kultur- och fritidsförvaltningen", "normalised")
    assert int(t["n"].sum()) == rs.n_accepted
    assert rs.issues["message"].str.contains("'Soc.förv' read as 'Socialförvaltningen'").any()
    assert rs.info["sheet"] == "Svar" and rs.info["header_row"] == 3
    # row numbers are the sheet's own: the header is row 3, the first respondent row 4
    assert rs.answers.index[0] == 4


@pytest.mark.parametrize("fname,code", [("limesurvey_codes.csv", "A7"), ("qualtrics_numeric.csv", "7")])
def test_code_export_without_its_mapping_is_refused_once_with_how_to_declare(tmp_path, fname, code):
    p = tmp_path / fname
    shutil.copy(FIX / fname, p)  # without the mapping beside it
    with pytest.raises(AmbiguousCodeError) as ei:
        read_responses(p, INST)
    msg = str(ei.value)
    assert msg.startswith(f"{fname}: ") and f"'{code}' in " in msg
    assert f'"{code}": dont_know' in msg and "--write-mapping" in msg and "row " in msg


def test_sidecar_mapping_is_said_in_notes():
    rs = read_responses(FIX / "qualtrics_numeric.csv", INST)
    assert any("qualtrics_numeric.csv.mapping.yaml" in n for n in rs.notes)
    assert rs.mapping is not None and rs.mapping.answers == {"7": "dont_know"}


def test_format_override(tmp_path):
    # a Google Forms file read as plain still finds the items (by text) but not the tool's timestamp column
    rs = read_responses(FIX / "googleforms.csv", INST, format="plain")
    assert rs.tool == "plain" and rs.tool_evidence == "given as format"
    assert rs.n_accepted == len(TRUTH)
    with pytest.raises(ValueError, match="unknown format 'nope'"):
        read_responses(FIX / "googleforms.csv", INST, format="nope")
