"""Which survey tool wrote a file: every adapter scores the file's shape, the best one reads it.

Each adapter module has ``NAME``, ``LABEL``, ``detect(grid) -> (score, evidence)``
and ``build(grid) -> Export``. Scores: 1.0 a signature only that tool writes
(SurveyMonkey's two header rows, Qualtrics' ImportId row, an SPSS file), about
0.9 the tool's own metadata columns, 0.6/0.3 a workbook, 0.1 a plain table.
``format=`` skips the detection.

Examples
--------
>>> sorted(ADAPTERS)[:4]
['esmaker', 'excel_handkept', 'googleforms', 'limesurvey']
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from .base import Export, Grid, ResponseError
from .files import load_grid

__all__ = ["ADAPTERS", "TOOL_NAMES", "detect_tool", "read_export"]

_MODULES = ("surveymonkey", "qualtrics", "limesurvey", "msforms", "googleforms", "netigate", "esmaker",
            "spss", "excel_handkept", "plain")
ADAPTERS = {m: import_module(f"{__package__}.{m}") for m in _MODULES}
#: accepted ``format=`` / ``--format`` values (with a few spellings users type)
TOOL_NAMES = {**{m: m for m in _MODULES}, "forms": "msforms", "microsoft_forms": "msforms",
              "google": "googleforms", "google_forms": "googleforms", "lime": "limesurvey", "sav": "spss",
              "excel": "excel_handkept", "xlsx": "excel_handkept", "csv": "plain", "tsv": "plain",
              "monkey": "surveymonkey"}


def detect_tool(grid: Grid) -> tuple[str, str, list[tuple[str, float]]]:
    """(tool, evidence, all scores) for a grid."""
    scores = []
    best, best_s, best_ev = "plain", -1.0, ""
    for name, mod in ADAPTERS.items():
        s, ev = mod.detect(grid)
        scores.append((name, s))
        if s > best_s:
            best, best_s, best_ev = name, s, ev
    return best, best_ev, scores


def resolve_format(fmt: str) -> str:
    key = str(fmt).strip().lower().replace("-", "_").replace(" ", "_")
    if key not in TOOL_NAMES:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(_MODULES)}.")
    return TOOL_NAMES[key]


def read_export(path: str | Path, *, format: str | None = None, sheet: str | None = None) -> Export:
    """Read a survey export file: the tool is detected from the file's shape, or given as ``format``."""
    grid = load_grid(path, sheet=sheet)
    if not grid.rows or not any(any(str(c).strip() for c in r) for r in grid.rows):
        raise ResponseError(f"{grid.name}: the file is empty; expected a header row and one row per respondent.")
    if format:
        tool = resolve_format(format)
        evidence = "given as format"
    else:
        tool, evidence, _ = detect_tool(grid)
    exp = ADAPTERS[tool].build(grid)
    exp.info["tool_label"] = ADAPTERS[tool].LABEL
    if format:
        exp.evidence = "given as format"
    return exp
