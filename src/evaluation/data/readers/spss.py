"""SPSS ``.sav`` (any tool's SPSS export, read with pyreadstat).

Shape: one variable per question (names such as ``q1``, ``F3_2``), the question
text as *variable label*, the answer options as *value labels*
(``1 = Stämmer inte alls`` … ``7 = Vet ej``), background questions coded with
value labels (``1 = Socialförvaltningen``). The value labels say what each
code means, so ``7 = Vet ej`` is read as don't know without a mapping.
"""

from __future__ import annotations

from ._common import simple_export
from .base import Export, Grid

NAME = "spss"
LABEL = "SPSS (.sav)"
META = {"id": "respondent_id", "respondent_id": "respondent_id", "löpnr": "respondent_id",
        "responseid": "respondent_id", "startdate": "ignore", "enddate": "ignore", "status": "ignore",
        "ipaddress": "ignore", "progress": "ignore", "finished": "ignore", "recordeddate": "submitted"}


def detect(grid: Grid) -> tuple[float, str]:
    if grid.info.get("format") == "sav":
        n = sum(1 for v in grid.value_labels.values() if v)
        return 1.0, f"SPSS file, {len(grid.column_labels)} variable labels, {n} value-label sets"
    return 0.0, ""


def build(grid: Grid) -> Export:
    return simple_export(grid, NAME, META, evidence=detect(grid)[1], header_at=0)
