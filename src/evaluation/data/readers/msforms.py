"""Microsoft Forms (*Öppna i Excel* / *Ladda ned svar*: an .xlsx workbook).

Shape: one sheet, header row 1 with ``ID``, ``Starttid``, ``Sluttid``
(en ``Start time``, ``Completion time``), ``E-post``, ``Namn``
(``Email``, ``Name``), ``Tid för senaste ändring`` (``Last modified time``,
newer forms), then one column per question headed by its title; a Likert
question gives one column per statement. Answers are the option texts; times
are Excel date-times.
"""

from __future__ import annotations

from ._common import header_score, simple_export
from .base import Export, Grid

NAME = "msforms"
LABEL = "Microsoft Forms"
META = {"id": "respondent_id", "starttid": "ignore", "start time": "ignore", "sluttid": "submitted",
        "tid för slutförande": "submitted", "completion time": "submitted", "e-post": "ignore", "email": "ignore",
        "namn": "ignore", "name": "ignore", "tid för senaste ändring": "ignore", "last modified time": "ignore",
        "senast ändrad": "ignore", "total poäng": "ignore", "total points": "ignore"}
_SV = ("id", "starttid", "sluttid")
_SV2 = ("id", "starttid", "tid för slutförande")
_EN = ("id", "start time", "completion time")


def detect(grid: Grid) -> tuple[float, str]:
    s = max(header_score(grid, _SV), header_score(grid, _SV2), header_score(grid, _EN))
    return (0.95, "columns ID, start time and completion time") if s == 1.0 else (0.0, "")


def build(grid: Grid) -> Export:
    return simple_export(grid, NAME, META, evidence=detect(grid)[1])
