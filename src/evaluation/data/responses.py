"""Read survey exports (CSV, Excel, SPSS), map them onto an instrument, validate.

Survey tools export in many shapes: ``;`` or ``,`` or tab separators, UTF-8
with or without BOM or Windows-1252, decimal commas, question texts instead of
item ids as headers, answer labels instead of codes, "Vet ej" for don't know,
blank cells. :func:`read_responses` copes with all of them and returns a
:class:`ResponseSet` that keeps apart the scale answers, the don't-know and
skipped masks, the metadata, and the rows it had to reject, each with a reason.

Nothing is dropped silently: ``n_rows_in == n_accepted + len(rejected)``.

Row numbers in every message count the header as row 1, so the first
respondent is row 2, the way a spreadsheet shows the file.

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

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd

from evaluation.data.instruments import Instrument, load_instrument, text

__all__ = ["ResponseSet", "ResponseError", "read_responses", "read_table", "META_ALIASES"]


class ResponseError(ValueError):
    """A response file cannot be read as a table of answers."""


#: Canonical metadata column -> accepted header spellings (normalised).
META_ALIASES: dict[str, tuple[str, ...]] = {
    "respondent_id": ("respondent_id", "respondent", "respondentid", "respondent id", "id", "svarande",
                      "svarande_id", "svarandeid", "respondentkod", "kod", "code", "response id", "responseid"),
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
FREE_TEXT_HINTS = ("comment", "kommentar", "fritext", "free text", "övrigt", "ovrigt", "synpunkter", "text")

_DK_WORDS = ("vet ej", "vet inte", "don't know", "dont know", "do not know", "ingen uppfattning",
             "no opinion", "not applicable", "ej tillämpligt", "ej aktuellt")
_BLANK_WORDS = ("", "nan", "none", "null", "na", "n/a", "-", "–", ".")


def _norm(s: Any) -> str:
    """Normalise a header or label: NFC, casefold, collapse whitespace, trim punctuation."""
    s = unicodedata.normalize("NFC", str(s))
    s = s.replace("\u00a0", " ").replace("’", "'").replace("´", "'")
    s = re.sub(r"\s+", " ", s).strip().casefold()
    return s.strip(" .:;?!*\"'")


def _norm_header(s: Any) -> str:
    """Header normalisation: also drops a leading question number ("3.", "Q3:", "F3 -")."""
    s = _norm(s)
    s = re.sub(r"^(?:q|f|fråga|question)?\s*\d+[a-z]?\s*[.:)\-–]\s*", "", s)
    return s.strip(" .:;?!*\"'")


@dataclass(frozen=True)
class ResponseSet:
    """Answers of one survey round, mapped onto an instrument.

    Attributes
    ----------
    instrument : Instrument
    answers : DataFrame
        Raw scale codes (not reverse-keyed), float, NaN where not a scale answer.
        Index = file row number (header is row 1); columns = item ids.
    dont_know, skipped : DataFrame of bool
        Same shape as ``answers``.
    meta : DataFrame
        Non-item columns (``respondent_id``, ``unit``, ``role``, ...).
    timings : DataFrame or None
        Seconds per item, when the export has ``<item>_time``/``<item>_sek`` columns.
    rejected : DataFrame
        Rejected rows: ``row``, ``reason`` and the original cells as text.
    issues : DataFrame
        ``severity`` (error|warning), ``file``, ``row``, ``column``, ``value``, ``message``.
    source : str
        File name or ``"<DataFrame>"``.
    n_rows_in : int
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

    @property
    def n_accepted(self) -> int:
        return int(len(self.answers))

    @property
    def n_errors(self) -> int:
        return int((self.issues["severity"] == "error").sum()) if len(self.issues) else 0

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
        )

    def summary(self) -> dict:
        """Counts that always reconcile: rows in = accepted + rejected."""
        return {
            "file": self.source,
            "instrument": self.instrument.id,
            "instrument_version": self.instrument.version,
            "rows_in": self.n_rows_in,
            "accepted": self.n_accepted,
            "rejected": int(len(self.rejected)),
            "errors": self.n_errors,
            "warnings": int((self.issues["severity"] == "warning").sum()) if len(self.issues) else 0,
            "answers": int(self.answers.notna().sum().sum()),
            "dont_know": int(self.dont_know.sum().sum()),
            "skipped": int(self.skipped.sum().sum()),
        }


# -- reading raw tables ---------------------------------------------------------

def _decode(raw: bytes, name: str) -> tuple[str, str]:
    for enc in ("utf-8-sig", "utf-8", "cp1252"):
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise ResponseError(f"{name}: could not decode the file as UTF-8 or Windows-1252; save it as UTF-8 CSV.")


def _sniff_delimiter(sample: str, name: str) -> str:
    lines = [ln for ln in sample.splitlines() if ln.strip()][:20]
    if not lines:
        raise ResponseError(f"{name}: the file is empty; expected a header row and one row per respondent.")
    best, best_score = None, 0.0
    for d in (";", ",", "\t", "|"):
        counts = [len(next(csv.reader([ln], delimiter=d))) for ln in lines]
        if counts[0] < 2:
            continue
        consistent = sum(c == counts[0] for c in counts) / len(counts)
        score = consistent * counts[0]
        if score > best_score:
            best, best_score = d, score
    if best is None:
        raise ResponseError(
            f"{name}: this does not look like a table (no ';', ',' or tab separating columns in the first rows); "
            "expected a CSV export with one column per question."
        )
    return best


def read_table(path: str | Path) -> tuple[pd.DataFrame, dict]:
    """Read a CSV/TSV, XLSX or SAV export as text cells. Returns (frame, info).

    ``info`` holds ``file``, ``format``, ``encoding``, ``delimiter`` and, for
    SPSS, ``column_labels`` (question texts).
    """
    p = Path(path)
    name = p.name
    if not p.exists():
        raise ResponseError(f"{path}: file not found.")
    if p.is_dir():
        raise ResponseError(f"{path}: is a folder; expected a CSV, XLSX or SAV file.")
    suffix = p.suffix.lower()
    info: dict[str, Any] = {"file": str(p), "format": suffix.lstrip(".")}
    if p.stat().st_size == 0:
        raise ResponseError(f"{name}: the file is empty; expected a header row and one row per respondent.")
    if suffix in (".xlsx", ".xlsm", ".xls"):
        try:
            df = pd.read_excel(p, dtype=str, sheet_name=0)
        except Exception as exc:  # openpyxl raises many kinds
            raise ResponseError(f"{name}: could not read as an Excel workbook ({exc.__class__.__name__}: {exc}).") from None
        info["format"] = "xlsx"
    elif suffix == ".sav":
        import pyreadstat

        try:
            df, meta = pyreadstat.read_sav(str(p), apply_value_formats=True)
        except Exception as exc:
            raise ResponseError(f"{name}: could not read as an SPSS .sav file ({exc}).") from None
        info["column_labels"] = dict(zip(meta.column_names, meta.column_labels))
        df = df.astype(object).where(df.notna(), None)
        df = df.map(lambda v: None if v is None else (str(int(v)) if isinstance(v, float) and float(v).is_integer() else str(v)))
    else:
        raw = p.read_bytes()
        if b"\x00" in raw[:4096]:
            raise ResponseError(f"{name}: this is a binary file, not a table; expected CSV, XLSX or SAV.")
        textdata, enc = _decode(raw, name)
        delim = _sniff_delimiter(textdata[:20000], name)
        info.update(encoding=enc, delimiter=delim)
        try:
            df = pd.read_csv(io.StringIO(textdata), sep=delim, dtype=str, keep_default_na=False,
                             skip_blank_lines=False, engine="python")
        except Exception as exc:
            raise ResponseError(f"{name}: could not parse as a table with separator {delim!r} ({exc}).") from None
        # trailing completely blank lines at the end of the file are not respondents
        while len(df) and (df.iloc[-1].astype(str).str.strip() == "").all():
            df = df.iloc[:-1]
    if df.shape[1] == 0 or (len(df.columns) == 1 and len(df) == 0):
        raise ResponseError(f"{name}: the file has no columns; expected a header row with one column per question.")
    df.columns = [str(c).strip() for c in df.columns]
    return df, info


# -- mapping -------------------------------------------------------------------

def _answer_lookup(inst: Instrument) -> tuple[dict[str, float], set[str]]:
    """Normalised cell text -> code (scale or dk); plus the set of dk keys."""
    sc = inst.scale
    lut: dict[str, float] = {}
    dk: set[str] = set()
    for code in sc.codes:
        for s in (str(code), f"{code}.0", f"{code},0", f"{code},00", f"{code}.00"):
            lut[s] = float(code)
        for lang_text in sc.labels[code].values():
            lut[_norm(lang_text)] = float(code)
            lut[_norm(f"{code} {lang_text}")] = float(code)
            lut[_norm(f"{code} - {lang_text}")] = float(code)
            lut[_norm(f"{code}. {lang_text}")] = float(code)
            lut[_norm(f"{code}={lang_text}")] = float(code)
    if sc.dont_know_code is not None:
        c = sc.dont_know_code
        keys = {str(c), f"{c}.0", f"{c},0"}
        for t in (sc.dont_know_label or {}).values():
            keys.add(_norm(t))
            keys.add(_norm(f"{c} {t}"))
            keys.add(_norm(f"{c} - {t}"))
        keys.update(_norm(w) for w in _DK_WORDS)
        for k in keys:
            lut[k] = np.nan
            dk.add(k)
    return lut, dk


def _expected_text(inst: Instrument) -> str:
    sc = inst.scale
    lab = text(sc.labels[sc.max], "sv")
    s = f"expected {sc.min}-{sc.max}, a label such as {lab!r}"
    if sc.dont_know_code is not None:
        s += f", or the don't-know code {sc.dont_know_code} / {text(sc.dont_know_label, 'sv')!r}"
    return s


def _match_columns(columns: list[str], inst: Instrument, column_labels: dict | None, name: str,
                   issues: list[dict]) -> tuple[dict[str, str], dict[str, str], dict[str, str], list[str]]:
    """Map file columns to item ids, timing columns and metadata names."""
    by_key: dict[str, str] = {}
    for it in inst.items:
        by_key[_norm_header(it.id)] = it.id
        for t in it.text.values():
            by_key[_norm_header(t)] = it.id
    meta_keys = {_norm(a): canon for canon, aliases in META_ALIASES.items() for a in aliases}
    item_cols: dict[str, str] = {}
    time_cols: dict[str, str] = {}
    meta_cols: dict[str, str] = {}
    free_text: list[str] = []
    for col in columns:
        key = _norm_header(col)
        iid = by_key.get(key)
        if iid is None and column_labels and column_labels.get(col):
            iid = by_key.get(_norm_header(column_labels[col]))
        if iid is not None:
            if iid in item_cols.values():
                other = next(c for c, v in item_cols.items() if v == iid)
                issues.append(dict(severity="error", file=name, row=1, column=col, value=col,
                                   message=f"column {col!r} maps to item {iid!r}, which column {other!r} already holds; "
                                           "remove one of the two columns"))
                continue
            item_cols[col] = iid
            continue
        m = re.fullmatch(r"(.+?)[ _\-]?(?:time|tid|sek|sec|seconds|sekunder)", _norm(col))
        if m and _norm_header(m.group(1)) in by_key:
            time_cols[col] = by_key[_norm_header(m.group(1))]
            continue
        m = re.fullmatch(r"(.+?)_(?:then|retro|fore)", _norm(col))
        if m and _norm_header(m.group(1)) in by_key:
            # retrospective "before the workshop I ..." answer to an item (then-test); kept as metadata
            meta_cols[col] = col
            continue
        canon = meta_keys.get(_norm(col))
        if canon is not None and canon not in meta_cols.values():
            meta_cols[col] = canon
            continue
        # anything else is kept as metadata under its own name
        meta_cols[col] = col
        if _norm(col) in KNOWN_META:
            continue
        if any(h in _norm(col) for h in FREE_TEXT_HINTS):
            free_text.append(col)
            issues.append(dict(severity="warning", file=name, row=1, column=col, value=col,
                               message=f"column {col!r} looks like free text; it is kept but never shown in a report"))
        elif not _norm(col).startswith("unnamed"):
            issues.append(dict(severity="warning", file=name, row=1, column=col, value=col,
                               message=f"unknown column {col!r}: not an item id or question text of instrument "
                                       f"{inst.id!r}, nor a known metadata column "
                                       f"({', '.join(META_ALIASES)}); kept as metadata, not scored"))
    missing = [iid for iid in inst.item_ids if iid not in item_cols.values()]
    for iid in missing:
        issues.append(dict(severity="error", file=name, row=1, column=iid, value="",
                           message=f"item {iid!r} ({text(inst.item(iid).text, 'sv')!r}) has no column; expected a column "
                                   "named by the item id or its question text. Its answers count as skipped"))
    return item_cols, time_cols, meta_cols, free_text


def _parse_number(s: pd.Series) -> pd.Series:
    """Parse text numbers with decimal comma or point; NaN when not a number."""
    t = s.astype(str).str.strip().str.replace("\u00a0", "", regex=False).str.replace(" ", "", regex=False)
    t = t.str.replace(",", ".", regex=False)
    return pd.to_numeric(t, errors="coerce")


def read_responses(
    source: str | Path | pd.DataFrame,
    instrument: str | Path | Instrument,
    *,
    invalid: str = "reject_row",
) -> ResponseSet:
    """Read a survey export and map it onto ``instrument``.

    Parameters
    ----------
    source : path or DataFrame
        CSV/TSV (``,`` ``;`` tab detected; UTF-8, UTF-8 with BOM or
        Windows-1252; decimal comma), XLSX, SPSS ``.sav``, or a DataFrame.
    instrument : id, path or Instrument
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
        The file is missing, empty, not a table, or has no item column at all.
    """
    if invalid not in ("reject_row", "blank_cell"):
        raise ValueError(f"invalid must be 'reject_row' or 'blank_cell', not {invalid!r}.")
    inst = load_instrument(instrument)
    if isinstance(source, pd.DataFrame):
        df = source.copy()
        df.columns = [str(c).strip() for c in df.columns]
        df = df.astype(object).where(df.notna(), "")
        df = df.map(lambda v: str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
        info = {"file": "<DataFrame>", "format": "frame"}
        name = "<DataFrame>"
    else:
        df, info = read_table(source)
        name = Path(source).name
    df = df.reset_index(drop=True)
    df.index = pd.RangeIndex(2, 2 + len(df), name="row")
    n_in = len(df)
    issues: list[dict] = []
    item_cols, time_cols, meta_cols, free_text = _match_columns(
        list(df.columns), inst, info.get("column_labels"), name, issues)
    if not item_cols:
        raise ResponseError(
            f"{name}: none of the {df.shape[1]} columns matches an item of instrument {inst.id!r} "
            f"(by item id such as {inst.item_ids[0]!r} or by question text). Is this the right instrument?"
        )
    if n_in == 0:
        raise ResponseError(f"{name}: the file has a header but no respondent rows.")

    lut, dk_keys = _answer_lookup(inst)
    expected = _expected_text(inst)
    answers = pd.DataFrame(np.nan, index=df.index, columns=inst.item_ids, dtype=float)
    dont_know = pd.DataFrame(False, index=df.index, columns=inst.item_ids)
    skipped = pd.DataFrame(True, index=df.index, columns=inst.item_ids)
    row_reasons: dict[int, list[str]] = {}
    for col, iid in item_cols.items():
        raw = df[col].astype(str)
        # normalise each distinct cell text once (exports repeat a handful of values)
        key = raw.map({u: _norm(u) for u in pd.unique(raw)})
        blank = key.isin(_BLANK_WORDS)
        is_dk = key.isin(dk_keys)
        mapped = key.map(lut)
        known = key.isin(lut.keys())
        bad = ~blank & ~known
        answers[iid] = mapped.where(known & ~is_dk)
        dont_know[iid] = is_dk.to_numpy()
        skipped[iid] = blank.to_numpy()
        for r in bad[bad].index:
            val = raw.loc[r]
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
    for col, canon in meta_cols.items():
        meta[canon] = df[col].astype(str).str.strip().replace({"": None, "nan": None, "None": None})
    timings = None
    if time_cols:
        timings = pd.DataFrame(np.nan, index=df.index, columns=inst.item_ids, dtype=float)
        for col, iid in time_cols.items():
            num = _parse_number(df[col])
            timings[iid] = num
            badt = df[col].astype(str).str.strip().ne("") & num.isna()
            for r in badt[badt].index:
                issues.append(dict(severity="warning", file=name, row=int(r), column=col, value=df.at[r, col],
                                   message=f"column {col!r}: {df.at[r, col]!r} is not a number of seconds; ignored"))

    # completely empty respondent rows
    no_answer = skipped[list(item_cols.values())].all(axis=1)
    meta_blank = meta.isna().all(axis=1) if meta.shape[1] else pd.Series(True, index=df.index)
    for r in no_answer[no_answer].index:
        if meta_blank.loc[r]:
            msg = "empty row: no answers and no metadata"
        else:
            msg = "no item answered (all item cells blank)"
        row_reasons.setdefault(r, []).append(msg)
        issues.append(dict(severity="error" if not meta_blank.loc[r] else "warning", file=name, row=int(r),
                           column="", value="", message=msg + "; row rejected"))

    # duplicate respondent ids (first occurrence kept)
    if "respondent_id" in meta.columns:
        rid = meta["respondent_id"]
        rid_col = next(c for c, canon in meta_cols.items() if canon == "respondent_id")
        valid_rows = [r for r in df.index if r not in row_reasons]
        seen: dict[str, int] = {}
        for r in valid_rows:
            v = rid.loc[r]
            if v is None or v == "":
                continue
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
        free_text_columns=tuple(free_text),
        column_map=dict(item_cols),
    )
    if rs.n_accepted + len(rs.rejected) != n_in:  # pragma: no cover - invariant
        raise RuntimeError("row accounting failed: accepted + rejected != rows in")
    return rs
