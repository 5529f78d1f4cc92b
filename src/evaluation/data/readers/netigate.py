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
        "svarstid": "ignore", "e-post": "ignore", "ip-adress": "ignore", "utskickskanal": "ignore",
        # the same columns when the account's language is English
        "response id": "respondent_id", "start date": "ignore", "end date": "submitted", "language": "ignore",
        "response time": "ignore", "e-mail": "ignore", "email": "ignore", "ip address": "ignore",
        "distribution channel": "ignore"}
_SIG = ("svars-id", "status", "startdatum", "slutdatum", "språk")
_SIG_EN = ("response id", "status", "start date", "end date", "language")


def detect(grid: Grid) -> tuple[float, str]:
    if header_score(grid, _SIG, need=4):
        return 0.85, "columns Svars-ID, Status, Startdatum, Slutdatum"
    if header_score(grid, _SIG_EN, need=5):
        return 0.8, "columns Response ID, Status, Start date, End date, Language"
    return 0.0, ""


def build(grid: Grid) -> Export:
    return simple_export(grid, NAME, META, evidence=detect(grid)[1])
