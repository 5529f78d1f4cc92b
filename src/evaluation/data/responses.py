"""Read survey exports (any tool's CSV, Excel, SPSS), map them onto an instrument, validate.

:func:`read_responses` reads an export the way its tool wrote it (the tool is
detected from the file's shape, see :mod:`evaluation.data.readers`), matches
its columns to the instrument's items and to unit and role
(:mod:`evaluation.data.columns`), reads every answer cell
(:mod:`evaluation.data.answers`), merges unit spellings
(:mod:`evaluation.data.units`) and returns a :class:`ResponseSet` that keeps
apart the scale answers, the don't-know and skipped masks, the metadata, and
the rows it had to reject, each with a reason. A mapping file
(:mod:`evaluation.data.mapping`) overrides any of these decisions; one lying
beside the export as ``FILE.mapping.yaml`` is used automatically.

Nothing is dropped silently: ``n_rows_in == n_accepted + len(rejected)``.
Damaged rows (a field count different from the header's, an unclosed quote,
a file cut off mid-row) are rejected with their reason, never read shifted.

Row numbers in every message count the first header row as row 1, so the first
respondent of a one-header export is row 2, the way a spreadsheet shows the file.

Examples
--------
>>> import pandas as pd
>>> from evaluation.data.responses import read_responses
>>> df = pd.DataFrame({"respondent_id": ["a", "b", "c"], "unit": ["X", "X", "Y"],
...                    "cap_und_1": [5, "Vet ej", None], "cap_und_2": ["Stämmer helt", 2, 9]})
>>> rs = read_responses(df, "dual_maturity")
>>> rs.n_rows_in, rs.n_accepted, len(rs.rejected)
(3, 2, 1)
>>> rs.rejected["reason"].iloc[0]
"column 'cap_und_2': value '9' is not an answer on the scale 1-6 (expected 1-6, a label such as 'Stämmer helt', or the don't-know code 0 / 'Vet ej')"
>>> int(rs.dont_know["cap_und_1"].sum()), int(rs.skipped["cap_und_3"].sum())
(1, 2)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd

from .answers import AnswerParser, find_ambiguous_codes
from .columns import FREE_TEXT_HINTS, KNOWN_META, META_ALIASES, ColumnPlan, plan_columns
from .mapping import Mapping, find_sidecar, load_mapping
from .readers import Export, ResponseError, read_export
from .units import SPELLING_COLUMNS, merge_spellings
from .instruments import Instrument, load_instrument, text

__all__ = ["ResponseSet", "ResponseError", "AmbiguousCodeError", "read_responses", "read_table", "META_ALIASES",
           "KNOWN_META", "FREE_TEXT_HINTS"]


class AmbiguousCodeError(ResponseError):
    """Item cells hold a recurring code outside the scale whose meaning the file does not say."""

    def __init__(self, message: str, *, codes: list[dict], plan: ColumnPlan | None = None,
                 export: Export | None = None):
        super().__init__(message)
        self.codes = codes
        self.plan = plan
        self.export = export


def _norm(s: Any) -> str:
    """Normalise a header or label: NFC, casefold, collapse whitespace, trim punctuation."""
    s = unicodedata.normalize("NFC", str(s))
    s = s.replace("\u00a0", " ").replace("’", "'").replace("´", "'")
    s = re.sub(r"\s+", " ", s).strip().casefold()
    return s.strip(" .:;?!*\"'")


@dataclass(frozen=True)
class ResponseSet:
    """Answers of one survey round, mapped onto an instrument.

    Attributes
    ----------
    instrument : Instrument
    answers : DataFrame
        Raw scale codes (not reverse-keyed), float, NaN where not a scale answer.
        Index = file row number (first header row is row 1); columns = item ids.
    dont_know, skipped : DataFrame of bool
        Same shape as ``answers``.
    meta : DataFrame
        Non-item columns (``respondent_id``, ``unit``, ``role``, ...), unit and
        role spellings merged.
    timings : DataFrame or None
        Seconds per item, when the export has ``<item>_time``/``<item>_sek`` columns.
    rejected : DataFrame
        Rejected rows: ``row``, ``reason`` and the original cells as text.
    issues : DataFrame
        ``severity`` (error|warning), ``file``, ``row``, ``column``, ``value``, ``message``.
    source : str
        File name or ``"<DataFrame>"``.
    n_rows_in : int
    tool : str
        The survey tool whose export shape was read (``surveymonkey``, ``plain``, ``frame``...).
    tool_evidence : str
        What in the file showed the tool (or ``given as format``).
    notes : tuple of str
        Decisions worth knowing: the mapping file used, codes read by convention.
    columns : DataFrame
        The column plan: ``column``, ``kind``, ``target``, ``how``, ``score``.
    spellings : DataFrame
        Unit and role spellings: ``field``, ``spelling``, ``value``, ``n``, ``how``.
    mapping : Mapping or None
        The mapping file applied.
    """

    instrument: Instrument
    answers: pd.DataFrame
    dont_know: pd.DataFrame
    skipped: pd.DataFrame
    meta: pd.DataFrame
    rejected: pd.DataFrame
    issues: pd.DataFrame
    source: str
    n_rows_in: int
    timings: pd.DataFrame | None = None
    free_text_columns: tuple[str, ...] = ()
    column_map: dict = field(default_factory=dict, repr=False)
    tool: str = "frame"
    tool_evidence: str = ""
    notes: tuple[str, ...] = ()
    columns: pd.DataFrame | None = field(default=None, repr=False)
    spellings: pd.DataFrame | None = field(default=None, repr=False)
    mapping: Mapping | None = field(default=None, repr=False)
    info: dict = field(default_factory=dict, repr=False)

    @property
    def n_accepted(self) -> int:
        return int(len(self.answers))

    @property
    def n_errors(self) -> int:
        return int((self.issues["severity"] == "error").sum()) if len(self.issues) else 0

    @property
    def unit_spellings(self) -> pd.DataFrame:
        """Tidy table of unit spellings and the unit each was merged into."""
        if self.spellings is None:
            return pd.DataFrame(columns=SPELLING_COLUMNS)
        return self.spellings[self.spellings["field"] == "unit"].reset_index(drop=True)

    def scored(self) -> pd.DataFrame:
        """Item scores reverse-keyed (x → min + max − x); don't know and skipped as NaN."""
        sc = self.instrument.scale
        out = self.answers.copy()
        rev = [it.id for it in self.instrument.items if it.reverse]
        if rev:
            out[rev] = sc.min + sc.max - out[rev]
        return out

    def subset(self, mask: Iterable[bool] | pd.Series) -> "ResponseSet":
        """A ResponseSet restricted to the accepted rows where ``mask`` is True."""
        m = pd.Series(np.asarray(mask, dtype=bool), index=self.answers.index)
        return ResponseSet(
            instrument=self.instrument,
            answers=self.answers[m],
            dont_know=self.dont_know[m],
            skipped=self.skipped[m],
            meta=self.meta[m],
            rejected=self.rejected.iloc[0:0],
            issues=self.issues.iloc[0:0],
            source=self.source,
            n_rows_in=int(m.sum()),
            timings=None if self.timings is None else self.timings[m],
            free_text_columns=self.free_text_columns,
            column_map=self.column_map,
            tool=self.tool, tool_evidence=self.tool_evidence, notes=self.notes, columns=self.columns,
            spellings=self.spellings, mapping=self.mapping, info=self.info,
        )

    def summary(self) -> dict:
        """Counts that always reconcile: rows in = accepted + rejected."""
        meta = self.meta
        return {
            "file": self.source,
            "instrument": self.instrument.id,
            "instrument_version": self.instrument.version,
            "tool": self.tool,
            "rows_in": self.n_rows_in,
            "accepted": self.n_accepted,
            "rejected": int(len(self.rejected)),
            "errors": self.n_errors,
            "warnings": int((self.issues["severity"] == "warning").sum()) if len(self.issues) else 0,
            "answers": int(self.answers.notna().sum().sum()),
            "dont_know": int(self.dont_know.sum().sum()),
            "skipped": int(self.skipped.sum().sum()),
            "items_matched": int(len(set(self.column_map.values()))),
            "items": len(self.instrument.item_ids),
            "unit_found": "unit" in meta.columns,
            "role_found": "role" in meta.columns,
        }


# -- reading ----------------------------------------------------------------------

def read_table(path: str | Path, *, format: str | None = None) -> tuple[pd.DataFrame, dict]:
    """Read an export as text cells (header rows joined, tool detected). Returns (frame, info)."""
    exp = read_export(path, format=format)
    info = dict(exp.info, file=str(path), tool=exp.tool)
    return exp.cells.reset_index(drop=True), info


def _frame_export(df: pd.DataFrame) -> Export:
    df = df.copy()
    df.columns = [str(c).strip() for c in df.columns]
    df = df.astype(object).where(df.notna(), "")
    df = df.map(lambda v: str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
    df = df.reset_index(drop=True)
    df.index = pd.RangeIndex(2, 2 + len(df), name="row")
    return Export("<DataFrame>", "frame", df, info={"format": "frame"}, evidence="a DataFrame")


def _resolve_mapping(mapping, source, inst: Instrument, notes: list[str]) -> Mapping | None:
    scale = (inst.scale.min, inst.scale.max)
    if isinstance(mapping, Mapping):
        return mapping
    if mapping is not None:
        return load_mapping(mapping, item_ids=inst.item_ids, scale=scale)
    if isinstance(source, (str, Path)):
        side = find_sidecar(source)
        if side is not None:
            notes.append(f"mapping file {side.name} found beside the export and used")
            return load_mapping(side, item_ids=inst.item_ids, scale=scale)
    return None


def _map_distinct(s: pd.Series, func) -> pd.Series:
    """``s.map(func)`` computed once per distinct value, a missing cell read as ``""`` (object result)."""
    codes, uniq = pd.factorize(s.astype(object), sort=False)  # missing → code -1 → func("")
    out = np.empty(len(uniq) + 1, dtype=object)
    out[:-1] = [func(u) for u in uniq]
    out[-1] = func("")
    return pd.Series(out[codes], index=s.index, dtype=object)


def _meta_cell(v: Any, value_labels: dict) -> str | None:
    t = str(v).strip()
    t = value_labels.get(t, t)
    return None if t in ("", "nan", "None") else t


_CODED = re.compile(r"^\s*\d+\s*[=:.)\-\u2013]\s*(\S.*)$")


def _strip_codes(s: pd.Series) -> tuple[pd.Series, str]:
    """Background answers exported as ``code = text`` (esMaker, SPSS-style) keep only the text.

    Only when every filled cell has that form, so a unit really named "1. Skola" elsewhere is left alone.
    """
    distinct = [v for v in pd.unique(s.dropna())]
    if not distinct:
        return s, ""
    found = {v: _CODED.match(str(v)) for v in distinct}
    if not all(found.values()):
        return s, ""
    return _map_distinct(s, lambda v: found[v].group(1).strip() if v in found else None), \
        "answers exported as 'code = text'; the text kept"


def _expected_text(inst: Instrument) -> str:
    sc = inst.scale
    lab = text(sc.labels[sc.max], "sv")
    s = f"expected {sc.min}-{sc.max}, a label such as {lab!r}"
    if sc.dont_know_code is not None:
        s += f", or the don't-know code {sc.dont_know_code} / {text(sc.dont_know_label, 'sv')!r}"
    return s


def _ambiguity_message(name: str, codes: list[dict], inst: Instrument, mapping_hint: str) -> str:
    sc = inst.scale
    dk = (f"its don't-know code is {sc.dont_know_code} ({text(sc.dont_know_label, 'sv')!r})"
          if sc.dont_know_code is not None else "it declares no don't-know code")
    parts = [f"{d['value']!r} in {d['cells']} cells of {d['columns']} item columns (first at row {d['first_row']}, "
             f"column {d['first_column']!r})" for d in codes]
    v = codes[0]["value"]
    return (f"{name}: the item columns hold {'; '.join(parts)}, which is not on the scale {sc.min}-{sc.max} of "
            f"instrument {inst.id!r} ({dk}). The file does not say what {v!r} means, so it is not guessed. "
            f"If {v!r} means \"don't know\", declare it in a mapping file, under answers:  \"{v}\": dont_know  "
            f"(or  \"{v}\": skip  for \"not applicable\"); {mapping_hint} "
            f"If {v!r} is a typing error, correct those cells.")


def read_responses(
    source: str | Path | pd.DataFrame,
    instrument: str | Path | Instrument,
    mapping: str | Path | Mapping | None = None,
    *,
    format: str | None = None,
    invalid: str = "reject_row",
) -> ResponseSet:
    """Read a survey export and map it onto ``instrument``.

    Parameters
    ----------
    source : path or DataFrame
        An export of Netigate, esMaker, Microsoft Forms, Google Forms,
        LimeSurvey, SurveyMonkey, Qualtrics, SPSS ``.sav``, a hand-kept Excel
        workbook, a plain CSV/TSV (``,`` ``;`` tab; UTF-8, UTF-8 with BOM,
        Windows-1252, UTF-16), or a DataFrame.
    instrument : id, path or Instrument
    mapping : path or Mapping, optional
        A mapping file (see :mod:`evaluation.data.mapping`). When None, a file
        ``FILE.mapping.yaml`` (or ``.yml``) beside the export is used, and the
        notes say so.
    format : str, keyword-only
        The survey tool (``surveymonkey``, ``qualtrics``...), instead of
        detecting it from the file's shape.
    invalid : {"reject_row", "blank_cell"}, keyword-only
        What to do with a cell that is not an answer on the scale: reject the
        whole respondent row (default; the row is kept in ``rejected`` with the
        reason) or treat the cell as skipped and record a warning.

    Returns
    -------
    ResponseSet

    Raises
    ------
    ResponseError (a ValueError)
        The file is missing, empty, not a table (HTML page, binary), has no
        item column at all, or its item columns hold a recurring code outside
        the scale whose meaning is not declared (:class:`AmbiguousCodeError`).
    """
    if invalid not in ("reject_row", "blank_cell"):
        raise ValueError(f"invalid must be 'reject_row' or 'blank_cell', not {invalid!r}.")
    inst = load_instrument(instrument)
    notes: list[str] = []
    mp = _resolve_mapping(mapping, source, inst, notes)
    if mp is not None and mp.instrument and mp.instrument != inst.id:
        raise ResponseError(f"{mp.source}: this mapping is for instrument {mp.instrument!r}, not {inst.id!r}; "
                            "use the mapping made for this instrument, or remove its 'instrument:' line.")
    if isinstance(source, pd.DataFrame):
        exp = _frame_export(source)
    else:
        exp = read_export(source, format=format or (mp.format if mp else None), sheet=mp.sheet if mp else None)
    name = exp.name
    df = exp.cells
    n_in = exp.n_rows_in
    issues: list[dict] = []
    plan = plan_columns(exp, inst, mp, issues)
    item_cols = plan.items
    if not item_cols:
        raise ResponseError(
            f"{name}: none of the {df.shape[1]} columns matches an item of instrument {inst.id!r} "
            f"(by item id such as {inst.item_ids[0]!r} or by question text). Is this the right instrument? "
            "If the columns are named by codes, say which is which in a mapping file (columns: ...)."
        )
    if n_in == 0:
        raise ResponseError(f"{name}: the file has a header but no respondent rows.")

    parser = AnswerParser(inst, declared=dict(mp.answers) if mp else {})
    expected = _expected_text(inst)
    answers = pd.DataFrame(np.nan, index=df.index, columns=inst.item_ids, dtype=float)
    dont_know = pd.DataFrame(False, index=df.index, columns=inst.item_ids)
    skipped = pd.DataFrame(True, index=df.index, columns=inst.item_ids)
    bad_cells: dict[str, pd.Series] = {}
    codes_notes: set[str] = set()
    for col, iid in item_cols.items():
        parsed = parser.parse(df[col], exp.value_labels.get(col))
        answers[iid] = parsed.values.to_numpy()
        dont_know[iid] = (parsed.kind == "dont_know").to_numpy()
        skipped[iid] = (parsed.kind == "blank").to_numpy()
        bad = parsed.kind == "bad"
        if bad.any():
            bad_cells[col] = df.loc[bad.to_numpy(), col].astype(str)
        if parsed.codes_used:
            codes_notes.add(parsed.codes_used)
    notes += sorted(codes_notes)
    amb = find_ambiguous_codes(bad_cells, inst)
    if amb:
        hint = ("`dmkit validate FILE --write-mapping m.yaml` writes one to edit; then read with --mapping m.yaml "
                "(or save it as FILE.mapping.yaml beside the export).")
        raise AmbiguousCodeError(_ambiguity_message(name, amb, inst, hint), codes=amb, plan=plan, export=exp)

    row_reasons: dict[int, list[str]] = {}
    for col, cells in bad_cells.items():
        iid = item_cols[col]
        for r, val in cells.items():
            msg = f"value {val!r} is not an answer on the scale {inst.scale.min}-{inst.scale.max} ({expected})"
            if invalid == "reject_row":
                row_reasons.setdefault(r, []).append(f"column {col!r}: {msg}")
                issues.append(dict(severity="error", file=name, row=int(r), column=col, value=val,
                                   message=msg + "; row rejected"))
            else:
                skipped.loc[r, iid] = True
                issues.append(dict(severity="warning", file=name, row=int(r), column=col, value=val,
                                   message=msg + "; treated as skipped"))

    meta = pd.DataFrame(index=df.index)
    for col, canon in plan.meta.items():
        vl = exp.value_labels.get(col) or {}
        s = _map_distinct(df[col], lambda v, vl=vl: _meta_cell(v, vl))
        if canon in ("unit", "role"):
            s, how = _strip_codes(s)
            if how:
                notes.append(f"column {col!r} ({canon}): {how}")
        meta[canon] = s
    spell_tables = []
    for fld, declared in (("unit", mp.units if mp else {}), ("role", mp.roles if mp else {})):
        if fld in meta.columns:
            meta[fld], table = merge_spellings(meta[fld], field=fld, declared=declared)
            spell_tables.append(table)
            for rec in table[table["how"] == "abbreviation"].itertuples():
                issues.append(dict(severity="warning", file=name, row=1, column=fld, value=rec.spelling,
                                   message=f"{fld} {rec.spelling!r} read as {rec.value!r} (an abbreviation of it, "
                                           f"{rec.n} rows); if that is wrong, set it in the mapping under "
                                           f"{'units' if fld == 'unit' else 'roles'}:"))
    spellings = (pd.concat(spell_tables, ignore_index=True) if spell_tables
                 else pd.DataFrame(columns=SPELLING_COLUMNS))
    timings = None
    if plan.timings:
        timings = pd.DataFrame(np.nan, index=df.index, columns=inst.item_ids, dtype=float)
        for col, iid in plan.timings.items():
            t = df[col].astype(str).str.strip().str.replace("\u00a0", "", regex=False).str.replace(" ", "", regex=False)
            num = pd.to_numeric(t.str.replace(",", ".", regex=False), errors="coerce")
            timings[iid] = num
            badt = df[col].astype(str).str.strip().ne("") & num.isna()
            for r in badt[badt].index:
                issues.append(dict(severity="warning", file=name, row=int(r), column=col, value=df.at[r, col],
                                   message=f"column {col!r}: {df.at[r, col]!r} is not a number of seconds; ignored"))

    # rows the tool marks as not an answer (the survey owner's preview or test, spam)
    for r, why in getattr(exp, "not_answers", {}).items():
        if r in df.index:
            row_reasons.setdefault(r, []).append(why)
            issues.append(dict(severity="warning", file=name, row=int(r), column="", value="",
                               message=why + "; row rejected"))

    # completely empty respondent rows
    no_answer = skipped[list(set(item_cols.values()))].all(axis=1)
    meta_blank = meta.isna().all(axis=1) if meta.shape[1] else pd.Series(True, index=df.index)
    for r in no_answer[no_answer].index:
        msg = "empty row: no answers and no metadata" if meta_blank.loc[r] else "no item answered (all item cells blank)"
        row_reasons.setdefault(r, []).append(msg)
        issues.append(dict(severity="error" if not meta_blank.loc[r] else "warning", file=name, row=int(r),
                           column="", value="", message=msg + "; row rejected"))

    # duplicate respondent ids (first occurrence kept)
    if "respondent_id" in meta.columns:
        rid = meta["respondent_id"]
        rid_col = next(c for c, canon in plan.meta.items() if canon == "respondent_id")
        dup = rid.notna() & rid.duplicated(keep=False) & ~rid.index.isin(list(row_reasons))
        seen: dict[str, int] = {}
        for r in dup[dup].index:
            v = rid.loc[r]
            if v in seen:
                msg = f"respondent id {v!r} duplicates row {seen[v]} (expected one row per respondent)"
                row_reasons.setdefault(r, []).append(f"column {rid_col!r}: {msg}")
                issues.append(dict(severity="error", file=name, row=int(r), column=rid_col, value=v,
                                   message=msg + "; row rejected"))
            else:
                seen[v] = r

    rej_idx = sorted(row_reasons)
    rejected = df.loc[rej_idx].copy()
    rejected.insert(0, "reason", ["; ".join(row_reasons[r]) for r in rej_idx])
    rejected.insert(0, "row", rej_idx)
    if exp.damaged:
        dmg = pd.DataFrame({"row": [d.row for d in exp.damaged], "reason": [d.reason for d in exp.damaged],
                            "raw": [d.raw for d in exp.damaged]})
        rejected = pd.concat([rejected, dmg], ignore_index=True).sort_values("row", kind="stable")
        for d in exp.damaged:
            issues.append(dict(severity="error", file=name, row=int(d.row), column="", value=d.raw[:80],
                               message=d.reason + "; row rejected"))
    rejected["row"] = rejected["row"].astype("int64")
    rejected["reason"] = rejected["reason"].astype(object)
    keep = ~df.index.isin(rej_idx)
    issues_df = pd.DataFrame(issues, columns=["severity", "file", "row", "column", "value", "message"])
    if len(issues_df):
        issues_df = issues_df.sort_values(["row", "column"], kind="stable").reset_index(drop=True)
    rs = ResponseSet(
        instrument=inst,
        answers=answers[keep],
        dont_know=dont_know[keep],
        skipped=skipped[keep],
        meta=meta[keep],
        rejected=rejected.reset_index(drop=True),
        issues=issues_df,
        source=name,
        n_rows_in=n_in,
        timings=None if timings is None else timings[keep],
        free_text_columns=tuple(plan.free_text),
        column_map=dict(item_cols),
        tool=exp.tool,
        tool_evidence=exp.evidence,
        notes=tuple(notes),
        columns=plan.table,
        spellings=spellings,
        mapping=mp,
        info=dict(exp.info),
    )
    if rs.n_accepted + len(rs.rejected) != n_in:  # pragma: no cover - invariant
        raise RuntimeError("row accounting failed: accepted + rejected != rows in")
    return rs
