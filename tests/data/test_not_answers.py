"""Rows the survey tool marks as the owner's preview, test or spam are rejected, named and counted.

Qualtrics writes them into the same export as the answers (``Status`` = ``Survey Preview``,
``Survey Test``, ``Spam``; numeric ``1``, ``2``, ``8``; ``DistributionChannel`` = ``preview``/``test``).
Counted as respondents, a strategist's three test clicks would be three "staff" in a unit.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from evaluation.data.responses import read_responses

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "exports"


def _with_status(src: str, changes: dict[int, dict[str, str]], dst: Path) -> Path:
    """``src`` (3 header rows) with some data rows' Status / DistributionChannel changed."""
    text = (FIX / src).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    head = rows[0]
    for k, cols in changes.items():
        for col, value in cols.items():
            rows[3 + k][head.index(col)] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    dst.write_text(buf.getvalue(), encoding="utf-8-sig")
    if (FIX / f"{src}.mapping.yaml").exists():
        (dst.parent / f"{dst.name}.mapping.yaml").write_text(
            (FIX / f"{src}.mapping.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return dst


@pytest.mark.parametrize("src,preview,test,spam", [
    ("qualtrics_text.csv", "Survey Preview", "Survey Test", "Spam"),
    ("qualtrics_numeric.csv", "1", "2", "8"),
])
def test_qualtrics_previews_tests_and_spam_are_rejected_with_their_reason(tmp_path, src, preview, test, spam):
    base = read_responses(FIX / src, "dual_maturity")
    changes = {0: {"Status": preview}, 2: {"Status": test}, 4: {"Status": spam},
               6: {"DistributionChannel": "preview"}}
    rs = read_responses(_with_status(src, changes, tmp_path / src), "dual_maturity")
    assert rs.n_rows_in == base.n_rows_in
    assert rs.n_accepted == base.n_accepted - 4
    assert rs.n_accepted + len(rs.rejected) == rs.n_rows_in
    new = rs.rejected[~rs.rejected["row"].isin(base.rejected["row"])]
    reasons = " | ".join(new["reason"])
    assert len(new) == 4, reasons
    for what in ("a survey preview", "a survey test", "marked as spam", "'DistributionChannel'"):
        assert what in reasons
    assert all("not a respondent's answer" in r for r in new["reason"])


def test_real_responses_and_unfinished_ones_are_kept(tmp_path):
    """``IP Address``/``0``, ``Imported`` and an unfinished response (``Finished`` False) are answers."""
    src = "qualtrics_text.csv"
    base = read_responses(FIX / src, "dual_maturity")
    rs = read_responses(_with_status(src, {0: {"Status": "Imported"}, 1: {"Finished": "False", "Progress": "57"}},
                                     tmp_path / src), "dual_maturity")
    assert rs.n_accepted == base.n_accepted
