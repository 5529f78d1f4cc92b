"""The vectorised record scan of the fast CSV path against the line-by-line rules it replaced.

It may send more files to the strict path (a quote where CSV allows none, such as ``ab"c``,
which Python's csv reads as a literal), never fewer, and agrees exactly whenever it takes a
file; whatever :mod:`csv` writes, it takes.
"""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.data.readers.files import _scan_records


def _reference(text: str, delim: str):
    """The line-by-line rules (the 0.2 pre-release code): field counts per record, or None."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines:
        return None
    quotes = [ln.count('"') for ln in lines]
    odd = [i for i, q in enumerate(quotes) if q % 2]
    if len(odd) % 2:
        return None
    consumed = [False] * len(lines)
    quoted = []
    for o, c in zip(odd[::2], odd[1::2]):
        quoted.append("\n".join(lines[o:c + 1]))
        for i in range(o, c + 1):
            consumed[i] = True
    widths = set()
    for i, ln in enumerate(lines):
        if consumed[i]:
            continue
        if quotes[i]:
            quoted.append(ln)
        elif not ln or ln == "\r":
            return None
        else:
            widths.add(ln.count(delim) + 1)
    if quoted:
        try:
            recs = list(csv.reader(io.StringIO("\n".join(q.rstrip("\r") for q in quoted), newline=""),
                                   delimiter=delim, strict=True))
        except csv.Error:
            return None
        if len(recs) != len(quoted):
            return None
        widths.update(len(r) for r in recs)
    return widths, len(lines) - sum(consumed) + len(odd) // 2


PIECES = st.sampled_from(["a", "1", ";", ",", '"', "\n", "\r\n", "x y", "å", '""', "\t"])


@settings(max_examples=3000, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join), st.sampled_from([";", ",", "\t"]))
def test_scan_never_more_lenient_than_line_by_line_rules(text, delim):
    if text.count("\r") != text.count("\r\n"):
        return  # refused before the scan (lone CR)
    ours, ref = _scan_records(text, delim), _reference(text, delim)
    if '"' not in text:
        assert ours == ref
    else:
        assert ours is None or ours == ref


FIELD = st.text(alphabet=st.sampled_from(list('ab ;,"\n\t1å')), max_size=8)


@settings(max_examples=1500, deadline=None)
@given(st.integers(2, 5).flatmap(lambda k: st.lists(st.lists(FIELD, min_size=k, max_size=k), min_size=1, max_size=12)),
       st.sampled_from([";", ",", "\t"]), st.sampled_from(["\n", "\r\n"]))
def test_scan_takes_whatever_csv_writes(rows, delim, eol):
    rows = [r for r in rows if any(c != "" for c in r) or len(r) > 1]
    buf = io.StringIO()
    csv.writer(buf, delimiter=delim, lineterminator=eol).writerows(rows)
    text = buf.getvalue()
    ours = _scan_records(text, delim)
    assert ours == _reference(text, delim)
    assert ours == ({len(rows[0])}, len(rows))
