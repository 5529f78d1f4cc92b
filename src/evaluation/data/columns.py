"""Column plan: what every column of an export holds, and how that was decided.

Order of authority: the mapping file, then the tool adapter's own metadata
columns, then item matching (:mod:`evaluation.data.matching`), then known
metadata names and background questions (unit, role), timing columns,
free-text columns; everything else is kept as metadata under its own name
and reported as unknown. The plan's ``table`` (``column``, ``kind``,
``target``, ``how``, ``score``) is what ``dmkit validate`` prints and what
``--write-mapping`` writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from .instruments import Instrument, text
from .mapping import Mapping
from .matching import background_kind, match_items, normalise, strip_numbering
from .readers.base import Export

__all__ = ["ColumnPlan", "plan_columns", "META_ALIASES", "KNOWN_META", "FREE_TEXT_HINTS"]

#: Canonical metadata column -> accepted header spellings (normalised).
META_ALIASES: dict[str, tuple[str, ...]] = {
    "respondent_id": ("respondent_id", "respondent", "respondentid", "respondent id", "id", "svarande",
                      "svarande_id", "svarandeid", "respondentkod", "kod", "code", "response id", "responseid",
                      "nr", "löpnr", "löpnummer"),
    "unit": ("unit", "enhet", "förvaltning", "forvaltning", "verksamhet", "department", "avdelning"),
    "role": ("role", "roll", "befattning", "position"),
    "municipality": ("municipality", "kommun", "organisation", "organization", "org"),
    "round": ("round", "omgång", "omgang", "mätomgång", "wave"),
    "submitted": ("submitted", "inskickad", "datum", "date", "timestamp", "tidpunkt"),
}
#: Metadata columns the kit knows and keeps under their own name (no warning).
KNOWN_META = ("took_part", "deltog", "treated", "participated", "group", "grupp", "cluster", "instrument_version",
              "population", "municipality_group", "kommungrupp")
#: Header words that mark a free-text column (kept, never reported).
FREE_TEXT_HINTS = ("comment", "kommentar", "fritext", "free text", "övrigt", "ovrigt", "synpunkter", "text",
                   "open-ended", "öppet svar")
PLAN_COLUMNS = ["column", "kind", "target", "how", "score"]


def _n(s) -> str:
    return normalise(s).strip(" .:;?!*\"'")


@dataclass
class ColumnPlan:
    items: dict[str, str] = field(default_factory=dict)      # column -> item id
    timings: dict[str, str] = field(default_factory=dict)    # column -> item id
    meta: dict[str, str] = field(default_factory=dict)       # column -> metadata name
    free_text: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)          # (column, kind, target, how, score)

    @property
    def table(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=PLAN_COLUMNS)

    def add(self, col: str, kind: str, target: str, how: str, score: float = 1.0) -> None:
        self.rows.append((col, kind, target, how, float(score)))


def plan_columns(exp: Export, inst: Instrument, mp: Mapping | None, issues: list[dict]) -> ColumnPlan:
    """Decide every column of ``exp`` (see module docstring); problems go to ``issues``."""
    name = exp.name
    plan = ColumnPlan()
    columns = list(exp.cells.columns)
    decided: set[str] = set()
    item_ids = set(inst.item_ids)

    def issue(sev, col, msg, row=1, value=None):
        issues.append(dict(severity=sev, file=name, row=row, column=col, value=col if value is None else value,
                           message=msg))

    def set_meta(col, canon, how):
        if canon in plan.meta.values() and canon in META_ALIASES:
            other = next(c for c, v in plan.meta.items() if v == canon)
            issue("warning", col, f"column {col!r} also looks like {canon!r}, which column {other!r} already holds; "
                                  "kept as metadata under its own name (set it in the mapping if it is the right one)")
            plan.meta[col] = col
            plan.add(col, "meta", col, how)
        else:
            plan.meta[col] = canon
            plan.add(col, "meta", canon, how)
        decided.add(col)

    # 1. the mapping file
    if mp is not None:
        by_norm = {_n(c): c for c in columns}
        for key, tgt in mp.columns.items():
            col = key if key in columns else by_norm.get(_n(key))
            if col is None:
                ln = mp.line("columns", key)
                issue("warning", key, f"the mapping {mp.source} (line {ln}) names column {key!r}, which this file "
                                      "does not have", value=key)
                continue
            if tgt in item_ids:
                plan.items[col] = tgt
                plan.add(col, "item", tgt, "mapping")
            elif tgt == "ignore":
                plan.ignored.append(col)
                plan.add(col, "ignore", "", "mapping")
            elif tgt == "free_text":
                plan.meta[col] = col
                plan.free_text.append(col)
                plan.add(col, "free_text", col, "mapping")
            else:
                set_meta(col, tgt[5:] if tgt.startswith("meta:") else tgt, "mapping")
            decided.add(col)
    # 2. the tool's own columns
    for col, role in exp.roles.items():
        if col in decided:
            continue
        if role == "ignore":
            plan.ignored.append(col)
            plan.add(col, "ignore", "", f"{exp.tool} column")
            decided.add(col)
        elif role == "free_text":
            plan.meta[col] = col
            plan.free_text.append(col)
            plan.add(col, "free_text", col, f"{exp.tool} column")
            decided.add(col)
        else:
            set_meta(col, role, f"{exp.tool} column")
    # 3. items
    cand = {c: exp.texts.get(c, []) for c in columns if c not in decided}
    taken_by_mapping = set(plan.items.values())
    matches = match_items(cand, [it for it in inst.items if it.id not in taken_by_mapping])
    for col, m in matches.items():
        if m.how == "duplicate":
            other = next(c for c, v in plan.items.items() if v == m.item)
            issue("error", col, f"column {col!r} maps to item {m.item!r}, which column {other!r} already holds; "
                                "remove one of the two columns (or set the right one in the mapping)")
            plan.meta[col] = col
            plan.add(col, "duplicate", m.item, m.how)
        else:
            plan.items[col] = m.item
            plan.add(col, "item", m.item, m.how, m.score)
            if m.how == "fuzzy":
                issue("warning", col, f"column {col!r} matched item {m.item!r} "
                                      f"({text(inst.item(m.item).text, 'sv')!r}) by similar wording "
                                      f"(similarity {m.score:.2f}); check it, or set the column in a mapping file")
        decided.add(col)
    # 4. the rest: timings, background, known metadata, free text
    by_key = {}
    for it in inst.items:
        by_key[_n(it.id)] = it.id
        for t in it.text.values():
            by_key[_n(t)] = it.id
    meta_keys = {_n(a): canon for canon, aliases in META_ALIASES.items() for a in aliases}
    for col in columns:
        if col in decided:
            continue
        k = _n(col)
        m = re.fullmatch(r"(.+?)[ _\-]?(?:time|tid|sek|sec|seconds|sekunder)", k)
        if m and _n(m.group(1)) in by_key:
            plan.timings[col] = by_key[_n(m.group(1))]
            plan.add(col, "timing", plan.timings[col], "name")
            continue
        m = re.fullmatch(r"(.+?)_(?:then|retro|fore)", k)
        if m and _n(m.group(1)) in by_key:
            plan.meta[col] = col   # retrospective then-test answer, kept as metadata
            plan.add(col, "meta", col, "then-test")
            continue
        canon = meta_keys.get(k) or meta_keys.get(_n(strip_numbering(col)))
        label = (exp.texts.get(col) or [None])[0]
        how = "name"
        if canon is None:
            canon = background_kind(col, label)
            how = "question text"
        if canon is not None and canon not in plan.meta.values():
            set_meta(col, canon, how)
            continue
        plan.meta[col] = col
        plan.add(col, "meta", col, "unknown")
        if k in KNOWN_META:
            continue
        if any(h in k for h in FREE_TEXT_HINTS):
            plan.free_text.append(col)
            plan.rows[-1] = (col, "free_text", col, "name", 1.0)
            issue("warning", col, f"column {col!r} looks like free text; it is kept but never shown in a report")
        elif not k.startswith("unnamed"):
            issue("warning", col, f"unknown column {col!r}: not an item id or question text of instrument "
                                  f"{inst.id!r}, nor a known metadata column ({', '.join(META_ALIASES)}); "
                                  "kept as metadata, not scored")
    missing = [iid for iid in inst.item_ids if iid not in plan.items.values()]
    for iid in missing:
        issue("error", iid, f"item {iid!r} ({text(inst.item(iid).text, 'sv')!r}) has no column; expected a column "
                            "named by the item id or its question text. Its answers count as skipped", value="")
    return plan
