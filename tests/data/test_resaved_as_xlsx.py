"""A tool's CSV export opened in Excel and saved as .xlsx reads the same as the CSV.

Strategists often open the export in Excel, look, and save it as a workbook: every header row is
kept, and Excel turns numeric-looking cells (codes 1-6, ids) into numbers and "4,0" into 4. The
workbook must give the same respondents, answers, don't-knows, units and roles as the CSV.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest

from evaluation.data.responses import read_responses

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
CSVS = ["esmaker.csv", "googleforms.csv", "googleforms_grid.csv", "limesurvey_codes.csv", "limesurvey_text.csv",
        "netigate.csv", "plain.csv", "qualtrics_numeric.csv", "qualtrics_text.csv", "surveymonkey.csv",
        "excel_unicode.txt"]


def _rows(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    encodings = ("utf-16",) if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig", "cp1252")
    for enc in encodings:
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    first = text.splitlines()[0]
    return list(csv.reader(io.StringIO(text), delimiter=max(",;\t", key=first.count)))


def _as_excel_saves(value: str, numeric: bool):
    """A cell as Excel keeps it: blank → empty; with ``numeric``, '3' → 3 and '4,0' → 4.0 (Swedish locale)."""
    if value == "":
        return None
    if numeric:
        if value.strip().lstrip("-").isdigit() and not value.strip().startswith("0"):
            return int(value)
        if value.count(",") == 1 and value.replace(",", "").strip().isdigit():
            return float(value.replace(",", "."))
    return value


@pytest.mark.parametrize("numeric", [False, True], ids=["text cells", "numbers as numbers"])
@pytest.mark.parametrize("name", CSVS)
def test_resaved_workbook_reads_like_the_csv(name, numeric, tmp_path):
    from openpyxl import Workbook

    src = FIX / name
    wb = Workbook()
    ws = wb.active
    for row in _rows(src):
        ws.append([_as_excel_saves(v, numeric) for v in row])
    out = tmp_path / (Path(name).stem + ".xlsx")
    wb.save(out)
    mapping = FIX / f"{name}.mapping.yaml"
    a = read_responses(src, "dual_maturity")
    b = read_responses(out, "dual_maturity", str(mapping) if mapping.exists() else None)
    assert (b.n_rows_in, b.n_accepted, len(b.rejected)) == (a.n_rows_in, a.n_accepted, len(a.rejected))
    np.testing.assert_array_equal(b.answers.to_numpy(float), a.answers.to_numpy(float))
    np.testing.assert_array_equal(b.dont_know.to_numpy(bool), a.dont_know.to_numpy(bool))
    for col in ("unit", "role"):
        assert list(b.meta[col]) == list(a.meta[col])
