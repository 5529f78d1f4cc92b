"""Names a user supplies (municipality, round label, unit, role) never become live HTML or markdown.

Every report is run in-process with hostile names; every markdown block, heading and Box body is rendered
with mistune (as the notebook export renders markdown) and every table through :func:`table_html`, then
parsed with :mod:`html.parser`: no ``<script>``, ``<img>``, ``<svg>``, ``<iframe>`` element, no ``on*``
attribute, no ``href``/``src`` a payload put there (``javascript:`` or ``http``).
"""

from __future__ import annotations

from html.parser import HTMLParser

import mistune
import pandas as pd
import pytest

from evaluation.reports import open_report
from evaluation.reports.base import Box, Table, box_html, table_html

from conftest import SAMPLES

PAYLOADS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
            "![x](http://evil/x.png)", "**bold**", "<svg onload=alert(1)>"]
BENCH_GROUP = "<img src=x onerror=alert(7)>[g](javascript:alert(8))"
BAD_TAGS = {"script", "img", "svg", "iframe", "object", "embed", "strong", "b", "a"}


class _Finder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in BAD_TAGS:
            self.found.append(f"<{tag}>")
        for k, v in attrs:
            if k.lower().startswith("on"):
                self.found.append(f"{tag}@{k}")
            if k.lower() in ("href", "src") and v and v.strip().lower().startswith(("javascript:", "http")):
                self.found.append(f"{tag}@{k}={v}")

    handle_startendtag = handle_starttag


def _live(html_text: str) -> list[str]:
    f = _Finder()
    f.feed(html_text)
    f.close()
    return f.found


def _rendered(report) -> list[tuple[str, str, str]]:
    """(section, what, html) for every heading, markdown block, Box and Table of the report."""
    out = []
    for sid in report.section_ids:
        sec = report.section(sid)
        if sec is None:
            continue
        if sec.heading:
            out.append((sid, "heading", mistune.html(f"{'#' * sec.level} {sec.heading}")))
        for block in sec.blocks:
            if isinstance(block, str):
                out.append((sid, block[:120], mistune.html(block)))
            elif isinstance(block, Box):
                out.append((sid, "box " + block.body[:100], box_html(block)))
            elif isinstance(block, Table):
                out.append((sid, "table " + block.name, table_html(block)))
    return out


def _assert_inert(report):
    leaks = []
    for sid, what, h in _rendered(report):
        # the reports' own markup is allowed to use <strong>/<b>; only payload-made elements are leaks
        found = [x for x in _live(h) if not (x in ("<strong>", "<b>") and "bold" not in h)]
        found = [x for x in found if x not in ("<strong>", "<b>") or _bold_from_payload(h)]
        if found:
            at = [h[max(0, i - 80):i + 60] for i in _positions(h, ("<img", "<script", "<svg", "<a ", "<strong>bold"))]
            leaks.append((sid, what[:40], found, at))
    assert not leaks, leaks


def _positions(h: str, needles) -> list[int]:
    return [i for n in needles for i in range(len(h)) if h.startswith(n, i)]


def _bold_from_payload(h: str) -> bool:
    return "<strong>bold</strong>" in h or "<b>bold</b>" in h


def _hostile_csv(src, dst, columns):
    df = pd.read_csv(src, dtype=str, keep_default_na=False)
    for col in columns:
        values = list(df[col].value_counts().index)
        for v, bad in zip(values, PAYLOADS * 3):
            df.loc[df[col] == v, col] = f"{bad} {v[:3]}" if values.index(v) >= len(PAYLOADS) else bad
    df.to_csv(dst, index=False)
    return dst


@pytest.fixture(scope="module")
def tmp(tmp_path_factory):
    return tmp_path_factory.mktemp("hostile")


@pytest.fixture(scope="module", params=["sv", "en"])
def round_report(request, tmp):
    p = _hostile_csv(SAMPLES / "solvik_2025.csv", tmp / f"round_{request.param}.csv", ["unit", "role"])
    prev = _hostile_csv(SAMPLES / "solvik_2024.csv", tmp / f"prev_{request.param}.csv", ["unit", "role", "round", "instrument_version"])
    bench = pd.read_csv(SAMPLES / "benchmark_2025.csv", dtype=str, keep_default_na=False)
    group = bench["group"].value_counts().index[0]
    bench.loc[bench["group"] == group, "group"] = BENCH_GROUP
    bench.to_csv(tmp / f"bench_{request.param}.csv", index=False)
    return open_report("round", responses=str(p), instrument="dual_maturity", municipality=PAYLOADS[1] + PAYLOADS[2],
                       round_label=PAYLOADS[0] + PAYLOADS[3] + PAYLOADS[4], previous_responses=str(prev),
                       benchmark=str(tmp / f"bench_{request.param}.csv"), municipality_group=BENCH_GROUP,
                       language=request.param, output_dir=str(tmp / f"out_{request.param}"))


def test_round_report_is_inert(round_report):
    _assert_inert(round_report)


@pytest.fixture(scope="module")
def workshop_report(tmp):
    b = _hostile_csv(SAMPLES / "workshop_before.csv", tmp / "wb.csv", ["unit", "role"])
    a = _hostile_csv(SAMPLES / "workshop_after.csv", tmp / "wa.csv", ["unit", "role"])
    return open_report("workshop", before=str(b), after=str(a), instrument="workshop_followup",
                       group_column="took_part", cluster_column="unit", output_dir=str(tmp / "wout"))


def test_workshop_report_is_inert(workshop_report):
    _assert_inert(workshop_report)


@pytest.fixture(scope="module")
def psychometrics_report(tmp):
    p = _hostile_csv(SAMPLES / "solvik_2025.csv", tmp / "psy.csv", ["unit", "role"])
    return open_report("psychometrics", responses=str(p), instrument="dual_maturity", group_column="role",
                       n_boot=50, output_dir=str(tmp / "pout"))


def test_psychometrics_report_is_inert(psychometrics_report):
    _assert_inert(psychometrics_report)


def test_the_finder_sees_a_leak():
    """The checker itself: raw payloads rendered as markdown are caught."""
    for bad in PAYLOADS[:4] + PAYLOADS[5:]:
        assert _live(mistune.html(bad)), bad
