"""Files for people to open in Excel: formula injection neutralised, personal data said in the header.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula
by Excel and LibreOffice when a CSV is opened (OWASP, "CSV Injection"): a respondent's free text
``=HYPERLINK("http://…")`` in a rejected row, or a unit named ``@SUM(…)``, would execute on the
strategist's machine. Such text cells get a leading apostrophe, which spreadsheets show as text
and never evaluate; numbers (``-3.5``) are left as they are.

>>> import pandas as pd
>>> neutralise_formulas(pd.DataFrame({"a": ["=1+1", "-3.5", "ok", "@SUM(A1)"], "b": [1, -2, 3, 4]}))["a"].tolist()
["'=1+1", '-3.5', 'ok', "'@SUM(A1)"]
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

__all__ = ["FORMULA_PREFIXES", "neutralise_formulas", "write_csv", "text_only", "PERSONAL_DATA_NOTE"]

#: first characters a spreadsheet reads as the start of a formula (OWASP CSV Injection)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")

#: the first line of a CSV that holds survey answers of identifiable people
PERSONAL_DATA_NOTE = {
    "sv": "# PERSONUPPGIFTER: filen innehåller enskilda svarandes svar. Dela den inte; radera den när raderna är rättade.",
    "en": "# PERSONAL DATA: this file holds individual respondents' answers. Do not share it; delete it once the rows are fixed.",
}


def _safe(v):
    if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) and not _NUMBER.match(v.strip()):
        return "'" + v
    return v


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy in which no text cell, and no column name, starts like a spreadsheet formula."""
    out = frame.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].map(_safe)
    out.columns = [_safe(c) if isinstance(c, str) else c for c in out.columns]
    return out


def write_csv(frame: pd.DataFrame, path: str | Path, *, personal_data: bool = False, language: str = "sv",
              **to_csv) -> Path:
    """Write ``frame`` as CSV for people: formulas neutralised; with ``personal_data`` a first line says so."""
    p = Path(path)
    # CRLF line ends (what Excel writes): a cell holding a bare CR or LF is then always quoted, so a line
    # break inside a cell can never start a new row whose first cell is a formula
    body = neutralise_formulas(frame).to_csv(index=False, lineterminator="\r\n", **to_csv)
    head = PERSONAL_DATA_NOTE.get(language, PERSONAL_DATA_NOTE["en"]) + "\n" if personal_data else ""
    p.write_bytes((head.replace("\n", "\r\n") + body).encode("utf-8"))
    return p


def text_only(workbook) -> None:
    """Store every text cell of an openpyxl ``workbook`` as text, never as a formula.

    openpyxl writes a string that starts with ``=`` as a formula: a unit named ``=HYPERLINK(…)`` in a
    template's drop-down list, or an item text of a user's instrument, would run when the file is
    opened. Here such a cell is written as a plain string with Excel's quote prefix (shown as typed,
    still text after an edit); the kit's templates hold no formula cells of their own. Call it just
    before ``workbook.save``.

    >>> from openpyxl import Workbook
    >>> wb = Workbook()
    >>> wb.active["A1"] = '=HYPERLINK("http://evil")'
    >>> wb.active["A1"].data_type
    'f'
    >>> text_only(wb)
    >>> wb.active["A1"].data_type, wb.active["A1"].value, wb.active["A1"].quotePrefix
    ('s', '=HYPERLINK("http://evil")', True)
    """
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES):
                    cell.data_type = "s"
                    cell.quotePrefix = True
