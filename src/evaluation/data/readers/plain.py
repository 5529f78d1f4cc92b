"""Plain CSV/TSV (any separator; UTF-8, UTF-8 with BOM, Windows-1252, UTF-16) and Excel's "Unicode text".

Shape: one header row (item ids or question texts, metadata such as
``respondent_id``, ``unit``, ``role``), one row per respondent. Excel's
"Unicode text" (*Spara som → Unicode-text*) is this shape as UTF-16 LE with a
BOM and tab separators. Title rows above the header are skipped.
"""

from __future__ import annotations

from ._common import simple_export
from .base import Export, Grid

NAME = "plain"
LABEL = "plain CSV/TSV"


def detect(grid: Grid) -> tuple[float, str]:
    return 0.1, "one header row, no survey tool's own columns"


def build(grid: Grid) -> Export:
    return simple_export(grid, NAME, {}, evidence=detect(grid)[1])
