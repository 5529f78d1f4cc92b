"""Bytes → :class:`~evaluation.data.readers.base.Grid`: text (CSV/TSV), Excel workbooks, SPSS files.

Text files: UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text",
with BOM, or without BOM when its zero bytes show it), Windows-1252; the
separator (``,`` ``;`` tab ``|``) is the one that gives the most rows the
same number of fields. Records are read with Python's :mod:`csv` in strict
mode, so a quote that is never closed is found and named instead of
swallowing the rest of the file: that row is set aside as damaged and the
reading goes on with the next line.

Files that are no table are refused with one sentence that says what they
are and what to do: an empty file, an HTML page (a failed download or a
login page saved as ``.csv``), a PDF, a zip or other binary data.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

from .base import Damage, Grid, ResponseError

__all__ = ["load_grid", "decode", "sniff_delimiter", "parse_text"]

_EXCEL = (".xlsx", ".xlsm")
#: sheet names that hold the answers in hand-kept and tool workbooks (normalised)
SHEET_NAMES = ("svar", "svarsdata", "responses", "data", "answers", "resultat", "rådata", "radata", "export")


def decode(raw: bytes, name: str) -> tuple[str, str]:
    """Decode a text export; returns (text, encoding)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise ResponseError(f"{name}: the file starts like UTF-16 text but is damaged (odd number of bytes "
                                "or broken characters); save it again from Excel as 'Unicode text'.") from None
    sample = raw[:4000]
    if len(sample) >= 8:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        half = len(sample) // 2
        if odd > 0.3 * half and even < 0.05 * half:
            return raw.decode("utf-16-le", errors="strict"), "utf-16-le"
        if even > 0.3 * half and odd < 0.05 * half:
            return raw.decode("utf-16-be", errors="strict"), "utf-16-be"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def _refuse_non_table(raw: bytes, text: str | None, name: str) -> None:
    head = raw[:8]
    if head.startswith(b"%PDF"):
        raise ResponseError(f"{name}: this is a PDF document, not a survey export; export the responses as CSV, "
                            "Excel or SPSS from the survey tool.")
    if head.startswith(b"PK\x03\x04"):
        raise ResponseError(f"{name}: this is a zip archive (perhaps an Excel workbook with the wrong file ending, "
                            "or a zipped export); unzip it, or rename it to .xlsx if it is a workbook.")
    if text is None:
        return
    lead = text.lstrip("\ufeff \t\r\n")[:2000].lower()
    if lead.startswith(("<!doctype html", "<html", "<?xml", "<head", "<body")) or ("<html" in lead and "</" in lead):
        raise ResponseError(f"{name}: this is a web page (HTML), not a survey export: the download probably failed "
                            "or a login or error page was saved. Download the export again from the survey tool.")
    ctrl = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\t\r\n" or ch == "\ufffd")
    if "\x00" in text[:20000] or ctrl > max(3, 0.01 * min(len(text), 20000)):
        raise ResponseError(f"{name}: this is a binary file (it holds control bytes, not text), not a table; "
                            "expected a CSV/TSV text export, an Excel workbook (.xlsx) or an SPSS file (.sav).")


def sniff_delimiter(text: str, name: str) -> str:
    """The separator that gives the most lines one common field count (at least 2)."""
    lines = [ln for ln in text[:50000].splitlines() if ln.strip()][:40]
    if not lines:
        raise ResponseError(f"{name}: the file is empty; expected a header row and one row per respondent.")
    best, best_score = None, 0.0
    for d in (";", ",", "\t", "|"):
        counts = [len(rec) for rec in csv.reader(lines, delimiter=d)]
        if not counts:
            continue
        common = max(set(counts), key=counts.count)
        if common < 2:
            continue
        share = counts.count(common) / len(counts)
        score = share * common
        if score > best_score:
            best, best_score = d, score
    if best is None:
        raise ResponseError(
            f"{name}: this does not look like a table (no ';', ',' or tab separating columns in the first rows); "
            "expected a CSV export with one column per question.")
    return best


class _Swallowed(Exception):
    pass


def _quote_reason(rn: int, line_no: int) -> str:
    return (f"row {rn} (line {line_no} of the file): a quote (\") in this row is never closed, or stands where CSV "
            "does not allow one, so its cells cannot be told apart and the row is not read. Remove the stray quote "
            "(or put the whole cell in quotes, doubling each quote inside it) and read the file again")


def _scan_records(text: str | bytes, delim: str) -> tuple[set, int] | None:
    r"""Field counts of every record and the number of records, or None when the strict path must decide.

    Vectorised over the file's bytes (``"``, the separator and line feeds are
    ASCII, so UTF-8 bytes are unambiguous). Lines between two lines with an odd
    number of quotes form one multi-line record. Every quote must stand where
    CSV allows one: the k-th quote of a record (from 0) opens a field when k is
    even (at the record's start, after a separator, or right after a quote:
    the second of a doubled ``""``) and closes it when k is odd (before a
    separator, the record's end, or a quote). A separator counts when an even
    number of the record's quotes stand before it. Anything else (a blank line,
    a stray quote) returns None, and :func:`parse_text` names the row.

    >>> _scan_records('a;b\n1;2\n"x\ny";"3;""4"\n', ";")
    ({2}, 3)
    >>> _scan_records('a;b\n\n1;2\n', ";") is None   # a blank line inside: the strict path names it
    True
    >>> _scan_records('a;b\n1"x;2\n', ";") is None   # a stray quote
    True
    """
    import numpy as np

    data = text.encode("utf-8") if isinstance(text, str) else text
    buf = np.frombuffer(data, dtype=np.uint8)
    n = buf.size
    if n == 0:
        return None
    cr = np.flatnonzero(buf == 13)
    if cr.size and (cr[-1] == n - 1 or (buf[cr + 1] != 10).any()):
        return None  # a lone CR line ending: the strict path names it
    starts = np.concatenate(([0], np.flatnonzero(buf == 10) + 1))
    if starts[-1] == n:
        starts = starts[:-1]  # the text ends with a line feed: no empty last line
    if starts.size == 0:
        return None
    ends = np.append(starts[1:] - 1, n if buf[-1] != 10 else n - 1)
    qpos = np.flatnonzero(buf == 34)
    spos = np.flatnonzero(buf == ord(delim))
    q_line = np.searchsorted(starts, qpos, side="right") - 1
    quotes = np.bincount(q_line, minlength=starts.size)
    length = ends - starts
    blank = (length == 0) | ((length == 1) & (buf[np.minimum(starts, n - 1)] == 13))
    odd = np.flatnonzero(quotes % 2)
    if odd.size % 2:
        return None
    opens, closes = odd[::2], odd[1::2]
    mark = np.zeros(starts.size + 1, dtype=np.int64)
    mark[opens] += 1
    mark[closes + 1] -= 1
    inside = np.cumsum(mark)[:-1] > 0          # lines of a multi-line record
    continued = inside.copy()
    continued[opens] = False                   # ... but its first line starts the record
    if (blank & ~inside).any():
        return None
    rec_of_line = np.cumsum(~continued) - 1
    rec_start = starts[~continued]
    n_records = int(rec_start.size)
    if qpos.size:
        q_rec = rec_of_line[q_line]
        k = np.arange(qpos.size) - np.searchsorted(qpos, rec_start)[q_rec]
        prev = buf[np.maximum(qpos - 1, 0)]
        nxt = buf[np.minimum(qpos + 1, n - 1)]
        nxt2 = buf[np.minimum(qpos + 2, n - 1)]
        at_start = qpos == rec_start[q_rec]
        opener_ok = at_start | (prev == ord(delim)) | ((prev == 34) & ~at_start)
        at_end = (qpos == n - 1) | (nxt == 10) | ((nxt == 13) & ((qpos + 2 >= n) | (nxt2 == 10)))
        closer_ok = (nxt == ord(delim)) | (nxt == 34) & (qpos + 1 < n) | at_end
        if not np.where(k % 2 == 0, opener_ok, closer_ok).all():
            return None
    # separators per record, less those inside a quoted field (between its opening and closing quote)
    in_record = np.diff(np.searchsorted(spos, np.append(rec_start, n)))
    if qpos.size:
        o, c = qpos[k % 2 == 0], qpos[k % 2 == 1]
        in_quotes = np.searchsorted(spos, c) - np.searchsorted(spos, o)
        in_record = in_record - np.bincount(q_rec[k % 2 == 0], weights=in_quotes, minlength=n_records).astype(np.int64)
    fields = in_record + 1
    return set(np.unique(fields).tolist()), n_records


def fast_frame(text: str, delim: str, raw: bytes | None = None, encoding: str | None = None):
    """All records as a text DataFrame via pandas' C parser, or None when the file needs the strict path.

    pandas pads short rows and forgives stray quotes, so it is used only after
    every record is checked: a line without quotes has ``count(delim) + 1``
    fields; records with quotes (a multi-line one found by quote parity) are
    parsed together, strictly, with :mod:`csv`. Any record of another width, a
    blank line, a stray quote or a lone CR line ending sends the file to
    :func:`parse_text`, which names each damaged row.
    """
    import pandas as pd

    if raw is not None and encoding in ("utf-8", "utf-8-sig"):
        scan = _scan_records(raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw, delim)
    else:
        scan = _scan_records(text, delim)
    if scan is None:
        return None
    widths, n_records = scan
    if len(widths) != 1:
        return None
    k = widths.pop()
    if k < 2:
        return None
    try:
        if raw is not None and encoding in ("utf-8", "utf-8-sig"):
            src = io.BytesIO(raw)
        else:
            src, encoding = io.StringIO(text), None
        df = pd.read_csv(src, sep=delim, header=None, dtype=object, keep_default_na=False, na_filter=False,
                         skip_blank_lines=False, engine="c", encoding=encoding)
    except Exception:
        return None
    if df.shape != (n_records, k):
        return None
    return df


def parse_text(text: str, delim: str, name: str) -> tuple[list[list[str]], list[int], list[Damage], bool]:
    """Records, their row numbers, damaged rows and whether the file ends mid-row.

    Row numbers count records (a quoted cell may span lines), the way a
    spreadsheet numbers the rows of the file.

    >>> rows, nums, bad, cut = parse_text('a;b\\n1;"x\\n2;y\\n', ";", "f.csv")
    >>> rows, nums, [d.row for d in bad], cut
    ([['a', 'b'], ['2', 'y']], [1, 3], [2], False)
    """
    ends_mid = bool(text) and not text.endswith(("\n", "\r"))
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True))
        k = Counter(map(len, rows)).most_common(1)[0][0] if rows else 0
        if not any(len(r) != k and any("\n" in c or "\r" in c for c in r) for r in rows):
            return rows, list(range(1, len(rows) + 1)), [], ends_mid
    except csv.Error:
        pass
    # slow path, only for damaged files: record by record, restarting after a bad quote
    lines = list(io.StringIO(text, newline=""))
    sample = list(csv.reader(lines[:50], delimiter=delim))
    k = Counter(map(len, sample)).most_common(1)[0][0] if sample else 0
    rows, nums, damaged = [], [], []
    start, rn = 0, 0
    while start < len(lines):
        reader = csv.reader(iter(lines[start:]), delimiter=delim, strict=True)
        prev = 0
        try:
            for rec in reader:
                if reader.line_num - prev > 1 and len(rec) != k:
                    raise _Swallowed
                rn += 1
                rows.append(rec)
                nums.append(rn)
                prev = reader.line_num
            break
        except (csv.Error, _Swallowed):
            rn += 1
            bad = start + prev
            if ends_mid and bad == len(lines) - 1:
                reason = (f"row {rn} is cut off: the file ends inside this row (in a quoted cell). The export or "
                          "download was interrupted; export the file again")
            else:
                reason = _quote_reason(rn, bad + 1)
            damaged.append(Damage(rn, reason, lines[bad].rstrip("\r\n")))
            start = bad + 1
    return rows, nums, damaged, ends_mid


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if hasattr(v, "isoformat"):
        return v.isoformat(sep=" ") if hasattr(v, "hour") else v.isoformat()
    return str(v)


def _load_excel(p: Path, name: str, sheet: str | None) -> Grid:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds
        raise ResponseError(f"{name}: could not read as an Excel workbook ({exc.__class__.__name__}: {exc}); "
                            "the file may be damaged or not a workbook. Save it again from Excel as .xlsx.") from None
    try:
        sheets = {}
        for ws in wb.worksheets:
            rows = [[_cell(v) for v in r] for r in ws.iter_rows(values_only=True)]
            while rows and not any(c.strip() for c in rows[-1]):
                rows.pop()
            sheets[ws.title] = rows
    finally:
        wb.close()
    if sheet is not None:
        if sheet not in sheets:
            raise ResponseError(f"{name}: no sheet called {sheet!r}; the workbook has {', '.join(map(repr, sheets))}.")
        chosen = sheet
    else:
        named = [s for s in sheets if s.strip().casefold() in SHEET_NAMES and sheets[s]]
        if named:
            chosen = named[0]
        else:
            filled = {s: sum(1 for r in rows for c in r if c.strip()) for s, rows in sheets.items()}
            chosen = max(filled, key=filled.get) if filled else None
    rows = sheets.get(chosen) or []
    if not any(any(c.strip() for c in r) for r in rows):
        raise ResponseError(f"{name}: the workbook has no filled cells; expected a header row and one row per respondent.")
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    # trailing empty columns (formatting only) are not columns
    while width and all(not r[width - 1].strip() for r in rows):
        width -= 1
    rows = [r[:width] for r in rows]
    info = {"format": "xlsx", "sheet": chosen, "sheets": list(sheets)}
    return Grid(name, rows, list(range(1, len(rows) + 1)), info)


def _load_sav(p: Path, name: str) -> Grid:
    import pyreadstat

    try:
        df, meta = pyreadstat.read_sav(str(p), apply_value_formats=False)
    except Exception as exc:
        raise ResponseError(f"{name}: could not read as an SPSS .sav file ({exc}); the file may be damaged. "
                            "Save it again from SPSS.") from None
    cols = [str(c) for c in df.columns]
    body = [[_cell(v) if v == v else "" for v in rec] for rec in df.itertuples(index=False, name=None)]
    labels = {c: str(lab) for c, lab in zip(meta.column_names, meta.column_labels) if lab}
    vlabels = {}
    for var, lab in (meta.variable_value_labels or {}).items():
        vlabels[str(var)] = {_cell(float(k)) if isinstance(k, (int, float)) else str(k): str(v) for k, v in lab.items()}
    info = {"format": "sav"}
    return Grid(name, [cols] + body, list(range(1, len(body) + 2)), info,
                column_labels=labels, value_labels=vlabels)


def load_grid(path: str | Path, *, sheet: str | None = None) -> Grid:
    """Read any supported file into a :class:`Grid` (no header chosen yet)."""
    p = Path(path)
    name = p.name
    if not p.exists():
        raise ResponseError(f"{path}: file not found.")
    if p.is_dir():
        raise ResponseError(f"{path}: is a folder; expected a CSV, XLSX or SAV file.")
    if p.stat().st_size == 0:
        raise ResponseError(f"{name}: the file is empty (0 bytes); expected a header row and one row per respondent. "
                            "Export the responses again.")
    suffix = p.suffix.lower()
    if suffix in _EXCEL:
        return _load_excel(p, name, sheet)
    if suffix == ".xls":
        raise ResponseError(f"{name}: old Excel 97-2003 (.xls) workbooks are not read; open it in Excel and save "
                            "it as .xlsx (Excel workbook) or CSV UTF-8.")
    if suffix in (".sav", ".zsav"):
        return _load_sav(p, name)
    raw = p.read_bytes()
    if raw[:4] == b"PK\x03\x04":
        try:
            return _load_excel(p, name, sheet)
        except ResponseError:
            pass
    _refuse_non_table(raw, None, name)
    text, enc = decode(raw, name)
    if not text.strip("\ufeff \t\r\n"):
        raise ResponseError(f"{name}: the file is empty (only blank lines); expected a header row and one row per "
                            "respondent. Export the responses again.")
    _refuse_non_table(raw, text, name)
    delim = sniff_delimiter(text, name)
    info = {"format": "tsv" if delim == "\t" else "csv", "encoding": enc, "delimiter": delim}
    if enc.startswith("utf-16") and delim == "\t":
        info["format"] = "excel_unicode_text"
    frame = fast_frame(text, delim, raw, enc)
    if frame is not None:
        head = frame.iloc[:60].to_numpy().tolist()
        return Grid(name, head, list(range(1, len(frame) + 1)), info, frame=frame)
    rows, nums, damaged, ends_mid = parse_text(text, delim, name)
    return Grid(name, rows, nums, info, damaged=damaged, ends_mid_row=ends_mid)


_WS = re.compile(r"\s+")
