"""User strings in the round report's headings and text are inert (no markup reaches the HTML)."""

from __future__ import annotations

import re

import pandas as pd

from evaluation.reports.base import Table, open_report

from conftest import SAMPLES

PAYLOADS = ['<script>alert(1)</script>', '<img src=x onerror=alert(2)>', '"><b onmouseover=alert(3)>x</b>']
RAW = re.compile(r"<script|<img|<b\b", re.I)  # a raw tag; escaped text (&lt;…) is inert


def test_round_sections_carry_no_raw_markup_from_names(tmp_path):
    df = pd.read_csv(SAMPLES / "solvik_2025.csv", dtype=str, keep_default_na=False)
    units = list(df["unit"].value_counts().index)
    for u, bad in zip(units, PAYLOADS):
        df.loc[df["unit"] == u, "unit"] = bad
    p = tmp_path / "x.csv"
    df.to_csv(p, index=False)
    rep = open_report("round", responses=str(p), instrument="dual_maturity", municipality=PAYLOADS[2],
                      round_label=PAYLOADS[0], output_dir=str(tmp_path / "out"))
    for sid in rep.section_ids:
        sec = rep.section(sid)
        if sec is None:
            continue
        assert not RAW.search(sec.heading), (sid, sec.heading)
        for block in sec.blocks:
            if isinstance(block, str):
                assert not RAW.search(block), (sid, block[:200])
            elif isinstance(block, Table):
                from evaluation.reports.base import table_html

                assert not RAW.search(table_html(block)), sid
