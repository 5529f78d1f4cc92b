"""What every reader shares: the raw grid of a file, its damaged rows, the export table.

A reader works in two steps. :mod:`~evaluation.data.readers.files` turns the
bytes of a file into a :class:`Grid` (every record as a list of text cells,
with its spreadsheet row number), naming damage it cannot repair. A tool
adapter then knows which rows are headers and which columns are the tool's
own metadata, and builds an :class:`Export`: one text cell per respondent and
column, indexed by the row number the user sees in a spreadsheet (the first
header row is row 1).

Rows that cannot be read safely (a field count different from the header's,
a quote never closed, a file cut off mid-row) become :class:`Damage` records:
they count as rows in, are rejected with their reason and are never read
with shifted columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["ResponseError", "Damage", "Grid", "Export", "find_header", "table_from_grid", "unique_names"]


class ResponseError(ValueError):
    """A response file cannot be read as a table of answers."""


@dataclass(frozen=True)
class Damage:
    """A row that could not be read safely: where, why, and its raw text."""

    row: int
    reason: str
    raw: str = ""


@dataclass
class Grid:
    """A file as records of text cells, before any header is chosen."""

    name: str
    rows: list[list[str]]
    rownums: list[int]
    info: dict[str, Any] = field(default_factory=dict)
    damaged: list[Damage] = field(default_factory=list)
    #: the file's last record ended without a line break (a cut-off file, for text files)
    ends_mid_row: bool = False
    #: SPSS: variable labels and value labels
    column_labels: dict[str, str] = field(default_factory=dict)
    value_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    #: every record as a text frame (fast path for large clean text files); ``rows`` then holds the first ones
    frame: pd.DataFrame | None = None

    def head(self, n: int = 40) -> list[list[str]]:
        return self.rows[:n]


@dataclass
class Export:
    """One survey export, read: text cells per respondent, plus what the tool says about each column."""

    name: str
    tool: str
    cells: pd.DataFrame                                         # index = spreadsheet row number
    texts: dict[str, list[str]] = field(default_factory=dict)   # column -> other header texts
    roles: dict[str, str] = field(default_factory=dict)         # column -> respondent_id|submitted|ignore|unit|role|free_text
    value_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    damaged: list[Damage] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)
    evidence: str = ""
    #: rows the tool itself marks as not a respondent's answer (a preview, a test, spam): row -> reason;
    #: the reader rejects them with that reason (kept in ``rejected``, counted), never drops them.
    not_answers: dict[int, str] = field(default_factory=dict)

    @property
    def n_rows_in(self) -> int:
        return int(len(self.cells) + len(self.damaged))


def unique_names(names: list[str]) -> list[str]:
    """Strip header names and make them unique (``x``, ``x (2)``); blank ones become ``Unnamed: i``."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, n in enumerate(names):
        n = str(n).replace("\ufeff", "").strip() or f"Unnamed: {i}"
        if n in seen:
            seen[n] += 1
            n = f"{n} ({seen[n]})"
        else:
            seen[n] = 1
        out.append(n)
    return out


def find_header(rows: list[list[str]], *, limit: int = 30) -> int:
    """Index of the header row: the first row with at least 60 % of the widest row's filled cells.

    Title rows (one merged cell), notes and blank rows above the header are
    skipped, as hand-kept workbooks have them.

    >>> find_header([["Enkät 2025"], [], ["Nr", "Enhet", "F1", "F2"], ["1", "A", "3", "4"]])
    2
    """
    filled = [sum(1 for c in r if str(c).strip()) for r in rows[:limit]]
    if not filled:
        return 0
    widest = max(filled)
    for i, n in enumerate(filled):
        if n >= max(2, 0.6 * widest):
            return i
    return 0


def table_from_grid(grid: Grid, header_at: int, *, n_header_rows: int = 1,
                    names: list[str] | None = None) -> tuple[pd.DataFrame, list[Damage]]:
    """Cells below the header rows as a text frame; rows of the wrong width become Damage.

    A completely blank record stays a (blank) row, so that it is counted and
    rejected as an empty row; a row with more or fewer fields than the header
    is never padded or cut, because its columns would be shifted.
    """
    header = grid.rows[header_at]
    cols = unique_names(names if names is not None else header)
    k = len(cols)
    first = header_at + n_header_rows
    if grid.frame is not None and grid.frame.shape[1] == k:
        body = grid.frame.iloc[first:]
        end = len(body)
        while end and not (body.iloc[end - 1].astype(str).str.strip() != "").any():
            end -= 1
        df = body.iloc[:end].copy()
        df.columns = cols
        df.index = pd.Index(grid.rownums[first:first + end], name="row", dtype="int64")
        return df, list(grid.damaged)
    delim = grid.info.get("delimiter")
    good: list[list[str]] = []
    idx: list[int] = []
    damaged = list(grid.damaged)
    body = grid.rows[first:]
    nums = grid.rownums[first:]
    # trailing blank records are the end of the file, not respondents
    while body and not any(str(c).strip() for c in body[-1]):
        body, nums = body[:-1], nums[:-1]
    last = len(body) - 1
    for j, (rec, rn) in enumerate(zip(body, nums)):
        n = len(rec)
        if n == k:
            good.append(rec)
            idx.append(rn)
            continue
        if not any(str(c).strip() for c in rec):
            good.append([""] * k)
            idx.append(rn)
            continue
        if grid.info.get("format") == "xlsx" or grid.info.get("format") == "sav":
            # a sheet row can be shorter only by trailing blank cells
            rec = (list(rec) + [""] * k)[:k] if all(not str(c).strip() for c in rec[k:]) else rec
            if len(rec) == k:
                good.append(rec)
                idx.append(rn)
                continue
        raw = (delim or "\t").join(rec)
        if j == last and grid.ends_mid_row and n < k:
            reason = (f"row {rn} is cut off: the file ends in the middle of this row ({n} of {k} fields). "
                      "The export or download was interrupted; export the file again")
        else:
            sep = f" ({delim!r})" if delim else ""
            reason = (f"row {rn} has {n} fields but the header has {k}: a separator{sep} inside an unquoted "
                      "cell, or a missing one, would shift the columns, so the row is not read. "
                      "Fix the row in the file (put quotes around a cell that contains the separator) and read it again")
        damaged.append(Damage(rn, reason, raw))
    df = pd.DataFrame(good, columns=cols, dtype=object) if good else pd.DataFrame(columns=cols, dtype=object)
    df.index = pd.Index(idx, name="row", dtype="int64")
    return df, damaged
