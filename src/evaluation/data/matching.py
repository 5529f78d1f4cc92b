"""Header and item matching: which export column holds which item, unit or role.

Survey tools decorate question texts: a number in front (``Q3.``, ``1.1``,
``Fråga 7:``), a grid title around the statement (``Grid title [row text]``,
``Question - Statement``), non-breaking or trailing spaces, line breaks. This
module reduces a header to its comparable core and matches it to the item ids
and item texts (sv and en) of an instrument, in four steps, each reported:

1. ``exact``      the normalised header equals an item id or item text;
2. ``stripped``   equal after dropping a numbering prefix;
3. ``grid``       a part of a grid header (the bracket, or the text after
   ``" - "``) equals an item text;
4. ``fuzzy``      a conservative similarity match for small wording edits:
   difflib's ratio ``2M / T`` (M matching characters, T the total length of
   both strings; Ratcliff & Obershelp 1988, Python :mod:`difflib`) of at least
   ``cutoff`` (default 0.88), unambiguous (the runner-up at least 0.05 lower)
   and one-to-one. Fuzzy matches are always reported as warnings, never silent.

Background columns (unit, role) are found by their known names
(``Förvaltning``, ``Enhet``, ``Roll``...) or by the words of their question
(``Vilken förvaltning arbetar du på?``).

Examples
--------
>>> normalise("  Q3.\\u00a0Vi  FÖLJER\\nutvecklingen ")
'q3. vi följer utvecklingen'
>>> strip_numbering("Fråga 7: Vi följer utvecklingen")
'Vi följer utvecklingen'
>>> strip_numbering("1.1 Vi följer")
'Vi följer'
>>> grid_parts("Förmåga [Vi följer utvecklingen]")
('Förmåga', 'Vi följer utvecklingen')
>>> background_kind("Vilken förvaltning arbetar du på?"), background_kind("Roll")
('unit', 'role')
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

__all__ = ["normalise", "strip_numbering", "grid_parts", "header_keys", "background_kind",
           "Match", "match_items", "FUZZY_CUTOFF"]

#: Minimum difflib ratio for a fuzzy header match (conservative: small edits only).
FUZZY_CUTOFF = 0.88
_FUZZY_MARGIN = 0.05

_SPACES = re.compile(r"[\s\u00a0\u2007\u202f\u200b\ufeff]+")
_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
                         "\u2019": "'", "\u2018": "'", "\u00b4": "'", "`": "'", "\u201c": '"', "\u201d": '"'})
_NUMBERING = re.compile(
    r"^\s*(?:(?:q|f|fr|fråga|fraga|question|nr|no)\s*\.?\s*)?"   # optional word: Q, F, Fråga, Question
    r"\d+(?:[._]\d+)*[a-z]?"                                      # 3, 1.1, 3_1, 7b
    r"(?:\s*[.:)]\s*|\s*-\s+|\s+)",                              # then . : ) or " - " or a space
    re.IGNORECASE,
)
_BRACKET = re.compile(r"^(.*?)\s*\[([^\[\]]+)\]\s*$")


def normalise(s: Any) -> str:
    """Comparable text: NFC, dashes and quotes unified, all spaces (NBSP, line breaks) as one, casefolded.

    >>> normalise("Stämmer\\u00a0helt ")
    'stämmer helt'
    """
    t = unicodedata.normalize("NFC", str(s)).translate(_DASHES)
    return _SPACES.sub(" ", t).strip().casefold()


def _core(s: str) -> str:
    """``normalise`` plus trimmed end punctuation (``?``, ``.``, ``:``, ``*`` for required)."""
    return normalise(s).strip(" .:;?!*\"'")


def strip_numbering(s: str) -> str:
    """Drop a leading question number: ``Q3.``, ``3)``, ``1.1``, ``Fråga 7:``, ``F3 -``.

    A bare number with nothing after it is kept (it may be the whole header).

    >>> strip_numbering("Q3_2. Vi följer"), strip_numbering("2025")
    ('Vi följer', '2025')
    """
    t = str(s).strip()
    m = _NUMBERING.match(t)
    if m and m.end() < len(t):
        return t[m.end():].strip()
    return t


def grid_parts(s: str) -> tuple[str, str] | None:
    """Split a grid/matrix header into (title, row text), or None.

    Recognises ``Title [row]`` (Google Forms, LimeSurvey), ``Title - row``
    (Qualtrics, Netigate) and ``Title: row``.

    >>> grid_parts("Hur väl stämmer det? - Vi följer utvecklingen")
    ('Hur väl stämmer det?', 'Vi följer utvecklingen')
    >>> grid_parts("Vi följer utvecklingen") is None
    True
    """
    t = _SPACES.sub(" ", str(s).translate(_DASHES)).strip()
    m = _BRACKET.match(t)
    if m and m.group(1):
        return m.group(1).strip(), m.group(2).strip()
    for sep in (" - ", ": ", " | "):
        if sep in t:
            head, _, tail = t.rpartition(sep) if sep == " - " else t.partition(sep)
            if head.strip() and len(tail.strip()) > 3:
                return head.strip(), tail.strip()
    return None


def header_keys(s: str) -> list[tuple[str, str]]:
    """Candidate keys of a header, best first, each with how it was obtained.

    >>> [how for _, how in header_keys("Digital förmåga\\nVi följer utvecklingen")]
    ['exact', 'line', 'line']
    """
    out: list[tuple[str, str]] = []
    seen: set[str] = set()

    def add(key: str, how: str) -> None:
        k = _core(key)
        if k and k not in seen:
            seen.add(k)
            out.append((k, how))

    add(s, "exact")
    add(strip_numbering(s), "stripped")
    g = grid_parts(s)
    if g:
        add(g[1], "grid")
        add(strip_numbering(g[1]), "grid")
        g2 = grid_parts(strip_numbering(s))
        if g2:
            add(g2[1], "grid")
    lines = [ln.strip() for ln in re.split(r"[\r\n]+", str(s)) if ln.strip()]
    if len(lines) > 1:  # "Category<line break>statement" or "question<line break>(hint)": each line alone
        for ln in (lines[-1], lines[0], *lines[1:-1]):
            add(ln, "line")
            add(strip_numbering(ln), "line")
    return out


# -- background columns --------------------------------------------------------

_UNIT_NAMES = ("unit", "enhet", "förvaltning", "forvaltning", "verksamhet", "department", "avdelning",
               "arbetsplats", "förvaltning/bolag", "organisatorisk enhet", "verksamhetsområde", "sektor",
               "förv", "forv", "dept", "kontor", "arbetsställe", "resultatenhet")
_ROLE_NAMES = ("role", "roll", "befattning", "position", "yrkesroll", "yrke", "tjänst", "funktion", "titel",
               "title", "job title", "befattningsgrupp", "personalkategori", "yrkesgrupp")
_UNIT_WORDS = re.compile(r"\b(?:förvaltning\w*|forvaltning\w*|enhet\w*|avdelning\w*|department|unit|"
                         r"verksamhetsområde\w*|arbetsplats\w*|kontor\w*)\b")
_ROLE_WORDS = re.compile(r"\b(?:roll\w*|role|befattning\w*|yrkesroll\w*|position|yrke\w*|tjänst\w*|job)\b")
_QUESTION = re.compile(r"^(?:vilken|vilket|vad|var|i vilken|inom vilken|which|what|where|your|din|ditt|ange)\b")


def background_kind(header: str, label: str | None = None) -> str | None:
    """``"unit"``, ``"role"`` or None for a header (or its question text / SPSS label).

    A known name matches as a whole (``Förvaltning``, ``Roll``); a question
    matches when it asks which unit/role (``Vilken förvaltning arbetar du på?``,
    ``Vilken är din roll?``). Statements that merely mention a unit do not.

    >>> background_kind("Hos oss ses digitalisering främst som en fråga för IT-avdelningen.") is None
    True
    """
    for text_ in (header, label):
        if not text_:
            continue
        k = _core(strip_numbering(text_))
        if k in _UNIT_NAMES:
            return "unit"
        if k in _ROLE_NAMES:
            return "role"
        if len(k) <= 80 and _QUESTION.match(k):
            u, r = _UNIT_WORDS.search(k), _ROLE_WORDS.search(k)
            if u and not r:
                return "unit"
            if r and not u:
                return "role"
    return None


# -- item matching -------------------------------------------------------------

@dataclass(frozen=True)
class Match:
    """One column matched to an item: how, and for fuzzy matches the similarity."""

    column: str
    item: str
    how: str            # exact | stripped | grid | label | fuzzy | mapping
    score: float = 1.0
    text: str = ""      # the header text that matched


def _item_keys(items: Iterable[Any]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for it in items:
        keys.setdefault(_core(it.id), it.id)
        for t in it.text.values():
            keys.setdefault(_core(t), it.id)
            keys.setdefault(_core(strip_numbering(t)), it.id)
    return keys


def match_items(columns: Mapping[str, list[str]], items: Iterable[Any], *,
                exclude: Iterable[str] = (), cutoff: float = FUZZY_CUTOFF) -> dict[str, Match]:
    """Match export columns to instrument items.

    Parameters
    ----------
    columns : mapping column -> extra texts
        Each export column with the other texts the export gives for it
        (question text row, SPSS variable label); all are tried.
    items : Instrument items (``.id`` and ``.text`` by language)
    exclude : columns already assigned (by the mapping file)
    cutoff : float, keyword-only
        Minimum similarity for a fuzzy match (``2M/T``, see module docstring).

    Returns
    -------
    dict column -> Match. An item is matched by one column at most: the first
    column that matches it exactly; later ones are left unmatched (and
    reported by the caller as duplicates).

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> items = [NS(id="a1", text={"sv": "Vi följer hur tekniken förändrar verksamheten."}),
    ...          NS(id="a2", text={"sv": "Vi delar data säkert."})]
    >>> m = match_items({"Q1. Vi följer hur tekniken förändrar verksamheterna": [],
    ...                  "Block [Vi delar data säkert]": []}, items)
    >>> [(v.item, v.how, round(v.score, 2)) for v in m.values()]
    [('a1', 'fuzzy', 0.98), ('a2', 'grid', 1.0)]
    """
    items = list(items)
    keys = _item_keys(items)
    excluded = set(exclude)
    out: dict[str, Match] = {}
    taken: dict[str, str] = {}
    unmatched: list[str] = []
    for col, extra in columns.items():
        if col in excluded:
            continue
        found = None
        for src_i, src in enumerate([col, *extra]):
            for key, how in header_keys(src):
                iid = keys.get(key)
                if iid is not None:
                    found = Match(col, iid, "label" if src_i and how == "exact" else how, 1.0, src)
                    break
            if found:
                break
        if found is None:
            unmatched.append(col)
            continue
        if found.item in taken:
            out[col] = Match(col, found.item, "duplicate", 1.0, found.text)
            continue
        taken[found.item] = col
        out[col] = found
    # fuzzy: only items nobody matched, only unambiguous, one-to-one
    free = [it for it in items if it.id not in taken]
    if free and unmatched:
        texts = [(it.id, _core(t)) for it in free for t in it.text.values()]
        proposals: list[tuple[float, str, str, str]] = []
        for col in unmatched:
            if background_kind(col, (columns.get(col) or [None])[0]):
                continue
            best: dict[str, float] = {}
            best_src: dict[str, str] = {}
            for src in [col, *columns.get(col, [])]:
                for key, _how in header_keys(src):
                    if len(key) < 12:
                        continue
                    for iid, t in texts:
                        sm = difflib.SequenceMatcher(None, key, t, autojunk=False)
                        if sm.real_quick_ratio() < cutoff or sm.quick_ratio() < cutoff:
                            continue
                        r = sm.ratio()
                        if r > best.get(iid, 0.0):
                            best[iid], best_src[iid] = r, src
            if not best:
                continue
            ranked = sorted(best.items(), key=lambda kv: -kv[1])
            top_id, top = ranked[0]
            second = ranked[1][1] if len(ranked) > 1 else 0.0
            if top >= cutoff and top - second >= _FUZZY_MARGIN:
                proposals.append((top, col, top_id, best_src[top_id]))
        for score, col, iid, src in sorted(proposals, key=lambda p: -p[0]):
            if iid in taken:
                continue
            taken[iid] = col
            out[col] = Match(col, iid, "fuzzy", float(score), src)
    return {c: out[c] for c in columns if c in out}
