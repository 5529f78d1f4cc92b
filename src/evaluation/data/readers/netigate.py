"""Netigate (*Exportera → Rådata*, CSV).

Netigate publishes no file specification; the shape here follows raw-data
exports as Swedish municipalities receive them: ``;`` separated, UTF-8 with
BOM, metadata ``Svars-ID``, ``Status``, ``Startdatum``, ``Slutdatum``,
``Språk``, then background questions and one column per matrix statement
headed ``Matrix title - statement`` (the statement after `` - ``). Answers
are the option texts, which the survey owner often numbers
(``6 – Stämmer helt``, en dash).
"""

from __future__ import annotations

from ._common import header_score, simple_export
from .base import Export, Grid

NAME = "netigate"
LABEL = "Netigate"
META = {"svars-id": "respondent_id", "respondent-id": "respondent_id", "respondentid": "respondent_id",
        "status": "ignore", "startdatum": "ignore", "slutdatum": "submitted", "språk": "ignore",
        "svarstid": "ignore", "e-post": "ignore", "ip-adress": "ignore", "utskickskanal": "ignore"}
_SIG = ("svars-id", "status", "startdatum", "slutdatum", "språk")


def detect(grid: Grid) -> tuple[float, str]:
    s = header_score(grid, _SIG, need=4)
    return (0.85, "columns Svars-ID, Status, Startdatum, Slutdatum") if s else (0.0, "")


def build(grid: Grid) -> Export:
    return simple_export(grid, NAME, META, evidence=detect(grid)[1])
