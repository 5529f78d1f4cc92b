"""The mapping file: validated with file/line messages, written by validate, reused for the next round."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.cli import main as dmkit
from evaluation.data.mapping import MappingError, load_mapping, parse_mapping
from evaluation.data.instruments import load_instrument
from evaluation.data.responses import ResponseError, read_responses

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
INST = load_instrument("dual_maturity")
ITEMS = INST.item_ids
TRUTH = pd.read_csv(FIX / "truth.csv", keep_default_na=False, dtype=str)


@pytest.mark.parametrize("text,match", [
    ("columns:\n  A: unit\n  B: cap_und_99\n", r"^m.yaml line 3: column 'B' maps to 'cap_und_99', which is not an item"),
    ("columns:\n  A: unit\n  B: unit\n", r"^m.yaml line 3: columns 'A' and 'B' both map to 'unit'"),
    ("answers:\n  '7': 9\n", r"^m.yaml line 2: answer '7' maps to 9, outside the scale 1-6"),
    ("answers:\n  '7': maybe\n", r"^m.yaml line 2: answer '7' maps to 'maybe'; expected a scale value, dont_know"),
    ("colums:\n  A: unit\n", r"^m.yaml line 1: unknown section 'colums'"),
    ("columns:\n  A: unit\n  A: role\n", r"^m.yaml line 3: 'A' appears twice in 'columns'"),
    ("columns:\n  - A\n", r"^m.yaml line 2: section 'columns' must be a list of 'key: value' lines"),
    ("columns: {A: unit\n", r"^m.yaml line \d+: not valid YAML"),
    ("units:\n  Soc: \n", r"^m.yaml line 2: spelling 'Soc' needs the name"),
])
def test_mapping_errors_name_file_and_line(text, match):
    with pytest.raises(MappingError, match=match):
        parse_mapping(text, "m.yaml", item_ids=ITEMS, scale=(1, 6))


def test_mapping_file_missing_and_wrong_instrument(tmp_path):
    with pytest.raises(MappingError, match="mapping file not found"):
        load_mapping(tmp_path / "nope.yaml")
    m = tmp_path / "m.yaml"
    m.write_text("instrument: public_dma\n", encoding="utf-8")
    with pytest.raises(ResponseError, match="this mapping is for instrument 'public_dma', not 'dual_maturity'"):
        read_responses(FIX / "plain.csv", INST, mapping=m)


def test_code_headers_need_and_take_a_mapping(tmp_path):
    df = pd.read_csv(FIX / "plain.csv", sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
    codes = {iid: f"F{k}" for k, iid in enumerate(ITEMS, start=1)}
    df = df.rename(columns={**codes, "unit": "Avd", "role": "Befattningskod"})
    p = tmp_path / "koder.csv"
    df.to_csv(p, sep=";", index=False, encoding="utf-8")
    with pytest.raises(ResponseError, match="none of the 33 columns matches an item"):
        read_responses(p, INST)
    m = tmp_path / "koder.mapping.yaml"
    lines = ["columns:", '  "Avd": unit', '  "Befattningskod": role'] + [f'  "{c}": {i}' for i, c in codes.items()]
    m.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rs = read_responses(p, INST)   # STEM.mapping.yaml beside the export is picked up
    assert any("koder.mapping.yaml" in n for n in rs.notes)
    assert rs.meta["unit"].tolist() == TRUTH["unit"].tolist() and rs.meta["role"].tolist() == TRUTH["role"].tolist()
    assert (rs.columns.set_index("column").loc[list(codes.values()), "how"] == "mapping").all()
    vals = TRUTH[ITEMS].replace("", np.nan).astype(float).replace(0, np.nan).to_numpy()
    np.testing.assert_array_equal(np.nan_to_num(rs.answers.to_numpy(), nan=-1), np.nan_to_num(vals, nan=-1))


def test_write_mapping_then_reuse_for_the_next_round(tmp_path, capsys):
    src = FIX / "googleforms_grid.csv"
    m = tmp_path / "forms.yaml"
    assert dmkit(["validate", str(src), "-i", "dual_maturity", "--write-mapping", str(m),
                  "--rejected-out", str(tmp_path / "r.csv")]) == 0
    out = capsys.readouterr().out
    assert f"Mapping written to {m}" in out
    text = m.read_text(encoding="utf-8")
    assert "format: googleforms" in text and "fuzzy 0.9" in text and "CHECK" in text
    assert '"E-postadress": ignore' in text and '"Förvaltning": unit' in text
    # the next round: same tool, same questions, other answers
    nxt = tmp_path / "round2.csv"
    raw = pd.read_csv(src, dtype=str, keep_default_na=False)
    raw[raw.columns[4]] = "Stämmer helt"
    raw.to_csv(nxt, index=False)
    a = read_responses(src, INST)
    b = read_responses(nxt, INST, mapping=m)
    assert b.tool == "googleforms" and b.mapping is not None
    assert (b.columns[b.columns["kind"] == "item"]["how"] == "mapping").all()
    assert not b.issues["message"].str.contains("similar wording").any()   # checked once, then settled
    assert (b.answers[ITEMS[0]] == 6).all()
    pd.testing.assert_frame_equal(a.answers[ITEMS[1:]], b.answers[ITEMS[1:]])
    assert a.meta["unit"].tolist() == b.meta["unit"].tolist()


def test_refused_code_export_writes_mapping_to_complete(tmp_path, capsys):
    p = tmp_path / "qualtrics_numeric.csv"
    shutil.copy(FIX / "qualtrics_numeric.csv", p)
    m = tmp_path / "q.yaml"
    code = dmkit(["validate", str(p), "-i", "dual_maturity", "--write-mapping", str(m)])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err and f"A mapping to complete was written to {m}" in err
    text = m.read_text(encoding="utf-8")
    assert '  # "7": dont_know   # CHECK' in text and "format: qualtrics" in text
    m.write_text(text.replace('  # "7": dont_know', '  "7": dont_know'), encoding="utf-8")
    rs = read_responses(p, INST, mapping=m)
    vals = TRUTH[ITEMS].replace("", np.nan).astype(float).to_numpy()
    np.testing.assert_array_equal(rs.dont_know[ITEMS].to_numpy(), vals == 0)
    assert rs.n_accepted == len(TRUTH)


def test_yml_sidecar_and_explicit_mapping_wins(tmp_path):
    p = tmp_path / "limesurvey_codes.csv"
    shutil.copy(FIX / "limesurvey_codes.csv", p)
    shutil.copy(FIX / "limesurvey_codes.csv.mapping.yaml", tmp_path / "limesurvey_codes.csv.mapping.yml")
    rs = read_responses(p, INST)
    assert rs.meta["unit"].tolist() == TRUTH["unit"].tolist()
    other = tmp_path / "other.yaml"
    other.write_text('answers:\n  "A7": skip\n', encoding="utf-8")
    rs2 = read_responses(p, INST, mapping=other)
    assert not rs2.notes or not any("found beside" in n for n in rs2.notes)
    assert int(rs2.dont_know.sum().sum()) == 0 and rs2.meta["unit"].iloc[0] == "SOC"


def test_validate_summary_comes_first(capsys):
    assert dmkit(["validate", str(FIX / "surveymonkey.csv"), "-i", "dual_maturity"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].startswith("Tool: SurveyMonkey")
    assert out[2] == "Respondents: 26 read of 26 rows; rejected 0"
    assert out[3].startswith("Items matched: 30/30")
    assert out[4] == "Unit: column 'Vilken förvaltning arbetar du på?', 5 distinct"
    assert out[5] == "Role: column 'Vilken är din roll?', 4 distinct"
    assert out[6] == "Rejected: none"


def test_validate_format_option_and_items_command(capsys):
    assert dmkit(["validate", str(FIX / "googleforms.csv"), "-i", "dual_maturity", "--format", "plain"]) == 0
    assert "Tool: plain CSV/TSV  (given as format)" in capsys.readouterr().out
    assert dmkit(["items", str(FIX / "qualtrics_numeric.csv"), "-i", "dual_maturity"]) == 0
    assert dmkit(["validate", str(FIX / "plain.csv"), "-i", "dual_maturity", "--format", "nope"]) == 1
    assert "unknown format 'nope'" in capsys.readouterr().err
