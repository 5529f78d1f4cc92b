"""How many cells each report hides, and why (issue 17's measure of information loss).

For each report kind, run on the samples in ``data_samples/`` and on a planted
data set with small groups (units of 1-4, roles of 2 and 4, a treated arm of 3),
this prints:

* per table: cells published, cells hidden by the gate (primary: fewer than
  ``min_group_size`` respondents behind the value; ``n_unknown``: no count);
* for the round report's unit and role tables: groups hidden because they are
  small (primary) and groups hidden although they are large enough
  (complementary: without them the hidden rest would pool fewer than
  ``min_group_size`` respondents and be the total minus the shown groups).

"Before" is what the kit published before the gate was enforced (every table
cell shown, only direct small groups hidden); "after" is today. Run::

    PYTHONPATH=src .venv/bin/python tools/hidden_cells.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data_samples"
K = 5


def _tables(rep) -> dict:
    from evaluation.reports.base import Table

    out = {}
    for sid in rep.section_ids:
        sec = rep.section(sid)
        for b in (sec.blocks if sec is not None else ()):
            if isinstance(b, Table) and b.published is not None:
                out[b.name] = b.published
    return out


def _table_rows(kind: str, data: str, rep) -> list[dict]:
    rows = []
    for name, pub in _tables(rep).items():
        reasons = pub.hidden["reason"].value_counts() if len(pub.hidden) else pd.Series(dtype=int)
        rows.append({"report": kind, "data": data, "table": name, "cells": int(pub.frame.size),
                     "hidden_before": 0, "hidden_after": pub.n_hidden,
                     "primary": int(reasons.get("primary_n_below_min", 0)),
                     "n_unknown": int(reasons.get("n_unknown", 0))})
    return rows


def _group_rows(data: str, results: dict, csv: Path) -> list[dict]:
    """Hidden unit and role rows; sizes from the data itself (a hidden row publishes no n)."""
    raw = pd.read_csv(csv, dtype=str, keep_default_na=False)
    rows = []
    for by, column in (("units", "unit"), ("roles", "role")):
        groups = results["sections"].get(by) or []
        size = raw[column].value_counts()
        hidden = [g["group"] for g in groups if g["suppressed"]]
        small = [h for h in hidden if size.get(h, 0) < K]
        large = [h for h in hidden if size.get(h, 0) >= K]
        pooled = int(sum(size.get(h, 0) for h in small))
        why = (f"the small ones pool {pooled} < {K}: the total minus the shown groups would give them away"
               if large else "")
        rows.append({"report": "round", "data": data, "table": by, "groups": len(groups),
                     "hidden_before": len(small), "hidden_after": len(hidden),
                     "small": ", ".join(f"{h} ({size.get(h, 0)})" for h in small),
                     "complementary": ", ".join(f"{h} ({size[h]})" for h in large), "why": why})
    return rows


def _round(tmp: Path, csv: Path, data: str, **kw):
    from evaluation.reports.base import open_report

    rep = open_report("round", responses=str(csv), instrument="dual_maturity", municipality="X", round_label="2025",
                      output_dir=str(tmp / f"round_{data}"), **kw)
    return rep


def main() -> int:
    sys.path.insert(0, str(ROOT / "tests"))
    sys.path.insert(0, str(ROOT / "tests" / "privacy"))
    from evaluation.reports.base import open_report
    from test_attack_reports import _workshop_files, planted_round

    tmp = Path(tempfile.mkdtemp(prefix="hidden_cells_"))
    tables, groups = [], []
    # round: the sample with its previous round, then planted small units and roles
    rep = _round(tmp, SAMPLES / "solvik_2025.csv", "sample", previous_responses=str(SAMPLES / "solvik_2024.csv"))
    tables += _table_rows("round", "sample", rep)
    groups += _group_rows("sample", rep.results(), SAMPLES / "solvik_2025.csv")
    planted = tmp / "planted.csv"
    prev = tmp / "planted_prev.csv"
    planted_round().to_csv(planted, index=False)
    planted_round(seed=7).to_csv(prev, index=False)
    rep = _round(tmp, planted, "planted", previous_responses=str(prev))
    tables += _table_rows("round", "planted", rep)
    groups += _group_rows("planted", rep.results(), planted)
    # one unit of 3 beside units of 6, 15 and 20: the 3 alone would be the total minus the shown units
    comp = tmp / "planted_complement.csv"
    planted_round(sizes={"Enhet A": 3, "Enhet B": 20, "Enhet C": 6, "Enhet D": 15}).to_csv(comp, index=False)
    rep = _round(tmp, comp, "complement")
    tables += _table_rows("round", "complement", rep)
    groups += _group_rows("complement", rep.results(), comp)
    # workshop: the sample, then a treated arm of 3
    for data, plant in (("sample", {}), ("planted", {"treated": 3, "feedback": 2})):
        d = tmp / f"ws_{data}"
        d.mkdir()
        files = _workshop_files(d, **plant)
        rep = open_report("workshop", **files, instrument="workshop_followup", group_column="took_part",
                          cluster_column="unit", output_dir=str(d / "out"))
        tables += _table_rows("workshop", data, rep)
    # psychometrics: the sample, then a role of 3
    rep = open_report("psychometrics", responses=str(SAMPLES / "solvik_2025.csv"), instrument="dual_maturity",
                      group_column="role", n_boot=50, output_dir=str(tmp / "psy_sample"))
    tables += _table_rows("psychometrics", "sample", rep)
    df = pd.read_csv(SAMPLES / "solvik_2025.csv", dtype=str, keep_default_na=False)
    df.loc[df.index[:3], "role"] = "Utvecklare-3"
    df.to_csv(tmp / "psy_planted.csv", index=False)
    rep = open_report("psychometrics", responses=str(tmp / "psy_planted.csv"), instrument="dual_maturity",
                      group_column="role", n_boot=50, output_dir=str(tmp / "psy_planted"))
    tables += _table_rows("psychometrics", "planted", rep)
    # comparison: the paired samples, then a retest of 4 pairs
    read = lambda f: pd.read_csv(SAMPLES / f, dtype=str, keep_default_na=False)  # noqa: E731
    for data, n_retest in (("sample", None), ("planted", 4)):
        d = tmp / f"cmp_{data}"
        d.mkdir()
        files = {"responses_a": read("paired_dual_maturity.csv"), "responses_b": read("paired_public_dma.csv"),
                 "retest_a": read("paired_dual_maturity_retest.csv"), "retest_b": read("paired_public_dma_retest.csv")}
        if n_retest:
            files["retest_a"] = files["retest_a"].head(n_retest)
        for name, frame in files.items():
            frame.to_csv(d / f"{name}.csv", index=False)
        rep = open_report("comparison", **{k: str(d / f"{k}.csv") for k in files}, instrument_a="dual_maturity",
                          instrument_b="public_dma", output_dir=str(d / "out"))
        tables += _table_rows("comparison", data, rep)
    t = pd.DataFrame(tables)
    g = pd.DataFrame(groups)
    pd.set_option("display.width", 200)
    pd.set_option("display.max_colwidth", 90)
    print("## Table cells hidden by the gate (before: the gate not enforced, every cell shown)\n")
    print(t.to_string(index=False))
    print("\n## Totals per report and data set\n")
    print(t.groupby(["report", "data"])[["cells", "hidden_before", "hidden_after", "primary", "n_unknown"]]
          .sum().to_string())
    print("\n## Round report: groups hidden (before: primary only; after: primary + complementary)\n")
    print(g.to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
