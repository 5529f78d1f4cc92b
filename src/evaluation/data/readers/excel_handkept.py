"""Hand-kept Excel workbooks (answers typed or pasted in by hand).

Shape: a title merged over row 1, notes or blank rows, the header on a later
row (often row 3), the answers on a sheet called ``Svar`` (or ``Data``)
beside sheets of instructions, blank rows between blocks of respondents,
question numbers or short codes as headers, unit names spelt as each person
typed them. The header row is the first row with most of the columns filled;
row numbers in messages are the sheet's own.
"""

from __future__ import annotations

from ._common import simple_export
from .base import Export, Grid, find_header
from .files import SHEET_NAMES

NAME = "excel_handkept"
LABEL = "hand-kept Excel"
META = {"nr": "respondent_id", "löpnr": "respondent_id", "löpnummer": "respondent_id", "datum": "submitted"}


def detect(grid: Grid) -> tuple[float, str]:
    if grid.info.get("format") != "xlsx":
        return 0.0, ""
    at = find_header(grid.rows)
    named = str(grid.info.get("sheet", "")).strip().casefold() in SHEET_NAMES
    if at > 0 or named or len(grid.info.get("sheets", [])) > 1:
        bits = []
        if at > 0:
            bits.append(f"header on row {at + 1}")
        if named:
            bits.append(f"answers on sheet {grid.info.get('sheet')!r}")
        return 0.6, ", ".join(bits) or "a workbook of several sheets"
    return 0.3, "a workbook with the header on row 1"


def build(grid: Grid) -> Export:
    return simple_export(grid, NAME, META, evidence=detect(grid)[1])
