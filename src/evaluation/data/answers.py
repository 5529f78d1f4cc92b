"""Answer parsing: scale codes, labels (sv, en), prefixed labels, tool codes, don't know.

A cell is read, in this order, as

1. a code the mapping file declares (``answers: {"7": dont_know, "A1": 1}``);
2. an SPSS value label's meaning (``7 = "Vet ej"`` is don't know);
3. a scale code (``4``, ``4.0``, ``4,0``), a scale label in any language
   (``Stämmer helt``), the don't-know code or label (``0``, ``Vet ej``);
4. a prefixed label (``6 – Stämmer helt``, ``7 = Vet ej``): the label decides,
   since it is what the respondent saw;
5. a LimeSurvey answer code ``A1``… read as 1… when the whole column holds
   such codes (LimeSurvey's default codes), reported in the notes;
6. blank (``""``, ``-``, ``n/a``) is skipped.

Anything else is not an answer. When the same number outside the scale
(``7`` on a 1–6 scale, ``99``) recurs in several item columns, it is most likely
the tool's code for "don't know" or "not applicable": guessing would be
silent, rejecting each row would lose respondents, so :func:`find_ambiguous_codes`
lets the reader refuse once, saying how to declare the code in the mapping.

Examples
--------
>>> from evaluation.instruments import load_instrument
>>> p = AnswerParser(load_instrument("dual_maturity"))
>>> p.parse_one("6 – Stämmer helt"), p.parse_one("7 = Vet ej"), p.parse_one("Strongly agree"), p.parse_one(" ")
((6.0, 'answer'), (nan, 'dont_know'), (6.0, 'answer'), (nan, 'blank'))
>>> p.parse_one("9")
(nan, 'bad')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .instruments import Instrument
from .matching import normalise

__all__ = ["AnswerParser", "ParsedColumn", "find_ambiguous_codes", "DK_WORDS", "BLANK_WORDS"]

DK_WORDS = ("vet ej", "vet inte", "don't know", "dont know", "do not know", "ingen uppfattning", "ingen åsikt",
            "no opinion", "not applicable", "ej tillämpligt", "ej aktuellt", "inte aktuellt", "kan inte bedöma",
            "kan ej bedöma", "n/a - vet ej", "vill inte svara", "prefer not to say")
BLANK_WORDS = ("", "nan", "none", "null", "na", "n/a", "-", ".", "#n/a", "<na>")
_PREFIX = re.compile(r"^(-?\d+)\s*(?:[-.:=)]\s*|\s+)(.+)$")
_LIME = re.compile(r"^a(\d+)$")
_NUM = re.compile(r"^-?\d+(?:[.,]0+)?$")
_KINDS = ("answer", "dont_know", "blank", "bad")


def _key(s: Any) -> str:
    return normalise(s).strip(" .:;!*\"'")


@dataclass
class ParsedColumn:
    values: pd.Series       # float, NaN unless a scale answer
    kind: pd.Series         # answer | dont_know | blank | bad
    codes_used: str = ""    # e.g. "limesurvey A1..A6" when tool codes were read


@dataclass
class AnswerParser:
    """Reads cells of item columns onto an instrument's scale (see module docstring)."""

    instrument: Instrument
    declared: Mapping[str, Any] = field(default_factory=dict)   # mapping ``answers:`` (raw key -> value)

    def __post_init__(self) -> None:
        sc = self.instrument.scale
        lut: dict[str, tuple[float, str]] = {}
        for code in sc.codes:
            for s in (str(code), f"{code}.0", f"{code},0", f"{code}.00", f"{code},00"):
                lut[s] = (float(code), "answer")
            for lab in sc.labels[code].values():
                lut[_key(lab)] = (float(code), "answer")
        if sc.dont_know_code is not None:
            c = sc.dont_know_code
            for s in (str(c), f"{c}.0", f"{c},0"):
                lut[s] = (np.nan, "dont_know")
            for lab in (sc.dont_know_label or {}).values():
                lut[_key(lab)] = (np.nan, "dont_know")
        for w in DK_WORDS:
            lut.setdefault(_key(w), (np.nan, "dont_know"))
        for w in BLANK_WORDS:
            lut[_key(w)] = (np.nan, "blank")
        self._labels = dict(lut)   # without declared codes: used to read value labels and prefixes
        for raw, val in (self.declared or {}).items():
            lut[_key(raw)] = self._declared_value(val)
        self._lut = lut
        self._declared_keys = {_key(r) for r in (self.declared or {})}

    @staticmethod
    def _declared_value(val: Any) -> tuple[float, str]:
        if isinstance(val, str):
            v = val.strip().lower()
            if v in ("dont_know", "dk", "vet_ej", "vet ej"):
                return np.nan, "dont_know"
            if v in ("skip", "skipped", "blank", "missing"):
                return np.nan, "blank"
            if v in ("invalid", "reject"):
                return np.nan, "bad"
        return float(val), "answer"

    def _prefixed(self, k: str) -> tuple[float, str] | None:
        m = _PREFIX.match(k)
        if m:
            rest = self._labels.get(_key(m.group(2)))
            if rest is not None and rest[1] != "blank":
                return rest
        return None

    def parse_one(self, cell: Any, value_labels: Mapping[str, str] | None = None) -> tuple[float, str]:
        """(value, kind) of one cell; kind is answer, dont_know, blank or bad."""
        k = _key(cell)
        if k in self._declared_keys:
            return self._lut[k]
        if value_labels:
            lab = value_labels.get(str(cell).strip())
            if lab is not None:
                hit = self._labels.get(_key(lab)) or self._prefixed(_key(lab))
                if hit is not None:
                    return hit
        hit = self._labels.get(k)
        if hit is not None:
            return hit
        return self._prefixed(k) or (np.nan, "bad")

    def parse(self, cells: pd.Series, value_labels: Mapping[str, str] | None = None) -> ParsedColumn:
        """Parse a column: each distinct cell text is read once (exports repeat a handful of values)."""
        codes, uniq = pd.factorize(cells.astype(object), sort=False)  # a missing cell (code -1) reads as ""
        uniq = [str(u) for u in uniq] + [""]
        res = [self.parse_one(u, value_labels) for u in uniq]
        codes_used = ""
        if any(r[1] == "bad" for r in res):
            lime = {j: _LIME.match(_key(u)) for j, u in enumerate(uniq) if res[j][1] != "blank"}
            if lime and all(lime.values()):
                sc = self.instrument.scale
                for j, m in lime.items():
                    n = int(m.group(1))
                    if sc.min <= n <= sc.max:
                        res[j] = (float(n), "answer")
                codes_used = "LimeSurvey answer codes A1, A2, … read as 1, 2, …"
        vals = np.array([r[0] for r in res] or [np.nan], dtype=float)
        kinds = np.array([_KINDS.index(r[1]) for r in res] or [2], dtype=np.int8)
        values = pd.Series(vals[codes], index=cells.index)
        kind = pd.Series(pd.Categorical.from_codes(kinds[codes], categories=list(_KINDS)), index=cells.index)
        return ParsedColumn(values, kind, codes_used)


def find_ambiguous_codes(bad_cells: Mapping[str, pd.Series], instrument: Instrument, *,
                         min_cells: int = 3, min_columns: int = 2) -> list[dict]:
    """Numbers outside the scale that recur across item columns (likely an undeclared don't-know code).

    Parameters
    ----------
    bad_cells : column -> Series of the raw cells that could not be read (index = row)
    min_cells, min_columns : keyword-only
        A value is ambiguous when it fills at least ``min_cells`` cells in at
        least ``min_columns`` item columns; a single stray value is a typing
        error and rejects its row instead.

    Returns
    -------
    list of dicts ``value``, ``cells``, ``columns``, ``first_row``, ``first_column``.

    Examples
    --------
    >>> from evaluation.instruments import load_instrument
    >>> bad = {"q1": pd.Series(["7", "7"], index=[2, 5]), "q2": pd.Series(["7"], index=[3])}
    >>> [(d["value"], d["cells"], d["columns"]) for d in find_ambiguous_codes(bad, load_instrument("dual_maturity"))]
    [('7', 3, 2)]
    """
    sc = instrument.scale
    seen: dict[str, dict] = {}
    for col, s in bad_cells.items():
        for row, v in s.items():
            k = _key(v)
            m = _LIME.match(k)
            num = m.group(1) if m else k
            if not _NUM.match(num):
                continue
            n = float(num.replace(",", "."))
            if sc.min <= n <= sc.max:
                continue
            d = seen.setdefault(str(v).strip(), {"value": str(v).strip(), "cells": 0, "columns": set(),
                                                 "first_row": int(row), "first_column": col})
            d["cells"] += 1
            d["columns"].add(col)
            if int(row) < d["first_row"]:
                d["first_row"], d["first_column"] = int(row), col
    out = []
    for d in seen.values():
        if d["cells"] >= min_cells and len(d["columns"]) >= min_columns:
            out.append(dict(d, columns=len(d["columns"])))
    return sorted(out, key=lambda d: -d["cells"])
