"""Unit and role spellings: one name per unit, and a table of every spelling merged.

When department links of one survey are merged, or answers are typed by
hand, one unit comes in many spellings (``Socialförvaltningen``,
``socialförvaltningen ``, ``Soc.förv``). A unit mean computed per spelling
would split the unit and could show groups smaller than the privacy limit,
so spellings are merged before anything else sees the column:

1. ``mapping``       the mapping file's ``units:`` (or ``roles:``) entry decides;
2. ``normalised``    same text after casefolding and dropping spaces and
   punctuation (``.`` ``-`` ``_`` ``,`` ``/``);
3. ``abbreviation``  a dotted abbreviation whose every part starts, in order,
   a part of exactly one other name (``Soc.förv`` → ``Socialförvaltningen``);
   reported as a warning, never silent.

The merged name is the group's most frequent spelling (first seen on a tie).

Examples
--------
>>> s = pd.Series(["Socialförvaltningen", "socialförvaltningen ", "Soc.förv", "Socialförvaltningen", None])
>>> out, table = merge_spellings(s, field="unit")
>>> out.tolist()
['Socialförvaltningen', 'Socialförvaltningen', 'Socialförvaltningen', 'Socialförvaltningen', None]
>>> table[["spelling", "value", "n", "how"]].values.tolist()
[['Soc.förv', 'Socialförvaltningen', 1, 'abbreviation'], ['Socialförvaltningen', 'Socialförvaltningen', 2, 'as_is'], ['socialförvaltningen ', 'Socialförvaltningen', 1, 'normalised']]
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Mapping

import numpy as np
import pandas as pd

__all__ = ["unit_key", "merge_spellings", "SPELLING_COLUMNS"]

SPELLING_COLUMNS = ["field", "spelling", "value", "n", "how"]
_DROP = re.compile(r"[\s.\-_,/\u00a0\u2013\u2014()]+")


def unit_key(s: str) -> str:
    """Comparison key of a unit name: NFC, casefolded, without spaces and punctuation.

    >>> unit_key(" Kultur- och Fritidsförvaltningen."), unit_key("kultur och fritidsförvaltningen")
    ('kulturochfritidsförvaltningen', 'kulturochfritidsförvaltningen')
    """
    return _DROP.sub("", unicodedata.normalize("NFC", str(s)).casefold())


def _is_abbreviation(abbr: str, full: str) -> bool:
    parts = [p for p in re.split(r"[.\s]+", unicodedata.normalize("NFC", abbr).casefold()) if p]
    if len(parts) < 2 or "." not in abbr:
        return False
    target = unit_key(full)
    pos = 0
    for i, p in enumerate(parts):
        j = target.find(p, pos)
        if j < 0 or (i == 0 and j != 0):
            return False
        pos = j + len(p)
    return True


def merge_spellings(values: pd.Series, *, field: str = "unit",
                    declared: Mapping[str, str] | None = None) -> tuple[pd.Series, pd.DataFrame]:
    """One name per unit (or role); returns the merged column and the spelling table.

    Parameters
    ----------
    values : Series of names (None/NaN for missing)
    field : {"unit", "role"}, keyword-only
        Written in the table's ``field`` column.
    declared : mapping spelling -> name, keyword-only
        The mapping file's ``units:``/``roles:`` section; keys compared by :func:`unit_key`.

    Returns
    -------
    (Series, DataFrame) — the table has ``field``, ``spelling``, ``value``,
    ``n`` (rows with that spelling) and ``how`` (as_is, normalised,
    abbreviation, mapping), one row per spelling, sorted by spelling.
    """
    declared_k = {unit_key(k): str(v) for k, v in (declared or {}).items()}
    vc = values.dropna().astype(object).value_counts(sort=False)
    counts = Counter({str(k): int(n) for k, n in vc.items() if str(k).strip()})
    groups: dict[str, Counter] = {}
    for sp, n in counts.items():
        groups.setdefault(unit_key(sp), Counter())[sp] += n
    canon = {}
    for key, c in groups.items():
        top = max(c.values())
        canon[key] = next(sp.strip() for sp in c if c[sp] == top)
    resolved: dict[str, tuple[str, str]] = {}
    for sp in counts:
        key = unit_key(sp)
        if key in declared_k:
            resolved[sp] = (declared_k[key], "mapping")
            continue
        value = canon[key]
        how = "as_is" if sp == value else "normalised"
        if len(groups) > 1 and "." in sp:
            cands = {canon[k] for k in groups if k != key and _is_abbreviation(sp, canon[k])}
            if len(cands) == 1:
                value, how = cands.pop(), "abbreviation"
        resolved[sp] = (value, how)
    codes, uniq = pd.factorize(values.astype(object).where(values.notna(), ""), sort=False)
    look = np.empty(len(uniq) + 1, dtype=object)
    look[:-1] = [resolved[str(u)][0] if str(u) in resolved else None for u in uniq]
    look[-1] = None
    out = pd.Series(look[codes], index=values.index, dtype=object)
    table = pd.DataFrame([(field, sp, v, counts[sp], how) for sp, (v, how) in sorted(resolved.items())],
                         columns=SPELLING_COLUMNS)
    table["n"] = table["n"].astype(int)
    return out, table
