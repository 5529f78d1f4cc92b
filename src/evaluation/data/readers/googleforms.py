"""Google Forms (responses downloaded as CSV from Forms or its Sheet).

Shape (Google's export): comma separated, UTF-8 without BOM, first column
``Tidstämpel`` (sv) / ``Timestamp`` (en), then ``E-postadress`` when addresses
are collected, then one column per question headed by its title. A grid
question (*Flervalsrutnät*) gives one column per row, headed
``Grid title [row text]``. Answers are the option texts.
"""

from __future__ import annotations

from ..matching import normalise
from ._common import simple_export
from .base import Export, Grid, find_header

NAME = "googleforms"
LABEL = "Google Forms"
_FIRST = ("tidstämpel", "tidsstämpel", "timestamp", "marca temporal", "horodateur", "zeitstempel")
META = {k: "submitted" for k in _FIRST}
META.update({"e-postadress": "ignore", "email address": "ignore", "e-post": "ignore", "poäng": "ignore",
             "score": "ignore"})


def detect(grid: Grid) -> tuple[float, str]:
    if not grid.rows:
        return 0.0, ""
    at = find_header(grid.rows)
    first = normalise(grid.rows[at][0]).strip(" .:") if grid.rows[at] else ""
    if first in _FIRST:
        brackets = sum(1 for c in grid.rows[at] if str(c).rstrip().endswith("]"))
        return 0.9, f"first column {grid.rows[at][0]!r}" + (f", {brackets} grid columns 'Title [row]'" if brackets else "")
    return 0.0, ""


def build(grid: Grid) -> Export:
    return simple_export(grid, NAME, META, evidence=detect(grid)[1])
